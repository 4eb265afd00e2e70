import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  GATE_RULES,
  scanFinding,
  scanText,
  type GateHit,
  type GateRule,
} from '../../shared/core/gate/anonymisation';
import { parseFinding } from '../../shared/core/finding/finding';
import { sample, validFinding } from '../support/findings';
import { maskMatch } from '../../shared/core/gate/hits';
import { isValidNhsNumber } from '../../shared/core/gate/patterns';

/**
 * The anonymisation gate. Every value here is made up: NHS numbers are built in the
 * 999 test range with a computed check digit, phone numbers come from Ofcom's drama
 * ranges, email addresses are @example.org, names are invented.
 */

/** The NHS check digit for nine digits, or undefined when the check value is 10 (no valid number). */
function nhsCheckDigit(nine: string): number | undefined {
  const sum = [...nine].reduce((total, digit, i) => total + Number(digit) * (10 - i), 0);
  const check = 11 - (sum % 11);
  if (check === 10) return undefined;
  return check === 11 ? 0 : check;
}

/** Nine-digit bases in the 999 test range, walking up from `start`, that do (or do not) have a check digit. */
function nhsBase(start: number, wantValid: boolean): string {
  for (let n = start; ; n++) {
    const nine = `999${String(n).padStart(6, '0')}`;
    if ((nhsCheckDigit(nine) !== undefined) === wantValid) return nine;
  }
}

function validNhs(start: number): string {
  const nine = nhsBase(start, true);
  return `${nine}${nhsCheckDigit(nine)}`;
}

/** A 10-digit number that fails the check: the right check digit plus one. */
function invalidNhs(start: number): string {
  const nine = nhsBase(start, true);
  return `${nine}${(nhsCheckDigit(nine)! + 1) % 10}`;
}

const spaced = (ten: string) => `${ten.slice(0, 3)} ${ten.slice(3, 6)} ${ten.slice(6)}`;
const dashed = (ten: string) => `${ten.slice(0, 3)}-${ten.slice(3, 6)}-${ten.slice(6)}`;

/** What a hit points at in the text it came from. */
const matchOf = (text: string, hit: GateHit) => text.slice(hit.position, hit.position + hit.length);
const simple = (text: string, hits: GateHit[]) =>
  hits.map((hit) => ({ rule: hit.rule, severity: hit.severity, match: matchOf(text, hit) }));
const alnum = (value: string) => value.replace(/[^\p{L}\p{N}]/gu, '').toLowerCase();

const NHS_A = validNhs(0);
const NHS_B = validNhs(123456);
const NHS_BAD = invalidNhs(4200);

describe('isValidNhsNumber', () => {
  test('accepts numbers whose check digit is computed by the mod-11 rule', () => {
    expect(NHS_A).toMatch(/^999\d{7}$/);
    expect(isValidNhsNumber(NHS_A)).toBe(true);
    expect(isValidNhsNumber(NHS_B)).toBe(true);
    expect(isValidNhsNumber(spaced(NHS_A))).toBe(true);
    expect(isValidNhsNumber(dashed(NHS_B))).toBe(true);
  });

  test('a check value of 11 means a check digit of 0', () => {
    let nine = '';
    for (let n = 0; ; n++) {
      nine = `999${String(n).padStart(6, '0')}`;
      if (nhsCheckDigit(nine) === 0) break;
    }
    expect(isValidNhsNumber(`${nine}0`)).toBe(true);
  });

  test('rejects a wrong check digit', () => {
    expect(isValidNhsNumber(NHS_BAD)).toBe(false);
  });

  test('rejects every number whose check value is 10, whatever the last digit', () => {
    const nine = nhsBase(0, false);
    for (let last = 0; last <= 9; last++) expect(isValidNhsNumber(`${nine}${last}`)).toBe(false);
  });

  test('rejects anything that is not 10 digits', () => {
    expect(isValidNhsNumber(NHS_A.slice(0, 9))).toBe(false);
    expect(isValidNhsNumber(`${NHS_A}0`)).toBe(false);
    expect(isValidNhsNumber('')).toBe(false);
    expect(isValidNhsNumber(`${NHS_A.slice(0, 9)}x`)).toBe(false);
  });
});

