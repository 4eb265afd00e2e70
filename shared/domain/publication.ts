/**
 * When does a change to a finding start a briefing? Only when it could need one, so
 * that editing a finding that has gone out never resends it:
 * - it becomes published (inserted as published, or its status changed to published);
 * - its version goes up while it is published (a re-issue);
 * - its content changed while published and no version this high has been planned:
 *   a held finding that the admin fixed, or an edit saved before the pipeline got to it
 *   (planBriefing then checks the briefings table, which has the last word).
 * A version that goes down, and the pipeline's own write-backs (the `pipeline*`
 * attributes), never start anything, so the write-backs cannot retrigger it.
 */

export type Item = Record<string, unknown>;

/** Attributes the pipeline writes back onto the finding so admins see what happened. */
export const PIPELINE_ATTRIBUTES = ['pipelineStatus', 'pipelineMessage', 'pipelineErrors', 'pipelineVersion', 'pipelineAt'] as const;

export type TriggerDecision =
  | { act: true; reason: 'published' | 'reissued' | 'edited' }
  | { act: false; reason: 'not-published' | 'no-transition' };

export const versionOf = (item: Item | undefined): number | undefined => {
  const value = typeof item?.version === 'string' && item.version.trim() !== '' ? Number(item.version) : item?.version;
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 ? value : undefined;
};

/** The highest version the pipeline has planned for this item, from its write-back. */
const plannedVersionOf = (item: Item) => (item.pipelineStatus === 'planned' && typeof item.pipelineVersion === 'number' ? item.pipelineVersion : undefined);

/** The admin's content in a canonical form: map keys sorted at every depth, sets as sorted lists. */
function contentOf(item: Item): string {
  const canonical = (value: unknown): unknown => {
    if (typeof value === 'bigint') return value.toString();
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
  if (newVersion !== undefined && oldVersion !== undefined) {
    if (newVersion > oldVersion) return { act: true, reason: 'reissued' };
    // A version that went down is a slip, never a reason to send.
    if (newVersion < oldVersion) return { act: false, reason: 'no-transition' };
  }
  if (contentOf(oldItem) === contentOf(newItem)) return { act: false, reason: 'no-transition' };
  const planned = plannedVersionOf(newItem);
  if (planned !== undefined && (newVersion === undefined || planned >= newVersion)) return { act: false, reason: 'no-transition' };
  return { act: true, reason: 'edited' };
}
