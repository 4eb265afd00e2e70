import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { createLogger, stores } from '../../shared/adapters/wiring';
import { sendingDeps } from '../../shared/adapters/wiring-email';
import { cachedTokenSigner } from '../../shared/adapters/token-key';
import { imagesOf } from '../../shared/adapters/stream-record';
import { loadFunctionConfig } from '../../shared/contract/function-config';
import { deliveryRowSchema } from '../../shared/core/delivery';
import { loggableLedgerId } from '../../shared/core/gate/loggable-id';
import { sendBatch, type InvocationCache } from '../../shared/flows/send/send-briefing';
import { sesSetupReporter } from '../../shared/flows/send/ses-setup';
import { SendError } from '../../shared/core/ses-errors';

const config = loadFunctionConfig('send-briefing');
const logger = createLogger('send-briefing');
const signer = cachedTokenSigner();
// Its share of MAX_SEND_RATE, split over SENDER_INSTANCES senders (sendingPlan; locally one). Lambda runs at most
// that many at once only when their concurrency is reserved (-c reserveSendConcurrency=true); without it the
// deliveries stream's shards × parallelization factor bound them, which is the same only on a one-shard stream.
const rate = config.maxSendRate / config.senderInstances;
const mailing = sendingDeps(config, { ratePerSecond: rate });
// An SES set-up problem (unverified identity, sending paused, AccessDenied…): logged for the alarm, the admin told once a day.
const setup = sesSetupReporter({
  mailer: mailing.mailer,
  from: config.senderAddress,
  adminAddress: config.adminAddress,
  limiter: stores(config).rateLimiter(),
  log: logger,
});
const processor = new BatchProcessor(EventType.DynamoDBStreams);

export const handler = async (event: DynamoDBStreamEvent, context: Context) => {
  const deps = { ...mailing, signer: await signer(), timeLeftMs: () => context.getRemainingTimeInMillis() };
  // Each record parsed once; the rows that parse are sent as one batch (one claim and one SENT
  // write for them all, sendBatch); a record that does not parse fails on its own.
  const parsed = new Map(event.Records.map((record) => [record, deliveryRowSchema.safeParse(imagesOf(record).newItem)] as const));
  const rows = [...parsed.values()].flatMap((row) => (row.success ? [row.data] : []));
  const cache: InvocationCache = { briefings: new Map() };
  const sending = sendBatch(deps, rows, cache);
  const recordHandler = async (record: DynamoDBRecord) => {
    const parsedRow = parsed.get(record)!;
    if (!parsedRow.success) throw parsedRow.error;
    // The row's id begins with the finding id: logged only in the shape this code writes, with nothing the gate would catch.
    const deliveryId = loggableLedgerId(parsedRow.data.deliveryId);
    const result = (await sending)[rows.indexOf(parsedRow.data)]!;
    if (result instanceof Error) {
      // The error's name only: SES messages can quote the recipient's address.
      logger.error('Delivery will be retried', { deliveryId, error: result.name });
      const cause = (result as { cause?: unknown }).cause;
      if (cause instanceof SendError && cause.problem) {
        await setup.report(cause.problem, (cause.cause as { name?: string } | undefined)?.name ?? cause.name);
      }
      throw result;
    }
    if (result.outcome === 'cancelled') logger.info('Delivery cancelled: the finding was withdrawn', { deliveryId });
    else if (result.outcome === 'suppressed') logger.info('Delivery not sent: the address is suppressed', { deliveryId });
    else if (result.outcome === 'failed') logger.warn('Delivery failed; the reason is on its ledger row', { deliveryId });
    else logger.info(`Delivery ${result.outcome}`, { deliveryId });
  };
  return processPartialResponse(event, recordHandler, processor, { context, throwOnFullBatchFailure: false });
};
