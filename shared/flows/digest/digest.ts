import type { Finding } from '../../core/finding/finding';
import { digestBriefingIdOf, digestIdOf, weekIdAt } from '../../core/digest';
import { renderDigest } from '../../render/email/digest';
import { briefingIdOf, type DeliveryRow } from '../../core/delivery';
import { composeBriefingMime } from '../../render/email/mime';
import type { FindingStore, SendingDeps, SubscriberStore } from '../../core/ports';
import { DELIVERY_ID_HEADER } from '../../core/ses-event';
import { wantsTopics, type Subscriber } from '../../core/subscriber';
import { recipientLinks } from '../../core/tokens';
import { briefingPagePath } from '../../render/pages/briefing';
import type { TopicId } from '../../core/taxonomy';
import type { ErrorClassifier } from '../send/send-briefing';
// A digest row still SENDING after the sweeper's limit belongs to a run that died: the same limit here.
import { SWEEP_LIMITS } from '../housekeeping/sweeper';

export interface DigestDeps extends SendingDeps {
  findings: FindingStore;
  subscribers: SubscriberStore;
  timeZone: string;
  classify?: ErrorClassifier;
  onProgress?: (done: number, total: number) => void;
}

export interface DigestSummary {
  weekId: string;
  /** Findings published in the two weeks before the run and still published. */
  findings: number;
  /** Weekly subscribers with at least one matching finding they have not had (by email, or in last week's digest), before suppression. */
  subscribers: number;
  sent: number;
  /** Already sent this week (a re-run). */
  alreadySent: number;
  failed: number;
  suppressed: number;
}

const WEEK_MS = 7 * 86_400_000;
/**
 * Findings are looked for over two weeks, less what last week's digest already carried:
 * a run that was late, missed or repeated by hand neither loses a finding nor sends one twice.
 */
const LOOK_BACK_MS = 2 * WEEK_MS;
const PARALLEL_SENDS = 5;

export { digestIdOf } from '../../core/digest';

/**
 * Whether this person was sent the finding itself, any version (as an immediate subscriber or a
 * list member: the ledger's rows are keyed by the same recipient key as the subscriber).
 */
async function emailedAlready(deps: Pick<DigestDeps, 'deliveries'>, finding: Finding, recipientKey: string): Promise<boolean> {
  for (let version = finding.version; version >= 1; version--) {
    const row = await deps.deliveries.get(`${briefingIdOf(finding.id, version)}#${recipientKey}`);
    if (row?.status === 'SENT') return true;
  }
  return false;
}

/** The newest version of each finding published in the window, if it is still published. */
async function findingsOfTheWeek(deps: DigestDeps, now: Date): Promise<Finding[]> {
  const latest = new Map<string, Finding>();
  for (const briefing of await deps.briefings.plannedSince(new Date(now.getTime() - LOOK_BACK_MS))) {
    const seen = latest.get(briefing.findingId);
    if (!seen || seen.version < briefing.version) latest.set(briefing.findingId, briefing.finding);
  }
  const current = await Promise.all(
    [...latest.values()].map(async (finding) => {
      // Withdrawn (or taken back to draft) since: leave it out. The stored item has the last word.
      const item = await deps.findings.getRaw(finding.id);
      return item?.status === 'published' ? finding : undefined;
    }),
  );
  return current.filter((f): f is Finding => Boolean(f)).sort((a, b) => a.title.localeCompare(b.title));
}

/**
 * One email per weekly subscriber listing the week's findings on their topics; nothing
 * when none match. The ledger row (`digest#<week>#<subscriber>`) is claimed before the
 * send, so a second run in the same ISO week sends nothing twice; FAILED rows are retried.
 */
