import type { Finding } from '../finding/finding';
import { AGENCY_IDS, ALL_AGENCIES } from '../taxonomy';
import { compactView, originalSpan, readableView, type TextView } from './text-views';
import { isValidNhsNumber, DIGIT_RUN, NI, NI_FIRST, NI_SECOND, NI_NOT_ISSUED, POSTCODE, YEAR_AND_ORDINAL, DATE_DMY, DATE_YMD, DATE_COMPACT, inRange, isCalendarDate, PHONE, EMAIL, EMAIL_SPELLED, compileDenyList, denyListMatches } from './patterns';
import { makeHit } from './hits';

/**
 * The anonymisation gate's rules (anonymisation.ts puts them together with the name rule):
 * finds identifiers a machine can catch in the text of a
 * finding before it goes out as a briefing (see "Anonymisation: what must never
 * leave in a briefing" in the domain notes). Pure: no I/O.
 *
 * Each hit names the field as the admin sees it, where in that field's text the
 * match starts, and a masked copy of the match. Neither the hit nor its message ever
 * carries the match itself, so hits can be logged and shown safely.
 *
 * It reads text as a person would (text-views.ts): Unicode NFKC, invisible characters
 * removed, every script's digits as ASCII, and any run of spaces, line breaks, tabs, dots,
 * slashes or dashes between groups as one separator. So '943\u200B476 5919', a number in
 * full-width or Arabic-Indic digits, one broken across a line, 'SW1A  1AA', '07700.900.123'
 * and 'name ＠ example.org' are all caught. Positions are still in the text as typed.
 *
 * Decisions worth knowing:
 * - One hit per span. When hits from different rules overlap, the one kept is: a block
 *   before a warning; then the longer match (it has more context: '+44 121 496 0000'
 *   is a phone number, not the NHS-shaped '121 496 0000' inside it); then the rule
 *   earlier in RULE_PRECEDENCE.
 * - Phone or NHS number, for a 10-digit number starting 0 that fits both (such as
 *   '0163296000'): if it passes the NHS check it is reported as an NHS number (the
 *   check digit is the stronger evidence); otherwise as a phone number, a block, and
 *   never also as the NHS-number warning.
 * - NHS numbers: 10 digits in any grouping ('943 476 5919', '9434 765919', one space per
 *   digit). Inside a longer run of digit groups, any whole groups that make a number passing
 *   the check are blocked; other 10-digit runs only warn.
 * - Some shapes are ambiguous in ordinary prose, so they warn instead of block:
 *   a 10-digit number that fails the NHS check; a lower-case two-letter word before
 *   six digits ('as 100000 children'); a dotted date with a 2-digit year ('4.2.15'
 *   may be a paragraph number).
 * - Postcodes follow the Royal Mail letter rules as well as the shapes, so 'ZZ1 1ZZ'
 *   (Z is never a second letter) and '3pm' (M is never an inward letter) are not
 *   postcodes, and a lower-case ordinal such as 'Y11 6th form' is not one either.
 *   Separators inside the outward or inward code ('S W 1 A 1 A A') count in capitals only.
 * - Dates: a day, a month and a year, all three. d/m/y with one kind of separator
 *   ('/', '-', '.', or spaces with a 4-digit year), 4- or 2-digit year, also m/d/y (a
 *   US-style date is just as exact), y-m-d, 8 digits together (20190314, 14032019), and
 *   month names in any common order, read by chrono-node ('14th March 2019', 'March 14,
 *   2019', '14-Mar-2019'). 'May 2022', '3 May', '2022-05', '12/2022' and '2020/21' are not
 *   exact dates.
 * - Phone numbers: hand patterns for the UK's national and international forms (a phone
 *   library would add ~150 KB for numbers of every country; the gate needs the UK's).
 * - Emails: also with spaces round the '@', and spelled out ('name [at] example [dot] org',
 *   'name at example dot org').
 * - The deny list is compared folded: case, separators, apostrophes, accents and Unicode
 *   confusables (UTS #39), so 'Oak-wood', 'OAKWOOD' and 'Оakwood' with a Cyrillic O match
 *   'Oakwood'.
 * - Person names in prose ('the mother, Jane Smith, said') are found by person-names.ts;
 *   the deployment's allow list keeps public names and pseudonyms ('Child Q') out.
 */

