import type { Recipient } from '../../core/audience';
import { briefingIdOf, pendingDelivery, type DeliveryRow } from '../../core/delivery';
import { digestBriefingIdOf, weekIdAt } from '../../core/digest';
import { eachInParallel } from '../../core/in-parallel';
import type { Briefing, BriefingStore, DeliveryStore, FindingStore, SuppressionStore } from '../../core/ports';

export type WithdrawOutcome = { outcome: 'withdrawn'; findingId: string; notices: number; cancelled: number };

type Deps = { briefings: BriefingStore; deliveries: DeliveryStore; suppressions: SuppressionStore; findings: FindingStore };

/*
 * Who settles a row of a version that is being stopped (superseded or withdrawn), and so who
 * decides what that person gets next. Each row leaves PENDING or SENDING by one conditional
 * write, and whoever makes it writes the follow-up:
 * - here, PENDING → CANCELLED: the person is handed over (a newer version in full), or nothing
 *   (withdrawn);
 * - send-briefing, SENDING → SENT or CANCELLED: it reads the snapshot again after recording
 *   the outcome, and writes the correction, the newer version or the withdrawal notice itself.
 * So rows are read here strongly consistently after the snapshots are marked, and a row the
 * sender holds (or claimed while we looked) is left to it. Either the sender recorded SENT
 * before our read (we see it), or after it, and then its own read of the snapshot comes after
 * our mark (it sees it). Nobody falls between the two, whatever the interleaving.
 */

/** Reached someone: SENT, or FAILED with its outcome unknown (it may have gone). */
const reached = (row: DeliveryRow) => row.status === 'SENT' || (row.status === 'FAILED' && row.outcomeUnknown === true);

/**
 * Still open, and send-briefing settles it (and hands the person on) itself: a row it holds, or
 * a PENDING one our cancel could not take. Weekly digests are sent by the digest run, which
 * does no follow-up: one of those being sent counts as reached instead.
 */
const leftToSender = (row: DeliveryRow) => (row.status === 'SENDING' || row.status === 'PENDING') && row.kind !== 'digest';

/**
 * Whom a withdrawal notice is for: a row that reached someone, a weekly digest being sent, and
 * any row re-driven after a crash left it SENDING (that send may have reached SES), whatever it
 * is now: whether the sender sends it again, cancels it or dies again, that person may have it.
 */
const mayHaveHadIt = (row: DeliveryRow) => reached(row) || (row.kind === 'digest' && row.status === 'SENDING') || (row.redrives ?? 0) > 0;

/** Erased or past retention: there is no address left to write to. */
const addressable = (row: DeliveryRow) => !row.erasedAt && !row.personalDataRemovedAt;

const recipientOf = (row: DeliveryRow): Recipient => ({ email: row.email, name: row.name, agency: row.agency, role: row.role, via: row.via });

/** Cancels at once: a version's PENDING rows can be tens of thousands, and each cancel is its own conditional write. */
const CANCEL_CONCURRENCY = 16;

/** The snapshots of every version below `version` that were planned, newest first. */
export async function earlierSnapshots(deps: Pick<Deps, 'briefings'>, findingId: string, version: number): Promise<Briefing[]> {
  const found: Briefing[] = [];
  for (let v = version - 1; v >= 1; v--) {
    const snapshot = await deps.briefings.get(briefingIdOf(findingId, v));
    if (snapshot) found.push(snapshot);
  }
  return found;
}

/**
 * A stopped version's rows as they are now, its PENDING ones cancelled. Call it only after the
 * snapshot is marked. A cancel that loses to the sender's claim reads the row again: it is then
 * the sender's (SENDING), or PENDING again (handed back), when it is tried again.
 */
