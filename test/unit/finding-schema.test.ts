import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseFinding, type FieldError } from '../../shared/core/finding/finding';
import { sample } from '../support/findings';

/**
 * What an admin sees when a finding typed in the console is rejected: each problem
 * names the attribute and says how to fix it. The base item is the seed finding the
 * local console ships with, so these cases start from something an admin really saves.
 */

const seed = JSON.parse(
  readFileSync(join(__dirname, '../../infra/local/seed/findings/jtai-mash-solihull-2022.json'), 'utf8'),
) as Record<string, unknown> & { source: Record<string, unknown>; topics: string[]; agencies: string[] };

const withChanges = (changes: Record<string, unknown>) => ({ ...seed, ...changes });
const withSource = (changes: Record<string, unknown>) => withChanges({ source: { ...seed.source, ...changes } });

/** The errors for an input that must be rejected; fails the test if it was accepted. */
function errorsOf(input: unknown): FieldError[] {
  const result = parseFinding(input);
  if (result.ok) throw new Error(`expected the finding to be rejected, but it was accepted: ${JSON.stringify(input)}`);
  return result.errors;
}

/** The one error for an input with a single problem. */
function onlyError(input: unknown): FieldError {
  const errors = errorsOf(input);
  expect(errors).toHaveLength(1);
  return errors[0]!;
}

describe('a valid finding as the console hands it over', () => {
  test('string sets become lists and a version typed as text becomes a number', () => {
    const item = withChanges({ topics: new Set(seed.topics), agencies: new Set(seed.agencies), version: '2' });
    const result = parseFinding(item);
    expect(result).toMatchObject({ ok: true });
    if (!result.ok) return;
    expect(result.finding.version).toBe(2);
    expect(result.finding.topics).toEqual(seed.topics);
    expect(result.finding.agencies).toEqual(seed.agencies);
    expect(result.finding.title).toBe(seed.title);
  });

  test.each(['2022-05', '2022-05-03'])('source.published %s is accepted', (published) => {
    const result = parseFinding(withSource({ published }));
    expect(result.ok).toBe(true);
  });
});

