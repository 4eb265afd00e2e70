import { DEFAULT_MAX_SEND_RATE } from '../../contract/function-config';
import { recipientKey, resolveAudience, withSubscribers, type Recipient } from '../../core/audience';
import { changedFields } from '../../core/finding/corrections';
import { briefingIdOf, pendingDelivery, type DeliveryKind } from '../../core/delivery';
import { parseFinding, type FieldError, type Finding } from '../../core/finding/finding';
import { gateLists } from './gate-lists';
import { FINDING_ID_RULE, hasIdShape, idGateHits, loggableId, scanFindingAndId, shownId } from '../../core/finding/finding-id';
import type { HeldProblem } from '../../render/email/notices';
import type {
  BriefingStore,
  DeliveryStore,
  FindingStore,
  ListStore,
  PlanSummary,
  SettingsStore,
  SubscriberStore,
  SuppressionStore,
} from '../../core/ports';
import { briefingTrigger, versionOf, type Item } from '../../core/finding/publication';
import { gateProblem, ownProblem, validationProblem, type AdminNotifier } from './admin-notice';
import { earlierSnapshots, supersedeEarlier, withdrawFinding, type WithdrawOutcome } from './withdraw';

export interface PlanDeps {
  findings: FindingStore;
  lists: ListStore;
  briefings: BriefingStore;
  deliveries: DeliveryStore;
  subscribers: SubscriberStore;
  suppressions: SuppressionStore;
  settings: SettingsStore;
  /** Emails the admin when a finding is held (once per distinct hold). */
  admin?: AdminNotifier;
  /** The digest's time zone: a withdrawal finds the digests that carried the finding by ISO week. */
  timeZone?: string;
  /** MAX_SEND_RATE: how fast the queue drains, so the sweeper knows when a waiting row is late. */
  maxSendRate?: number;
  now?: () => Date;
}

export type PlanOutcome = (
  | { outcome: 'ignored'; reason: string }
  | { outcome: 'held'; findingId: string; errors: FieldError[] }
  | ({ outcome: 'planned'; briefingId: string } & PlanSummary)
  | WithdrawOutcome
) & {
  /** The finding id once it has passed validation and the anonymisation gate: the only id a log may carry. */
  checkedId?: string;
};

/**
 * One change to a finding. Before anything is written for sending, the finding must be
 * valid, approved, and pass the anonymisation gate (or carry a recorded override for this
 * version). Replaying the same change is harmless: the snapshot is written once, and only
 * delivery rows that do not exist yet are added.
 */
