import * as z from 'zod/mini';
import '../zod-setup';
import { knownId, shownValue, unknownIdMessage } from '../known-id';
import { AGENCY_IDS, ALL_AGENCIES, SOURCE_TYPE_IDS, TOPIC_IDS } from '../taxonomy';

/**
 * A finding as an admin types it: in the AWS console's item editor, the local
 * console, or a JSON/YAML file for the CLI. The schema accepts what a person
 * reasonably types (a list or a string set, a number typed as text) and rejects
 * everything else with a message that names the field and the fix.
 */

export const FINDING_STATUSES = ['draft', 'published', 'withdrawn'] as const;

/** What the input actually was, in the console's own words (S, N, L, M, SS). */
export function describeValue(input: unknown): string {
  if (input === undefined) return 'nothing';
  if (input === null) return 'null';
  if (typeof input === 'string') return input.trim() === '' ? 'empty text' : 'text (S)';
  if (typeof input === 'number' || typeof input === 'bigint') return 'a number (N)';
  if (typeof input === 'boolean') return 'a boolean (BOOL)';
  if (input instanceof Set) return 'a set';
  if (Array.isArray(input)) return 'a list (L)';
  return 'a map (M)';
}

/** String sets (SS) arrive as a Set once unmarshalled; treat them as lists. */
const setToArray = (input: unknown) => (input instanceof Set ? [...input] : input);

/** Classic zod's `z.preprocess`: a transform piped into the schema. */
const preprocess = <T extends z.core.$ZodType>(fn: (input: unknown) => unknown, schema: T) => z.pipe(z.transform(fn), schema);

/**
 * Characters that never belong in a briefing: controls (other than tab and line breaks),
 * and every invisible character: Unicode's format characters, including the bidirectional
 * overrides and isolates that can make text read differently from what it says (the
 * "Trojan Source" trick), and its default-ignorable ones (zero-width spaces and joiners,
 * word joiners, soft hyphens). Invisible characters can also hide an identifier from a
 * reader and from the anonymisation gate, so they are refused with their position rather
 * than silently removed. The one exception: a joiner or variation selector inside an emoji.
 */
const HIDDEN_CHARACTERS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\p{Cf}\p{Default_Ignorable_Code_Point}]/gu;
const EMOJI = /\p{Extended_Pictographic}/u;

const CHARACTER_NAMES: Record<number, string> = {
  0x00ad: 'a soft hyphen',
  0x200b: 'a zero-width space',
  0x200c: 'a zero-width non-joiner',
  0x200d: 'a zero-width joiner',
  0x2060: 'a word joiner',
  0xfeff: 'a zero-width no-break space',
};

function describeHidden(code: number): string {
  if (CHARACTER_NAMES[code]) return CHARACTER_NAMES[code]!;
  if (code === 0x200e || code === 0x200f || (code >= 0x202a && code <= 0x202e) || (code >= 0x2066 && code <= 0x2069)) return 'a text-direction control';
  if (code <= 0x9f) return 'a control character';
  return 'an invisible character';
}

export function hiddenCharacterProblem(field: string, value: string): string | undefined {
  for (const match of value.matchAll(HIDDEN_CHARACTERS)) {
    const code = match[0].codePointAt(0)!;
    const at = match.index!;
    // 👩‍👧 and ❤️: the joiner and the variation selector are part of the emoji.
    if ((code === 0x200d || code === 0xfe0f) && EMOJI.test(value.slice(Math.max(0, at - 2), at))) continue;
    return (
      `${field} contains ${describeHidden(code)} (U+${code.toString(16).toUpperCase().padStart(4, '0')}) at character ${at + 1}. ` +
      'It is invisible and can change how the text reads or hide what it says: retype that part of the text, or paste it as plain text.'
    );
  }
  return undefined;
}

/** A briefing is read aloud in seven minutes: long text is a slip (or a paste of a whole report). */
export const TEXT_LIMITS = { title: 200, name: 300, prose: 5_000, item: 1_000, items: 25 } as const;

const text = (field: string, hint = 'Type it as a String (S).', maxChars: number = TEXT_LIMITS.item) =>
  z
    .string({
      error: (issue) =>
        issue.input === undefined
          ? `${field} is missing. ${hint}`
          : `${field} must be text (S), not ${describeValue(issue.input)}. ${hint}`,
    })
    .check(
      z.trim(),
      z.minLength(1, { error: `${field} is empty. Write the text, or remove the attribute if it is optional.` }),
      z.maxLength(maxChars, {
        error: (issue) =>
          `${field} is ${(issue.input as string).length.toLocaleString('en-GB')} characters; the most a briefing takes is ${maxChars.toLocaleString('en-GB')}. Shorten it: link to the full report in furtherReading instead.`,
      }),
      z.superRefine((value: string, ctx) => {
        const problem = hiddenCharacterProblem(field, value);
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      }),
    );

