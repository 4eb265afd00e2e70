import { createLogger, stores } from '../../shared/adapters/wiring';
import { sendingDeps } from '../../shared/adapters/wiring-email';
import { cachedTokenSigner } from '../../shared/adapters/token-key';
import { loadFunctionConfig } from '../../shared/contract/function-config';
import { FUNCTIONS } from '../../shared/contract/functions';
import { runDigest } from '../../shared/flows/digest/digest';

const config = loadFunctionConfig('digest');
const logger = createLogger('digest');
const store = stores(config);
const signer = cachedTokenSigner();
const withoutSigner = {
  ...sendingDeps(config, { store }),
  findings: store.findings(),
  subscribers: store.subscribers(),
  timeZone: FUNCTIONS.digest.trigger.timeZone,
};

export class DigestIncompleteError extends Error {
  override readonly name = 'DigestIncompleteError';
}

/**
 * Invoked by EventBridge Scheduler (the event carries nothing we need); locally by a timer
 * or the CLI. Failed sends fail the invocation, so Lambda retries it (only those rows are
 * claimed again) and, after its retries, the dead-letter queue's alarm tells someone.
 */
export const handler = async () => {
  const summary = await runDigest({ ...withoutSigner, signer: await signer() });
  logger.info('Weekly digest run', { ...summary });
  if (summary.failed) throw new DigestIncompleteError(`${summary.failed} digest(s) failed in week ${summary.weekId}; their reasons are on the ledger rows.`);
  return summary;
};