/** Text that must be caught, each once, as this rule and severity. */
const CAUGHT: Array<{ what: string; rule: GateRule; severity: 'block' | 'warn' }> = [
  // NHS numbers (valid check digit) in every written form
  { what: NHS_A, rule: 'nhs-number', severity: 'block' },
  { what: spaced(NHS_A), rule: 'nhs-number', severity: 'block' },
  { what: dashed(NHS_B), rule: 'nhs-number', severity: 'block' },
  // Any other 10-digit run is a warning
  { what: NHS_BAD, rule: 'nhs-number', severity: 'warn' },
  { what: spaced(NHS_BAD), rule: 'nhs-number', severity: 'warn' },
  { what: '1234567890', rule: 'nhs-number', severity: 'warn' },
  // 10 digits in any grouping are a 10-digit run: a warning, or a block when the check digit passes
  { what: '07700 90012', rule: 'nhs-number', severity: 'warn' },
  { what: '020 7946 000', rule: 'nhs-number', severity: 'block' },
  // National Insurance numbers
  { what: 'AB 12 34 56 C', rule: 'ni-number', severity: 'block' },
  { what: 'AB123456C', rule: 'ni-number', severity: 'block' },
  { what: 'AB 123456 C', rule: 'ni-number', severity: 'block' },
  { what: 'AB 12 34 56', rule: 'ni-number', severity: 'block' },
  { what: 'ab 12 34 56 c', rule: 'ni-number', severity: 'block' },
  { what: 'ce123456', rule: 'ni-number', severity: 'block' },
  { what: 'ZY 99 99 99 D', rule: 'ni-number', severity: 'block' },
  // Postcodes, every shape, with or without the space, any case
  { what: 'B1 1AA', rule: 'postcode', severity: 'block' },
  { what: 'B99 9ZZ', rule: 'postcode', severity: 'block' },
  { what: 'AB1 2DE', rule: 'postcode', severity: 'block' },
  { what: 'AB12 3DE', rule: 'postcode', severity: 'block' },
  { what: 'E1W 9ZZ', rule: 'postcode', severity: 'block' },
  { what: 'EC1A 9ZZ', rule: 'postcode', severity: 'block' },
  { what: 'GIR 0AA', rule: 'postcode', severity: 'block' },
  { what: 'B11AA', rule: 'postcode', severity: 'block' },
  { what: 'ab12 3de', rule: 'postcode', severity: 'block' },
  // Exact dates
  { what: '1/2/2010', rule: 'date', severity: 'block' },
  { what: '01/02/2010', rule: 'date', severity: 'block' },
  { what: '1-2-2010', rule: 'date', severity: 'block' },
  { what: '01-02-2010', rule: 'date', severity: 'block' },
  { what: '1.2.2010', rule: 'date', severity: 'block' },
  { what: '01.02.2010', rule: 'date', severity: 'block' },
  { what: '01/02/10', rule: 'date', severity: 'block' },
  { what: '31-12-09', rule: 'date', severity: 'block' },
  { what: '12/31/2010', rule: 'date', severity: 'block' },
  { what: '2010-02-01', rule: 'date', severity: 'block' },
  { what: '4.2.15', rule: 'date', severity: 'warn' },
  { what: '3 May 2022', rule: 'date', severity: 'block' },
  { what: '14th March 2019', rule: 'date', severity: 'block' },
  { what: 'March 14, 2019', rule: 'date', severity: 'block' },
  { what: '14-Mar-2019', rule: 'date', severity: 'block' },
  { what: '20190314', rule: 'date', severity: 'block' },
  { what: '14 03 2019', rule: 'date', severity: 'block' },
  // Phone numbers (Ofcom drama ranges)
  { what: '07700 900123', rule: 'phone', severity: 'block' },
  { what: '07700900123', rule: 'phone', severity: 'block' },
  { what: '07700 900 123', rule: 'phone', severity: 'block' },
  { what: '07700-900-123', rule: 'phone', severity: 'block' },
  { what: '+44 7700 900123', rule: 'phone', severity: 'block' },
  { what: '+447700900123', rule: 'phone', severity: 'block' },
  { what: '+44 (0)7700 900123', rule: 'phone', severity: 'block' },
  { what: '0121 496 0123', rule: 'phone', severity: 'block' },
  { what: '020 7946 0123', rule: 'phone', severity: 'block' },
  { what: '01632 960123', rule: 'phone', severity: 'block' },
  { what: '(01632) 960123', rule: 'phone', severity: 'block' },
  { what: '(020) 7946 0123', rule: 'phone', severity: 'block' },
  { what: '+44 20 7946 0123', rule: 'phone', severity: 'block' },
  { what: '+44 121 496 0123', rule: 'phone', severity: 'block' },
  { what: '0044 20 7946 0123', rule: 'phone', severity: 'block' },
  // Email addresses
  { what: 'jo.bloggs@example.org', rule: 'email', severity: 'block' },
  { what: 'family.worker+case@example.org', rule: 'email', severity: 'block' },
  { what: 'name at example dot org', rule: 'email', severity: 'block' },
  { what: 'name [at] example [dot] org', rule: 'email', severity: 'block' },
  { what: 'name(at)example.org', rule: 'email', severity: 'block' },
  // Deny list (see DENY)
  { what: 'Zoë Testperson', rule: 'deny-list', severity: 'block' },
  { what: "St. Mary's", rule: 'deny-list', severity: 'block' },
  // Person names in prose (person-names.ts; its own tests and corpora go much further)
  { what: 'Jane Testperson', rule: 'person-name', severity: 'block' },
  { what: 'Daniel Okafor', rule: 'person-name', severity: 'block' },
];

