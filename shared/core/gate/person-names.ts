import { preloadNameModel, type Word, wordsOf, isCapitalised, isRelation, candidate } from './names/words';
import { PARTICLES, ENGLISH_ENDING } from './names/vocabulary';
import { STRENGTH_ORDER, type NameRule, type Find, findNames } from './names/rules';

/**
 * Personal names written in prose ("the mother, Jane Smith, told the health visitor"):
 * the slip no pattern rule sees. Pure: no I/O.
 *
 * Two layers, so each hit can be explained (explainPersonNames says which rule found it):
 * 1. compromise (npm `compromise`, its tagger build `compromise/two`, with its lexicon of
 *    about 3,000 first names and 900 surnames) reads people in context: "Jane Smith",
 *    "Mr Daniel Okafor", lower-case "jane smith said".
 * 2. Our own rules, each on evidence a reader would use:
 *    - a title before it: Mr, Mrs, Ms, Miss, Mx, Dr, PC, DC… ("Ms Ahmed");
 *    - a relationship or role word before it: "her partner Dean", "mother (Samira)",
 *      "baby Ellie-May", "The social worker, Karen Hughes,", "a man called Sebastian";
 *      or after it: "Samira (mother)", "Tyrese and his cousin";
 *    - an age after it: "Kayleigh (aged 4)", "Tyler, 15,", "Freya was 14";
 *    - a possessive: "Tomasz's father", "Kacper's previous exclusion";
 *    - a verb only a person does: "Zofia said", "Andrius went missing", "Gurpreet was";
 *    - a first name the lexicon knows and a capitalised word after it: "Leon Marsh";
 *    - a capitalised word neither the lexicon nor an English word ending explains,
 *      inside a sentence: "spoke to Bartek";
 *    - a list joined to a name found: "Shanice, Kemar and Delroy".
 *
 * What is never a name: agencies, services and roles (Police, Ofsted, Cafcass, MASH,
 * Health Visitor), English local authority areas and nations (Solihull, Hackney, Bradford,
 * England), days, months and holidays, a capitalised run after "the" ("the Independent
 * Scrutineer") or beside a capitalised everyday word ("Graded Care Profile", "Child
 * Protection"), single letters (Child Q), and whatever is on the deployment's allow list.
 * Evidence has a strength: a title, relationship word or age is strong and beats the place
 * list and the everyday-word list ("Mr Sutton", "her partner Dean"); the other rules give way.
 *
 * Measured on test/fixtures/gate (names corpus, clean corpus): see test/unit/person-names.test.ts
 * and the bench. The rules were tuned on the first 178 names sentences and 187 clean ones; the
 * rest of each corpus was written afterwards and measured before any change for it.
 *
 * The library (about 300 KB minified, about 0.4 s to build its lexicon) is loaded on the first
 * call, not at import, so code that imports this module and never scans text does not pay for it.
 */

export interface NameSpan {
  /** 0-based offset in UTF-16 code units, as String.prototype.slice counts. */
  position: number;
  length: number;
}

// ---------------------------------------------------------------------------
// From words to spans

export interface ExplainedName extends NameSpan {
  /** The strongest rule that found a word of this name. */
  rule: NameRule;
}

/** Joins a name's words ("Daniel Okafor", "Ó Súilleabháin", "Leon M") into one span each. */
function spansOf(ws: Word[], names: ReadonlyMap<number, Find>): ExplainedName[] {
  const inName = new Map(names);
  const singleSpace = (k: number) => /^[ \u00A0]$/.test(ws[k]?.gapBefore ?? '');
  for (const i of [...names.keys()].sort((a, b) => a - b)) {
    const find = names.get(i)!;
    // Forward: a surname after a name found ("Rahim Uddin"), an initial ("Leon M").
    let k = i + 1;
    while (k < ws.length && singleSpace(k) && !inName.has(k) && !ws[k - 1]!.possessive) {
      const w = ws[k]!;
      const initial = /^\p{Lu}$/u.test(w.surface) && !/^\s*\p{L}/u.test(ws[k + 1]?.gapBefore === ' ' ? ws[k + 1]!.surface : '');
      if (PARTICLES.has(w.lower) && ws[k + 1] && isCapitalised(ws[k + 1]!) && singleSpace(k + 1)) inName.set(k, find);
      else if ((isCapitalised(w) && candidate(w) && !isRelation(w) && !ENGLISH_ENDING.test(w.lower)) || initial) inName.set(k, find);
      else break;
      k++;
    }
    // Backward: a particle before it ("Ó Súilleabháin", "van der Berg").
    for (let b = i - 1; b >= 0 && singleSpace(b + 1) && PARTICLES.has(ws[b]!.lower) && !inName.has(b); b--) inName.set(b, find);
  }
  const spans: ExplainedName[] = [];
  const sorted = [...inName.keys()].sort((a, b) => a - b);
  for (let n = 0; n < sorted.length; n++) {
    const first = sorted[n]!;
    let last = first;
    let best = inName.get(first)!;
    while (sorted[n + 1] === last + 1 && singleSpace(last + 1) && !ws[last]!.possessive) {
      last = sorted[++n]!;
      const find = inName.get(last)!;
      if (STRENGTH_ORDER.indexOf(find.strength) < STRENGTH_ORDER.indexOf(best.strength)) best = find;
    }
    // A particle alone ("de") is no name.
    if (first === last && PARTICLES.has(ws[first]!.lower)) continue;
    const start = ws[first]!.start;
    const end = ws[last]!.end;
    spans.push({ position: start, length: end - start, rule: best.rule });
  }
  return spans;
}

