import { recipientKey, type Recipient } from '../domain/audience';
import { briefingIdOf, pendingDelivery, type DeliveryRow } from '../domain/delivery';
import { weekIdAt } from '../domain/digest';
import type { Briefing, BriefingStore, DeliveryStore, FindingStore, SuppressionStore } from '../domain/ports';

export type WithdrawOutcome = { outcome: 'withdrawn'; findingId: string; notices: number; cancelled: number };

type Deps = { briefings: BriefingStore; deliveries: DeliveryStore; suppressions: SuppressionStore; findings: FindingStore };

/**
 * Rows that reached someone, or may have: SENT, a SENDING row the sender still holds (it may
 * go out in a moment), or one whose outcome is unknown. Never a notice about it.
 */
const received = (row: DeliveryRow) =>
  (row.status === 'SENT' || row.status === 'SENDING' || (row.status === 'FAILED' && row.outcomeUnknown === true)) &&
  (row.kind === 'briefing' || row.kind === 'correction' || row.kind === 'digest');

/** The snapshots of every version below `version` that were planned, newest first. */
async function earlierSnapshots(deps: Pick<Deps, 'briefings'>, findingId: string, version: number): Promise<Briefing[]> {
  const found: Briefing[] = [];
  for (let v = version - 1; v >= 1; v--) {
    const snapshot = await deps.briefings.get(briefingIdOf(findingId, v));
    if (snapshot) found.push(snapshot);
  }
  return found;
}

/** One entry per person who received any of these versions (or a digest listing `findingId`), with their newest details. */
async function receivedBy(deps: Pick<Deps, 'deliveries'>, briefingIds: readonly string[], findingId?: string): Promise<Recipient[]> {
  const people = new Map<string, Recipient>();
  for (const briefingId of briefingIds) {
    for (const row of await deps.deliveries.byBriefing(briefingId)) {
      // Erased or past retention: there is no address left to write to.
      if (!received(row) || row.erasedAt || row.personalDataRemovedAt || people.has(row.recipientKey)) continue;
      if (row.kind === 'digest' && !(findingId && row.findingIds?.includes(findingId))) continue;
      people.set(row.recipientKey, { email: row.email, name: row.name, agency: row.agency, role: row.role, via: row.via });
    }
  }
  return [...people.values()];
}

/** The weekly digests sent since a finding was first planned: their readers had it too. */
function digestsSince(firstPlannedAt: string | undefined, now: Date, timeZone: string): string[] {
  if (!firstPlannedAt) return [];
  const weeks = new Set<string>();
  for (let t = Date.parse(firstPlannedAt); t <= now.getTime() + 7 * 86_400_000; t += 7 * 86_400_000) weeks.add(`digest#${weekIdAt(new Date(t), timeZone)}`);
  return [...weeks];
}

/**
 * Before a higher version is planned: who got an earlier one (a correction goes to them
 * only), and that version's snapshot. Earlier versions' rows not sent yet are cancelled,
 * and their snapshots marked superseded, so nobody gets the old text after the new.
 */
export async function supersedeEarlier(deps: Pick<Deps, 'briefings' | 'deliveries'>, findingId: string, version: number, now: Date) {
  const snapshots = await earlierSnapshots(deps, findingId, version);
  const notYetReached = new Map<string, Recipient>();
  for (const snapshot of snapshots) {
    await deps.briefings.markStopped(snapshot.briefingId, 'supersededAt', now);
    for (const row of await cancelQueued(deps, snapshot.briefingId, 'A newer version replaced this one before it was sent.', now)) {
      if (row.erasedAt || row.personalDataRemovedAt) continue;
      notYetReached.set(row.recipientKey, { email: row.email, name: row.name, agency: row.agency, role: row.role, via: row.via });
    }
  }
  const recipients = await receivedBy(deps, snapshots.map((s) => s.briefingId));
  const reached = new Set(recipients.map((r) => recipientKey(r.email)));
  return {
    previous: snapshots[0],
    recipients,
    /** Whose earlier row was cancelled just now: they get this version as a first issue instead. */
    notYetReached: [...notYetReached].filter(([key]) => !reached.has(key)).map(([, r]) => r),
  };
}

/** Cancels a briefing's queued rows; returns the ones it cancelled. */
async function cancelQueued(deps: Pick<Deps, 'deliveries'>, briefingId: string, reason: string, now: Date): Promise<DeliveryRow[]> {
  const cancelled: DeliveryRow[] = [];
  for (const row of await deps.deliveries.byBriefing(briefingId)) {
    if (row.status === 'PENDING' && (await deps.deliveries.cancel(row.deliveryId, 'PENDING', reason, now))) cancelled.push(row);
  }
  return cancelled;
}

/**
 * A published finding was withdrawn: every version's snapshot is marked (so rows still in
 * flight are cancelled by the sender), queued rows are cancelled, and everyone who
 * received it gets one short notice. Weekly digests skip it, since it is no longer published.
 * Replaying it is harmless: cancelled rows stay cancelled, and notices exist once per person.
 */
export async function withdrawFinding(deps: Deps, findingId: string, version: number | undefined, now: Date, timeZone: string): Promise<WithdrawOutcome> {
  const snapshots = await earlierSnapshots(deps, findingId, (version ?? 1) + 1);
  // Never planned (a draft withdrawn): nothing went out, nobody to tell.
  if (!snapshots.length) return { outcome: 'withdrawn', findingId, notices: 0, cancelled: 0 };
  let cancelled = 0;
  for (const snapshot of snapshots) {
    await deps.briefings.markStopped(snapshot.briefingId, 'withdrawnAt', now);
    cancelled += (await cancelQueued(deps, snapshot.briefingId, 'The finding was withdrawn before this was sent.', now)).length;
  }
  const latest = snapshots[0];
  const firstPlanned = snapshots.at(-1)?.plannedAt;
  const people = await receivedBy(deps, [...snapshots.map((s) => s.briefingId), ...digestsSince(firstPlanned, now, timeZone)], findingId);
  const suppressed = await deps.suppressions.suppressed(people.map((p) => recipientKey(p.email)));
  const notices = people.filter((p) => !suppressed.has(recipientKey(p.email)));
  await deps.deliveries.insertMissing(notices.map((p) => pendingDelivery(findingId, latest!.version, p, now, 'withdrawal')));
  await deps.findings.markWithdrawn(findingId, { notices: notices.length, cancelled }, now);
  return { outcome: 'withdrawn', findingId, notices: notices.length, cancelled };
}