export const GATE_RULES = ['nhs-number', 'ni-number', 'postcode', 'date', 'phone', 'email', 'deny-list', 'person-name'] as const;
export type GateRule = (typeof GATE_RULES)[number];

export interface GateHit {
  /** The field as the admin sees it: 'learning[1]', 'actions.police[0]', 'source.name', 'furtherReading[0].title'. */
  field: string;
  /** 0-based offset (UTF-16 code units, as String.prototype.slice counts) of the match in the field's text. */
  position: number;
  /** How long the match is in the field's text (UTF-16 code units), invisible characters inside it included. */
  length: number;
  rule: GateRule;
  /**
   * The match with all but its last two letters and digits replaced by '•' (deny-list words keep
   * only the first letter, names the first letter of each word), invisible characters left out.
   */
  masked: string;
  severity: 'block' | 'warn';
  /** What it is and how to fix it; counts characters from 1, as the admin does. Never holds the unmasked match. */
  message: string;
}

export interface GateResult {
  blocked: GateHit[];
  warnings: GateHit[];
}

/** Ties between overlapping hits of equal severity and length go to the rule listed first. */
const RULE_PRECEDENCE: readonly GateRule[] = ['email', 'nhs-number', 'ni-number', 'phone', 'postcode', 'date', 'deny-list', 'person-name'];

// ---------------------------------------------------------------------------
// Scanning

interface Candidate {
  position: number;
  length: number;
  rule: GateRule;
  severity: 'block' | 'warn';
}

function* matches(pattern: RegExp, text: string): Generator<RegExpExecArray> {
  pattern.lastIndex = 0;
  for (let found = pattern.exec(text); found; found = pattern.exec(text)) {
    yield found;
    if (found[0] === '') pattern.lastIndex += 1;
  }
}

/** The views a text is read through: what a reader sees, and the same with separator runs as one. */
interface Views {
  original: string;
  readable: TextView;
  compact: TextView;
}

function viewsOf(original: string): Views {
  const readable = readableView(original);
  return { original, readable, compact: compactView(readable) };
}

