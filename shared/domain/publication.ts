/**
 * When does a change to a finding start a briefing? Only on a transition, so that
 * editing a published finding never resends it:
 * - it becomes published (inserted as published, or its status changed to published);
 * - its version goes up while it is published (a re-issue);
 * - it was held for this version and the admin has since changed its content (a fix).
 * The pipeline's own write-backs (the `pipeline*` attributes) never count as a change.
 */

export type Item = Record<string, unknown>;

/** Attributes the pipeline writes back onto the finding so admins see what happened. */
export const PIPELINE_ATTRIBUTES = ['pipelineStatus', 'pipelineMessage', 'pipelineErrors', 'pipelineVersion', 'pipelineAt'] as const;

export type TriggerDecision =
  | { act: true; reason: 'published' | 'reissued' | 'fixed-after-hold' }
  | { act: false; reason: 'not-published' | 'no-transition' };

const versionOf = (item: Item | undefined) => {
  const value = Number(item?.version);
  return Number.isFinite(value) ? value : undefined;
};

function contentOf(item: Item): string {
  const content = Object.entries(item)
    .filter(([key]) => !(PIPELINE_ATTRIBUTES as readonly string[]).includes(key))
    .sort(([a], [b]) => a.localeCompare(b));
  return JSON.stringify(content, (_key, value: unknown) => (value instanceof Set ? [...value].sort() : value));
}

export function briefingTrigger(oldItem: Item | undefined, newItem: Item): TriggerDecision {
  if (newItem.status !== 'published') return { act: false, reason: 'not-published' };
  if (!oldItem || oldItem.status !== 'published') return { act: true, reason: 'published' };
  const oldVersion = versionOf(oldItem);
  const newVersion = versionOf(newItem);
  if (newVersion !== undefined && oldVersion !== undefined && newVersion > oldVersion) return { act: true, reason: 'reissued' };
  if (oldItem.pipelineStatus === 'held' && contentOf(oldItem) !== contentOf(newItem)) {
    return { act: true, reason: 'fixed-after-hold' };
  }
  return { act: false, reason: 'no-transition' };
}
