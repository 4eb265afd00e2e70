import { briefingPagePath } from '../../render/pages/briefing';
import { renderBriefing, type BriefingIssue, type BriefingLinks } from '../../render/email/briefing';
import type { RenderedBriefing } from '../../render/email/kit';
import { renderCorrection, renderWithdrawal } from '../../render/email/follow-ups';
import { briefingIdOf, type DeliveryRow } from '../../core/delivery';
import { composeBriefingMime } from '../../render/email/mime';
import type { Briefing, SendingDeps, Suppression } from '../../core/ports';
import { DELIVERY_ID_HEADER } from '../../core/ses-event';
import { recipientLinks } from '../../core/tokens';
import { eachInParallel } from '../../core/in-parallel';
import { followUpOf } from '../publish/withdraw';

export interface SendDeps extends SendingDeps {
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

const notEnoughTime = () => new TransientSendError('Not enough time left in this invocation to send it; the stream retries this row.');

/** Is the failure worth a retry (throttling, a network fault) or final (a rejected address)? */
export type ErrorClassifier = (error: unknown) => { permanent: boolean; message: string };

const defaultClassifier: ErrorClassifier = (error) => ({
  permanent: Boolean((error as { permanent?: boolean }).permanent),
  message: error instanceof Error ? error.message : String(error),
});

/** What one invocation reads once for all its rows: each briefing snapshot. */
export interface InvocationCache {
  briefings: Map<string, Promise<Briefing | undefined>>;
}

/** The suppressions found among some rows' recipients (one batched read), by recipient key. */
type KnownSuppressions = ReadonlyMap<string, Suppression>;

/** Rows sent at once: the SES calls in flight, and the renders spread over the batch rather than all at its start. */
export const ROWS_IN_FLIGHT = 25;
/** The first part of a batch claimed on its own: sending starts after a claim this small. */
const FIRST_CLAIM = 4;

/** The largest part: a transaction this size is claimed (here, on DynamoDB Local) before the part before it is sent. */
const MAX_CLAIM = 16;

/** [from, to) of each part a batch is claimed in: FIRST_CLAIM rows, then twice as many each time, up to MAX_CLAIM. */
export function claimParts(count: number): [number, number][] {
  const parts: [number, number][] = [];
  for (let from = 0, size = FIRST_CLAIM; from < count; from += size, size = Math.min(MAX_CLAIM, size * 2)) parts.push([from, Math.min(count, from + size)]);
  return parts;
}
/** SENTs are written in groups of this many as the sends complete: only the last group waits at the batch's end. */
const SENT_GROUP = 25;

/** One row's result: its outcome, or the error that sends its stream record back to be retried. */
export type RowResult = SendOutcome | Error;

/**
 * Sends a stream batch of deliveries, each at most once per claim, with a handful of ledger
 * requests for the whole batch where it used to take two per row:
 * 1. the rows claimed (PENDING → SENDING) by conditional transactions, in parts that grow
 *    (claimParts): the first send waits only for a small claim, and each next part is claimed while
 *    the one before is sent. Only one caller gets a row, so a replayed or duplicated record is harmless;
 * 2. each claimed row rendered and sent in batch order, ROWS_IN_FLIGHT at a time, paced by the mailer;
 * 3. SENT (SENDING → SENT, conditional) written by transactions of SENT_GROUP as the sends complete,
 *    then one fresh read of each snapshot for the follow-ups.
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
  if (timeIsShort()) return rows.map(notEnoughTime);
  // A row twice in the batch (a duplicated record) is claimed and sent for its first copy only.
  const firstIndex = new Map<string, number>();
  rows.forEach((row, i) => firstIndex.has(row.deliveryId) || firstIndex.set(row.deliveryId, i));
  const unique = [...firstIndex.values()];
  // Claimed in parts that grow (4, 8, 16, 16, …), one after another: sending starts after the first,
  // small claim, and each next part is claimed while the one before it is being sent.
  // Each row's index → the claim of its part.
  const parts = claimParts(unique.length);
  const claimOf = new Map<number, Promise<Set<string>>>();
  let claimedSoFar: Promise<unknown> = Promise.resolve();
  for (const [from, to] of parts) {
    const part = unique.slice(from, to);
    const claim = claimedSoFar.then(() => deps.deliveries.claimMany(part.map((i) => rows[i]!), now()));
    // The next part waits for this one, failed or not; a failure is handled where each row awaits its part.
    claimedSoFar = claim.catch(() => undefined);
    for (const i of part) claimOf.set(i, claim);
  }
  // Each row's suppressions, read alongside the first claim in two reads: the first part's rows on their
  // own, so that its sends wait for a read of a few keys (the whole batch's took up to 150 ms here), and
  // the rest together, in time for their parts.
  const suppressionsOf = new Map<number, Promise<KnownSuppressions>>();
  const firstPartEnd = parts[0]?.[1] ?? 0;
  for (const part of [unique.slice(0, firstPartEnd), unique.slice(firstPartEnd)]) {
    if (!part.length) continue;
    const lookup: Promise<KnownSuppressions> = deps.suppressions.suppressed([...new Set(part.map((i) => rows[i]!.recipientKey))]);
    lookup.catch(() => undefined); // each row of the part awaits it, and fails with its error
    for (const i of part) suppressionsOf.set(i, lookup);
  }
  const results: RowResult[] = rows.map((_, i) => (firstIndex.get(rows[i]!.deliveryId) === i ? new Error('not sent') : { outcome: 'skipped', reason: 'already-claimed' }));

  // SENTs are written in groups as the sends complete: only the last group waits at the batch's end.
  const waiting: { i: number; messageId: string }[] = [];
  const writes: Promise<void>[] = [];
  const writeSent = () => {
    const group = waiting.splice(0);
    if (!group.length) return;
    writes.push(
      deps.deliveries.markSentMany(group.map(({ i, messageId }) => ({ deliveryId: rows[i]!.deliveryId, messageId })), now()).then(
        (notMarked) => {
          for (const { i, messageId } of group) {
            results[i] = notMarked.has(rows[i]!.deliveryId)
              ? new TransientSendError(`Sent, but the row was no longer SENDING when SENT was written (message ${messageId}).`)
              : { outcome: 'sent', messageId };
          }
        },
        (error: unknown) => {
          for (const { i } of group) results[i] = error as Error;
        },
      ),
    );
  };

  // At most ROWS_IN_FLIGHT rows at once, in batch order: renders spread over the batch, not all at its start.
  await eachInParallel(unique, ROWS_IN_FLIGHT, async (i) => {
    const row = rows[i]!;
    try {
      const claimed = await claimOf.get(i)!;
      if (!claimed.has(row.deliveryId)) {
        await followUpIfSentBefore(deps, row, cache.briefings, now());
        results[i] = { outcome: 'skipped', reason: 'already-claimed' };
        return;
      }
      const attempt = await sendClaimed(deps, row, cache, suppressionsOf.get(i)!, classify, timeIsShort);
      if (!('sent' in attempt)) {
        results[i] = attempt;
        return;
      }
      waiting.push({ i, messageId: attempt.sent });
      if (waiting.length >= SENT_GROUP) writeSent();
    } catch (error) {
      results[i] = error as Error;
    }
  });
  writeSent();
  await Promise.all(writes);

  const marked = unique.filter((i) => !(results[i] instanceof Error) && (results[i] as SendOutcome).outcome === 'sent');
  try {
    await followUpIfStopped(deps, marked.map((i) => rows[i]!), cache.briefings, now());
  } catch (error) {
    // SENT is recorded; the follow-up is found again when the record is retried (its claim is lost, followUpIfSentBefore).
    for (const i of marked) results[i] = error as Error;
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
  suppressions: Promise<KnownSuppressions>,
  classify: ErrorClassifier,
  timeIsShort: () => boolean,
): Promise<SendOutcome | { sent: string }> {
  const briefingCache = cache.briefings;
  const now = deps.now ?? (() => new Date());
  // Planning left suppressed people out, but someone may unsubscribe (or bounce) while their row waits:
  // checked again here, from the batch's look-up that covers this row.
  let known: KnownSuppressions;
  try {
    known = await suppressions;
  } catch (error) {
    // The look-up failed: hand the row back for the stream to retry, as if never claimed.
    await deps.deliveries.release(row.deliveryId, 'could not read the suppressions');
    throw new TransientSendError('Could not read the suppressions', { cause: error });
  }
  const suppression = known.get(row.recipientKey);
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
    throw notEnoughTime();
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
    const sameSnapshot = bySnapshot.get(snapshotId);
    if (sameSnapshot) sameSnapshot.push(row);
    else bySnapshot.set(snapshotId, [row]);
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
