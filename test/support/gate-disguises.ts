import fc from 'fast-check';
import type { GateRule } from '../../shared/core/gate/anonymisation';

/**
 * Made-up identifiers, and the ways people disguise them without meaning to (pasting from
 * a case system or a PDF, typing on a phone) or on purpose. Used by the gate's property
 * tests and by `npm run bench` (recall per rule). Every value is invented: NHS numbers in
 * the 999 test range, phone numbers in Ofcom's drama ranges, addresses at example.org.
 */

export type IdentifierKind = 'nhs-number' | 'ni-number' | 'postcode' | 'date-numeric' | 'date-words' | 'phone' | 'email' | 'deny-list';

/** The rule that must hold each kind. */
export const RULE_OF: Record<IdentifierKind, GateRule> = {
  'nhs-number': 'nhs-number',
  'ni-number': 'ni-number',
  postcode: 'postcode',
  'date-numeric': 'date',
  'date-words': 'date',
  phone: 'phone',
  email: 'email',
  'deny-list': 'deny-list',
};

export const IDENTIFIER_KINDS = Object.keys(RULE_OF) as IdentifierKind[];

/** The deployment deny list the deny-list cases are drawn from. */
export const DISGUISE_DENY_LIST = ['Fictionville Primary', 'Oakwood Estate', 'Testperson', 'Brambleford'];

// ---------------------------------------------------------------------------
// Valid identifiers, in their usual written form (groups separated by single spaces)

const digit = fc.integer({ min: 0, max: 9 }).map(String);
const digits = (n: number) => fc.array(digit, { minLength: n, maxLength: n }).map((d) => d.join(''));
const pick = <T>(items: readonly T[]) => fc.constantFrom(...items);

function nhsCheckDigit(nine: string): number | undefined {
  const sum = [...nine].reduce((total, d, i) => total + Number(d) * (10 - i), 0);
  const check = 11 - (sum % 11);
  if (check === 10) return undefined;
  return check === 11 ? 0 : check;
}

const nhsNumber = digits(6)
  .map((six) => `999${six}`)
  .filter((nine) => nhsCheckDigit(nine) !== undefined)
  .map((nine) => {
    const ten = `${nine}${nhsCheckDigit(nine)}`;
    return `${ten.slice(0, 3)} ${ten.slice(3, 6)} ${ten.slice(6)}`;
  });

const NI_FIRST = [...'ABCEGHJKLMNOPRSTWXYZ'];
const NI_SECOND = [...'ABCEGHJKLMNPRSTWXYZ'];
const NI_NOT_ISSUED = new Set(['BG', 'GB', 'KN', 'NK', 'NT', 'TN', 'ZZ']);
const niNumber = fc
  .tuple(pick(NI_FIRST), pick(NI_SECOND), digits(6), fc.option(pick(['A', 'B', 'C', 'D']), { nil: undefined }))
  .filter(([a, b]) => !NI_NOT_ISSUED.has(a + b))
  .map(([a, b, six, suffix]) => `${a}${b} ${six.slice(0, 2)} ${six.slice(2, 4)} ${six.slice(4)}${suffix ? ` ${suffix}` : ''}`);

const PC_FIRST = [...'ABCDEFGHIJKLMNOPRSTUWYZ'];
const PC_SECOND = [...'ABCDEFGHKLMNOPQRSTUVWXY'];
const PC_THIRD = [...'ABCDEFGHJKPSTUW'];
const PC_FOURTH = [...'ABEHMNPRVWXY'];
const PC_INWARD = [...'ABDEFGHJLNPQRSTUWXYZ'];
const postcode = fc
  .tuple(
    fc.integer({ min: 0, max: 5 }),
    pick(PC_FIRST),
    pick(PC_SECOND),
    pick(PC_THIRD),
    pick(PC_FOURTH),
    fc.integer({ min: 1, max: 9 }),
    digit,
    digit,
    pick(PC_INWARD),
    pick(PC_INWARD),
  )
  .map(([shape, a, b, c, d, n, m, inwardDigit, x, y]) => {
    const outward = [`${a}${n}`, `${a}${n}${m}`, `${a}${b}${n}`, `${a}${b}${n}${m}`, `${a}${n}${c}`, `${a}${b}${n}${d}`][shape]!;
    return `${outward} ${inwardDigit}${x}${y}`;
  });

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const ordinal = (n: number) => `${n}${n % 10 === 1 && n !== 11 ? 'st' : n % 10 === 2 && n !== 12 ? 'nd' : n % 10 === 3 && n !== 13 ? 'rd' : 'th'}`;
const pad = (n: number) => String(n).padStart(2, '0');