const DENY = ['Zoë Testperson', "St. Mary's", "O'Brien", 'Fictionville'];

describe('scanText catches each identifier once, where it is', () => {
  test('every rule has cases', () => {
    expect(new Set(CAUGHT.map((c) => c.rule))).toEqual(new Set(GATE_RULES));
  });

  test.each(CAUGHT.map((c) => [c.what, c.rule, c.severity] as const))('%s is %s (%s)', (what, rule, severity) => {
    const text = `Mention ${what} here.`;
    const hits = scanText('learning[0]', text, DENY);
    expect(simple(text, hits)).toEqual([{ rule, severity, match: what }]);
    expect(hits[0]).toMatchObject({ field: 'learning[0]', position: 8 });
  });

  test.each(CAUGHT.map((c) => [c.what, c.rule] as const))('%s (%s): neither the mask nor the message gives it away', (what) => {
    const text = `${what}`;
    const [hit] = scanText('findings[2]', text, DENY);
    expect(hit).toBeDefined();
    expect(hit!.message).not.toContain(what);
    expect(alnum(hit!.message)).not.toContain(alnum(what));
    expect(hit!.message).toContain(hit!.masked);
    expect(hit!.message.startsWith('findings[2], character 1: ')).toBe(true);
    // At most two letters or digits survive the mask (deny-list words: the first letter only).
    const shown = [...hit!.masked].filter((char) => /[\p{L}\p{N}]/u.test(char));
    if (hit!.rule === 'deny-list') expect(shown).toEqual([[...what][0]]);
    // Names: the first letter of each word.
    else if (hit!.rule === 'person-name') expect(shown).toEqual(what.split(' ').map((word) => word[0]));
    else {
      expect(shown.length).toBeLessThanOrEqual(2);
      expect(alnum(what).endsWith(shown.join('').toLowerCase())).toBe(true);
    }
  });
});

describe('near misses are not flagged', () => {
  const CLEAN = [
    // ordinary prose and numbers
    'version 2', 'Version 2.1 of the procedure', '2020/21', 'in 2020/21 the partnership', 'Section 47', 'a section 47 enquiry',
    '0.5', 'DSL', 'the DSL and the MASH', 'in 2020', 'between 2019 and 2021', '45%', '12.5% of referrals', 'at 9am', 'at 14:30',
    'Covid-19', 'B12 vitamin', 'Working Together 2018', '1 in 5 children', 'aged 0-25', '1,000,000', 'page 123', 'ratio 1:2:3',
    '24/7/365', 'v1.2.20', 'Year 6', 'KS2', 'S47 and S17',
    // dates that are not a day, a month and a year
    'May 2022', '3 May', 'in spring 2021', 'on Monday', '2022-05', 'March 2019 to May 2020', '4 days ago', 'today', '12345678', '20191399', '12/2022', '05/2022', '32/01/2020', '13/13/2020', '0/5/2020', '1/2/3',
    // digit runs that are not 10 digits
    '123456789', '12345678901', `${NHS_A}1`, `1${NHS_A}`,
    // NI-shaped but never issued or impossible
    'KN 12 34 56 A', 'BG 12 34 56 A', 'GB123456A', 'NK 12 34 56', 'NT 12 34 56 B', 'TN 12 34 56', 'ZZ 12 34 56 D',
    'DA 12 34 56 A', 'FA 12 34 56 A', 'IA 12 34 56 A', 'QA 12 34 56 A', 'UA 12 34 56 A', 'VA 12 34 56 A',
    'AO 12 34 56 A', 'AD 12 34 56 A', 'AB 12 34 5', 'AB12345678',
    // postcode-shaped prose, and shapes the Royal Mail never uses
    'ZZ1 1ZZ', 'QA1 1AA', 'M6 3pm', 'Y11 6th form', 'the 2nd', 'B1 1CA', 'Y10 1st', 'KS2 3rd',
    // not UK personal phone numbers
    '0800 123 4567', '+1 555 0100',
    // not email addresses
    '@example', 'user@localhost', 'guidance at gov.uk', 'look at www.example.org', 'meet at school. Then',
  ];

  test.each(CLEAN)('%s', (text) => {
    expect(simple(text, scanText('title', text, DENY))).toEqual([]);
  });

  test('a lower-case word before six digits reads as prose: only a warning, without the word after it', () => {
    const text = 'as 100000 a year';
    expect(simple(text, scanText('title', text))).toEqual([{ rule: 'ni-number', severity: 'warn', match: 'as 100000' }]);
  });
});

