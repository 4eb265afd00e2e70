import { briefingPagePath } from '../domain/pages';
import { renderBriefing, type BriefingIssue, type BriefingLinks, type RenderedBriefing } from '../domain/briefing';
import { renderCorrection, renderWithdrawal } from '../domain/corrections';
import { briefingIdOf, type DeliveryRow } from '../domain/delivery';
import { composeBriefingMime } from '../domain/mime';
import type { Briefing, LedgerMailDeps, Suppression, SuppressionStore } from '../domain/ports';
import { DELIVERY_ID_HEADER } from '../domain/ses-event';
import { recipientLinks } from '../domain/tokens';
import { followUpOf } from './withdraw';

export interface SendDeps extends LedgerMailDeps {
  /** Milliseconds left in this invocation (Lambda's getRemainingTimeInMillis). */
  timeLeftMs?: () => number;
}

/** A claimed row must reach SES and be recorded well inside the invocation: the SES call alone may take 10 s. */
export const TIME_NEEDED_TO_SEND_MS = 15_000;

export type SendOutcome =
  | { outcome: 'sent'; messageId: string }
  | { outcome: 'skipped'; reason: 'already-claimed' }
  | { outcome: 'suppressed' }
  | { outcome: 'cancelled' }
  | { outcome: 'failed'; reason: string };

export class TransientSendError extends Error {
  override readonly name = 'TransientSendError';
}

/** Is the failure worth a retry (throttling, a network fault) or final (a rejected address)? */
export type ErrorClassifier = (error: unknown) => { permanent: boolean; message: string };

const defaultClassifier: ErrorClassifier = (error) => ({
  permanent: Boolean((error as { permanent?: boolean }).permanent),
  message: error instanceof Error ? error.message : String(error),
});

/**
 * What one invocation reads once for all its rows: each briefing snapshot, and (when the
 * handler looked them up for the whole batch, one batched read) the suppressions of its rows.
 */
export interface InvocationCache {
  briefings: Map<string, Promise<Briefing | undefined>>;
  suppressions?: { checked: ReadonlySet<string>; found: ReadonlyMap<string, Suppression> };
}

/** Suppressions of every row in the batch, in one batched read instead of one read per row. */
export async function lookUpSuppressions(store: SuppressionStore, recipientKeys: readonly string[]): Promise<InvocationCache['suppressions']> {
  return { checked: new Set(recipientKeys), found: await store.suppressed(recipientKeys) };
}

/** One row's result: its outcome, or the error that sends its stream record back to be retried. */
export type RowResult = SendOutcome | Error;

/**
 * Sends a stream batch of deliveries, each at most once per claim, with three requests to the
 * ledger for the whole batch where it used to take two per row:
 * 1. one conditional claim of every row (PENDING → SENDING, a transaction): only one caller gets
 *    a row, so a replayed or duplicated record is harmless;
 * 2. each claimed row rendered and sent, paced by the mailer;
 * 3. one conditional write of every SENT (SENDING → SENT, a transaction), then one fresh read of
 *    each snapshot for the follow-ups.
 * A crash anywhere leaves rows SENDING (sent or not): the sweeper re-drives each once, so a person
 * gets at most one duplicate. A transient failure hands its row back (SENDING → PENDING) and is
 * that row's error, so the stream retries it; a permanent one records FAILED with the reason.
 */
export async function sendBatch(
  deps: SendDeps,
  rows: readonly DeliveryRow[],
  cache: InvocationCache = { briefings: new Map() },
  classify: ErrorClassifier = defaultClassifier,
): Promise<RowResult[]> {
  const now = deps.now ?? (() => new Date());
  const timeIsShort = () => Boolean(deps.timeLeftMs && deps.timeLeftMs() < TIME_NEEDED_TO_SEND_MS);
  // Too little of the invocation left: nothing is claimed, every row stays PENDING for the retry.
  if (timeIsShort()) return rows.map(() => new TransientSendError('Not enough time left in this invocation to send it; the stream retries this row.'));
  const claimed = await deps.deliveries.claimMany(rows, now());
  // A row twice in the batch (a duplicated record) is sent for its first copy only.
  const firstCopy = new Set<string>();
  const attempts = await Promise.all(
    rows.map(async (row): Promise<RowResult | { sent: string }> => {
      if (!claimed.has(row.deliveryId) || firstCopy.has(row.deliveryId)) {
        try {
          if (!firstCopy.has(row.deliveryId)) await followUpIfSentBefore(deps, row, cache.briefings, now());
          return { outcome: 'skipped', reason: 'already-claimed' };
        } catch (error) {
          return error as Error;
        }
      }
      firstCopy.add(row.deliveryId);
      try {
        return await sendClaimed(deps, row, cache, classify, timeIsShort);
      } catch (error) {
        return error as Error;
      }
    }),
  );

  const sent = attempts.flatMap((attempt, i) => ('sent' in attempt ? [{ i, row: rows[i]!, messageId: attempt.sent }] : []));
  let notMarked: Set<string> | Error = new Set();
  if (sent.length) {
    try {
      notMarked = await deps.deliveries.markSentMany(sent.map(({ row, messageId }) => ({ deliveryId: row.deliveryId, messageId })), now());
    } catch (error) {
      notMarked = error as Error;
    }
  }
  const results = attempts.map((attempt, i): RowResult => {
    if (!('sent' in attempt)) return attempt;
    if (notMarked instanceof Error) return notMarked;
    if (notMarked.has(rows[i]!.deliveryId)) return new TransientSendError(`Sent, but the row was no longer SENDING when SENT was written (message ${attempt.sent}).`);
    return { outcome: 'sent', messageId: attempt.sent };
  });
  const marked = sent.filter(({ i }) => !(results[i] instanceof Error));
  try {
    await followUpIfStopped(deps, marked.map(({ row }) => row), cache.briefings, now());
  } catch (error) {
    // SENT is recorded; the follow-up is found again when the record is retried (its claim is lost, followUpIfSentBefore).
    for (const { i } of marked) results[i] = error as Error;
  }
  return results;
}

