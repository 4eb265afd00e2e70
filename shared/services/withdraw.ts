import { recipientKey, type Recipient } from '../domain/audience';
import { briefingIdOf, pendingDelivery, type DeliveryRow } from '../domain/delivery';
import type { Briefing, BriefingStore, DeliveryStore, FindingStore, SuppressionStore } from '../domain/ports';

export type WithdrawOutcome = { outcome: 'withdrawn'; findingId: string; notices: number; cancelled: number };

type Deps = { briefings: BriefingStore; deliveries: DeliveryStore; suppressions: SuppressionStore; findings: FindingStore };

/** Rows that reached someone: a first issue or a correction (never a notice about it). */
const received = (row: DeliveryRow) => row.status === 'SENT' && (row.kind === 'briefing' || row.kind === 'correction');

/** The snapshots of every version below `version` that were planned, newest first. */
async function earlierSnapshots(deps: Pick<Deps, 'briefings'>, findingId: string, version: number): Promise<Briefing[]> {
  const found: Briefing[] = [];
  for (let v = version - 1; v >= 1; v--) {
    const snapshot = await deps.briefings.get(briefingIdOf(findingId, v));
    if (snapshot) found.push(snapshot);
  }
  return found;
}

/** One entry per person who received any of these versions, with their newest details. */
async function receivedBy(deps: Pick<Deps, 'deliveries'>, briefingIds: readonly string[]): Promise<Recipient[]> {
  const people = new Map<string, Recipient>();
  for (const briefingId of briefingIds) {
    for (const row of await deps.deliveries.byBriefing(briefingId)) {
      if (!received(row) || row.erasedAt || people.has(row.recipientKey)) continue;
      people.set(row.recipientKey, { email: row.email, name: row.name, agency: row.agency, role: row.role, via: row.via });
    }
  }
  return [...people.values()];
}

/** Who got an earlier version of this finding (a correction goes to them only), and that version's snapshot. */
export async function earlierRecipients(deps: Pick<Deps, 'briefings' | 'deliveries'>, findingId: string, version: number) {
  const snapshots = await earlierSnapshots(deps, findingId, version);
  return { previous: snapshots[0], recipients: await receivedBy(deps, snapshots.map((s) => s.briefingId)) };
}

/**
 * A published finding was withdrawn: every version's snapshot is marked (so rows still in
 * flight are cancelled by the sender), queued rows are cancelled, and everyone who
 * received it gets one short notice. Weekly digests skip it, since it is no longer published.
 * Replaying it is harmless: cancelled rows stay cancelled, and notices exist once per person.
 */
export async function withdrawFinding(deps: Deps, findingId: string, version: number | undefined, now: Date): Promise<WithdrawOutcome> {
  const snapshots = await earlierSnapshots(deps, findingId, (version ?? 1) + 1);
  let cancelled = 0;
  for (const snapshot of snapshots) {
    await deps.briefings.markWithdrawn(snapshot.briefingId, now);
    for (const row of await deps.deliveries.byBriefing(snapshot.briefingId)) {
      if (row.status === 'PENDING' && (await deps.deliveries.cancel(row.deliveryId, 'PENDING', 'The finding was withdrawn before this was sent.', now))) cancelled++;
    }
  }
  const latest = snapshots[0];
  const people = await receivedBy(deps, snapshots.map((s) => s.briefingId));
  const suppressed = await deps.suppressions.suppressed(people.map((p) => recipientKey(p.email)));
  const notices = people.filter((p) => !suppressed.has(recipientKey(p.email)));
  if (latest) await deps.deliveries.insertMissing(notices.map((p) => pendingDelivery(findingId, latest.version, p, now, 'withdrawal')));
  await deps.findings.markWithdrawn(findingId, { notices: latest ? notices.length : 0, cancelled }, now);
  return { outcome: 'withdrawn', findingId, notices: latest ? notices.length : 0, cancelled };
}