describe('one hit per span', () => {
  /** Phone numbers in the 0121 496 0000–0999 drama range whose last 10 digits do (or do not) pass the NHS check. */
  function dramaLandline(passesNhs: boolean): string {
    for (let n = 0; n <= 999; n++) {
      const national = `01214960${String(n).padStart(3, '0')}`;
      if (isValidNhsNumber(national.slice(1)) === passesNhs) return national;
    }
    throw new Error('no such number in the range');
  }

  test.each([true, false])('+44 and the national number is a phone number, even when the 10 digits after +44 pass the NHS check (%s)', (passes) => {
    const national = dramaLandline(passes);
    const text = `Ring +44 ${national.slice(1, 4)} ${national.slice(4, 7)} ${national.slice(7)} today`;
    expect(simple(text, scanText('title', text))).toEqual([
      { rule: 'phone', severity: 'block', match: text.slice(5, -6) },
    ]);
  });

  /** A 10-digit number starting 01, in the shape of a short landline, that does (or does not) pass the NHS check. */
  function tenDigitLandline(passesNhs: boolean): string {
    for (let n = 0; n <= 99; n++) {
      const candidate = `01632960${String(n).padStart(2, '0')}`;
      if (isValidNhsNumber(candidate) === passesNhs) return candidate;
    }
    throw new Error('no such number');
  }

  test('a 10-digit number starting 0 that fails the NHS check is a phone number (block), not also an NHS warning', () => {
    const text = `Ring ${tenDigitLandline(false)}.`;
    expect(simple(text, scanText('title', text))).toEqual([{ rule: 'phone', severity: 'block', match: text.slice(5, -1) }]);
  });

  test('a 10-digit number starting 0 that passes the NHS check is an NHS number', () => {
    const text = `Ring ${tenDigitLandline(true)}.`;
    expect(simple(text, scanText('title', text))).toEqual([{ rule: 'nhs-number', severity: 'block', match: text.slice(5, -1) }]);
  });

  test('a deny-listed name inside an email address is reported once, as the email address', () => {
    const text = "Write to o'brien.family@example.org now";
    expect(simple(text, scanText('title', text, DENY))).toEqual([
      { rule: 'email', severity: 'block', match: "o'brien.family@example.org" },
    ]);
  });

  test('a deny-list phrase wins over a shorter term inside it', () => {
    const text = 'At Fictionville Primary the staff';
    expect(simple(text, scanText('title', text, ['Fictionville', 'Fictionville Primary']))).toEqual([
      { rule: 'deny-list', severity: 'block', match: 'Fictionville Primary' },
    ]);
  });

  test('several identifiers in one text come in order of position', () => {
    const text = `Seen on 01/02/2010 at B1 1AA; mother's number 07700 900456, NHS ${NHS_B}.`;
    expect(simple(text, scanText('background', text))).toEqual([
      { rule: 'date', severity: 'block', match: '01/02/2010' },
      { rule: 'postcode', severity: 'block', match: 'B1 1AA' },
      { rule: 'phone', severity: 'block', match: '07700 900456' },
      { rule: 'nhs-number', severity: 'block', match: NHS_B },
    ]);
    expect(scanText('background', text).map((hit) => hit.position)).toEqual([8, 22, 46, 64]);
  });
});

