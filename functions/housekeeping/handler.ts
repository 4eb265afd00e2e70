import { FUNCTIONS } from '../../shared/contract/definitions';
import { createLogger } from '../../shared/adapters/wiring';
import { ledgerMail } from '../../shared/adapters/wiring-email';
import { cachedTokenSigner } from '../../shared/adapters/token-key';
import { loadFunctionConfig } from '../../shared/contract/function-config';
import { housekeeping } from '../../shared/flows/housekeeping/housekeeping';

const config = loadFunctionConfig('housekeeping');
const logger = createLogger('housekeeping');
const signer = cachedTokenSigner();
const base = {
  ...ledgerMail(config),
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
