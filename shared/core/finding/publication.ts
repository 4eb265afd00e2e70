/**
 * When does a change to a finding start a briefing? Only when it could need one, so
 * that editing a finding that has gone out never resends it:
 * - it becomes published (inserted as published, or its status changed to published;
 *   `Published` in another case counts, so that it is held with the fix, not ignored);
 * - its version goes up while it is published (a correction to those who had it);
 * - it is withdrawn after being published (a withdrawal notice);
 * - its version goes down while published (held: a slip to tell the admin about);
 * - its content changed while published and no version this high has been planned:
 *   a held finding that the admin fixed, or an edit saved before the pipeline got to it
 *   (planBriefing then checks the briefings table, which has the last word).
 * The pipeline's own write-backs (the `pipeline*` attributes) never start anything, so
 * they cannot retrigger it.
 */

export type Item = Record<string, unknown>;

/** Attributes the pipeline writes back onto the finding so admins see what happened. */
export const PIPELINE_ATTRIBUTES = ['pipelineStatus', 'pipelineMessage', 'pipelineErrors', 'pipelineWarnings', 'pipelineVersion', 'pipelineAt', 'pipelineHoldKey', 'pipelineAdminToldAt'] as const;

export type TriggerDecision =
  | { act: true; reason: 'published' | 'reissued' | 'edited' | 'version-lowered' | 'withdrawn' }
  | { act: false; reason: 'not-published' | 'no-transition' };

/** `Published`, ` PUBLISHED `: meant as published, but not what the schema accepts; it is held with the fix. */
const means = (status: unknown, word: string) => typeof status === 'string' && status.trim().toLowerCase() === word;
const meansPublished = (status: unknown) => means(status, 'published');
const meansWithdrawn = (status: unknown) => means(status, 'withdrawn');

export const versionOf = (item: Item | undefined): number | undefined => {
  const value = typeof item?.version === 'string' && item.version.trim() !== '' ? Number(item.version) : item?.version;
  // Past the schema's limit it is held by validation, never used to count versions.
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 1000 ? value : undefined;
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
  // Withdrawn, in any case and from any status (published → draft → withdrawn too): plan-briefing
  // asks the briefings table whether anything went out, and tells those who received it.
  if (meansWithdrawn(newItem.status)) {
    return oldItem && !meansWithdrawn(oldItem.status) ? { act: true, reason: 'withdrawn' } : { act: false, reason: 'not-published' };
  }
  if (!meansPublished(newItem.status)) return { act: false, reason: 'not-published' };
  if (!oldItem || !meansPublished(oldItem.status)) return { act: true, reason: 'published' };
  const oldVersion = versionOf(oldItem);
  const newVersion = versionOf(newItem);
  if (newVersion !== undefined && oldVersion !== undefined) {
    if (newVersion > oldVersion) return { act: true, reason: 'reissued' };
    // A version that went down is a slip, never a reason to send: it is held, saying so.
    if (newVersion < oldVersion) return { act: true, reason: 'version-lowered' };
  }
  if (contentOf(oldItem) === contentOf(newItem)) return { act: false, reason: 'no-transition' };
  const planned = plannedVersionOf(newItem);
  if (planned !== undefined && (newVersion === undefined || planned >= newVersion)) return { act: false, reason: 'no-transition' };
  return { act: true, reason: 'edited' };
}