const calendarDate = fc
  .date({ min: new Date('1990-01-01T00:00:00Z'), max: new Date('2026-12-31T00:00:00Z'), noInvalidDate: true })
  .map((date) => ({ d: date.getUTCDate(), m: date.getUTCMonth() + 1, y: date.getUTCFullYear() }));

type Ymd = { d: number; m: number; y: number };
const NUMERIC_DATE_FORMS: Array<(v: Ymd) => string> = [
  ({ d, m, y }) => `${d}/${m}/${y}`,
  ({ d, m, y }) => `${pad(d)}/${pad(m)}/${y}`,
  ({ d, m, y }) => `${pad(d)}-${pad(m)}-${y}`,
  ({ d, m, y }) => `${pad(d)}.${pad(m)}.${y}`,
  ({ d, m, y }) => `${pad(d)}/${pad(m)}/${String(y).slice(2)}`,
  ({ d, m, y }) => `${m}/${d}/${y}`,
  ({ d, m, y }) => `${y}-${pad(m)}-${pad(d)}`,
  ({ d, m, y }) => `${y}${pad(m)}${pad(d)}`,
  ({ d, m, y }) => `${pad(d)}${pad(m)}${y}`,
  ({ d, m, y }) => `${pad(d)} / ${pad(m)} / ${y}`,
];
const WORD_DATE_FORMS: Array<(v: Ymd) => string> = [
  ({ d, m, y }) => `${d} ${MONTHS[m - 1]} ${y}`,
  ({ d, m, y }) => `${ordinal(d)} ${MONTHS[m - 1]} ${y}`,
  ({ d, m, y }) => `${MONTHS[m - 1]} ${d}, ${y}`,
  ({ d, m, y }) => `${MONTHS[m - 1]} ${ordinal(d)} ${y}`,
  ({ d, m, y }) => `${pad(d)}-${MONTHS[m - 1]!.slice(0, 3)}-${y}`,
  ({ d, m, y }) => `${d} ${MONTHS[m - 1]!.slice(0, 3)} ${y}`,
  ({ d, m, y }) => `${ordinal(d)} of ${MONTHS[m - 1]} ${y}`,
  ({ d, m, y }) => `${ordinal(d)} ${MONTHS[m - 1]}, ${y}`,
];
const numericDate = fc.tuple(calendarDate, fc.nat({ max: NUMERIC_DATE_FORMS.length - 1 })).map(([v, i]) => NUMERIC_DATE_FORMS[i]!(v));
const wordDate = fc.tuple(calendarDate, fc.nat({ max: WORD_DATE_FORMS.length - 1 })).map(([v, i]) => WORD_DATE_FORMS[i]!(v));

/** Ofcom's numbers for drama: area code, the local part's fixed start, and how many digits follow. */
const DRAMA_RANGES: Array<[string, string, number]> = [
  ['07700', '900', 3],
  ['0113', '496 0', 3],
  ['0121', '496 0', 3],
  ['0131', '496 0', 3],
  ['0161', '496 0', 3],
  ['020', '7946 0', 3],
  ['029', '2018 0', 3],
  ['01632', '960', 3],
];
const phone = fc
  .tuple(pick(DRAMA_RANGES), digits(3), fc.nat({ max: 2 }))
  .map(([[area, start, _n], tail, form]) => {
    const local = `${start}${tail}`;
    if (form === 0) return `${area} ${local}`;
    if (form === 1) return `+44 ${area.slice(1)} ${local}`;
    return `+44 (0)${area.slice(1)} ${local}`;
  });

const localPart = fc
  .tuple(fc.stringMatching(/^[a-z]{2,8}$/), fc.option(fc.stringMatching(/^[a-z]{2,8}$/), { nil: undefined }))
  .map(([a, b]) => (b ? `${a}.${b}` : a));