export async function planBriefing(deps: PlanDeps, oldItem: Item | undefined, newItem: Item): Promise<PlanOutcome> {
  const now = deps.now ?? (() => new Date());
  const decision = briefingTrigger(oldItem, newItem);
  if (!decision.act) return { outcome: 'ignored', reason: decision.reason };

  const version = versionOf(newItem);
  // The item's key: until it has passed validation and the gate, used only to write back onto the item itself.
  const findingId = typeof newItem.id === 'string' ? newItem.id : '(no id)';
  const lists = await gateLists(deps.settings);
  // The admin's email names the finding with what the gate found in its id masked.
  const idHits = hasIdShape(findingId) ? idGateHits(findingId, lists) : [];
  const checkedId = loggableId(findingId, lists) === findingId ? findingId : undefined;
  const hold = async (errors: FieldError[], problems: HeldProblem[], options?: { evenIfPlanned?: boolean }): Promise<PlanOutcome> => {
    const news = await deps.findings.markHeld(findingId, version, errors, now(), options);
    if (news && deps.admin) {
      await deps.admin.held(shownId(findingId, idHits), version, problems);
      await deps.findings.markAdminTold(findingId, now());
    }
    return { outcome: 'held', findingId, errors, checkedId };
  };

  if (decision.reason === 'withdrawn') {
    // Nothing was ever planned for an id of another shape (planning validates it first), so there is nothing to withdraw.
    if (!hasIdShape(findingId)) return { outcome: 'ignored', reason: 'id-not-valid' };
    return { ...(await withdrawFinding(deps, findingId, version, now(), deps.timeZone ?? 'Europe/London')), checkedId };
  }
  if (decision.reason === 'version-lowered') {
    const error = {
      field: 'version',
      message: `version went down from ${versionOf(oldItem)} to ${version}: versions only go up. Set it back to ${versionOf(oldItem)} (nothing is sent), or to ${(versionOf(oldItem) ?? 0) + 1} to send a correction.`,
    };
    // The slip is on an item that went out, so this hold must show even over the "planned" note.
    return hold([error], [ownProblem(error)], { evenIfPlanned: true });
  }
  // An edit to a version that went out is never sent again, even if the item's own
  // "planned" note has not caught up with it yet: the briefings table has the last word.
  if (decision.reason === 'edited' && version !== undefined && (await deps.briefings.get(briefingIdOf(findingId, version)))) {
    return { outcome: 'ignored', reason: 'already-planned' };
  }

  const parsed = parseFinding(newItem);
  if (!parsed.ok) return hold(parsed.errors, parsed.errors.map(validationProblem));
  // The schema checks the id's shape too; this holds in the same words, should the two ever part.
  if (!hasIdShape(parsed.finding.id)) {
    const error = { field: 'id', message: FINDING_ID_RULE };
    return hold([error], [ownProblem(error)]);
  }
  const finding = parsed.finding;
  if (!finding.approvedBy) {
    const error = {
      field: 'approvedBy',
      message: "approvedBy is missing: nothing is sent until someone approves it. Add approvedBy (S) with the approver's name or role, then save.",
    };
    return hold([error], [ownProblem(error)]);
  }

  // The id too: an NHS number in 'review-9434765919' would go into every key and link.
  const gate = scanFindingAndId(finding, lists);
  const override = finding.anonymisationOverride?.version === finding.version ? finding.anonymisationOverride : undefined;
  if (gate.blocked.length && !override) {
    return hold(
      gate.blocked.map((hit) => ({ field: hit.field, message: hit.message })),
      gate.blocked.map(gateProblem),
    );
  }
  const warnings = [
    ...gate.warnings.map((hit) => hit.message),
    ...(override && gate.blocked.length
      ? [`Released by ${override.by} (anonymisationOverride, version ${override.version}): ${override.reason}. The gate had found ${gate.blocked.length} match(es).`]
      : []),
  ];

  // Publishing a version that was withdrawn again would send what was taken back: raise the version.
  const existing = await deps.briefings.get(briefingIdOf(finding.id, finding.version));
  if (existing?.withdrawnAt) {
    const error = {
      field: 'version',
      message: `version ${finding.version} was withdrawn, so it is not sent again. To publish corrected text, raise version to ${finding.version + 1}.`,
    };
    return hold([error], [ownProblem(error)], { evenIfPlanned: true });
  }

  // A higher version of something people already received is a correction, for them only. Its
  // snapshot is stored before the earlier ones are marked: the sender may hand people over to it from then on.
  const earlierVersions = await earlierSnapshots(deps, finding.id, finding.version);
  const { briefing, created } = await deps.briefings.putIfAbsent({
    briefingId: briefingIdOf(finding.id, finding.version),
    findingId: finding.id,
    version: finding.version,
    finding,
    plannedAt: now().toISOString(),
    recipients: 0,
    ...(earlierVersions[0]
      ? {
          changedFields: changedFields(earlierVersions[0].finding, finding),
          changedSince: Object.fromEntries(earlierVersions.map((earlier) => [String(earlier.version), changedFields(earlier.finding, finding)])),
        }
      : {}),
  });
  const earlier = await supersedeEarlier(deps, earlierVersions, finding.version, now());
  const correction = earlier.recipients.length > 0;
  // A correction for those who had an earlier version; the whole briefing for anyone whose earlier row had not gone yet.
  const audience = correction
    ? { recipients: [...earlier.recipients, ...earlier.notYetReached], skipped: [] }
    : await firstIssueAudience(deps, briefing.finding);
  const suppressed = await deps.suppressions.suppressed(audience.recipients.map((r) => recipientKey(r.email)));
  const recipients = audience.recipients.filter((r) => !suppressed.has(recipientKey(r.email)));

  const createdAt = now();
  // Someone whose earlier row the sender still holds gets their row of this version from the sender.
  const rows = recipients.filter((r) => !earlier.leftToSender.has(recipientKey(r.email))).map((recipient, position) => {
    const holds = earlier.holds.get(recipientKey(recipient.email));
    const kind: DeliveryKind = holds !== undefined ? 'correction' : 'briefing';
    const row = { ...pendingDelivery(finding.id, finding.version, recipient, createdAt, kind), ...(holds !== undefined ? { correctsVersion: holds } : {}) };
    // A big list drains at the SES rate (50,000 at 14/s is an hour). The sweeper calls a row
    // lost only some time after its turn, so it never re-queues rows that are simply waiting.
    return { ...row, openSince: turnOf(createdAt, position, deps.maxSendRate ?? DEFAULT_MAX_SEND_RATE) };
  });
  // Rows are written only after their snapshot: if this plan stored it, none exist yet to look for.
  // With an earlier version, the sender may be writing some of these rows too: each is then written only if absent.
  const newDeliveries = await deps.deliveries.insertMissing(rows, { fresh: created && !earlierVersions.length });
  await deps.briefings.setRecipients(briefing.briefingId, recipients.length);
  const summary: PlanSummary = {
    recipients: recipients.length,
    newDeliveries,
    skipped: audience.skipped,
    suppressed: audience.recipients.length - recipients.length,
    correction,
    warnings,
  };
  await deps.findings.markPlanned(finding.id, finding.version, summary, now());
  return { outcome: 'planned', briefingId: briefing.briefingId, ...summary, checkedId };
}

/**
 * A queue drains a little below the send rate (each batch waits for its slowest row before the
 * next starts: 80–95 % of the rate, measured by npm run bench), so turns are planned at 80 % of it.
 */
export const QUEUE_DRAIN_SHARE = 0.8;

/** When the row at `position` in the queue should go, at `rate` emails per second. */
function turnOf(start: Date, position: number, rate: number): string {
  return new Date(start.getTime() + Math.floor((position / (rate * QUEUE_DRAIN_SHARE)) * 1000)).toISOString();
}

/**
 * Lists, then confirmed "immediately" subscribers of the finding's topics, one email per
 * person. Lists or members typed badly are skipped, and reported for the admin to fix.
 */
async function firstIssueAudience(deps: PlanDeps, finding: Finding): Promise<{ recipients: Recipient[]; skipped: string[] }> {
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
  const subscribers = await deps.subscribers.confirmedFor(finding.topics, 'immediately');
  return { recipients: withSubscribers(resolveAudience(finding, withMembers), subscribers), skipped };
}