// ---------------------------------------------------------------------------
// The allow list

/** The allow list as one pattern: whole names, any case, any run of spaces, any apostrophe. */
function allowPattern(allowList: readonly string[] | undefined): RegExp | undefined {
  const terms = new Set<string>();
  for (const raw of allowList ?? []) {
    const term = raw.normalize('NFC').trim();
    if (term) terms.add(term);
  }
  if (!terms.size) return undefined;
  const alternatives = [...terms]
    .sort((a, b) => b.length - a.length)
    .map((term) =>
      [...term]
        .map((char) => (/\s/u.test(char) ? '\\s+' : /['’‘ʼ]/u.test(char) ? "['’‘ʼ]" : char.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&')))
        .join('')
        .replace(/(\\s\+)+/g, '\\s+'),
    );
  return new RegExp(`(?<![\\p{L}\\p{M}\\p{N}_])(?:${alternatives.join('|')})(?![\\p{L}\\p{M}\\p{N}_])`, 'giu');
}

export function allowed(text: string, pattern: RegExp | undefined): Array<[number, number]> {
  if (!pattern) return [];
  const out: Array<[number, number]> = [];
  pattern.lastIndex = 0;
  for (let m = pattern.exec(text); m; m = pattern.exec(text)) {
    out.push([m.index, m.index + m[0].length]);
    if (m[0] === '') pattern.lastIndex++;
  }
  return out;
}

// ---------------------------------------------------------------------------
// The rule

/**
 * Where personal names are in `text`: one span per name (title and possessive ending
 * left out), in order of position, never overlapping. A name that lies wholly inside an
 * occurrence of an allow-list entry (compared whole-name and case-insensitively:
 * "child q" allows "Child Q", "Arthur" allows "Arthur" but not "Arthur Smith") is left out.
 */
export function findPersonNames(text: string, allowList?: readonly string[]): NameSpan[] {
  return explainPersonNames(text, allowList).map(({ position, length }) => ({ position, length }));
}

/** findPersonNames, with the rule that found each name (for tests, the bench and anyone asking why). */
export function explainPersonNames(text: string, allowList?: readonly string[]): ExplainedName[] {
  if (!/\p{L}/u.test(text)) return [];
  const ws = wordsOf(text);
  const spans = spansOf(ws, findNames(ws, text));
  const allow = allowed(text, allowPattern(allowList));
  return spans.filter((span) => !allow.some(([start, end]) => start <= span.position && span.position + span.length <= end));
}

// ---------------------------------------------------------------------------
// Measuring the rule on corpora (for the tests and the bench)

export interface NamedText {
  text: string;
  names: readonly NameSpan[];
}

export interface NameRuleFigures {
  /** Names in the names corpus, and how many were found whole (every character inside a span found). */
  names: number;
  found: number;
  /** found ÷ names. */
  recall: number;
  /** Sentences of the names corpus in which at least one span was found (they would be held). */
  namedTexts: number;
  namedTextsHeld: number;
  missed: Array<{ text: string; name: string }>;
  /** Spans found in the names corpus that overlap no expected name. */
  extra: Array<{ text: string; found: string }>;
  /** Clean texts, how many had a false name, and each false name. */
  cleanTexts: number;
  cleanTextsHeld: number;
  falseNames: Array<{ text: string; found: string }>;
  /** Mean time per 1,000 characters over both corpora, the library already loaded. */
  msPer1000Chars: number;
}

/** Recall over a names corpus and false names over a clean corpus, with the allow list a deployment would keep. */
export function measureNameRule(named: readonly NamedText[], clean: readonly string[], allowList?: readonly string[]): NameRuleFigures {
  preloadNameModel();
  let chars = 0;
  let ms = 0;
  const timed = (text: string) => {
    const began = performance.now();
    const spans = findPersonNames(text, allowList);
    ms += performance.now() - began;
    chars += text.length;
    return spans;
  };
  const missed: NameRuleFigures['missed'] = [];
  const extra: NameRuleFigures['extra'] = [];
  let names = 0;
  let found = 0;
  let namedTextsHeld = 0;
  for (const { text, names: expected } of named) {
    const spans = timed(text);
    if (spans.length) namedTextsHeld++;
    for (const name of expected) {
      names++;
      const covered = (at: number) => spans.some((s) => s.position <= at && at < s.position + s.length);
      let whole = true;
      for (let at = name.position; at < name.position + name.length; at++) if (/[\p{L}\p{N}]/u.test(text[at]!) && !covered(at)) whole = false;
      if (whole) found++;
      else missed.push({ text, name: text.slice(name.position, name.position + name.length) });
    }
    for (const s of spans) {
      const overlaps = expected.some((n) => s.position < n.position + n.length && n.position < s.position + s.length);
      if (!overlaps) extra.push({ text, found: text.slice(s.position, s.position + s.length) });
    }
  }
  const falseNames: NameRuleFigures['falseNames'] = [];
  let cleanTextsHeld = 0;
  for (const text of clean) {
    const spans = timed(text);
    if (spans.length) cleanTextsHeld++;
    for (const s of spans) falseNames.push({ text, found: text.slice(s.position, s.position + s.length) });
  }
  return {
    names,
    found,
    recall: names ? found / names : 1,
    namedTexts: named.length,
    namedTextsHeld,
    missed,
    extra,
    cleanTexts: clean.length,
    cleanTextsHeld,
    falseNames,
    msPer1000Chars: chars ? (ms / chars) * 1000 : 0,
  };
}
