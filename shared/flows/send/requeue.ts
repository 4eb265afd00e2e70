import type { DeliveryRow } from '../../core/delivery';
import type { DeliveryStore } from '../../core/ports';

export interface RequeueOptions {
  /** Also retry rows that failed (for example an address SES rejected, since corrected). */
  includeFailed: boolean;
  /** Only PENDING rows created at least this long ago count as stuck; newer ones are still on their way. */
  stuckAfterMs: number;
  now?: () => Date;
  onProgress?: (done: number, total: number) => void;
}

/**
 * After a stream record ran out of retries (say, while the sender address was not yet
 * verified), its row stays PENDING with nothing left to send it. This puts such rows,
 * and optionally FAILED ones, back in the queue. SENDING and SENT rows are never touched.
 */
export async function requeueDeliveries(deliveries: DeliveryStore, rows: DeliveryRow[], options: RequeueOptions) {
  const now = options.now ?? (() => new Date());
  const cutoff = now().getTime() - options.stuckAfterMs;
  const candidates = rows.filter(
    (row) =>
      // An erased person's rows hold no address: there is nobody to send them to. Digests are re-run, not re-queued.
      !row.erasedAt &&
      !row.personalDataRemovedAt &&
      // It may have reached SES: retrying it could send it twice. (See the sweeper.)
      !row.outcomeUnknown &&
      row.kind !== 'digest' &&
      ((row.status === 'PENDING' && Date.parse(row.createdAt) <= cutoff) || (options.includeFailed && row.status === 'FAILED')),
  );
  let requeued = 0;
  for (const [index, row] of candidates.entries()) {
    if (await deliveries.requeue(row, now())) requeued++;
    options.onProgress?.(index + 1, candidates.length);
  }
  return { candidates: candidates.length, requeued };
}
