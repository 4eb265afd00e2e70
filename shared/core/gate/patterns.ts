/** What each identifier looks like: NHS and NI numbers, postcodes, dates, phone numbers, email addresses, and the deny list's terms. */
import { foldWords, foldedView, readableView, type TextView } from './text-views';

/** A separator in the compact view (any run of spaces, line breaks, tabs, dots, slashes or dashes, as one). */
const S = '[ ./-]';
/** A gap between the digits of a phone number: a separator, or a bracket around the area code. */
const G = `(?:${S}|\\)${S}?|${S}?\\()?`;

// ---------------------------------------------------------------------------
// NHS number

/**
 * The NHS number check: weight digits 1–9 by 10 down to 2 and sum; check = 11 − (sum mod 11),
 * where 11 means 0 and 10 means no valid number. Separators (spaces, dots, slashes, dashes),
 * invisible characters and digits of any script are read as a person reads them; anything
 * other than 10 digits is not an NHS number.
 */
export function isValidNhsNumber(digits: string): boolean {
  const plain = readableView(digits).text.replace(/[ ./-]/g, '');
  if (!/^\d{10}$/.test(plain)) return false;
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += Number(plain[i]) * (10 - i);
  const check = 11 - (sum % 11);
  if (check === 10) return false;
  return (check === 11 ? 0 : check) === Number(plain[9]);
}

/** Digits in groups, one separator between groups: '943 476 5919', '9 4 3 4 7 6 5 9 1 9', '943.476.5919'. */
export const DIGIT_RUN = /(?<!\d)\d+(?:[ ./-]\d+)*(?!\d)/g;

// ---------------------------------------------------------------------------
// National Insurance number

/** First letter never D, F, I, Q, U, V; second never D, F, I, O, Q, U, V; a suffix A–D may follow. Any separators between. */
export const NI = new RegExp(`\\b([A-Z]${S}?[A-Z])(${S}?)(\\d(?:${S}?\\d){5})(?:(${S}?)([A-D]))?\\b`, 'gi');
export const NI_FIRST = /^[A-CEGHJ-PR-TW-Z]$/i;
export const NI_SECOND = /^[A-CEGHJ-NPR-TW-Z]$/i;
export const NI_NOT_ISSUED = new Set(['BG', 'GB', 'KN', 'NK', 'NT', 'TN', 'ZZ']);

// ---------------------------------------------------------------------------
// Postcode

const PC_FIRST = '[A-PR-UWYZ]'; // never Q, V, X
const PC_SECOND = '[A-HK-Y]'; // never I, J, Z
const PC_THIRD = '[A-HJKPSTUW]'; // the letter in A9A
const PC_FOURTH = '[ABEHMNPRV-Y]'; // the letter in AA9A
const PC_INWARD = '[ABD-HJLNP-UW-Z]'; // never C, I, K, M, O, V
export const s = `${S}?`;
export const POSTCODE = new RegExp(
  `\\b(?:G${s}I${s}R${s}0${s}A${s}A|(?:${PC_FIRST}${s}(?:${PC_SECOND}${s})?\\d(?:${s}\\d)?|${PC_FIRST}${s}\\d${s}${PC_THIRD}|${PC_FIRST}${s}${PC_SECOND}${s}\\d${s}${PC_FOURTH})${s}\\d${s}${PC_INWARD}${s}${PC_INWARD})\\b`,
  'gi',
);
/** 'Y11 6th form', 'KS2 3rd': a school year and an ordinal in lower case, not a postcode ('0th' is no ordinal: 's1 0th' is S1 0TH). */
export const YEAR_AND_ORDINAL = /^(?:y|ks|s|p)\d\d?(?:1st|2nd|3rd|[4-9]th)$/i;

// ---------------------------------------------------------------------------
// Dates

