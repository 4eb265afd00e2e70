import type { Finding } from './finding';
import { AGENCY_IDS, ALL_AGENCIES } from './taxonomy';

/**
 * The anonymisation gate: finds identifiers a machine can catch in the text of a
 * finding before it goes out as a briefing (see "Anonymisation: what must never
 * leave in a briefing" in the domain notes). Pure: no I/O.
 *
 * Each hit names the field as the admin sees it, where in that field's text the
 * match starts, and a masked copy of the match. Neither the hit nor its message ever
 * carries the match itself, so hits can be logged and shown safely.
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
 * - Some shapes are ambiguous in ordinary prose, so they warn instead of block:
 *   a 10-digit number that fails the NHS check; a lower-case two-letter word before
 *   six digits ('as 100000 children'); a dotted date with a 2-digit year ('4.2.15'
 *   may be a paragraph number).
 * - Postcodes follow the Royal Mail letter rules as well as the shapes, so 'ZZ1 1ZZ'
 *   (Z is never a second letter) and '3pm' (M is never an inward letter) are not
 *   postcodes, and a lower-case ordinal such as 'Y11 6th form' is not one either.
 * - Dates: d/m/y with '/', '-' or '.', 4- or 2-digit year, also m/d/y (a US-style
 *   date is just as exact), and y-m-d. 'May 2022', '3 May 2022', '2022-05', '12/2022'
 *   and '2020/21' are not exact d/m/y dates.
 */

export const GATE_RULES = ['nhs-number', 'ni-number', 'postcode', 'date', 'phone', 'email', 'deny-list'] as const;
export type GateRule = (typeof GATE_RULES)[number];

