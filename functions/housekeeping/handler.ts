import { FUNCTIONS } from '../../shared/contract/functions';
import { createLogger } from '../../shared/adapters/wiring';
import { sendingDeps } from '../../shared/adapters/wiring-email';
import { cachedTokenSigner } from '../../shared/adapters/token-key';
import { loadFunctionConfig } from '../../shared/contract/function-config';
import { housekeeping } from '../../shared/flows/housekeeping/housekeeping';

const config = loadFunctionConfig('housekeeping');
const logger = createLogger('housekeeping');
const signer = cachedTokenSigner();
const withoutSigner = {
  ...sendingDeps(config),
  reminderAfterDays: config.reminderAfterDays,
  retentionDays: config.retentionDays,
  timeZone: FUNCTIONS.digest.trigger.timeZone,
};

/** Hourly (EventBridge Scheduler; locally an interval timer): reminders and retention. */
export const handler = async () => {
  const result = await housekeeping({ ...withoutSigner, signer: await signer() });
  logger.info('Housekeeping done', { ...result });
  return result;
};