/** The rules on digits and codes read the compact view. */
function codeCandidates(view: TextView, add: (view: TextView, start: number, end: number, rule: GateRule, severity: 'block' | 'warn') => void) {
  const text = view.text;
  for (const m of matches(DIGIT_RUN, text)) {
    const groups = m[0].split(/[ ./-]/);
    const digits = groups.join('');
    if (digits.length === 10) {
      add(view, m.index, m.index + m[0].length, 'nhs-number', isValidNhsNumber(digits) ? 'block' : 'warn');
      continue;
    }
    if (digits.length < 10 || groups.length < 2) continue;
    // A longer run of groups ('NHS 943 476 5919 2019'): any whole groups that make a valid NHS number.
    const offsets: number[] = [];
    groups.reduce((at, group) => (offsets.push(at), at + group.length + 1), m.index);
    for (let first = 0; first < groups.length; first++) {
      let count = 0;
      for (let last = first; last < groups.length && count < 10; last++) {
        count += groups[last]!.length;
        if (count === 10 && isValidNhsNumber(groups.slice(first, last + 1).join(''))) {
          add(view, offsets[first]!, offsets[last]! + groups[last]!.length, 'nhs-number', 'block');
        }
      }
    }
  }

  for (const m of matches(NI, text)) {
    const [whole, letters = '', gap = '', digits = '', suffixGap] = m;
    const prefix = letters.replace(/[ ./-]/g, '');
    if (!NI_FIRST.test(prefix[0]!) || !NI_SECOND.test(prefix[1]!) || NI_NOT_ISSUED.has(prefix.toUpperCase())) continue;
    const upperCase = prefix === prefix.toUpperCase();
    const proseLike = !upperCase && gap !== '' && /^\d{6}$/.test(digits) && suffixGap !== '';
    // 'as 100000 a year' reads as words and a number: a warning, without the word after it.
    if (proseLike) add(view, m.index, m.index + letters.length + gap.length + digits.length, 'ni-number', 'warn');
    else add(view, m.index, m.index + whole.length, 'ni-number', 'block');
  }

  for (const m of matches(POSTCODE, text)) {
    const code = m[0].replace(/[ ./-]/g, '');
    if (YEAR_AND_ORDINAL.test(code) && /[a-z]{2}$/.test(code)) continue;
    // Separators only between the outward and inward codes, as written; anywhere else only in capitals ('S W 1 A 1 A A').
    const gaps = [...m[0].matchAll(/[ ./-]/g)].map((g) => g.index! - [...m[0].slice(0, g.index).matchAll(/[ ./-]/g)].length);
    const usual = gaps.every((at) => at === code.length - 3);
    if (!usual && code !== code.toUpperCase()) continue;
    add(view, m.index, m.index + m[0].length, 'postcode', 'block');
  }

  for (const m of matches(DATE_DMY, text)) {
    const first = Number(m[1]);
    const second = Number(m[3]);
    if (m[2] === ' ' && m[4]!.length !== 4) continue;
    const dayMonth = inRange(first, 1, 31) && inRange(second, 1, 12);
    const monthDay = inRange(first, 1, 12) && inRange(second, 1, 31);
    if (!dayMonth && !monthDay) continue;
    add(view, m.index, m.index + m[0].length, 'date', m[2] === '.' && m[4]!.length === 2 ? 'warn' : 'block');
  }
  for (const m of matches(DATE_YMD, text)) {
    if (inRange(Number(m[3]), 1, 12) && inRange(Number(m[4]), 1, 31)) add(view, m.index, m.index + m[0].length, 'date', 'block');
  }
  for (const m of matches(DATE_COMPACT, text)) {
    const d = m[0];
    const ymd = isCalendarDate(Number(d.slice(0, 4)), Number(d.slice(4, 6)), Number(d.slice(6)));
    const dmy = isCalendarDate(Number(d.slice(4)), Number(d.slice(2, 4)), Number(d.slice(0, 2)));
    if (ymd || dmy) add(view, m.index, m.index + d.length, 'date', 'block');
  }

  for (const m of matches(PHONE, text)) add(view, m.index, m.index + m[0].length, 'phone', 'block');
}

function candidates(views: Views, lists: CompiledLists): Candidate[] {
  const { deny, allow } = lists;
  const out: Candidate[] = [];
  const add = (view: TextView, start: number, end: number, rule: GateRule, severity: 'block' | 'warn') => {
    const { position, length } = originalSpan(view, start, end);
    if (length > 0) out.push({ position, length, rule, severity });
  };
  const { readable, compact } = views;

  codeCandidates(compact, add);
  for (const { index, match } of lists.readers.datesInWords?.(readable.text) ?? []) add(readable, index, index + match.length, 'date', 'block');
  for (const pattern of [EMAIL, EMAIL_SPELLED]) {
    for (const m of matches(pattern, readable.text)) add(readable, m.index, m.index + m[0].length, 'email', 'block');
  }
  for (const { start, end } of denyListMatches(readable, deny)) add(readable, start, end, 'deny-list', 'block');
  for (const span of lists.readers.names?.(readable.text, allow) ?? []) add(readable, span.position, span.position + span.length, 'person-name', 'block');
  return out;
}

/** Keeps one hit per span (see the precedence at the top), in order of position. */
function resolveOverlaps(found: Candidate[]): Candidate[] {
  const ranked = [...found].sort(
    (a, b) =>
      (a.severity === b.severity ? 0 : a.severity === 'block' ? -1 : 1) ||
      b.length - a.length ||
      RULE_PRECEDENCE.indexOf(a.rule) - RULE_PRECEDENCE.indexOf(b.rule) ||
      a.position - b.position,
  );
  const kept: Candidate[] = [];
  for (const candidate of ranked) {
    const end = candidate.position + candidate.length;
    const overlaps = kept.some((k) => candidate.position < k.position + k.length && k.position < end);
    if (!overlaps) kept.push(candidate);
  }
  return kept.sort((a, b) => a.position - b.position);
}