describe('the deny list', () => {
  // The deny list's own hits: capitalised words are the person-name rule's to judge, not these tests'.
  const hitsFor = (text: string, deny: readonly string[]) => simple(text, scanText('title', text, deny)).filter((hit) => hit.rule === 'deny-list');

  test('matches any case, and any apostrophe', () => {
    for (const text of ["O'Brien", "o'brien", "O'BRIEN", 'O’Brien', 'the O’Brien family']) {
      expect(hitsFor(text, ["O'Brien"]).map((h) => h.match.toLowerCase().replace('’', "'"))).toEqual(["o'brien"]);
    }
  });

  test('matches whole words and phrases only', () => {
    expect(hitsFor("the O'Briens", ["O'Brien"])).toEqual([]);
    expect(hitsFor('Fictionvilles and SuperFictionville', ['Fictionville'])).toEqual([]);
    expect(hitsFor('Fictionville_School', ['Fictionville'])).toEqual([]);
    expect(hitsFor('(Fictionville)', ['Fictionville'])).toEqual([{ rule: 'deny-list', severity: 'block', match: 'Fictionville' }]);
  });

  test('treats regular-expression characters literally', () => {
    expect(hitsFor("at St. Mary's school", ["St. Mary's"])).toEqual([{ rule: 'deny-list', severity: 'block', match: "St. Mary's" }]);
    expect(hitsFor("at Stx Mary's school", ["St. Mary's"])).toEqual([]);
    expect(hitsFor('anything at all', ['.*'])).toEqual([]);
    expect(hitsFor('a (b) c', ['(b)'])).toEqual([{ rule: 'deny-list', severity: 'block', match: '(b)' }]);
    expect(hitsFor('ab', ['a|b'])).toEqual([]);
  });

  test('lets any whitespace stand between the words of a phrase', () => {
    expect(hitsFor('Zoë  Testperson and ZOË\nTESTPERSON', ['Zoë Testperson']).map((h) => h.match)).toEqual([
      'Zoë  Testperson',
      'ZOË\nTESTPERSON',
    ]);
  });

  test('handles letters outside ASCII, in either Unicode form, at word boundaries', () => {
    const decomposed = 'Zoe\u0308';
    expect(hitsFor(`Ask ${decomposed} today`, ['Zoë']).map((h) => h.match)).toEqual([decomposed]);
    expect(hitsFor('Ask ZOË today', ['Zoë']).map((h) => h.match)).toEqual(['ZOË']);
    expect(hitsFor('Ask Zoëlla today', ['Zoë'])).toEqual([]);
    // Accents are folded: a name typed without its diaeresis is still the name.
    expect(hitsFor('Ask Zoe today', ['Zoë']).map((h) => h.match)).toEqual(['Zoe']);
  });

  test('ignores empty terms and is always a block', () => {
    expect(scanText('title', 'Nothing here', ['', '   '])).toEqual([]);
    expect(scanText('title', 'Fictionville', ['Fictionville'])[0]).toMatchObject({ severity: 'block', masked: 'F•••••••••••' });
  });
});

describe('maskMatch', () => {
  test('keeps the last two letters and digits, and the separators', () => {
    expect(maskMatch('123 456 7890', 'nhs-number')).toBe('••• ••• ••90');
    expect(maskMatch('1234567890', 'nhs-number')).toBe('••••••••90');
    expect(maskMatch('AB 12 34 56 C', 'ni-number')).toBe('•• •• •• •6 C');
    expect(maskMatch('B1 1AA', 'postcode')).toBe('•• •AA');
    expect(maskMatch('01/02/2010', 'date')).toBe('••/••/••10');
    expect(maskMatch('+44 (0)7700 900123', 'phone')).toBe('+•• (•)•••• ••••23');
    expect(maskMatch('jo.bloggs@example.org', 'email')).toBe('••.••••••@•••••••.•rg');
  });

  test('deny-list words keep only their first letter', () => {
    expect(maskMatch("O'Brien", 'deny-list')).toBe('O••••••');
    expect(maskMatch("St. Mary's", 'deny-list')).toBe('S•••••••••');
    expect(maskMatch('Zoë', 'deny-list')).toBe('Z••');
  });

  test('never shows a whole match, however short', () => {
    expect(maskMatch('12', 'date')).toBe('•2');
    expect(maskMatch('1', 'date')).toBe('•');
    expect(maskMatch('J', 'deny-list')).toBe('•');
  });
});