/** d/m/y (or m/d/y) and y/m/d with one kind of separator; a space only with a 4-digit year. */
export const DATE_DMY = /(?<![\w/.-])(\d{1,2})([/. -])(\d{1,2})\2(\d{4}|\d{2})(?!\w)(?![/.-]\d)/g;
export const DATE_YMD = /(?<![\w/.-])(\d{4})([/. -])(\d{1,2})\2(\d{1,2})(?!\w)(?![/.-]\d)/g;
/** Eight digits written together: 20190314 or 14032019. */
export const DATE_COMPACT = /(?<!\d[ ./-]?)\d{8}(?![ ./-]?\d)/g;

export const inRange = (value: number, low: number, high: number) => value >= low && value <= high;

export function isCalendarDate(year: number, month: number, day: number): boolean {
  if (!inRange(year, 1900, 2099) || !inRange(month, 1, 12) || day < 1) return false;
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}

// ---------------------------------------------------------------------------
// Phone numbers

/**
 * UK numbers: mobiles (07) and most landlines (01, 02, 03) have 11 digits with the 0, some
 * 01 landlines 10; written nationally, or after +44 / 0044 (with or without '(0)'), with
 * any separators, and brackets around the area code. 0800-style service numbers are public.
 */
const UK_SUBSCRIBER = `(?:[237](?:${G}\\d){9}|1(?:${G}\\d){8,9})`;
export const PHONE = new RegExp(
  `(?<![\\w+])(?<!\\d${S}?)(?:\\(?0${G}${UK_SUBSCRIBER}|(?:\\+|\\b0${G}0)${G}4${G}4${G}(?:\\(${S}?0${S}?\\)${G})?${UK_SUBSCRIBER})(?!${S}?\\d)`,
  'g',
);

// ---------------------------------------------------------------------------
// Email addresses

const LOCAL = "[\\p{L}\\p{N}][\\p{L}\\p{N}._%+'’-]*";
const LABEL = '[\\p{L}\\p{N}](?:[\\p{L}\\p{N}-]*[\\p{L}\\p{N}])?';
const BRACKETED = (word: string) => `\\s*[[({<]\\s*${word}\\s*[\\])}>]\\s*`;
/** name@example.org, with spaces around the '@' too. */
export const EMAIL = new RegExp(`${LOCAL}\\s?@\\s?${LABEL}(?:\\.${LABEL})+`, 'gu');
/** name [at] example [dot] org, name(at)example.org, name at example dot org: the ways people hide an address from robots. */
export const EMAIL_SPELLED = new RegExp(
  `${LOCAL}(?:${BRACKETED('at')}${LABEL}(?:(?:\\.|${BRACKETED('dot')}|\\s+dot\\s+)${LABEL})+|\\s+at\\s+${LABEL}(?:(?:${BRACKETED('dot')}|\\s+dot\\s+)${LABEL})+)`,
  'giu',
);

// ---------------------------------------------------------------------------
// Deny list

/** A letter, digit or underscore just outside a match means the match is part of a longer word. */
const WORD_CHAR = /[\p{L}\p{M}\p{N}_]/u;

/**
 * The deny list, folded (case, separators, apostrophes, accents and Unicode confusables), so
 * 'Oakwood', 'Oak-wood', 'OAK WOOD' and 'Oakwооd' with Cyrillic o are one term. Longest first,
 * so a phrase wins over a word inside it.
 */
export function compileDenyList(denyList: readonly string[] | undefined): string[] {
  const terms = new Set<string>();
  for (const raw of denyList ?? []) {
    const folded = foldWords(raw);
    if (folded) terms.add(folded);
  }
  return [...terms].sort((a, b) => b.length - a.length);
}

export function* denyListMatches(readable: TextView, terms: readonly string[]): Generator<{ start: number; end: number }> {
  if (terms.length === 0) return;
  const folded = foldedView(readable);
  for (const term of terms) {
    for (let at = folded.text.indexOf(term); at !== -1; at = folded.text.indexOf(term, at + 1)) {
      const start = folded.index[at]!;
      const end = folded.index[at + term.length - 1]! + 1;
      // Whole words only: what stands just outside must not carry on the word.
      if (WORD_CHAR.test(readable.text[start - 1] ?? ' ') || WORD_CHAR.test(readable.text[end] ?? ' ')) continue;
      yield { start, end };
    }
  }
}
