import { briefingPagePath } from '../domain/pages';
import { renderBriefing, type BriefingIssue, type BriefingLinks, type RenderedBriefing } from '../domain/briefing';
import { renderCorrection, renderWithdrawal } from '../domain/corrections';
import { briefingIdOf, type DeliveryRow } from '../domain/delivery';
import { composeBriefingMime } from '../domain/mime';
import type { Briefing, LedgerMailDeps, Suppression, SuppressionStore } from '../domain/ports';
import { DELIVERY_ID_HEADER } from '../domain/ses-event';
import type { Pacer } from '../domain/token-bucket';
import { recipientLinks } from '../domain/tokens';
import { followUpOf } from './withdraw';

export interface SendDeps extends LedgerMailDeps {
  /**
   * Admits rows to be claimed (at twice the send rate): a row waits here before it is claimed, so
   * rows wait their turn mostly unclaimed. The mailer still spaces the SES calls themselves.
   */
  admission?: Pacer;
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

/**
 * Sends one delivery at most once per claim. The conditional claim is what makes a
 * replayed or duplicated stream record harmless: only one caller gets PENDING → SENDING.
 * A transient failure hands the row back (SENDING → PENDING) and throws, so the stream
 * retries it; a permanent one records FAILED with the reason and lets the batch go on.
 */
export async function sendDelivery(
  deps: SendDeps,
  row: DeliveryRow,
  cache: InvocationCache = { briefings: new Map() },
  classify: ErrorClassifier = defaultClassifier,
): Promise<SendOutcome> {
  const briefingCache = cache.briefings;
  const now = deps.now ?? (() => new Date());
  // Wait for a turn first, then claim: a claimed row goes to SES within a claim's latency, and a
  // crash or a timeout while rows wait their turn leaves them PENDING for the stream to retry.
  await deps.admission?.take();
  if (deps.timeLeftMs && deps.timeLeftMs() < TIME_NEEDED_TO_SEND_MS) {
    throw new TransientSendError('Not enough time left in this invocation to send it; the stream retries this row.');
  }
  if (!(await deps.deliveries.claim(row.deliveryId, row.createdAt, now()))) {
    await followUpIfSentBefore(deps, row, briefingCache, now());
    return { outcome: 'skipped', reason: 'already-claimed' };
  }

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

  let messageId: string;
  try {
    messageId = await deps.mailer.sendRaw(raw);
  } catch (error) {
    const { permanent, message } = classify(error);
    if (permanent) {
      await deps.deliveries.markFailed(row.deliveryId, message, now());
      return { outcome: 'failed', reason: message };
    }
    await deps.deliveries.release(row.deliveryId, message);
    throw new TransientSendError(message, { cause: error });
  }
  await deps.deliveries.markSent(row.deliveryId, messageId, now());
  await followUpIfStopped(deps, row, briefingCache, now());
  return { outcome: 'sent', messageId };
}

/**
 * After SENT is recorded: the snapshot read again, strongly consistent (the invocation's copy may
 * be older than a correction or withdrawal planned meanwhile). If it was superseded or withdrawn
 * since, this person has the old text and gets the correction or the withdrawal notice from here:
 * plan-briefing read this row before SENT was recorded, or it would have seen it, so its mark came
 * before this read. The fresh copy also serves the invocation's later rows.
 */
async function followUpIfStopped(deps: SendDeps, row: DeliveryRow, briefingCache: InvocationCache['briefings'], now: Date) {
  if (row.kind === 'withdrawal') return;
  const snapshotId = briefingIdOf(row.findingId, row.version);
  const fresh = deps.briefings.get(snapshotId);
  briefingCache.set(snapshotId, fresh);
  const snapshot = await fresh.catch((error: unknown) => {
    briefingCache.delete(snapshotId);
    throw error;
  });
  const next = snapshot && followUpOf(row, snapshot, true, now);
  if (next) await deps.deliveries.insertMissing([next]);
}

/**
 * A claim lost to a row already SENT: a retried record, maybe because the invocation that sent it
 * died (or its read failed) before its follow-up. The follow-up is written once whoever writes it.
 * Other rows (held by another claim, cancelled, failed) need nothing from here.
 */
async function followUpIfSentBefore(deps: SendDeps, row: DeliveryRow, briefingCache: InvocationCache['briefings'], now: Date) {
  if (row.kind === 'withdrawal' || row.kind === 'digest') return;
  const current = await deps.deliveries.get(row.deliveryId);
  if (current?.status === 'SENT') await followUpIfStopped(deps, current, briefingCache, now);
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
