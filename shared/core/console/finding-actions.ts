import type { GateResult } from '../gate/anonymisation';
import { versionOf } from '../finding/publication';
import { can, type ConsoleUser } from './roles';

/**
 * What the console may do to a finding, and the item each action writes. The console changes
 * the same attributes an admin would type in the AWS console (status, version, approvedBy,
 * anonymisationOverride), so the stream and plan-briefing do the rest, as for every other path.
 *
 * - save: a draft (a new finding, or a draft edited). Editing a published finding whose version
 *   went out starts its correction: the next version, as a draft, until it is approved and published.
 *   Any save clears the approval: what was approved is no longer what is there.
 * - approve: an approver who did not write this version (second person).
 * - publish: an approved draft; a correction is published the same way, with the changed fields shown.
 * - release: an approver lets a version the anonymisation gate holds go, with the reason recorded.
 * - withdraw: a published finding; everyone who received it gets a notice.
 */
export const FINDING_ACTIONS = ['approve', 'publish', 'release', 'withdraw'] as const;
export type FindingAction = (typeof FINDING_ACTIONS)[number];

type Item = Record<string, unknown>;

const text = (value: unknown) => (typeof value === 'string' ? value : '');

/** Who may no longer approve this version: whoever last saved its text. */
export const lastEditorOf = (item: Item) => text(item.editedBy);
export const isApproved = (item: Item) => Boolean(text(item.approvedBy)) && item.approvedVersion === versionOf(item);

/** The item a save writes. `planned` says whether the stored version already went out (a briefing exists for it). */
export function savedItem(existing: Item | undefined, typed: Item, user: ConsoleUser, now: Date, planned: boolean): Item {
  const version = versionOf(existing) ?? 1;
  const correcting = existing !== undefined && existing.status !== 'draft' && planned;
  const kept = Object.fromEntries(Object.entries(existing ?? {}).filter(([key]) => key.startsWith('pipeline')));
  return {
    ...kept,
    ...typed,
    id: existing ? existing.id : typed.id,
    status: 'draft',
    version: correcting ? version + 1 : version,
    editedBy: user.email,
    editedAt: now.toISOString(),
    ...(existing?.createdBy ? { createdBy: existing.createdBy, createdAt: existing.createdAt } : { createdBy: user.email, createdAt: now.toISOString() }),
  };
}

/** Why this person may not do this now, in words that say what would make it possible; undefined when they may. */
export function actionProblem(action: FindingAction, item: Item, user: ConsoleUser, gate: GateResult | undefined, valid: boolean): string | undefined {
  const status = text(item.status);
  const version = versionOf(item);
  switch (action) {
    case 'approve':
      if (!can(user, 'approve')) return 'Only an approver can approve a finding. Ask someone in the approver group.';
      if (status !== 'draft') return `It is ${status}, not a draft: only a draft waits for approval.`;
      if (!valid) return 'It has problems to fix first: see them on the edit page.';
      if (lastEditorOf(item) === user.email) return 'You wrote this version, so someone else must approve it: approval needs a second person.';
      if (isApproved(item)) return `It is approved already, by ${text(item.approvedBy)}.`;
      return undefined;
    case 'publish':
      if (!can(user, 'publish')) return 'Only an editor or an approver can publish.';
      if (status !== 'draft') return `It is ${status}: only an approved draft can be published.`;
      if (!isApproved(item)) return 'It is not approved yet: an approver other than its author must approve this version first.';
      if (gate?.blocked.length && (item.anonymisationOverride as Item | undefined)?.version !== version) {
        return 'The anonymisation check holds it: fix the text, or ask an approver to release it with a reason.';
      }
      return undefined;
    case 'release':
      if (!can(user, 'approve')) return 'Only an approver can release a finding the anonymisation check holds.';
      if (!gate?.blocked.length) return 'The anonymisation check holds nothing in it: there is nothing to release.';
      if (lastEditorOf(item) === user.email) return 'You wrote this version, so someone else must release it.';
      if ((item.anonymisationOverride as Item | undefined)?.version === version) return 'This version is released already.';
      return undefined;
    case 'withdraw':
      if (!can(user, 'publish')) return 'Only an editor or an approver can withdraw a finding.';
      if (status !== 'published') return `It is ${status}: only a published finding can be withdrawn.`;
      return undefined;
  }
}

/** The item after an allowed action. */
export function afterAction(action: FindingAction, item: Item, user: ConsoleUser, now: Date, reason?: string): Item {
  const version = versionOf(item) ?? 1;
  switch (action) {
    case 'approve':
      return { ...item, approvedBy: user.email, approvedVersion: version, approvedAt: now.toISOString() };
    case 'publish':
      return { ...item, status: 'published', publishedBy: user.email, publishedAt: now.toISOString() };
    case 'release':
      return { ...item, anonymisationOverride: { by: user.email, reason: reason ?? '', version } };
    case 'withdraw':
      return { ...item, status: 'withdrawn', withdrawnBy: user.email, withdrawnAt: now.toISOString() };
  }
}

/** What each action is called on its button and in the audit log. */
export const ACTION_LABELS: Record<FindingAction, { button: string; done: string; confirm: string }> = {
  approve: { button: 'Approve', done: 'approved', confirm: 'Approve this version for publishing?' },
  publish: { button: 'Publish', done: 'published', confirm: 'Publish it now? Emails start within seconds.' },
  release: { button: 'Release it with a reason', done: 'released from the anonymisation check', confirm: 'Release this version although the anonymisation check holds it?' },
  withdraw: { button: 'Withdraw', done: 'withdrawn', confirm: 'Withdraw it? Unsent emails are cancelled and everyone who received it gets a notice.' },
};
