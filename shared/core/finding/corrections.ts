import type { Finding } from './finding';
import { agencyLabel, ALL_AGENCIES } from '../taxonomy';

/** What changed between two versions of a finding, named as a reader would (render/email/follow-ups.ts sends it). */

/** The admin's fields as a reader would name them, in briefing order. */
const FIELD_LABELS: Record<string, string> = {
  title: 'Title',
  source: 'Source',
  topics: 'Topics',
  agencies: 'Agencies',
  background: 'Background',
  whyItMatters: 'Why it matters',
  findings: 'What was found',
  learning: 'Learning',
  goodPractice: 'What good looks like',
  questions: 'Reflect: questions for your team',
  actions: 'What should I do?',
  furtherReading: 'Further reading',
};

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** Fields that differ between two versions; actions per agency (`actions.police`), so each reader sees only theirs. */
export function changedFields(before: Finding, after: Finding): string[] {
  const changed: string[] = [];
  for (const field of Object.keys(FIELD_LABELS) as (keyof Finding)[]) {
    if (field === 'actions') {
      const keys = [...new Set([...Object.keys(before.actions), ...Object.keys(after.actions)])].sort();
      for (const key of keys) if (!same(before.actions[key], after.actions[key])) changed.push(`actions.${key}`);
    } else if (!same(before[field], after[field])) changed.push(field);
  }
  return changed;
}

export function fieldLabel(field: string): string {
  const [top, agency] = field.split('.');
  if (top === 'actions' && agency) return `${FIELD_LABELS.actions} (${agency === ALL_AGENCIES ? 'everyone' : agencyLabel(agency)})`;
  return FIELD_LABELS[top ?? field] ?? field;
}
