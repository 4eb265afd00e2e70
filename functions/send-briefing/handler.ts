import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { createLogger, stores } from '../../shared/adapters/aws';
import { ledgerMail } from '../../shared/adapters/aws-email';
import { SendError } from '../../shared/adapters/ses-mailer';
import { cachedTokenSigner } from '../../shared/adapters/token-key';
import { imagesOf } from '../../shared/adapters/stream-record';
import { loadFunctionConfig } from '../../shared/config';
import { deliveryRowSchema } from '../../shared/domain/delivery';
import { loggableLedgerId } from '../../shared/domain/loggable-id';
import { TokenBucket } from '../../shared/domain/token-bucket';
import { lookUpSuppressions, sendDelivery, type InvocationCache } from '../../shared/services/send-briefing';
import { sesSetupReporter } from '../../shared/services/ses-setup';

const config = loadFunctionConfig('send-briefing');
const logger = createLogger('send-briefing');
const signer = cachedTokenSigner();
// Its share of MAX_SEND_RATE, split over SENDER_INSTANCES senders (sendingPlan; locally one). Lambda runs at most
// that many at once only when their concurrency is reserved (-c reserveSendConcurrency=true); without it the
// deliveries stream's shards × parallelization factor bound them, which is the same only on a one-shard stream.
const rate = config.maxSendRate / config.senderInstances;
const base = {
  ...ledgerMail(config, { ratePerSecond: rate }),
  // Rows are claimed at twice the send rate: they wait their turn mostly unclaimed, yet far enough
  // ahead that a claim's latency never leaves the mailer idle. See sendDelivery.
  admission: new TokenBucket(rate * 2),
};
// An SES set-up problem (unverified identity, sending paused, AccessDenied…): logged for the alarm, the admin told once a day.
const setup = sesSetupReporter({
  mailer: base.mailer,
  from: config.senderAddress,
  adminAddress: config.adminAddress,
  limiter: stores(config).rateLimiter(),
  log: logger,
});
const processor = new BatchProcessor(EventType.DynamoDBStreams);

export const handler = async (event: DynamoDBStreamEvent, context: Context) => {
  const deps = { ...base, signer: await signer(), timeLeftMs: () => context.getRemainingTimeInMillis() };
  // Each record parsed once; one snapshot read per briefing and one batched suppression read for the whole batch.
  const parse = (record: DynamoDBRecord) => deliveryRowSchema.safeParse(imagesOf(record).newItem);
  const parsed = new Map(event.Records.map((record) => [record, parse(record)]));
  const keys = [...parsed.values()].flatMap((result) => (result.success ? [result.data.recipientKey] : []));
  const cache: InvocationCache = { briefings: new Map(), suppressions: await lookUpSuppressions(deps.suppressions, keys) };
  const recordHandler = async (record: DynamoDBRecord) => {
    const parsedRow = parsed.get(record) ?? parse(record);
    if (!parsedRow.success) throw parsedRow.error;
    const row = parsedRow.data;
    // The row's id begins with the finding id: logged only in the shape this code writes, with nothing the gate would catch.
    const deliveryId = loggableLedgerId(row.deliveryId);
    try {
      const result = await sendDelivery(deps, row, cache);
      if (result.outcome === 'cancelled') logger.info('Delivery cancelled: the finding was withdrawn', { deliveryId });
      else if (result.outcome === 'suppressed') logger.info('Delivery not sent: the address is suppressed', { deliveryId });
      else if (result.outcome === 'failed') logger.warn('Delivery failed; the reason is on its ledger row', { deliveryId });
      else logger.info(`Delivery ${result.outcome}`, { deliveryId });
    } catch (error) {
      // The error's name only: SES messages can quote the recipient's address.
      logger.error('Delivery will be retried', { deliveryId, error: (error as Error).name });
      const cause = (error as { cause?: unknown }).cause;
      if (cause instanceof SendError && cause.problem) {
        await setup.report(cause.problem, (cause.cause as { name?: string } | undefined)?.name ?? cause.name);
      }
      throw error;
    }
  };
  return processPartialResponse(event, recordHandler, processor, { context, throwOnFullBatchFailure: false });
};