async function settleQueued(deps: Pick<Deps, 'deliveries'>, briefingId: string, reason: string, now: Date) {
  const rows: DeliveryRow[] = [];
  const cancelled: DeliveryRow[] = [];
  await eachInParallel(await deps.deliveries.byBriefing(briefingId, { consistent: true }), CANCEL_CONCURRENCY, async (read) => {
    let row: DeliveryRow | undefined = read;
    for (let attempt = 0; row?.status === 'PENDING' && row.kind !== 'digest' && attempt < 3; attempt++) {
      if (await deps.deliveries.cancel(row.deliveryId, 'PENDING', reason, now)) {
        cancelled.push(row);
        row = { ...row, status: 'CANCELLED', reason };
      } else {
        row = await deps.deliveries.get(row.deliveryId);
      }
    }
    // Still PENDING after that (handed back and forth): the sender claims it later, sees the mark, and settles it.
    if (row) rows.push(row);
  });
  return { rows, cancelled };
}

/**
 * Before a higher version's rows are written (its snapshot is stored first, so the sender can
 * hand people over to it from the moment the earlier ones are marked): who gets a correction,
 * who gets this version in full, and whom the sender is still settling. Every earlier version
 * is marked superseded, and its rows not sent yet are cancelled, so nobody gets the old text
 * after the new. Per person, over every earlier version:
 * - reached by any (SENT): a correction (`recipients`);
 * - else held by the sender: left to it (`leftToSender`; plan-briefing writes nothing for them):
 *   it sends the old text and then writes the correction, or cancels and writes the new version;
 * - else cancelled (now, by the sender, or by an earlier run that stopped before writing the new
 *   rows): the new version in full (`notYetReached`).
 */
export async function supersedeEarlier(deps: Pick<Deps, 'briefings' | 'deliveries'>, snapshots: readonly Briefing[], version: number, now: Date) {
  // Every mark before any read: a sender that records SENT after our read then sees the mark.
  for (const snapshot of snapshots) await deps.briefings.markStopped(snapshot.briefingId, 'supersededAt', now, version);
  const rows: DeliveryRow[] = [];
  for (const snapshot of snapshots) rows.push(...(await settleQueued(deps, snapshot.briefingId, 'A newer version replaced this one before it was sent.', now)).rows);

  const recipients = new Map<string, Recipient>();
  /** The newest version each of them has the text of. */
  const holds = new Map<string, number>();
  const withSender = new Set<string>();
  const cancelled = new Map<string, Recipient>();
  // Newest version first, so each person's newest details are the ones kept.
  for (const row of rows.filter(addressable)) {
    if (reached(row) && row.kind !== 'withdrawal' && !recipients.has(row.recipientKey)) {
      recipients.set(row.recipientKey, recipientOf(row));
      holds.set(row.recipientKey, row.version);
    } else if (leftToSender(row)) withSender.add(row.recipientKey);
    else if (row.status === 'CANCELLED' && !cancelled.has(row.recipientKey)) cancelled.set(row.recipientKey, recipientOf(row));
  }
  return {
    previous: snapshots[0],
    recipients: [...recipients.values()],
    /** For each of `recipients`: the newest version they have (a correction lists every change since). */
    holds,
    /** Whose earlier rows were all cancelled: they get this version as a first issue instead. */
    notYetReached: [...cancelled].filter(([key]) => !recipients.has(key) && !withSender.has(key)).map(([, r]) => r),
    /** Recipient keys the sender is still settling: it writes their row of this version itself. */
    leftToSender: new Set([...withSender].filter((key) => !recipients.has(key))),
  };
}

/** The weekly digests sent since a finding was first planned: their readers had it too. */
function digestsSince(firstPlannedAt: string | undefined, now: Date, timeZone: string): string[] {
  if (!firstPlannedAt) return [];
  const weeks = new Set<string>();
  for (let t = Date.parse(firstPlannedAt); t <= now.getTime() + 7 * 86_400_000; t += 7 * 86_400_000) weeks.add(digestBriefingIdOf(weekIdAt(new Date(t), timeZone)));
  return [...weeks];
}

