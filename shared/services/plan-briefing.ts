import { recipientKey, resolveAudience, withSubscribers } from '../domain/audience';
import { briefingIdOf, pendingDelivery } from '../domain/delivery';
import { parseFinding, type FieldError } from '../domain/finding';
import type { BriefingStore, DeliveryStore, FindingStore, ListStore, PlanSummary, SubscriberStore, SuppressionStore } from '../domain/ports';
import { briefingTrigger, versionOf, type Item } from '../domain/publication';

export interface PlanDeps {
  findings: FindingStore;
  lists: ListStore;
  briefings: BriefingStore;
  deliveries: DeliveryStore;
  subscribers: SubscriberStore;
  suppressions: SuppressionStore;
  now?: () => Date;
}

export type PlanOutcome =
  | { outcome: 'ignored'; reason: string }
  | { outcome: 'held'; findingId: string; errors: FieldError[] }
  | ({ outcome: 'planned'; briefingId: string } & PlanSummary);

/**
 * One change to a finding. Replaying the same change is harmless: the briefing
 * snapshot is written once, and only delivery rows that do not exist yet are added.
 */
export async function planBriefing(deps: PlanDeps, oldItem: Item | undefined, newItem: Item): Promise<PlanOutcome> {
  const now = deps.now ?? (() => new Date());
  const decision = briefingTrigger(oldItem, newItem);
  if (!decision.act) return { outcome: 'ignored', reason: decision.reason };

  const version = versionOf(newItem);
  const findingId = typeof newItem.id === 'string' ? newItem.id : '(no id)';
  // An edit to a version that went out is never sent again, even if the item's own
  // "planned" note has not caught up with it yet: the briefings table has the last word.
  if (decision.reason === 'edited' && version !== undefined && (await deps.briefings.get(briefingIdOf(findingId, version)))) {
    return { outcome: 'ignored', reason: 'already-planned' };
  }

  const parsed = parseFinding(newItem);
  if (!parsed.ok) {
    await deps.findings.markHeld(findingId, version, parsed.errors, now());
    return { outcome: 'held', findingId, errors: parsed.errors };
  }

  const finding = parsed.finding;
  const briefingId = briefingIdOf(finding.id, finding.version);
  const briefing = await deps.briefings.putIfAbsent({
    briefingId,
    findingId: finding.id,
    version: finding.version,
    finding,
    plannedAt: now().toISOString(),
    recipients: 0,
  });

  const lists = await deps.lists.allLists();
  const skipped = lists.invalid.map((list) => `list '${list.key}' was skipped: ${list.problems.join(' ')} Fix it with the CLI (lists create).`);
  const withMembers = await Promise.all(
    lists.valid.map(async (list) => {
      const members = await deps.lists.members(list.id);
      if (members.invalid.length) {
        skipped.push(`list '${list.id}': ${members.invalid.length} member(s) skipped as invalid. See: npm run cli -- lists show ${list.id}`);
      }
      return { list, members: members.valid };
    }),
  );
  // Lists, then confirmed "immediately" subscribers of the finding's topics, one email per person;
  // then anyone who unsubscribed, bounced or complained is left out.
  const subscribers = await deps.subscribers.confirmedFor(briefing.finding.topics, 'immediately');
  const everyone = withSubscribers(resolveAudience(briefing.finding, withMembers), subscribers);
  const suppressed = await deps.suppressions.suppressed(everyone.map((r) => recipientKey(r.email)));
  const recipients = everyone.filter((r) => !suppressed.has(recipientKey(r.email)));

  const createdAt = now();
  const rows = recipients.map((recipient) => pendingDelivery(finding.id, finding.version, recipient, createdAt));
  const newDeliveries = await deps.deliveries.insertMissing(rows);
  await deps.briefings.setRecipients(briefingId, recipients.length);
  const summary = { recipients: recipients.length, newDeliveries, skipped, suppressed: everyone.length - recipients.length };
  await deps.findings.markPlanned(finding.id, finding.version, summary, now());
  return { outcome: 'planned', briefingId, ...summary };
}
