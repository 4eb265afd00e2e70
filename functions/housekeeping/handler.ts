import { FUNCTIONS } from '../../infra/definitions';
import { createLogger, emailing, stores } from '../../shared/adapters/aws';
import { cachedTokenSigner } from '../../shared/adapters/token-key';
import { loadFunctionConfig } from '../../shared/config';
import { housekeeping } from '../../shared/services/housekeeping';

const config = loadFunctionConfig('housekeeping');
const logger = createLogger('housekeeping');
const store = stores(config);
const signer = cachedTokenSigner();
const base = {
  briefings: store.briefings(),
  deliveries: store.deliveries(),
  suppressions: store.suppressions(),
  ...emailing(config),
  reminderAfterDays: config.reminderAfterDays,
  retentionDays: config.retentionDays,
  timeZone: FUNCTIONS.digest.trigger.timeZone,
};

/** Hourly (EventBridge Scheduler; locally an interval timer): reminders and retention. */
export const handler = async () => {
  const result = await housekeeping({ ...base, signer: await signer() });
  logger.info('Housekeeping done', { ...result });
  return result;
};
