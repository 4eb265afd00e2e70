/** How the sender shares the account's SES rate: instances, their pace, and the stream batch each takes. */

/**
 * The pace asked of one send-briefing instance before another is added. A chosen figure, not a
 * latency limit (25 parallel SES calls of ~100 ms could go faster): at 25/s a batch of 100 takes
 * about four seconds, well inside the 60 s timeout even with throttling back-offs.
 */
export const SENDS_PER_SECOND_PER_INSTANCE = 25;

/**
 * From the account's SES rate: how many send-briefing instances share it (SENDER_INSTANCES;
 * with -c reserveSendConcurrency=true also the function's reserved concurrency, so the bound
 * holds whatever the stream's shard count; without it, it holds on a one-shard stream), how
 * many batches of one shard run at once (Lambda allows 1–10), and each instance's pace.
 */
export function sendingPlan(maxSendRate: number) {
  const concurrency = Math.max(1, Math.ceil(maxSendRate / SENDS_PER_SECOND_PER_INSTANCE));
  const perInstanceRate = maxSendRate / concurrency;
  return {
    concurrency,
    parallelizationFactor: Math.min(10, concurrency),
    perInstanceRate,
    batchSize: sendBatchSize(perInstanceRate),
  };
}

/**
 * The sender's stream batch holds about SEND_BATCH_SECONDS of sending at its pace: between two
 * batches the sender is idle (the last SENT write, the next claim), so the fewer the boundaries,
 * the closer it runs to the quota. At most 100 (one claim transaction), at least 10; at 14/s, 56.
 */
export const SEND_BATCH_SECONDS = 4;
export const MAX_SEND_BATCH = 100;
export const sendBatchSize = (perInstanceRate: number) => Math.max(10, Math.min(MAX_SEND_BATCH, Math.round(perInstanceRate * SEND_BATCH_SECONDS)));
