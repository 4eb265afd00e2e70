/** Text as words with their positions and tags (compromise's tagger, loaded on first use), and what each word is. */
import type nlpType from 'compromise/two';
import { TITLES, RELATIONS, NOT_NAMES, EVERYDAY_WORDS, PARTICLES, LETTERS, UPPER_START, HAS_LOWER, POSSESSIVE, TRAILING_APOSTROPHE, NAME_TAGS, FUNCTION_TAGS, ENGLISH_ENDING } from './vocabulary';

// ---------------------------------------------------------------------------
// The library, loaded on first use

type Nlp = typeof nlpType;
interface Term {
  text: string;
  tags?: Set<string>;
}
type Lexicon = Record<string, string | string[] | undefined>;

export let library: { nlp: Nlp; lexicon: Lexicon } | undefined;

function loadLibrary() {
  if (!library) {
    // require, not import: loaded on first use (see above). esbuild keeps it lazy in the bundle.
    const nlp = require('compromise/two') as Nlp;
    const model = nlp.model() as { one: { lexicon: Lexicon } };
    library = { nlp, lexicon: model.one.lexicon };
  }
  return library;
}

/** Loads compromise now (about 0.3 s), for a caller that would rather pay at start-up than on its first text. */
export function preloadNameModel(): void {
  loadLibrary();
}

// ---------------------------------------------------------------------------
// Words with their positions and tags

export interface Word {
  /** The word in `text`, without a possessive ending. */
  start: number;
  end: number;
  surface: string;
  /** Lower case, curly apostrophes as straight ones. */
  lower: string;
  /** "Tomasz's": the 's (outside start..end). */
  possessive: boolean;
  /** compromise's tags for this occurrence. */
  tags: ReadonlySet<string>;
  /** The lexicon's tags for the word out of context; empty when it does not know the word. */
  lexicon: readonly string[];
  /** First word of a sentence, a quotation, a bracket, a list item or a case-note heading. */
  sentenceStart: boolean;
  /** The text between the previous word (its possessive included) and this one. */
  gapBefore: string;
}

const fold = (word: string) => word.toLowerCase().replace(/['’‘ʼ]/g, "'");

function lexiconTags(lexicon: Lexicon, lower: string): string[] {
  const entry = lexicon[lower];
  const own = entry === undefined ? [] : Array.isArray(entry) ? entry : [entry];
  if (own.length || !lower.includes('-')) return own;
  // "ellie-may": what the lexicon says of each part, if it knows any.
  return lower.split('-').flatMap((part) => lexiconTags(lexicon, part));
}

/** compromise's terms, joined where a hyphen links them ("Ellie-May"), with their offsets in the original text. */
export function wordsOf(text: string): Word[] {
  const { nlp, lexicon } = loadLibrary();
  const doc = nlp(text);
  const sentences = (doc as unknown as { docs: Term[][] }).docs;
  const out: Word[] = [];
  let cursor = 0;
  let previousEnd = 0;
  for (const sentence of sentences) {
    let first = true;
    for (const term of sentence) {
      if (!term.text) continue; // an implicit word: "don't" → do + (not)
      const at = text.indexOf(term.text, cursor);
      if (at < 0) continue; // compromise changed the text: leave the term out rather than guess
      cursor = at + term.text.length;
      const tags = term.tags ?? new Set<string>();
      const last = out[out.length - 1];
      // A hyphen with nothing around it joins this term to the previous word.
      if (last && !first && text.slice(last.end, at) === '-' && !last.possessive) {
        const surface = text.slice(last.start, cursor);
        last.end = cursor;
        last.surface = surface;
        last.lower = fold(surface);
        last.tags = new Set([...last.tags, ...tags]);
        last.lexicon = lexiconTags(lexicon, last.lower);
        previousEnd = cursor;
        continue;
      }
      let end = cursor;
      let possessive = false;
      if (POSSESSIVE.test(term.text) && term.text.length > 2) {
        end = cursor - 2;
        possessive = true;
      } else if (TRAILING_APOSTROPHE.test(text.slice(cursor, cursor + 1)) && /s$/i.test(term.text) && !/\p{L}/u.test(text.slice(cursor + 1, cursor + 2))) {
        possessive = true; // "Chris' mother"
      }
      const surface = text.slice(at, end);
      const lower = fold(surface);
      const gapBefore = text.slice(previousEnd, at);
      out.push({
        start: at,
        end,
        surface,
        lower,
        possessive,
        tags,
        lexicon: lexiconTags(lexicon, lower),
        sentenceStart: first || /[:;“"‘(\[•*\n–—]|^\s*-\s/.test(gapBefore) || /(^|\s)['‘]$/.test(gapBefore),
        gapBefore,
      });
      previousEnd = cursor;
      first = false;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------
// What a word is

export const isCapitalised = (w: Word) => UPPER_START.test(w.surface);
export const isAllCaps = (w: Word) => !HAS_LOWER.test(w.surface) && w.surface.length > 1;
export const knownAsName = (w: Word) => w.lexicon.some((tag) => NAME_TAGS.has(tag));
/** The lexicon knows it as an everyday word (and not as a name), or it has an everyday word's ending. */
export const knownAsWord = (w: Word) => !knownAsName(w) && (w.lexicon.length > 0 || ENGLISH_ENDING.test(w.lower));
/** Neither in the lexicon nor shaped like an everyday word: "Bartek", "Olamide", "Uddin". */
export const unknownWord = (w: Word) => w.lexicon.length === 0 && !ENGLISH_ENDING.test(w.lower);
export const isFunctionWord = (w: Word) => [...w.tags].some((tag) => FUNCTION_TAGS.has(tag)) && !w.tags.has('Person');
/** A family relationship ("partner", "mother") or, by compromise's tag, a person's role ("social worker"). */
export const isRelation = (w: Word) => RELATIONS.has(w.lower) || (w.tags.has('Actor') && !knownAsName(w) && !NOT_NAMES.has(w.lower));
const letterCount = (w: Word) => [...w.surface].filter((c) => /\p{L}/u.test(c)).length;
export const plainGap = (w: Word | undefined) => !!w && /^[ \u00A0]+$/.test(w.gapBefore);

/**
 * Could this word be a name given good evidence? A word of a name (below), and in lower
 * case only one the lexicon knows as a name and not as an everyday word ("jane", not "mark").
 */
export function candidate(w: Word): boolean {
  if (!wordOfAName(w)) return false;
  if (!isCapitalised(w)) return knownAsName(w) && !EVERYDAY_WORDS.has(w.lower);
  return true;
}

/**
 * Letters (two or more), and not an agency, role, day, month, relationship, title, function
 * word or acronym (SMITH, which the lexicon knows as a name, is not an acronym).
 */
export function wordOfAName(w: Word): boolean {
  if (!LETTERS.test(w.surface) || letterCount(w) < 2) return false;
  if (NOT_NAMES.has(w.lower) || RELATIONS.has(w.lower) || TITLES.has(w.lower) || PARTICLES.has(w.lower)) return false;
  if (isAllCaps(w) && !knownAsName(w)) return false;
  return !isFunctionWord(w);
}

/** A candidate that looks like a name by itself: unknown to the lexicon or known as a name, and not an everyday word. */
export const nameLike = (w: Word) => candidate(w) && (unknownWord(w) || knownAsName(w)) && !EVERYDAY_WORDS.has(w.lower);