const textList = (field: string, what: string) =>
  preprocess(
    setToArray,
    z
      .array(text(`${field} item`, `Each item is a String (S) holding one ${what}.`), {
        error: (issue) =>
          issue.input === undefined
            ? `${field} is missing. Add it as a List (L) of String (S) items, one per ${what}.`
            : `${field} must be a List (L) of String (S) items, not ${describeValue(issue.input)}. Put each ${what} in its own list item.`,
      })
      .check(
        z.minLength(1, { error: `${field} is an empty list. Add at least one ${what}.` }),
        z.maxLength(TEXT_LIMITS.items, { error: `${field} has more than ${TEXT_LIMITS.items} items: a briefing keeps to the few that matter most.` }),
      ),
  );

const idList = <const T extends readonly [string, ...string[]]>(field: string, known: T, kind: string) =>
  preprocess(
    setToArray,
    z
      .array(knownId(known, kind), {
        error: (issue) =>
          issue.input === undefined
            ? `${field} is missing. Add it as a List (L) or String Set (SS) of ${kind} ids.`
            : `${field} must be a List (L) or String Set (SS) of ${kind} ids, not ${describeValue(issue.input)}.`,
      })
      .check(z.minLength(1, { error: `${field} is an empty list. Add at least one ${kind} id.` })),
  );

export const MAX_VERSION = 1000;

const versionNumber = preprocess(
  (input) => (typeof input === 'string' && /^\s*\d+\s*$/.test(input) ? Number(input) : input),
  z
    .number({
      error: (issue) =>
        issue.input === undefined
          ? 'version is missing. Add it as a Number (N), starting at 1.'
          : `version must be a whole Number (N) such as 1, not ${describeValue(issue.input)}.`,
    })
    .check(
      z.int({ error: 'version must be a whole number such as 1 or 2.' }),
      z.gte(1, { error: 'version starts at 1.' }),
      // A date typed into the wrong field (20220501) would make every earlier version a lookup.
      z.lte(MAX_VERSION, { error: `version goes up one at a time from 1; ${MAX_VERSION} at most. Did you type a date into it?` }),
    ),
);

/** 2022-02-31 matches the pattern but is no date; a month alone is always fine. */
function isCalendarDate(value: string): boolean {
  const [year, month, day] = value.split('-').map(Number);
  if (day === undefined) return true;
  const date = new Date(Date.UTC(year!, month! - 1, day));
  return date.getUTCMonth() === month! - 1 && date.getUTCDate() === day;
}

const sourceSchema = z.object(
  {
    type: knownId(SOURCE_TYPE_IDS, 'source type'),
    name: text('source.name', 'Give the official title of the review or inspection.', TEXT_LIMITS.name),
    published: text('source.published').check(
      z.regex(/^\d{4}-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?$/, {
        error: 'source.published must be a date written YYYY-MM or YYYY-MM-DD, for example 2022-05.',
      }),
      z.refine(isCalendarDate, { error: 'source.published is not a real date: check the day of the month.' }),
    ),
    url: z.optional(z.url({ protocol: /^https?$/, error: 'source.url must be a full web address starting https:// (or http://).' })),
  },
  {
    error: (issue) =>
      issue.input === undefined
        ? 'source is missing. Add a Map (M) with type, name and published (and url if there is one).'
        : `source must be a Map (M) with type, name and published, not ${describeValue(issue.input)}.`,
  },
);

const ACTION_KEYS = [ALL_AGENCIES, ...AGENCY_IDS];
// A string key (not an enum) so that a bad key gets our message at its own path, e.g. actions.polise.
const actionKey = z.string().check(
  z.superRefine((key: string, ctx) => {
    if (!ACTION_KEYS.includes(key)) ctx.addIssue({ code: 'custom', message: unknownIdMessage(key, ACTION_KEYS, 'agency') });
  }),
);

const actionsSchema = z
  .record(actionKey, textList('actions', 'action'), {
    error: (issue) =>
      issue.input === undefined
        ? `actions is missing. Add a Map (M) from an agency id (or '${ALL_AGENCIES}') to a List (L) of actions.`
        : `actions must be a Map (M) from an agency id (or '${ALL_AGENCIES}') to a List (L) of actions, not ${describeValue(issue.input)}.`,
  })
  .check(
    z.refine((actions) => Object.keys(actions).length > 0, {
      error: `actions is empty. Add at least '${ALL_AGENCIES}' or one agency's actions.`,
    }),
  );