/** One row, as sendBatch sends it: a single-row batch (the sweeper's re-drives, tests). Throws the row's error. */
export async function sendDelivery(
  deps: SendDeps,
  row: DeliveryRow,
  cache: InvocationCache = { briefings: new Map() },
  classify: ErrorClassifier = defaultClassifier,
): Promise<SendOutcome> {
  const [result] = await sendBatch(deps, [row], cache, classify);
  if (result instanceof Error) throw result;
  return result!;
}

/** A claimed row: checked, rendered and sent. `{ sent }` leaves the SENT write to the batch. */
async function sendClaimed(
  deps: SendDeps,
  row: DeliveryRow,
  cache: InvocationCache,
  classify: ErrorClassifier,
  timeIsShort: () => boolean,
): Promise<SendOutcome | { sent: string }> {
  const briefingCache = cache.briefings;
  const now = deps.now ?? (() => new Date());
  // Planning left suppressed people out, but someone may unsubscribe (or bounce) while their row waits:
  // checked again here, from the handler's one look-up for the whole batch as the invocation starts.
  const suppression = cache.suppressions?.checked.has(row.recipientKey)
    ? cache.suppressions.found.get(row.recipientKey)
    : await deps.suppressions.get(row.recipientKey);
  if (suppression) {
    await deps.deliveries.markFailed(row.deliveryId, `Not sent: the address is suppressed (${suppression.reason}, ${suppression.at}).`, now());
    return { outcome: 'suppressed' };
  }

  // Every kind renders from the snapshot of its finding version (a withdrawal notice from the last one sent).
  const snapshotId = briefingIdOf(row.findingId, row.version);
  let briefing: Briefing | undefined;
  try {
    if (!briefingCache.has(snapshotId)) briefingCache.set(snapshotId, deps.briefings.get(snapshotId));
    briefing = await briefingCache.get(snapshotId);
    if (!briefing) throw new Error(`briefing ${snapshotId} has no snapshot yet`);
  } catch (error) {
    // Planning writes the snapshot before any row, so a miss is a read problem: retry.
    briefingCache.delete(snapshotId);
    await deps.deliveries.release(row.deliveryId, 'could not read the briefing snapshot');
    throw new TransientSendError(`Could not read briefing ${snapshotId}`, { cause: error });
  }
  // Withdrawn, or replaced by a higher version, while this row waited: only a withdrawal notice still goes.
  if ((briefing.withdrawnAt || briefing.supersededAt) && row.kind !== 'withdrawal') {
    const reason = briefing.withdrawnAt ? 'The finding was withdrawn before this was sent.' : 'A newer version replaced this one before it was sent.';
    // This cancel settles the row, so the sender hands the person on (the newer version), and first:
    // a crash in between leaves the row SENDING, and its re-drive finds the hand-over written already.
    const next = followUpOf(row, briefing, false, now());
    if (next) await deps.deliveries.insertMissing([next]);
    await deps.deliveries.cancel(row.deliveryId, 'SENDING', reason, now());
    return { outcome: 'cancelled' };
  }

  // Rendering is deterministic: if it fails once it always will, so record why rather than retry.
  let raw: Buffer;
  try {
    // Only a first issue asks "I have read this": that is what the dissemination report counts.
    const links = recipientLinks(deps.publicBaseUrl, deps.signer, row.recipientKey, now(), row.kind === 'briefing' ? row.deliveryId : undefined);
    // Every briefing links to its public page in the archive, for this reader's agency and role.
    const onlineUrl = `${deps.publicBaseUrl.replace(/\/$/, '')}${briefingPagePath(briefing.findingId, { agency: row.agency, role: row.role })}`;
    const rendered = renderFor(row, briefing, { ...links, onlineUrl }, { partnershipName: deps.senderName, logoUrl: deps.logoUrl, contactDetails: deps.contactDetails });
    raw = await composeBriefingMime({
      from: deps.senderAddress,
      fromName: deps.senderName,
      to: { name: row.name, email: row.email },
      rendered,
      unsubscribeUrl: links.unsubscribeUrl,
      // SES hands the headers back with bounce and complaint events: that is how they find this row.
      headers: { 'X-Briefing-Id': row.briefingId, [DELIVERY_ID_HEADER]: row.deliveryId },
    });
  } catch (error) {
    const reason = `The briefing could not be rendered: ${error instanceof Error ? error.message : String(error)}`;
    await deps.deliveries.markFailed(row.deliveryId, reason, now());
    return { outcome: 'failed', reason };
  }

  // The batch was claimed at once; a row late in a slow batch hands itself back rather than risk the timeout.
  if (timeIsShort()) {
    await deps.deliveries.release(row.deliveryId, 'not enough time left in the invocation');
    throw new TransientSendError('Not enough time left in this invocation to send it; the stream retries this row.');
  }
  try {
    return { sent: await deps.mailer.sendRaw(raw) };
  } catch (error) {
    const { permanent, message } = classify(error);
    if (permanent) {
      await deps.deliveries.markFailed(row.deliveryId, message, now());
      return { outcome: 'failed', reason: message };
    }
    await deps.deliveries.release(row.deliveryId, message);
    throw new TransientSendError(message, { cause: error });
  }
}