const email = fc.tuple(localPart, pick(['example.org', 'example.com', 'mail.example.org'])).map(([local, domain]) => `${local}@${domain}`);

const denyTerm = pick(DISGUISE_DENY_LIST);

const VALID: Record<IdentifierKind, fc.Arbitrary<string>> = {
  'nhs-number': nhsNumber,
  'ni-number': niNumber,
  postcode,
  'date-numeric': numericDate,
  'date-words': wordDate,
  phone,
  email,
  'deny-list': denyTerm,
};

// ---------------------------------------------------------------------------
// Disguises

export type Disguise = (text: string, random: () => number) => string;

const at = <T>(items: readonly T[], random: () => number) => items[Math.floor(random() * items.length)]!;

/** What people put between groups: a line break, a tab, dots, slashes, dashes, double or thin spaces. */
const SEPARATORS = ['\n', '\t', '.', '/', '–', '—', '-', '  ', '\u2009', ' \n', '\r\n', ' / ', ' - '];

/** Replaces each single space between groups with another separator (the same one throughout, as a paste does). */
const separators: Disguise = (text, random) => {
  const sep = at(SEPARATORS, random);
  return text.replace(/(?<=[\p{L}\p{N}]) (?=[\p{L}\p{N}])/gu, sep);
};

/** Breaks the identifier across a line where a PDF or a browser would: at a space, or after a slash, dash or dot. */
const lineBreak: Disguise = (text, random) => {
  const gaps = [...text.matchAll(/ |(?<=[/.–-])(?=\S)/g)];
  if (gaps.length === 0) return text;
  const gap = at(gaps, random);
  return `${text.slice(0, gap.index)}\n${text.slice(gap.index! + gap[0].length)}`;
};

/** Breaks a number anywhere, as a case system's fixed-width export does. */
const wrappedAnywhere: Disguise = (text, random) => {
  const gaps = [...text.matchAll(/(?<=[\p{N}\p{L}])(?=[\p{N}\p{L}])/gu)].map((m) => m.index!);
  if (gaps.length === 0) return text;
  const cut = at(gaps, random);
  return `${text.slice(0, cut)}\n${text.slice(cut)}`;
};

/** One space between every letter and digit: 'A B 1 2 3 4 5 6 C'. */
const spacedOut: Disguise = (text) => [...text.replace(/ /g, '')].join(' ');

const DIGIT_ZEROS = [0xff10, 0x0660, 0x06f0, 0x0966, 0x09e6];
/** Digits in another script: full-width, Arabic-Indic, Eastern Arabic-Indic, Devanagari, Bengali. */
const digitScript: Disguise = (text, random) => {
  const zero = at(DIGIT_ZEROS, random);
  return text.replace(/\d/g, (d) => String.fromCodePoint(zero + Number(d)));
};

/** Full-width letters, as some phone keyboards and East Asian input methods type them. */
const fullWidth: Disguise = (text) =>
  text.replace(/[A-Za-z0-9@]/g, (c) => String.fromCodePoint(c.codePointAt(0)! - 0x21 + 0xff01));

const INVISIBLES = ['\u200B', '\u200C', '\u2060', '\u00AD', '\uFEFF', '\u200D'];
/** Invisible characters inside: zero-width spaces and non-joiners, word joiners, soft hyphens. */
const invisible: Disguise = (text, random) => {
  const chars = [...text];
  const count = 1 + Math.floor(random() * 3);
  for (let i = 0; i < count; i++) chars.splice(1 + Math.floor(random() * (chars.length - 1)), 0, at(INVISIBLES, random));
  return chars.join('');
};

const lowerCase: Disguise = (text) => text.toLowerCase();

/** Email addresses hidden from robots, the ways people write them. */
const spelledEmail: Disguise = (text, random) => {
  const [local, domain] = text.split('@') as [string, string];
  const form = Math.floor(random() * 5);
  if (form === 0) return `${local} [at] ${domain.replace(/\./g, ' [dot] ')}`;
  if (form === 1) return `${local}(at)${domain}`;
  if (form === 2) return `${local} at ${domain.replace(/\./g, ' dot ')}`;
  if (form === 3) return `${local}＠${domain}`;
  return `${local} @ ${domain}`;
};

