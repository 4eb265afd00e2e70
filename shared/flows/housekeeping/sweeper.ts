import type { DeliveryRow } from '../../core/delivery';
import type { DeliveryStore } from '../../core/ports';

/**
 * Lost-work recovery. Delivery rows are state, so work a crash or an exhausted stream
 * record left behind can be found and finished:
 * - PENDING for longer than `pendingAfterMs` past its turn (`openSince`: the planner spaces
 *   a list's rows at the send rate, so rows still waiting behind a big list are not late):
 *   its stream record ran out of retries. It is re-queued; a stale record can never claim the new row.
 * - SENDING for longer than `sendingAfterMs`: the sender died after claiming it, maybe
 *   after SES accepted the message. It is re-queued ONCE. If it is left SENDING again it
 *   becomes FAILED with `outcomeUnknown`, and nothing retries it automatically. So a row
 *   can cause at most one duplicate email: the price of at-least-once delivery.
 * - Digest rows left SENDING become FAILED, so the next digest run retries them.
 */

export const SWEEP_LIMITS = {
  pendingAfterMs: 15 * 60_000,
  // Well past send-briefing's 60 s timeout: a row this old is not still being sent.
  sendingAfterMs: 10 * 60_000,
  // A digest run may last up to the function's 15 minutes.
  digestSendingAfterMs: 20 * 60_000,
  maxRedrivesOfSending: 1,
  rowsPerRun: 500,
} as const;

export const OUTCOME_UNKNOWN_REASON =
  'Left SENDING twice: SES may or may not have accepted it, so it is not retried automatically. Check the SES logs; retry it by hand only if it was not delivered.';

export interface SweepResult {
  requeuedPending: number;
  redrivenSending: number;
  outcomeUnknown: number;
  digestsFailed: number;
}

export type SweepLimits = { readonly [K in keyof typeof SWEEP_LIMITS]: number };

export async function sweep(deliveries: DeliveryStore, now: Date, limits: SweepLimits = SWEEP_LIMITS): Promise<SweepResult> {
  const result: SweepResult = { requeuedPending: 0, redrivenSending: 0, outcomeUnknown: 0, digestsFailed: 0 };
  const cutoff = (ms: number) => now.getTime() - ms;
  // PENDING: late for its turn (openSince). SENDING: taken that long ago (claimedAt), and past its turn too.
  const since = (row: DeliveryRow) =>
    Math.max(Date.parse(row.openSince ?? row.createdAt), row.status === 'SENDING' && row.claimedAt ? Date.parse(row.claimedAt) : -Infinity);
  const stuck = (row: DeliveryRow, afterMs: number) => since(row) < cutoff(afterMs);

  // Each status with its own cutoff and its own share of the run, so rows not yet late never crowd out stuck ones.
  const candidates = [
    ...(await deliveries.openRows('PENDING', new Date(cutoff(limits.pendingAfterMs)), limits.rowsPerRun / 2)),
    ...(await deliveries.openRows('SENDING', new Date(cutoff(Math.min(limits.sendingAfterMs, limits.digestSendingAfterMs))), limits.rowsPerRun / 2)),
  ];
  for (const row of candidates) {
    try {
      await sweepRow(deliveries, row, now, limits, stuck, result);
    } catch (error) {
      // The sender finished (or another sweep moved it) in the meantime: nothing left to do.
      if ((error as { name?: string }).name !== 'ConditionalCheckFailedException') throw error;
    }
  }
  return result;
}

async function sweepRow(
  deliveries: DeliveryStore,
  row: DeliveryRow,
  now: Date,
  limits: SweepLimits,
  stuck: (row: DeliveryRow, afterMs: number) => boolean,
  result: SweepResult,
) {
  if (row.status === 'PENDING' && stuck(row, limits.pendingAfterMs)) {
    if (await deliveries.requeue(row, now)) result.requeuedPending++;
  } else if (row.status === 'SENDING' && stuck(row, row.kind === 'digest' ? limits.digestSendingAfterMs : limits.sendingAfterMs)) {
    if (row.kind === 'digest') {
      await deliveries.markFailed(row.deliveryId, 'The digest run stopped before recording this send; the next digest run retries it.', now);
      result.digestsFailed++;
    } else if ((row.redrives ?? 0) < limits.maxRedrivesOfSending) {
      if (await deliveries.requeue(row, now)) result.redrivenSending++;
    } else {
      await deliveries.markFailed(row.deliveryId, OUTCOME_UNKNOWN_REASON, now, { outcomeUnknown: true });
      result.outcomeUnknown++;
    }
  }
}
