import type { FieldError } from '../finding/finding';
import { AGENCY_IDS, ALL_AGENCIES, SOURCE_TYPE_IDS, TOPIC_IDS } from '../taxonomy';

/**
 * The finding form: what the console's fields hold, how they become the item the pipeline reads
 * (the same attributes as typed in the AWS console or a CLI file), and where each of the
 * pipeline's own messages shows. Lists are typed one item per line.
 */

export const LINE_LIST_FIELDS = ['findings', 'learning', 'goodPractice', 'questions'] as const;
export const PROSE_FIELDS = ['background', 'whyItMatters'] as const;
export const ACTION_KEYS = [ALL_AGENCIES, ...AGENCY_IDS] as const;

/** Every field on the form, in page order: the error summary follows it (GOV.UK's pattern). */
export const FORM_FIELD_ORDER = [
  'id', 'title', 'source.type', 'source.name', 'source.published', 'source.url', 'topics', 'agencies',
  'background', 'whyItMatters', 'findings', 'learning', 'goodPractice', 'questions',
  ...ACTION_KEYS.map((key) => `actions.${key}`), 'actions', 'furtherReading', 'version', 'status', 'approvedBy', '(item)',
] as const;

export type FindingFormValues = Record<string, string | string[]>;

const lines = (value: string | string[] | undefined) =>
  (Array.isArray(value) ? value.join('\n') : (value ?? ''))
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean);
const one = (value: string | string[] | undefined) => (Array.isArray(value) ? (value[0] ?? '') : (value ?? '')).trim();
const many = (value: string | string[] | undefined) => (Array.isArray(value) ? value : value ? [value] : []);

/** The form's values as the item's attributes (status and version are set by the console, not typed). */
export function itemFromForm(values: FindingFormValues): Record<string, unknown> {
  const item: Record<string, unknown> = {
    id: one(values.id),
    title: one(values.title),
    source: {
      type: one(values['source.type']),
      name: one(values['source.name']),
      published: one(values['source.published']),
      ...(one(values['source.url']) ? { url: one(values['source.url']) } : {}),
    },
    topics: many(values.topics),
    agencies: many(values.agencies),
  };
  for (const field of PROSE_FIELDS) item[field] = one(values[field]);
  for (const field of LINE_LIST_FIELDS) {
    const list = lines(values[field]);
    // goodPractice is optional: an empty box leaves it out, as an absent attribute would.
    if (list.length || field !== 'goodPractice') item[field] = list;
  }
  const actions: Record<string, string[]> = {};
  for (const key of ACTION_KEYS) {
    const list = lines(values[`actions.${key}`]);
    if (list.length) actions[key] = list;
  }
  item.actions = actions;
  const reading = lines(values.furtherReading).map((line) => {
    const [title, url] = line.includes('|') ? line.split('|').map((part) => part.trim()) : ['', line];
    return { title: title || url, url };
  });
  if (reading.length) item.furtherReading = reading;
  return item;
}

/** A stored item as the form's values, to edit it. */
export function formFromItem(item: Record<string, unknown>): FindingFormValues {
  const source = (item.source ?? {}) as Record<string, unknown>;
  const text = (value: unknown) => (typeof value === 'string' ? value : value === undefined || value === null ? '' : String(value));
  const list = (value: unknown) => (value instanceof Set ? [...value] : Array.isArray(value) ? value : []).map(text);
  const values: FindingFormValues = {
    id: text(item.id),
    title: text(item.title),
    'source.type': text(source.type),
    'source.name': text(source.name),
    'source.published': text(source.published),
    'source.url': text(source.url),
    topics: list(item.topics),
    agencies: list(item.agencies),
  };
  for (const field of PROSE_FIELDS) values[field] = text(item[field]);
  for (const field of LINE_LIST_FIELDS) values[field] = list(item[field]).join('\n');
  const actions = (item.actions ?? {}) as Record<string, unknown>;
  for (const key of ACTION_KEYS) values[`actions.${key}`] = list(actions[key]).join('\n');
  const reading = Array.isArray(item.furtherReading) ? (item.furtherReading as Record<string, unknown>[]) : [];
  values.furtherReading = reading.map((entry) => `${text(entry.title)} | ${text(entry.url)}`).join('\n');
  return values;
}

/**
 * Which form field shows a message: 'findings[2]' and 'findings' show at the findings box,
 * 'actions.police[0]' at the police actions box, 'furtherReading[1].url' at further reading.
 */
export function formFieldOf(path: string): string {
  const actions = /^actions\.([a-z_]+)/.exec(path);
  if (actions && (ACTION_KEYS as readonly string[]).includes(actions[1]!)) return `actions.${actions[1]}`;
  const base = path.replace(/\[\d+\].*$/, '').replace(/ item$/, '');
  if (base.startsWith('source.')) return base;
  if (base === 'source') return 'source.type';
  const head = base.split('.')[0]!;
  return (FORM_FIELD_ORDER as readonly string[]).includes(head) ? head : '(item)';
}

/** The pipeline's messages by form field, in the order of the fields on the page. */
export function errorsByField(errors: readonly FieldError[]): { field: string; messages: string[] }[] {
  const byField = new Map<string, string[]>();
  for (const error of errors) {
    const field = formFieldOf(error.field);
    byField.set(field, [...(byField.get(field) ?? []), error.message]);
  }
  const order = FORM_FIELD_ORDER as readonly string[];
  return [...byField.entries()].sort(([a], [b]) => order.indexOf(a) - order.indexOf(b)).map(([field, messages]) => ({ field, messages }));
}

export const FORM_CHOICES = { topics: TOPIC_IDS, agencies: AGENCY_IDS, sourceTypes: SOURCE_TYPE_IDS } as const;
