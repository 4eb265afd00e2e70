import fc from 'fast-check';
import { hiddenCharacterProblem, parseFinding, TEXT_LIMITS, type Finding } from '../../shared/core/finding/finding';
import { AGENCY_IDS, ALL_AGENCIES, ROLE_IDS, SOURCE_TYPE_IDS, TOPIC_IDS } from '../../shared/core/taxonomy';
import type { BriefingReader } from '../../shared/render/email/briefing';

/**
 * fast-check arbitraries for findings the schema accepts, built from the taxonomy, with
 * text that deliberately carries HTML-ish characters (< > & " ') and markup fragments next
 * to any printable Unicode. Raw items are generated, then only those parseFinding accepts
 * are kept (nearly all are: each string is made acceptable as it is generated).
 */

/** Markup and entity fragments a renderer must never pass through as markup. */
export const HTML_FRAGMENTS = ['<', '>', '&', '"', "'", '<x', '</b>', '&amp;', '&lt;', '<script>', '</script>', '<img src=x onerror=alert(1)>', '<iframe src="https://www.example.org">', '<p', '-->', '<!--'] as const;

const unit = fc.oneof(
  { weight: 6, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }) },
  { weight: 3, arbitrary: fc.constantFrom(' ', ' ', '\n', '\n\n', '\t') },
  { weight: 3, arbitrary: fc.constantFrom(...HTML_FRAGMENTS) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
);

/** Text the schema accepts: not blank, no hidden characters, within the limit once trimmed. */
export const textArb = (maxChars: number = 60) =>
  fc
    .string({ unit, minLength: 1, maxLength: Math.min(maxChars, 40) })
    .filter((s) => s.trim() !== '' && s.trim().length <= maxChars && hiddenCharacterProblem('text', s) === undefined);

const textListArb = (maxItems = 4) => fc.array(textArb(TEXT_LIMITS.item), { minLength: 1, maxLength: maxItems });

const idArb = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,30}$/);

const daysIn = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();
const pad = (n: number) => String(n).padStart(2, '0');
export const publishedArb = fc
  .record({ year: fc.integer({ min: 1990, max: 2035 }), month: fc.integer({ min: 1, max: 12 }), day: fc.option(fc.integer({ min: 1, max: 31 })) })
  .map(({ year, month, day }) =>
    day === null ? `${year}-${pad(month)}` : `${year}-${pad(month)}-${pad(Math.min(day, daysIn(year, month)))}`,
  );

const urlArb = fc.oneof(
  fc.webUrl({ validSchemes: ['https', 'http'], withQueryParameters: true, withFragments: true }),
  fc.constantFrom('https://www.example.org/a?b=1&c="2"', "https://www.example.org/it's", 'http://example.org/<x>'),
);

const actionKeyArb = fc.constantFrom(ALL_AGENCIES, ...AGENCY_IDS);

/** A raw item as the console would hand it over: lists for ids, sometimes string sets. */
export const rawFindingArb: fc.Arbitrary<Record<string, unknown>> = fc.record(
  {
    id: idArb,
    status: fc.constantFrom('draft', 'published', 'withdrawn'),
    version: fc.oneof(fc.integer({ min: 1, max: 50 }), fc.integer({ min: 1, max: 50 }).map(String)),
    title: textArb(TEXT_LIMITS.title),
    source: fc.record(
      {
        type: fc.constantFrom(...SOURCE_TYPE_IDS),
        name: textArb(TEXT_LIMITS.name),
        published: publishedArb,
        url: urlArb,
      },
      { requiredKeys: ['type', 'name', 'published'] },
    ),
    topics: fc.uniqueArray(fc.constantFrom(...TOPIC_IDS), { minLength: 1, maxLength: 5 }).chain((ids) => fc.constantFrom<unknown>(ids, new Set(ids))),
    agencies: fc.uniqueArray(fc.constantFrom(...AGENCY_IDS), { minLength: 1, maxLength: 4 }),
    background: textArb(TEXT_LIMITS.prose),
    whyItMatters: textArb(TEXT_LIMITS.prose),
    findings: textListArb(),
    learning: textListArb(),
    goodPractice: textListArb(2),
    questions: textListArb(3),
    actions: fc.dictionary(actionKeyArb, textListArb(3), { minKeys: 1, maxKeys: 4 }),
    furtherReading: fc.array(fc.record({ title: textArb(TEXT_LIMITS.item), url: urlArb }), { maxLength: 3 }),
    approvedBy: textArb(TEXT_LIMITS.name),
  },
  { requiredKeys: ['id', 'status', 'version', 'title', 'source', 'topics', 'agencies', 'background', 'whyItMatters', 'findings', 'learning', 'questions', 'actions'] },
);

/** Valid findings: raw items that parseFinding accepts, as it returns them. */
export const findingArb: fc.Arbitrary<Finding> = rawFindingArb
  .map((raw) => parseFinding(raw))
  .filter((parsed): parsed is { ok: true; finding: Finding } => parsed.ok)
  .map((parsed) => parsed.finding);

/** Anyone a briefing goes to: a taxonomy agency and role, and any name (list members type their own). */
export const readerArb: fc.Arbitrary<BriefingReader> = fc.record({
  agency: fc.constantFrom(...AGENCY_IDS),
  role: fc.constantFrom(...ROLE_IDS),
  name: fc.oneof(fc.string(), fc.string({ unit, maxLength: 30 })),
});
