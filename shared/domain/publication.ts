/**
 * When does a change to a finding start a briefing? Only when it could need one, so
 * that editing a finding that has been sent never resends it:
 * - it becomes published (inserted as published, or its status changed to published);
 * - its version goes up while it is published (a re-issue);
 * - its content changed while published and this version has not been planned yet:
 *   a held finding that the admin fixed, or an edit saved before the pipeline got to it.
 * The pipeline's own write-backs (the `pipeline*` attributes) never count as a change,
 * so they cannot retrigger it. Planning is idempotent, so acting twice is harmless.
 */

export type Item = Record<string, unknown>;

/** Attributes the pipeline writes back onto the finding so admins see what happened. */
export const PIPELINE_ATTRIBUTES = ['pipelineStatus', 'pipelineMessage', 'pipelineErrors', 'pipelineVersion', 'pipelineAt'] as const;

export type TriggerDecision =
  | { act: true; reason: 'published' | 'reissued' | 'fixed-after-hold' | 'edited-before-planned' }
  | { act: false; reason: 'not-published' | 'no-transition' };

const versionOf = (item: Item | undefined) => {
  const value = Number(item?.version);
  return Number.isFinite(value) ? value : undefined;
};

/** The admin's content in a canonical form: map keys sorted at every depth, sets as sorted lists. */
function contentOf(item: Item): string {
  const canonical = (value: unknown): unknown => {
    if (value instanceof Set) return [...value].map(canonical).sort();
    if (Array.isArray(value)) return value.map(canonical);
    if (value && typeof value === 'object') {
      return Object.fromEntries(Object.keys(value).sort().map((key) => [key, canonical((value as Item)[key])]));
    }
    return value;
  };
  const content = Object.fromEntries(Object.entries(item).filter(([key]) => !(PIPELINE_ATTRIBUTES as readonly string[]).includes(key)));
  return JSON.stringify(canonical(content));
}

export function briefingTrigger(oldItem: Item | undefined, newItem: Item): TriggerDecision {
  if (newItem.status !== 'published') return { act: false, reason: 'not-published' };
  if (!oldItem || oldItem.status !== 'published') return { act: true, reason: 'published' };
  const oldVersion = versionOf(oldItem);
  const newVersion = versionOf(newItem);
  if (newVersion !== undefined && oldVersion !== undefined && newVersion > oldVersion) return { act: true, reason: 'reissued' };
  // A version that went down is a slip, never a reason to send.
  if (newVersion !== undefined && oldVersion !== undefined && newVersion < oldVersion) return { act: false, reason: 'no-transition' };
  const plannedThisVersion = newItem.pipelineStatus === 'planned' && newItem.pipelineVersion === String(newVersion);
  if (!plannedThisVersion && contentOf(oldItem) !== contentOf(newItem)) {
    return { act: true, reason: oldItem.pipelineStatus === 'held' ? 'fixed-after-hold' : 'edited-before-planned' };
  }
  return { act: false, reason: 'no-transition' };
}