/** Latin letters swapped for look-alikes from Cyrillic (UTS #39 confusables). */
const CONFUSABLE_SWAPS: Record<string, string> = { a: 'а', c: 'с', e: 'е', i: 'і', o: 'о', p: 'р', x: 'х', y: 'у', s: 'ѕ', j: 'ј', B: 'В', E: 'Е', O: 'О', T: 'Т', P: 'Р' };
const confusables: Disguise = (text, random) =>
  [...text].map((c) => (CONFUSABLE_SWAPS[c] && random() < 0.6 ? CONFUSABLE_SWAPS[c] : c)).join('');
/** A hyphen inside a word ('Oak-wood'). */
const hyphenated: Disguise = (text, random) => {
  const words = text.split(' ');
  const i = Math.floor(random() * words.length);
  const word = words[i]!;
  if (word.length < 4) return text;
  const cut = 1 + Math.floor(random() * (word.length - 2));
  words[i] = `${word.slice(0, cut)}-${word.slice(cut)}`;
  return words.join(' ');
};
/** The words of a phrase joined up ('OakwoodEstate'). */
const joinedUp: Disguise = (text) => text.replace(/ /g, '');
const upperCase: Disguise = (text) => text.toUpperCase();

/** The disguises that apply to each kind, all of which may combine. */
export const DISGUISES: Record<IdentifierKind, Record<string, Disguise>> = {
  'nhs-number': { separators, lineBreak, wrappedAnywhere, spacedOut, digitScript, invisible },
  'ni-number': { separators, lineBreak, wrappedAnywhere, spacedOut, fullWidth, invisible, lowerCase },
  postcode: { separators, lineBreak, fullWidth, invisible, lowerCase },
  'date-numeric': { lineBreak, digitScript, invisible },
  'date-words': { separators: (t, r) => t.replace(/ /g, at(['\n', '  ', '\u2009', '\t'], r)), digitScript, invisible, upperCase },
  phone: { separators, lineBreak, wrappedAnywhere, spacedOut, digitScript, invisible },
  email: { spelledEmail, invisible, upperCase },
  'deny-list': { confusables, hyphenated, joinedUp, invisible, upperCase },
};

/** Disguises that undo another when they follow it (spacing out after a line break keeps the break). */
const ORDER = ['spelledEmail', 'spacedOut', 'separators', 'lineBreak', 'wrappedAnywhere', 'joinedUp', 'hyphenated', 'lowerCase', 'upperCase', 'confusables', 'digitScript', 'fullWidth', 'invisible'];

export interface DisguisedIdentifier {
  kind: IdentifierKind;
  rule: GateRule;
  plain: string;
  disguises: string[];
  /** The identifier as disguised. */
  text: string;
}

/** A valid identifier of `kind` with any combination of its disguises (none, one, or several). */
export function disguisedIdentifier(kind: IdentifierKind): fc.Arbitrary<DisguisedIdentifier> {
  const names = Object.keys(DISGUISES[kind]);
  return fc
    .tuple(VALID[kind], fc.subarray(names), fc.infiniteStream(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true })))
    .map(([plain, chosen, stream]) => {
      const iterator = stream[Symbol.iterator]();
      const random = () => iterator.next().value as number;
      const ordered = [...chosen].sort((a, b) => ORDER.indexOf(a) - ORDER.indexOf(b));
      // Spacing out and a separator swap on a NI number or NHS number make one: keep the later.
      const text = ordered.reduce((current, name) => DISGUISES[kind][name]!(current, random), plain);
      return { kind, rule: RULE_OF[kind], plain, disguises: ordered, text };
    });
}

/** Sentences an identifier is pasted into. */
export const CONTEXTS = [
  (x: string) => `The record showed ${x} for the child.`,
  (x: string) => `${x} was written on the referral.`,
  (x: string) => `Details: ${x}`,
  (x: string) => `(${x})`,
  (x: string) => `Staff noted "${x}", then shared it.`,
];

/**
 * The disguised identifiers an outside test found getting through (42 of them), one per
 * line of the report, each as its rule must hold it.
 */
