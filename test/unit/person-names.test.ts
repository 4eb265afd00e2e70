import fc from 'fast-check';
import { explainPersonNames, findPersonNames, measureNameRule, type NameSpan } from '../../shared/core/gate/person-names';
import { CLEAN_CORPUS, CLEAN_CORPUS_ALLOW_LIST } from '../fixtures/gate/clean-corpus';
import { CLEAN_NUMBERS } from '../fixtures/gate/clean-numbers';
import { NAMES_CORPUS, unmark } from '../fixtures/gate/names-corpus';

/**
 * The gate's person-name rule: names in prose found (at least 90 % of the names corpus,
 * whole), nothing found in clean learning text, the allow list honoured whole-name and in
 * any case, and any input answered with spans inside it.
 */

const found = (text: string, allowList?: readonly string[]) => findPersonNames(text, allowList).map((s) => text.slice(s.position, s.position + s.length));

/** The names of a '[marked]' sentence, exactly as the rule must report them. */
const expectExactly = (marked: string) => {
  const { text, names } = unmark(marked);
  expect(found(text)).toEqual(names.map((s) => text.slice(s.position, s.position + s.length)));
};

describe('on the corpora', () => {
  // The corpora take a few seconds: measured once, asserted in parts.
  let figures: ReturnType<typeof measureNameRule>;
  beforeAll(() => {
    figures = measureNameRule(NAMES_CORPUS, [...CLEAN_CORPUS, ...CLEAN_NUMBERS], CLEAN_CORPUS_ALLOW_LIST);
  });

  test('the corpora are the size the issue asks for', () => {
    expect(NAMES_CORPUS.length).toBeGreaterThanOrEqual(150);
    expect(CLEAN_CORPUS.length).toBeGreaterThanOrEqual(150);
    for (const { text, names } of NAMES_CORPUS) for (const n of names) expect(text.slice(n.position, n.position + n.length)).toMatch(/^\p{L}.*\p{L}$|^\p{L}$/su);
  });

  test('finds at least 90 % of the names in the names corpus, each whole', () => {
    const recall = `${figures.found} of ${figures.names} names (${(figures.recall * 100).toFixed(1)} %)`;
    const missed = figures.missed.map((m) => `  ${m.name}  ←  ${m.text}`).join('\n');
    console.log(`Name recall: ${recall}; ${figures.namedTextsHeld} of ${figures.namedTexts} sentences would be held.${missed ? `\nMissed:\n${missed}` : ''}`);
    expect(figures.recall).toBeGreaterThanOrEqual(0.9);
  });

  test('finds no name in the clean corpus (with its allow list)', () => {
    expect(figures.falseNames).toEqual([]);
    expect(figures.cleanTextsHeld).toBe(0);
  });

  test('finds nothing in the names corpus that is not one of its names', () => {
    expect(figures.extra).toEqual([]);
  });
});

describe('names as people slip them into prose', () => {
  test.each([
    'the mother, [Jane Smith], told the health visitor',
    'Mr [Daniel Okafor] attended the conference.',
    '[Kayleigh] (aged 4) was seen at school.',
    'The nurse saw baby [Ellie-May] at home.',
    '[Tomasz]\'s father did not attend.',
    '[jane smith] said she was worried.',
    'Her partner [Dean] moved in.',
    'Ms [Ahmed] raised a concern.',
    '[Siobhan O’Neill] reported the bruise.',
    'The children, [Bartek] and [Zofia], were not seen.',
    'Mum ([Stacey]) was not at home.',
    'PC [Lewis] completed the risk assessment.',
    'The conference heard from Mr [Ó Súilleabháin].',
  ])('%s', (marked) => expectExactly(marked));

  test('each name says which rule found it', () => {
    const rules = (text: string) => explainPersonNames(text).map((s) => `${text.slice(s.position, s.position + s.length)}: ${s.rule}`);
    expect(rules('Ms Ahmed spoke to her partner Dean about Kayleigh (aged 4).')).toEqual(['Ahmed: title', 'Dean: relation-before', 'Kayleigh: age']);
  });
});