export async function runDigest(deps: DigestDeps): Promise<DigestSummary> {
  const now = (deps.now ?? (() => new Date()))();
  const weekId = weekIdAt(now, deps.timeZone);
  const summary: DigestSummary = { weekId, findings: 0, subscribers: 0, sent: 0, alreadySent: 0, failed: 0, suppressed: 0 };
  const findings = await findingsOfTheWeek(deps, now);
  summary.findings = findings.length;
  if (!findings.length) return summary;

  const topics = [...new Set(findings.flatMap((f) => f.topics))] as TopicId[];
  const lastWeek = weekIdAt(new Date(now.getTime() - WEEK_MS), deps.timeZone);
  const readers = (
    await Promise.all(
      (await deps.subscribers.confirmedFor(topics, 'weekly')).map(async (subscriber) => {
        const previous = await deps.deliveries.get(digestIdOf(lastWeek, subscriber.subscriberId));
        const hadAlready = new Set(previous?.status === 'SENT' ? (previous.findingIds ?? []) : []);
        const candidates = findings.filter((f) => wantsTopics(subscriber.topics, f.topics) && !hadAlready.has(f.id));
        // Someone who switched from immediate to weekly (or is also on a list) had some of them by email already.
        const emailed = await Promise.all(candidates.map((f) => emailedAlready(deps, f, subscriber.subscriberId)));
        return { subscriber, matching: candidates.filter((_, i) => !emailed[i]) };
      }),
    )
  ).filter((reader) => reader.matching.length > 0);
  summary.subscribers = readers.length;
  const suppressed = await deps.suppressions.suppressed(readers.map((r) => r.subscriber.subscriberId));
  const toSend = readers.filter((r) => !suppressed.has(r.subscriber.subscriberId));
  summary.suppressed = readers.length - toSend.length;

  let done = 0;
  const queue = [...toSend];
  const worker = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      const outcome = await sendOne(deps, weekId, next.subscriber, next.matching, now);
      if (outcome === 'sent') summary.sent++;
      else if (outcome === 'already-sent') summary.alreadySent++;
      else summary.failed++;
      deps.onProgress?.(++done, toSend.length);
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL_SENDS, toSend.length) }, worker));
  return summary;
}

async function sendOne(deps: DigestDeps, weekId: string, subscriber: Subscriber, findings: Finding[], now: Date): Promise<'sent' | 'already-sent' | 'failed'> {
  const briefingId = digestBriefingIdOf(weekId);
  const row: DeliveryRow = {
    deliveryId: digestIdOf(weekId, subscriber.subscriberId),
    briefingId,
    recipientKey: subscriber.subscriberId,
    findingId: 'digest',
    version: 1,
    email: subscriber.email,
    name: '',
    agency: subscriber.agency,
    role: subscriber.role,
    via: ['weekly-digest'],
    status: 'SENDING',
    createdAt: now.toISOString(),
    kind: 'digest',
    findingIds: findings.map((f) => f.id),
  };
  // Claimed at the moment of claiming (a run can last minutes), so a sweep never thinks it stale mid-run.
  const claimedAt = new Date();
  if (!(await deps.deliveries.claimNew(row, claimedAt, new Date(claimedAt.getTime() - SWEEP_LIMITS.digestSendingAfterMs)))) return 'already-sent';
  try {
    const links = recipientLinks(deps.publicBaseUrl, deps.signer, subscriber.subscriberId, now);
    const raw = await composeBriefingMime({
      from: deps.senderAddress,
      fromName: deps.senderName,
      to: { name: '', email: subscriber.email },
      rendered: renderDigest(findings, { name: '', agency: subscriber.agency, role: subscriber.role }, links, (finding) =>
        `${deps.publicBaseUrl.replace(/\/+$/, '')}${briefingPagePath(finding.id, subscriber)}`,
      ),
      unsubscribeUrl: links.unsubscribeUrl,
      headers: { 'X-Briefing-Id': briefingId, [DELIVERY_ID_HEADER]: row.deliveryId },
    });
    const messageId = await deps.mailer.sendRaw(raw);
    await deps.deliveries.markSent(row.deliveryId, messageId, new Date());
    return 'sent';
  } catch (error) {
    // Recorded, not thrown: one bad address must not stop the others. A re-run retries FAILED rows.
    const message = deps.classify?.(error).message ?? (error instanceof Error ? error.message : String(error));
    await deps.deliveries.markFailed(row.deliveryId, message, new Date());
    return 'failed';
  }
}