describe('scanFinding', () => {
  test('a clean finding has no hits', () => {
    expect(scanFinding(validFinding(), DENY)).toEqual({ blocked: [], warnings: [] });
  });

  test('scans every text field, names it as the admin sees it, and reports in field order', () => {
    const finding = validFinding({
      title: 'Learning for Fictionville',
      source: { ...sample.source, name: 'Review of the Fictionville case' },
      background: `Born 01/02/2010.`,
      whyItMatters: 'Reach the family on 07700 900123.',
      findings: ['Fine.', `Her NHS number ${NHS_A} was on file.`],
      learning: ['Fine.', 'Write to jo.bloggs@example.org for details.'],
      goodPractice: ['Nothing here.', 'At B1 1AA the visits were regular.'],
      questions: [`What about ${NHS_BAD}?`],
      // Keys in an unusual order: reports follow 'all', then the taxonomy's order.
      actions: { police: ['Check AB 12 34 56 C.'], all: ['Ask Zoë Testperson.'] },
      furtherReading: [{ title: "St. Mary's report", url: 'https://www.example.org/reports/1' }],
    });
    const { blocked, warnings } = scanFinding(finding, DENY);
    expect(blocked.map((hit) => [hit.field, hit.position, hit.rule])).toEqual([
      ['title', 13, 'deny-list'],
      ['source.name', 14, 'deny-list'],
      ['background', 5, 'date'],
      ['whyItMatters', 20, 'phone'],
      ['findings[1]', 15, 'nhs-number'],
      ['learning[1]', 9, 'email'],
      ['goodPractice[1]', 3, 'postcode'],
      ['actions.all[0]', 4, 'deny-list'],
      ['actions.police[0]', 6, 'ni-number'],
      ['furtherReading[0].title', 0, 'deny-list'],
    ]);
    expect(warnings.map((hit) => [hit.field, hit.position, hit.rule])).toEqual([['questions[0]', 11, 'nhs-number']]);
    expect(blocked[4]!.message).toBe(`findings[1], character 16: an NHS number (${maskMatch(NHS_A, 'nhs-number')}). Remove it or describe it without the number.`);
  });

  test('never scans the publication date, web addresses, ids, topics or agencies', () => {
    const finding = validFinding({
      id: `case-${NHS_A}`,
      source: { ...sample.source, published: '2022-05-03', url: `https://www.example.org/01/02/2010/${NHS_A}?tel=07700900123` },
      furtherReading: [{ title: 'Working together', url: 'https://www.example.org/B1-1AA/jo.bloggs@example.org' }],
    });
    expect(scanFinding(finding, ['example', 'www', 'cpie', 'csc', 'info_sharing'])).toEqual({ blocked: [], warnings: [] });
  });

  test('a finding without the optional lists is scanned too', () => {
    const { goodPractice: _g, furtherReading: _f, ...rest } = sample;
    const result = parseFinding({ ...rest, background: 'Contact 07700 900123.' });
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    expect(scanFinding(result.finding).blocked.map((hit) => hit.field)).toEqual(['background']);
  });
});

describe('the seed findings', () => {
  const dir = join(__dirname, '..', '..', 'infra', 'local', 'seed', 'findings');
  const files = readdirSync(dir).filter((file) => file.endsWith('.json')).sort();

  test.each(files)('%s has nothing the gate blocks', (file) => {
    const result = parseFinding({ ...JSON.parse(readFileSync(join(dir, file), 'utf8')), status: 'published' });
    if (!result.ok) throw new Error(`${file}: ${JSON.stringify(result.errors)}`);
    const { blocked } = scanFinding(result.finding);
    expect(blocked.map((hit) => hit.message)).toEqual([]);
  });
});

test('a long field with long runs of letters and digits is scanned whole', () => {
  const long = `${'word '.repeat(900)}${'a'.repeat(500)} ${'9'.repeat(400)} ${spaced(NHS_A)}`;
  const hits = scanText('background', long, DENY);
  expect(hits.map((hit) => [hit.rule, hit.position])).toEqual([['nhs-number', long.length - 12]]);
});