/**
 * After SENT is recorded: each snapshot read again, once, strongly consistent (the invocation's
 * copy may be older than a correction or withdrawal planned meanwhile). If it was superseded or
 * withdrawn since, these people have the old text and get the correction or the withdrawal notice
 * from here: plan-briefing read their rows before SENT was recorded, or it would have seen them,
 * so its mark came before this read. The fresh copy also serves the invocation's later rows.
 */
async function followUpIfStopped(deps: SendDeps, rows: readonly DeliveryRow[], briefingCache: InvocationCache['briefings'], now: Date) {
  const bySnapshot = new Map<string, DeliveryRow[]>();
  for (const row of rows) {
    if (row.kind === 'withdrawal') continue;
    const snapshotId = briefingIdOf(row.findingId, row.version);
    bySnapshot.set(snapshotId, [...(bySnapshot.get(snapshotId) ?? []), row]);
  }
  const next: DeliveryRow[] = [];
  for (const [snapshotId, sentRows] of bySnapshot) {
    const fresh = deps.briefings.get(snapshotId);
    briefingCache.set(snapshotId, fresh);
    const snapshot = await fresh.catch((error: unknown) => {
      briefingCache.delete(snapshotId);
      throw error;
    });
    if (!snapshot) continue;
    for (const row of sentRows) {
      const followUp = followUpOf(row, snapshot, true, now);
      if (followUp) next.push(followUp);
    }
  }
  if (next.length) await deps.deliveries.insertMissing(next);
}

/**
 * A claim lost to a row already SENT: a retried record, maybe because the invocation that sent it
 * died (or its read failed) before its follow-up. The follow-up is written once whoever writes it.
 * Other rows (held by another claim, cancelled, failed) need nothing from here.
 */
async function followUpIfSentBefore(deps: SendDeps, row: DeliveryRow, briefingCache: InvocationCache['briefings'], now: Date) {
  if (row.kind === 'withdrawal' || row.kind === 'digest') return;
  const current = await deps.deliveries.get(row.deliveryId);
  if (current?.status === 'SENT') await followUpIfStopped(deps, [current], briefingCache, now);
}

/** What changed since the version this reader has (rows and snapshots from before it was recorded: since the version before). */
const changedForReader = (briefing: Briefing, row: DeliveryRow): readonly string[] =>
  (row.correctsVersion !== undefined ? briefing.changedSince?.[String(row.correctsVersion)] : undefined) ?? briefing.changedFields ?? [];

function renderFor(row: DeliveryRow, briefing: Briefing, links: BriefingLinks, branding: Omit<BriefingIssue, 'issuedAt' | 'changedFields'>): RenderedBriefing {
  switch (row.kind) {
    case 'correction':
      return renderCorrection(briefing.finding, changedForReader(briefing, row), row, links);
    case 'withdrawal':
      return renderWithdrawal(briefing.finding, row, links);
    default:
      return renderBriefing(briefing.finding, row, links, { issuedAt: briefing.plannedAt, ...branding });
  }
}