export interface GateHit {
  /** The field as the admin sees it: 'learning[1]', 'actions.police[0]', 'source.name', 'furtherReading[0].title'. */
  field: string;
  /** 0-based offset (UTF-16 code units, as String.prototype.slice counts) of the match in the field's text. */
  position: number;
  rule: GateRule;
  /** The match with all but its last two letters and digits replaced by '•' (deny-list words keep only the first letter). */
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
const RULE_PRECEDENCE: readonly GateRule[] = ['email', 'nhs-number', 'ni-number', 'phone', 'postcode', 'date', 'deny-list'];

const MASK = '•';

/** Spaces people type (or paste from a word processor) inside numbers and codes. */
const SPACE = '[ \\u00A0]';
const SEP = '[ \\u00A0-]';

// ---------------------------------------------------------------------------
// NHS number

/**
 * The NHS number check: weight digits 1–9 by 10 down to 2 and sum; check = 11 − (sum mod 11),
 * where 11 means 0 and 10 means no valid number. Spaces and dashes are ignored; anything
 * other than 10 digits is not an NHS number.
 */
export function isValidNhsNumber(digits: string): boolean {
  const plain = digits.replace(/[ \u00A0-]/g, '');
  if (!/^\d{10}$/.test(plain)) return false;
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += Number(plain[i]) * (10 - i);
  const check = 11 - (sum % 11);
  if (check === 10) return false;
  return (check === 11 ? 0 : check) === Number(plain[9]);
}

/** 10 digits, contiguous or 3-3-4 with single spaces or dashes, never part of a longer digit run. */
const NHS = new RegExp(`(?<!\\d)\\d{3}${SEP}?\\d{3}${SEP}?\\d{4}(?!\\d)`, 'g');

// ---------------------------------------------------------------------------
// National Insurance number

/** First letter never D, F, I, Q, U, V; second never D, F, I, O, Q, U, V; a suffix A–D may follow. */
const NI = new RegExp(
  `\\b([A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z])(${SPACE}?)(\\d{2}${SPACE}?\\d{2}${SPACE}?\\d{2})(?:(${SPACE}?)([A-D]))?\\b`,
  'gi',
);
const NI_NOT_ISSUED = new Set(['BG', 'GB', 'KN', 'NK', 'NT', 'TN', 'ZZ']);

// ---------------------------------------------------------------------------
// Postcode

const PC_FIRST = '[A-PR-UWYZ]'; // never Q, V, X
const PC_SECOND = '[A-HK-Y]'; // never I, J, Z
const PC_THIRD = '[A-HJKPSTUW]'; // the letter in A9A
const PC_FOURTH = '[ABEHMNPRV-Y]'; // the letter in AA9A
const PC_INWARD = '[ABD-HJLNP-UW-Z]'; // never C, I, K, M, O, V
const POSTCODE = new RegExp(
  `\\b(?:GIR${SPACE}?0AA|(?:${PC_FIRST}${PC_SECOND}?\\d\\d?|${PC_FIRST}\\d${PC_THIRD}|${PC_FIRST}${PC_SECOND}\\d${PC_FOURTH})${SPACE}?(\\d${PC_INWARD}{2}))\\b`,
  'gi',
);
/** '6th', '1st', '2nd', '3rd' in lower case: a year group or a count, not an inward code. */
const ORDINAL = /^\d(?:st|nd|rd|th)$/;

// ---------------------------------------------------------------------------
// Dates

const DATE_DMY = /(?<![\w/.-])(\d{1,2})([/.-])(\d{1,2})\2(\d{4}|\d{2})(?!\w)(?![/.-]\d)/g;
const DATE_YMD = /(?<![\w/.-])(\d{4})([/.-])(\d{1,2})\2(\d{1,2})(?!\w)(?![/.-]\d)/g;

const inRange = (value: number, low: number, high: number) => value >= low && value <= high;

// ---------------------------------------------------------------------------
// Phone numbers

/**
 * Digit groupings people write UK numbers in, counting the leading 0. Mobiles (07) and
 * most landlines (01, 02, 03) have 11 digits; some 01 landlines have 10.
 */
const PHONE_SHAPES_11 = [[5, 6], [5, 3, 3], [4, 3, 4], [3, 4, 4], [4, 7], [3, 8], [6, 5], [11]];
const PHONE_SHAPES_10 = [[5, 5], [6, 4], [4, 6], [10]];

function phoneAlternatives(shapes: number[][], lead: string): string[] {
  const out: string[] = [];
  for (const [first, ...rest] of shapes) {
    const tail = rest.map((n) => `${SEP}?\\d{${n}}`).join('');
    const areaDigits = `${lead}\\d{${first! - 2}}`; // after the 0 and the lead digit
    out.push(`0${areaDigits}${tail}`); // 0121 496 0000
    if (rest.length > 0) out.push(`\\(0${areaDigits}\\)${SPACE}?${tail.replace(`${SEP}?`, '')}`); // (0121) 496 0000
    out.push(`(?:\\+|\\b00)44${SEP}?(?:\\(0\\)${SEP}?)?${areaDigits}${tail}`); // +44 (0)121 496 0000, +44 121 496 0000
  }
  return out;
}

const PHONE = new RegExp(
  `(?<![\\w+])(?:${[...phoneAlternatives(PHONE_SHAPES_11, '[1237]'), ...phoneAlternatives(PHONE_SHAPES_10, '1')].join('|')})(?!\\d)`,
  'g',
);

// ---------------------------------------------------------------------------
// Email addresses

const EMAIL = /[\p{L}\p{N}][\p{L}\p{N}._%+'’-]*@[\p{L}\p{N}](?:[\p{L}\p{N}-]*[\p{L}\p{N}])?(?:\.[\p{L}\p{N}](?:[\p{L}\p{N}-]*[\p{L}\p{N}])?)+/gu;

// ---------------------------------------------------------------------------
// Deny list

const APOSTROPHES = /['’‘ʼ]/;

/** One deny-list term as a pattern: literal, any run of spaces between words, any apostrophe for an apostrophe. */
function termPattern(term: string): string {
  let pattern = '';
  for (const char of term) {
    if (/\s/u.test(char)) {
      if (!pattern.endsWith('\\s+')) pattern += '\\s+';
    } else if (APOSTROPHES.test(char)) pattern += "['’‘ʼ]";
    else pattern += char.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');
  }
  return pattern;
}

/**
 * The deny list as one pattern: whole words or phrases, any case, longest term first so a
 * phrase wins over a word inside it. Terms are tried as typed and in both Unicode forms
 * ('Zoë' as one character or as 'e' plus a combining diaeresis).
 */
function compileDenyList(denyList: readonly string[] | undefined): RegExp | undefined {
  const terms = new Set<string>();
  for (const raw of denyList ?? []) {
    const term = raw.trim();
    if (!term) continue;
    for (const form of [term, term.normalize('NFC'), term.normalize('NFD')]) terms.add(form);
  }
  if (terms.size === 0) return undefined;
  const alternatives = [...new Set([...terms].sort((a, b) => b.length - a.length).map(termPattern))];
  return new RegExp(`(?<![\\p{L}\\p{M}\\p{N}_])(?:${alternatives.join('|')})(?![\\p{L}\\p{M}\\p{N}_])`, 'giu');
}

// ---------------------------------------------------------------------------
// Masking and messages

/**
 * The match with every letter and digit but the last two replaced by '•', other characters
 * kept ('943 476 5919' → '••• ••• ••19'). A match with two or fewer letters and digits keeps
 * one at most. Deny-list words keep only their first letter ('Zoë' → 'Z••').
 */
export function maskMatch(match: string, rule: GateRule): string {
  const chars = [...match];
  if (rule === 'deny-list') {
    if (chars.length <= 1) return MASK.repeat(chars.length);
    return chars[0] + MASK.repeat(chars.length - 1);
  }
  const isAlnum = (char: string) => /[\p{L}\p{N}]/u.test(char);
  const total = chars.filter(isAlnum).length;
  const keep = Math.min(2, Math.max(0, total - 1));
  let seen = 0;
  return chars
    .map((char) => {
      if (!isAlnum(char)) return char;
      seen += 1;
      return seen > total - keep ? char : MASK;
    })
    .join('');
}

const DESCRIBE: Record<GateRule, Record<'block' | 'warn', (masked: string) => string>> = {
  'nhs-number': {
    block: (m) => `an NHS number (${m}). Remove it or describe it without the number.`,
    warn: (m) =>
      `a 10-digit number (${m}). It fails the NHS number check, but it may be another identifier such as a case or record number: if it is, remove it.`,
  },
  'ni-number': {
    block: (m) => `a National Insurance number (${m}). Remove it.`,
    warn: (m) =>
      `what may be a National Insurance number (${m}). If it is one, remove it; if it is an ordinary word and a number, you can leave it.`,
  },
  postcode: {
    block: (m) => `a postcode (${m}). Remove it, or describe the area in general terms.`,
    warn: (m) => `what may be a postcode (${m}). If it is one, remove it.`,
  },
  date: {
    block: (m) => `an exact date (${m}). Give the month and year, or a period such as "in spring 2021", instead.`,
    warn: (m) =>
      `what may be an exact date (${m}). If it is a date, give the month and year instead; if it is a paragraph or version number, you can leave it.`,
  },
  phone: {
    block: (m) => `a phone number (${m}). Remove it; point readers to a service's public web page instead.`,
    warn: (m) => `what may be a phone number (${m}). If it is one, remove it.`,
  },
  email: {
    block: (m) => `an email address (${m}). Remove it; point readers to a service's public web page instead.`,
    warn: (m) => `what may be an email address (${m}). If it is one, remove it.`,
  },
  'deny-list': {
    block: (m) => `a word on this deployment's deny list (${m}). Remove it, or write a role such as "the child" or "the school" instead.`,
    warn: (m) => `a word on this deployment's deny list (${m}). Check that it does not identify anyone.`,
  },
};

function makeHit(field: string, position: number, match: string, rule: GateRule, severity: 'block' | 'warn'): GateHit {
  const masked = maskMatch(match, rule);
  const message = `${field}, character ${position + 1}: ${DESCRIBE[rule][severity](masked)}`;
  return { field, position, rule, masked, severity, message };
}

// ---------------------------------------------------------------------------
// Scanning

interface Candidate {
  position: number;
  match: string;
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

function candidates(text: string, deny: RegExp | undefined): Candidate[] {
  const out: Candidate[] = [];
  const add = (position: number, match: string, rule: GateRule, severity: 'block' | 'warn') =>
    out.push({ position, match, rule, severity });

  for (const m of matches(NHS, text)) add(m.index, m[0], 'nhs-number', isValidNhsNumber(m[0]) ? 'block' : 'warn');

  for (const m of matches(NI, text)) {
    const [whole, prefix = '', gap = '', digits = '', suffixGap] = m;
    if (NI_NOT_ISSUED.has(prefix.toUpperCase())) continue;
    const upperCase = prefix === prefix.toUpperCase();
    const proseLike = !upperCase && gap !== '' && /^\d{6}$/.test(digits) && suffixGap !== '';
    // 'as 100000 a year' reads as words and a number: a warning, without the word after it.
    if (proseLike) add(m.index, `${prefix}${gap}${digits}`, 'ni-number', 'warn');
    else add(m.index, whole, 'ni-number', 'block');
  }

  for (const m of matches(POSTCODE, text)) {
    const inward = m[1];
    if (inward && ORDINAL.test(inward)) continue;
    add(m.index, m[0], 'postcode', 'block');
  }

  for (const m of matches(DATE_DMY, text)) {
    const first = Number(m[1]);
    const second = Number(m[3]);
    const dayMonth = inRange(first, 1, 31) && inRange(second, 1, 12);
    const monthDay = inRange(first, 1, 12) && inRange(second, 1, 31);
    if (!dayMonth && !monthDay) continue;
    add(m.index, m[0], 'date', m[2] === '.' && m[4]!.length === 2 ? 'warn' : 'block');
  }
  for (const m of matches(DATE_YMD, text)) {
    if (inRange(Number(m[3]), 1, 12) && inRange(Number(m[4]), 1, 31)) add(m.index, m[0], 'date', 'block');
  }

  for (const m of matches(PHONE, text)) add(m.index, m[0], 'phone', 'block');
  for (const m of matches(EMAIL, text)) add(m.index, m[0], 'email', 'block');
  if (deny) for (const m of matches(deny, text)) add(m.index, m[0], 'deny-list', 'block');
  return out;
}

/** Keeps one hit per span (see the precedence at the top), in order of position. */
function resolveOverlaps(found: Candidate[]): Candidate[] {
  const ranked = [...found].sort(
    (a, b) =>
      (a.severity === b.severity ? 0 : a.severity === 'block' ? -1 : 1) ||
      b.match.length - a.match.length ||
      RULE_PRECEDENCE.indexOf(a.rule) - RULE_PRECEDENCE.indexOf(b.rule) ||
      a.position - b.position,
  );
  const kept: Candidate[] = [];
  for (const candidate of ranked) {
    const end = candidate.position + candidate.match.length;
    const overlaps = kept.some((k) => candidate.position < k.position + k.match.length && k.position < end);
    if (!overlaps) kept.push(candidate);
  }
  return kept.sort((a, b) => a.position - b.position);
}

function scanWith(field: string, text: string, deny: RegExp | undefined): GateHit[] {
  return resolveOverlaps(candidates(text, deny)).map((c) => makeHit(field, c.position, c.match, c.rule, c.severity));
}

/** Every identifier the gate catches in one piece of text, in order of position. */
export function scanText(field: string, text: string, denyList?: readonly string[]): GateHit[] {
  return scanWith(field, text, compileDenyList(denyList));
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
export function scanFinding(finding: Finding, denyList?: readonly string[]): GateResult {
  const deny = compileDenyList(denyList);
  const hits = scannedFields(finding).flatMap(({ field, text }) => scanWith(field, text, deny));
  return {
    blocked: hits.filter((hit) => hit.severity === 'block'),
    warnings: hits.filter((hit) => hit.severity === 'warn'),
  };
}