function scanWith(field: string, text: string, lists: CompiledLists): GateHit[] {
  const views = viewsOf(text);
  return resolveOverlaps(candidates(views, lists)).map((c) =>
    makeHit(field, c.position, text.slice(c.position, c.position + c.length), c.rule, c.severity),
  );
}

/** The deployment's own words: names and places never to send (deny), and public names a name may be (allow). */
export interface GateLists {
  denyList?: readonly string[];
  allowList?: readonly string[];
}

/**
 * The rules that need a language model or a parser, which the full gate (anonymisation.ts)
 * gives: person names (person-names.ts, compromise) and dates in words (dates-in-words.ts,
 * chrono-node). Kept apart so that a function that only checks ids for its logs does not
 * carry them.
 */
export interface ProseReaders {
  /** Person names in readable text, leaving out the allow list's. */
  names?: (text: string, allowList: readonly string[]) => Iterable<{ position: number; length: number }>;
  /** Exact dates written with a month's name. */
  datesInWords?: (text: string) => Iterable<{ index: number; match: string }>;
}

interface CompiledLists {
  deny: readonly string[];
  allow: readonly string[];
  readers: ProseReaders;
}

const compileLists = (lists: GateLists | readonly string[] | undefined, readers: ProseReaders = {}): CompiledLists => {
  const { denyList, allowList } = Array.isArray(lists) ? { denyList: lists as readonly string[], allowList: undefined } : ((lists ?? {}) as GateLists);
  return { deny: compileDenyList(denyList), allow: allowList ?? [], readers };
};

/**
 * Every identifier the pattern rules catch in one piece of text, in order of position, and what
 * the prose readers given find. The gate itself (anonymisation.ts) gives them all; a log line's
 * id check (loggable-id.ts) none. The second argument is the deny list, or both of the
 * deployment's lists.
 */
export function scanTextWith(field: string, text: string, lists?: readonly string[] | GateLists, readers?: ProseReaders): GateHit[] {
  return scanWith(field, text, compileLists(lists, readers));
}

/**
 * The text fields that reach a briefing, in the order the admin sees them. Not scanned:
 * ids, status, version, topics, agencies, source.type, source.published (a structured
 * date), and web addresses (source.url, furtherReading[].url).
 */
function scannedFields(finding: Finding): Array<{ field: string; text: string }> {
  const fields: Array<{ field: string; text: string }> = [];
  const one = (field: string, text: string | undefined) => {
    if (typeof text === 'string') fields.push({ field, text });
  };
  const list = (field: string, items: readonly string[] | undefined) => items?.forEach((text, i) => one(`${field}[${i}]`, text));

  one('title', finding.title);
  one('source.name', finding.source.name);
  one('background', finding.background);
  one('whyItMatters', finding.whyItMatters);
  list('findings', finding.findings);
  list('learning', finding.learning);
  list('goodPractice', finding.goodPractice);
  list('questions', finding.questions);
  // 'all' first, then the taxonomy's order, whatever order the map's keys arrived in.
  const order: readonly string[] = [ALL_AGENCIES, ...AGENCY_IDS];
  const rank = (key: string) => (order.includes(key) ? order.indexOf(key) : order.length);
  const keys = Object.keys(finding.actions).sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  for (const key of keys) list(`actions.${key}`, finding.actions[key]);
  finding.furtherReading?.forEach((item, i) => one(`furtherReading[${i}].title`, item.title));
  return fields;
}

/** Scans every text field of a finding that reaches a briefing; hits come in field order, then by position. */
export function scanFindingWith(finding: Finding, lists?: readonly string[] | GateLists, readers?: ProseReaders): GateResult {
  const compiled = compileLists(lists, readers);
  const hits = scannedFields(finding).flatMap(({ field, text }) => scanWith(field, text, compiled));
  return {
    blocked: hits.filter((hit) => hit.severity === 'block'),
    warnings: hits.filter((hit) => hit.severity === 'warn'),
  };
}