describe('what is never a name', () => {
  test.each([
    'Child Q was strip-searched at school.',
    'Police, the Health Visitor and the Designated Safeguarding Lead met at the MASH.',
    'Ofsted, Cafcass and the NSPCC all took part.',
    'Practitioners in Solihull, City & Hackney and across England attended.',
    'Working Together to Safeguard Children 2023 and the Children Act 1989 apply.',
    'Keeping Children Safe in Education is statutory guidance.',
    'The Myth of Invisible Men, Out of routine and It was hard to escape are national reviews.',
    'Child Protection in England was published in May 2022.',
    'The panel meets on Monday in June and again in September.',
    'Fathers were not invited. Grace periods do not apply to babies. Hope is not a plan.',
  ])('%s', (text) => expect(found(text)).toEqual([]));
});

describe('the allow list', () => {
  const review = 'The review into the deaths of Arthur and Star was published in May 2022.';

  test('a public name is a name until it is on the allow list', () => {
    expect(found(review)).toEqual(['Arthur', 'Star']);
    expect(found(review, ['Arthur', 'Star'])).toEqual([]);
    expect(found(review, ['Arthur'])).toEqual(['Star']);
  });

  test('matches whole names in any case, with any spaces and apostrophes', () => {
    expect(found(review, ['arthur', 'STAR'])).toEqual([]);
    expect(found('Mr Daniel  Okafor gave evidence.', ['daniel okafor'])).toEqual([]);
    expect(found('Siobhan O’Neill gave evidence.', ["Siobhan O'Neill"])).toEqual([]);
    expect(found('Arthur’s father was known to the police.', ['Arthur'])).toEqual([]);
  });

  test('allows only whole names: a longer name or a name inside a word is still found', () => {
    expect(found('The social worker, Arthur Penrose, closed the case.', ['Arthur'])).toEqual(['Arthur Penrose']);
    expect(found('Her partner Dean moved in.', ['Dea', 'Dean Smith'])).toEqual(['Dean']);
  });

  test('blank entries allow nothing', () => {
    expect(found(review, ['', '   '])).toEqual(['Arthur', 'Star']);
  });
});

describe('properties', () => {
  const RUNS = { numRuns: 200 };
  const wellFormed = (text: string, spans: readonly NameSpan[]) => {
    let end = 0;
    for (const span of spans) {
      expect(Number.isInteger(span.position) && Number.isInteger(span.length)).toBe(true);
      expect(span.length).toBeGreaterThan(0);
      expect(span.position).toBeGreaterThanOrEqual(end); // in order, never overlapping
      end = span.position + span.length;
      expect(end).toBeLessThanOrEqual(text.length);
    }
  };

  test('any text at all: never throws, spans lie inside it, in order', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), fc.array(fc.string({ maxLength: 12 }), { maxLength: 3 }), (text, allow) => {
        wellFormed(text, findPersonNames(text, allow));
      }),
      RUNS,
    );
  });

  test('corpus sentences joined in any order, with any spacing: spans lie inside the text and name a name', () => {
    const sentence = fc.oneof(
      fc.constantFrom(...NAMES_CORPUS.map((n) => n.text)),
      fc.constantFrom(...CLEAN_CORPUS),
    );
    const gap = fc.constantFrom(' ', '  ', '\n', '\n\n', '\t', ' \u00A0', '; ', ' — ');
    fc.assert(
      fc.property(fc.array(fc.tuple(sentence, gap), { minLength: 1, maxLength: 4 }), (parts) => {
        const text = parts.map(([s, g]) => s + g).join('');
        const spans = findPersonNames(text, CLEAN_CORPUS_ALLOW_LIST);
        wellFormed(text, spans);
        for (const span of spans) expect(text.slice(span.position, span.position + span.length)).toMatch(/^[\p{L}\p{M}].*[\p{L}\p{M}]$|^\p{L}$/su);
      }),
      { numRuns: 100 },
    );
  });
});