export const REPORTED_DISGUISES: Array<{ what: string; text: string; rule: GateRule }> = [
  { what: 'NHS number split by a line break', text: '999 000\n0018', rule: 'nhs-number' },
  { what: 'NHS number split by a tab', text: '999\t000\t0018', rule: 'nhs-number' },
  { what: 'NHS number with dots', text: '999.000.0018', rule: 'nhs-number' },
  { what: 'NHS number with slashes', text: '999/000/0018', rule: 'nhs-number' },
  { what: 'NHS number with en-dashes', text: '999–000–0018', rule: 'nhs-number' },
  { what: 'NHS number with double spaces', text: '999  000  0018', rule: 'nhs-number' },
  { what: 'NHS number with thin spaces', text: '999\u2009000\u20090018', rule: 'nhs-number' },
  { what: 'NHS number with one space per digit', text: '9 9 9 0 0 0 0 0 1 8', rule: 'nhs-number' },
  { what: 'NHS number in full-width digits', text: '９９９０００００１８', rule: 'nhs-number' },
  { what: 'NHS number in Arabic-Indic digits', text: '٩٩٩٠٠٠٠٠١٨', rule: 'nhs-number' },
  { what: 'NHS number with U+200B inside', text: '999\u200B000\u200B0018', rule: 'nhs-number' },
  { what: 'NHS number with U+200C inside', text: '999000\u200C0018', rule: 'nhs-number' },
  { what: 'NHS number with U+2060 inside', text: '9990\u20600000\u206018', rule: 'nhs-number' },
  { what: 'NHS number with U+00AD inside', text: '999\u00AD000\u00AD0018', rule: 'nhs-number' },
  { what: 'NI number with dashes', text: 'AB-12-34-56-C', rule: 'ni-number' },
  { what: 'NI number with one space per character', text: 'A B 1 2 3 4 5 6 C', rule: 'ni-number' },
  { what: 'postcode with a double space', text: 'SW1A  1AA', rule: 'postcode' },
  { what: 'postcode with a hyphen', text: 'SW1A-1AA', rule: 'postcode' },
  { what: 'postcode with a zero-width space', text: 'SW1A\u200B1AA', rule: 'postcode' },
  { what: 'date of birth in words', text: '14 March 2019', rule: 'date' },
  { what: 'date of birth with an ordinal', text: '14th March 2019', rule: 'date' },
  { what: 'date of birth, US order', text: 'March 14, 2019', rule: 'date' },
  { what: 'date of birth with a short month', text: '14-Mar-2019', rule: 'date' },
  { what: 'date of birth, compact', text: '20190314', rule: 'date' },
  { what: 'date of birth with spaced slashes', text: '14 / 03 / 2019', rule: 'date' },
  { what: 'date in words (domain notes)', text: '7 June 2018', rule: 'date' },
  { what: 'date with an ordinal (domain notes)', text: '22nd October 2017', rule: 'date' },
  { what: 'phone with dots', text: '07700.900.123', rule: 'phone' },
  { what: 'phone with a zero-width space', text: '07700\u200B900123', rule: 'phone' },
  { what: 'email with a full-width at sign', text: 'name＠example.org', rule: 'email' },
  { what: 'email spelled out', text: 'name [at] example [dot] org', rule: 'email' },
  { what: 'email with a zero-width space', text: 'na\u200Bme@exa\u200Bmple.org', rule: 'email' },
  { what: 'deny-list term with a Cyrillic і', text: 'Brambleford'.replace('e', 'е'), rule: 'deny-list' },
  { what: 'deny-list term with a Cyrillic і (2)', text: 'Testpersоn', rule: 'deny-list' },
  { what: 'deny-list term with a hyphen', text: 'Bramble-ford', rule: 'deny-list' },
  { what: 'deny-list phrase joined up', text: 'FictionvillePrimary', rule: 'deny-list' },
  { what: 'deny-list term with a zero-width space', text: 'Test\u200Bperson', rule: 'deny-list' },
  { what: 'deny-list phrase with a hyphen', text: 'Oakwood-Estate', rule: 'deny-list' },
  { what: 'deny-list word with a Cyrillic i', text: 'Fіctionville Primary', rule: 'deny-list' },
  { what: 'NI number, dashes and lower case', text: 'ab-12-34-56-c', rule: 'ni-number' },
  { what: 'phone with a thin space', text: '07700\u2009900\u2009123', rule: 'phone' },
  { what: 'email with spaces round the at', text: 'name @ example.org', rule: 'email' },
];