/**
 * A published finding was withdrawn: every version's snapshot is marked, queued rows are
 * cancelled, and everyone who received it (or may have: see mayHaveHadIt) gets one short notice,
 * and nobody else. A row the sender holds is left to it: if it sends it after all, it writes the
 * notice itself (it reads the snapshot again after recording SENT); if it cancels it, that person
 * got nothing and hears nothing. Weekly digests skip it from now on.
 * Replaying it is harmless: cancelled rows stay cancelled, and notices exist once per person.
 */
export async function withdrawFinding(deps: Deps, findingId: string, version: number | undefined, now: Date, timeZone: string): Promise<WithdrawOutcome> {
  const snapshots = await earlierSnapshots(deps, findingId, (version ?? 1) + 1);
  // Never planned (a draft withdrawn): nothing went out, nobody to tell.
  if (!snapshots.length) return { outcome: 'withdrawn', findingId, notices: 0, cancelled: 0 };
  for (const snapshot of snapshots) await deps.briefings.markStopped(snapshot.briefingId, 'withdrawnAt', now);
  let cancelled = 0;
  const rows: DeliveryRow[] = [];
  for (const snapshot of snapshots) {
    const settled = await settleQueued(deps, snapshot.briefingId, 'The finding was withdrawn before this was sent.', now);
    cancelled += settled.cancelled.length;
    rows.push(...settled.rows);
  }
  const latest = snapshots[0]!;
  for (const digestId of digestsSince(snapshots.at(-1)?.plannedAt, now, timeZone)) {
    rows.push(...(await deps.deliveries.byBriefing(digestId, { consistent: true })).filter((row) => row.findingIds?.includes(findingId)));
  }
  const people = new Map<string, Recipient>();
  for (const row of rows.filter(addressable)) {
    if (mayHaveHadIt(row) && row.kind !== 'withdrawal' && !people.has(row.recipientKey)) people.set(row.recipientKey, recipientOf(row));
  }
  const suppressed = await deps.suppressions.suppressed([...people.keys()]);
  const notices = [...people].filter(([key]) => !suppressed.has(key)).map(([, person]) => person);
  await deps.deliveries.insertMissing(notices.map((p) => pendingDelivery(findingId, latest.version, p, now, 'withdrawal')));
  await deps.findings.markWithdrawn(findingId, { notices: notices.length, cancelled }, now);
  return { outcome: 'withdrawn', findingId, notices: notices.length, cancelled };
}

/**
 * What the person on a row of a stopped version gets next, once the row is settled: the sender
 * calls this after it cancels a row (`sent` false) or records one SENT (`sent` true), with the
 * snapshot read after that. A withdrawal notice if it went (or may have: a row left SENDING once
 * and re-driven); otherwise, for a superseded version, the newest version: a correction for
 * someone who has the old text, in full for someone who has nothing. Undefined: nothing more.
 */
export function followUpOf(row: DeliveryRow, snapshot: Briefing, sent: boolean, now: Date): DeliveryRow | undefined {
  if (row.kind === 'withdrawal' || row.kind === 'digest' || !addressable(row)) return undefined;
  const person = recipientOf(row);
  const newest = snapshot.supersededBy ?? row.version;
  if (snapshot.withdrawnAt) {
    return sent || (row.redrives ?? 0) > 0 ? pendingDelivery(row.findingId, newest, person, now, 'withdrawal') : undefined;
  }
  if (!snapshot.supersededAt) return undefined;
  // A snapshot marked before supersededBy was recorded: the next version up.
  const next = snapshot.supersededBy ?? row.version + 1;
  // Whoever has text gets a correction since the version they have: this one if it went, else the one a cancelled correction was for.
  const holds = sent ? row.version : row.kind === 'correction' ? row.correctsVersion : undefined;
  if (!sent && row.kind !== 'correction') return pendingDelivery(row.findingId, next, person, now, 'briefing');
  return { ...pendingDelivery(row.findingId, next, person, now, 'correction'), ...(holds !== undefined ? { correctsVersion: holds } : {}) };
}