const furtherReadingSchema = preprocess(
  setToArray,
  z.array(
    z.object(
      {
        title: text('furtherReading title'),
        url: z.url({ protocol: /^https?$/, error: 'furtherReading url must be a full web address starting https:// (or http://).' }),
      },
      { error: (issue) => `each furtherReading item must be a Map (M) with title and url, not ${describeValue(issue.input)}.` },
    ),
    { error: (issue) => `furtherReading must be a List (L) of Maps (M) with title and url, not ${describeValue(issue.input)}.` },
  ),
);

export const findingSchema = z.object({
  id: text('id', 'It is the partition key: a short name such as jtai-mash-2022.').check(
    z.regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, {
      error: "id may use letters, digits, '-', '_' and '.', up to 100 characters, starting with a letter or digit.",
    }),
  ),
  status: z.enum(FINDING_STATUSES, {
    error: (issue) => {
      if (issue.input === undefined) return 'status is missing. Use draft, published or withdrawn.';
      // ' published ': meant as a status, with spaces around it that are easy to miss in the console.
      const input = issue.input;
      const meant = typeof input === 'string' && input.trim() !== input ? FINDING_STATUSES.find((s) => s === input.trim().toLowerCase()) : undefined;
      if (meant) return `status '${shownValue(input)}' has spaces around it. Type it as ${meant}, in lower case with no spaces, and save.`;
      return `status '${shownValue(issue.input)}' is not valid. Use one of: ${FINDING_STATUSES.join(', ')} (lower case).`;
    },
  }),
  version: versionNumber,
  title: text('title', undefined, TEXT_LIMITS.title),
  source: sourceSchema,
  topics: idList('topics', TOPIC_IDS, 'topic'),
  agencies: idList('agencies', AGENCY_IDS, 'agency'),
  background: text('background', undefined, TEXT_LIMITS.prose),
  whyItMatters: text('whyItMatters', undefined, TEXT_LIMITS.prose),
  findings: textList('findings', 'finding'),
  learning: textList('learning', 'learning point'),
  goodPractice: z.optional(textList('goodPractice', 'example of good practice')),
  questions: textList('questions', 'question for the team'),
  actions: actionsSchema,
  furtherReading: z.optional(furtherReadingSchema),
  /**
   * Who approved it for sending (a name or a role). Optional in a draft; a published
   * finding without it is held (see the approval check in plan-briefing).
   */
  approvedBy: z.optional(text('approvedBy', "Give the approver's name or role, for example 'Chair, Learning and Development Group'.", TEXT_LIMITS.name)),
  /** Releases a finding the anonymisation gate held: a person, a reason, and the version it applies to. */
  anonymisationOverride: z.optional(
    z.object(
      {
        by: text('anonymisationOverride.by', 'Name the person who checked the text and decided it may go.', TEXT_LIMITS.name),
        reason: text('anonymisationOverride.reason', 'Say why what the gate found is not personal data.', TEXT_LIMITS.item),
        version: versionNumber,
      },
      {
        error: (issue) =>
          `anonymisationOverride must be a Map (M) with by, reason and version, not ${describeValue(issue.input)}.`,
      },
    ),
  ),
});

export type Finding = z.infer<typeof findingSchema>;
export type FindingStatus = (typeof FINDING_STATUSES)[number];

export interface FieldError {
  /** The attribute path as an admin sees it, for example `topics[2]` or `source.type`. */
  field: string;
  message: string;
}

/**
 * One problem as a line for a person: 'topics[0]: …', or the message alone when it already names
 * its field ('background, character 130: a postcode…', 'title is missing…'), so no line reads
 * 'background: background, character 130…'.
 */
export function errorLine(error: FieldError): string {
  const at = error.message.startsWith(error.field) ? error.message.charAt(error.field.length) : undefined;
  return at === ' ' || at === ',' || at === ':' ? error.message : `${error.field}: ${error.message}`;
}

export function fieldPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((acc, part) => {
    if (typeof part === 'number') return `${acc}[${part}]`;
    return acc ? `${acc}.${String(part)}` : String(part);
  }, '') || '(item)';
}

export type FindingParse = { ok: true; finding: Finding } | { ok: false; errors: FieldError[] };

/** Validates an unmarshalled item or a parsed file; never throws. */
export function parseFinding(input: unknown): FindingParse {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { ok: false, errors: [{ field: '(item)', message: `A finding must be a Map (M) of attributes, not ${describeValue(input)}.` }] };
  }
  const result = findingSchema.safeParse(input);
  if (result.success) return { ok: true, finding: result.data };
  return {
    ok: false,
    errors: result.error.issues.map((issue) => ({
      field: fieldPath(issue.path),
      // A bad map key (an unknown agency in `actions`) carries its own message one level down.
      message: issue.code === 'invalid_key' ? (issue.issues[0]?.message ?? issue.message) : issue.message,
    })),
  };
}