describe('each rejection names the field and the fix', () => {
  test('missing title', () => {
    const { title: _title, ...item } = seed;
    const error = onlyError(item);
    expect(error.field).toBe('title');
    expect(error.message).toContain('title is missing');
    expect(error.message).toContain('String (S)');
  });

  test('title typed as a number', () => {
    const error = onlyError(withChanges({ title: 42 }));
    expect(error.field).toBe('title');
    expect(error.message).toContain('must be text (S)');
    expect(error.message).toContain('not a number (N)');
  });

  test('an empty string in learning points at the item', () => {
    const error = onlyError(withChanges({ learning: ['A real learning point.', '   '] }));
    expect(error.field).toBe('learning[1]');
    expect(error.message).toContain('is empty');
    expect(error.message).toContain('Write the text');
  });

  test('findings typed as one string instead of a list', () => {
    const error = onlyError(withChanges({ findings: 'Children waited too long.' }));
    expect(error.field).toBe('findings');
    expect(error.message).toContain('must be a List (L)');
    expect(error.message).toContain('not text (S)');
    expect(error.message).toContain('Put each finding in its own list item');
  });

  test("unknown topic 'neglct' suggests 'neglect'", () => {
    const error = onlyError(withChanges({ topics: ['voice_of_child', 'neglct'] }));
    expect(error.field).toBe('topics[1]');
    expect(error.message).toContain("'neglct' is not a known topic");
    expect(error.message).toContain("Did you mean 'neglect'?");
  });

  test("status 'Published' lists the lower-case options", () => {
    const error = onlyError(withChanges({ status: 'Published' }));
    expect(error.field).toBe('status');
    expect(error.message).toContain("'Published' is not valid");
    expect(error.message).toContain('draft, published, withdrawn');
    expect(error.message).toContain('lower case');
  });

  test("status ' published ' (spaces around it) says so, and what to type", () => {
    const error = onlyError(withChanges({ status: ' published ' }));
    expect(error.field).toBe('status');
    expect(error.message).toBe("status ' published ' has spaces around it. Type it as published, in lower case with no spaces, and save.");
  });

  test("actions key 'polise' suggests 'police'", () => {
    const error = onlyError(withChanges({ actions: { all: ['Follow up referrals.'], polise: ['Attend strategy discussions.'] } }));
    expect(error.field).toBe('actions.polise');
    expect(error.message).toContain("'polise' is not a known agency");
    expect(error.message).toContain("Did you mean 'police'?");
  });

  test('an actions value typed as one string instead of a list', () => {
    const error = onlyError(withChanges({ actions: { all: 'Follow up referrals.' } }));
    expect(error.field).toBe('actions.all');
    expect(error.message).toContain('must be a List (L)');
    expect(error.message).toContain('not text (S)');
    expect(error.message).toContain('Put each action in its own list item');
  });

  test("source.type 'jtia' suggests 'jtai'", () => {
    const error = onlyError(withSource({ type: 'jtia' }));
    expect(error.field).toBe('source.type');
    expect(error.message).toContain("'jtia' is not a known source type");
    expect(error.message).toContain("Did you mean 'jtai'?");
  });

  test.each(['2022-13', '01/05/2022'])('source.published %s is rejected with the expected format', (published) => {
    const error = onlyError(withSource({ published }));
    expect(error.field).toBe('source.published');
    expect(error.message).toContain('YYYY-MM or YYYY-MM-DD');
  });

  test('source.published 2022-02-31 is rejected as no real date', () => {
    const error = onlyError(withSource({ published: '2022-02-31' }));
    expect(error.field).toBe('source.published');
    expect(error.message).toContain('not a real date');
  });

  test('a javascript: link in furtherReading is rejected', () => {
    const error = onlyError(withChanges({ furtherReading: [{ title: 'Read this', url: 'javascript:alert(1)' }] }));
    expect(error.field).toBe('furtherReading[0].url');
    expect(error.message).toContain('https://');
  });

  test.each([
    [0, 'starts at 1'],
    [1.5, 'whole number'],
    ['two', 'whole Number (N)'],
    [20220501, 'Did you type a date into it?'],
  ])('version %p is rejected', (version, phrase) => {
    const error = onlyError(withChanges({ version }));
    expect(error.field).toBe('version');
    expect(error.message).toContain(phrase);
  });

  test("an id with '#' is rejected with the allowed characters", () => {
    const error = onlyError(withChanges({ id: 'jtai#mash' }));
    expect(error.field).toBe('id');
    expect(error.message).toContain("letters, digits, '-', '_' and '.'");
  });

  test.each([
    [null, 'not null'],
    [[seed], 'not a list (L)'],
    ['a finding', 'not text (S)'],
  ])('a non-object input (%p) gives an item-level error', (input, phrase) => {
    const error = onlyError(input);
    expect(error.field).toBe('(item)');
    expect(error.message).toContain('must be a Map (M) of attributes');
    expect(error.message).toContain(phrase);
  });

  test('several problems are reported together, not just the first', () => {
    const { title: _title, ...item } = seed;
    const errors = errorsOf({ ...item, status: 'Published', topics: ['neglct'], findings: 'one line', source: { ...seed.source, type: 'jtia' } });
    expect(errors.map((e) => e.field).sort()).toEqual(['findings', 'source.type', 'status', 'title', 'topics[0]']);
    expect(errors.find((e) => e.field === 'topics[0]')?.message).toContain("Did you mean 'neglect'?");
    expect(errors.find((e) => e.field === 'source.type')?.message).toContain("Did you mean 'jtai'?");
  });
});

describe('invisible characters are refused where they are, with what they are', () => {
  const base = sample;

  test.each([
    ['\u200B', 'a zero-width space (U+200B)'],
    ['\u200C', 'a zero-width non-joiner (U+200C)'],
    ['\u2060', 'a word joiner (U+2060)'],
    ['\u00AD', 'a soft hyphen (U+00AD)'],
    ['\uFEFF', 'a zero-width no-break space (U+FEFF)'],
    ['\u202E', 'a text-direction control (U+202E)'],
    ['\u180E', 'an invisible character (U+180E)'],
  ])('%j in learning[0]', (char, described) => {
    const result = parseFinding({ ...base, learning: [`Share what you know${char} early.`] });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toEqual([
      expect.objectContaining({ field: 'learning[0]', message: expect.stringContaining(`contains ${described} at character 20`) }),
    ]);
  });

  test('an emoji made of joined parts is not refused', () => {
    expect(parseFinding({ ...base, learning: ['Families 👨‍👩‍👧 and hearts ❤️ are fine.'] }).ok).toBe(true);
  });
});
