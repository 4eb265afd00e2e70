import { createLogger, stores } from '../../shared/adapters/wiring';
import { loadFunctionConfig } from '../../shared/contract/function-config';
import { sweep } from '../../shared/flows/housekeeping/sweeper';

const config = loadFunctionConfig('sweeper');
const logger = createLogger('sweeper');
const deliveries = stores(config).deliveries();

/** Every few minutes (EventBridge Scheduler; locally an interval timer): finish what crashes left behind. */
export const handler = async () => {
  const result = await sweep(deliveries, new Date());
  if (Object.values(result).some((n) => n > 0)) logger.warn('Swept stuck deliveries', { ...result });
  return result;
};
