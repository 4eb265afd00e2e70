/** The rules that find names among words, each on evidence a reader would use (person-names.ts lists them). */
import { type Word, isCapitalised, isAllCaps, knownAsName, knownAsWord, unknownWord, isFunctionWord, isRelation, plainGap, candidate, wordOfAName, nameLike } from './words';
import { TITLES, POLICE_TITLES, RELATIONS, KNOWN_AS, QUALIFIERS, NOT_NAMES, PLACES, EVERYDAY_WORDS, PERSON_VERBS, AUXILIARIES, PARTICLES, UPPER_START, PLACE_TAGS, ENGLISH_ENDING, SINGULAR_AUXILIARY, REPORTING_VERBS, PLACE_PHRASES } from './vocabulary';

/**
 * How strong the evidence is. Strong (a title, a relationship word, an age) beats the
 * place list and the lexicon's everyday words; medium gives way to a place; weak (the
 * tagger's reading, an unknown capitalised word) also gives way to an everyday word or a
 * title-case phrase.
 */
type Strength = 'strong' | 'medium' | 'weak';
export const STRENGTH_ORDER: readonly Strength[] = ['strong', 'medium', 'weak'];

export type NameRule =
  | 'title'
  | 'relation-before'
  | 'relation-after'
  | 'known-as'
  | 'age'
  | 'possessive'
  | 'person-verb'
  | 'hyphenated'
  | 'first-name'
  | 'tagger'
  | 'unknown-capitalised'
  | 'list';

export interface Find {
  strength: Strength;
  rule: NameRule;
}

const AGE_IN_BRACKETS = /^\s*\(\s*(?:aged?\s*)?\d{1,2}(?:\s*(?:months?|mths?|years?|yrs?|weeks?|wks?|days?|y|m)(?:\s*old)?)?\s*[),;]/iu; // (aged 4), (2), (18 months)
const AGE_IN_COMMAS = /^\s*,\s*(?:aged?\s*)?\d{1,2}(?:\s*(?:months?|years?|weeks?)(?:\s*old)?)?\s*(?:[,;.)]|$)/iu; // , aged 7, | , 15,
const AGE_STATED = /^\s*,?\s*(?:who\s+)?(?:was|is|now)\s+(?:aged\s+|only\s+|just\s+)?\d{1,2}(?!\s*(?:%|per\s*cent|percent|\d|[.,]\d))\b/iu; // was 14

/** The subject of a verb only a person does: "Zofia said", "Iryna had arrived", "Hui did not understand". */
function personVerbFollows(ws: Word[], i: number): boolean {
  for (let k = i + 1; k < ws.length && k <= i + 4; k++) {
    const v = ws[k]!;
    if (!/^\s+$/.test(v.gapBefore)) return false;
    if (isCapitalised(v)) return false;
    if (PERSON_VERBS.has(v.lower)) return true;
    if (!AUXILIARIES.has(v.lower)) return false;
  }
  return false;
}

/** A capitalised everyday word beside it ("Graded Care Profile", "Operation Encompass", "Lullaby Trust"): a title-case phrase. */
function inTitlePhrase(ws: Word[], i: number): boolean {
  const titleWord = (w: Word | undefined, gapOk: boolean) =>
    !!w && gapOk && isCapitalised(w) && (knownAsWord(w) || RELATIONS.has(w.lower) || NOT_NAMES.has(w.lower)) && !w.tags.has('Person') && !TITLES.has(w.lower) && !isFunctionWord(w);
  const before = ws[i - 1];
  const after = ws[i + 1];
  const beforeCounts = before && (!before.sentenceStart || before.tags.has('Noun'));
  return titleWord(before, !!beforeCounts && plainGap(ws[i])) || titleWord(after, plainGap(after) && !ws[i]!.possessive);
}

/** Word indexes inside a multi-word place: "Tower Hamlets", "Milton Keynes", "St Helens". */
function placePhrases(ws: Word[]): Set<number> {
  const out = new Set<number>();
  for (let i = 0; i + 1 < ws.length; i++) {
    const pair = `${ws[i]!.lower} ${ws[i + 1]!.lower}`;
    if (PLACE_PHRASES.has(pair)) {
      out.add(i);
      out.add(i + 1);
    }
  }
  return out;
}

const isPlace = (ws: Word[], i: number, phrases: ReadonlySet<number>) => {
  const w = ws[i]!;
  return (
    phrases.has(i) ||
    PLACES.has(w.lower) ||
    (w.lower.includes('-') && w.lower.split('-').some((part) => PLACES.has(part))) ||
    w.lexicon.some((tag) => PLACE_TAGS.has(tag)) ||
    // The tagger's guess that it is a place, unless the lexicon knows it as a name ("Leon Marsh's").
    ([...w.tags].some((tag) => PLACE_TAGS.has(tag)) && !w.tags.has('Person') && !knownAsName(w))
  );
};

/** Each word with evidence that it is (part of) a name, and the strongest rule that says so. */
export function findNames(ws: Word[], text: string): Map<number, Find> {
  const found = new Map<number, Find>();
  const give = (i: number, strength: Strength, rule: NameRule) => {
    const had = found.get(i);
    if (!had || STRENGTH_ORDER.indexOf(strength) < STRENGTH_ORDER.indexOf(had.strength)) found.set(i, { strength, rule });
  };

  for (let i = 0; i < ws.length; i++) {
    const w = ws[i]!;
    const next = ws[i + 1];

    // A title: "Mr Daniel Okafor", "Ms Ahmed", "PC Lewis", "mr nowak", "Mr Ó Súilleabháin".
    const title = !w.possessive && (TITLES.has(w.lower.replace(/\.$/, '')) || POLICE_TITLES.has(w.surface.replace(/\.$/, '')));
    if (title && next && /^\.?[ \u00A0]+$/.test(next.gapBefore)) {
      if (candidate(next) && (isCapitalised(next) || !knownAsWord(next))) give(i + 1, 'strong', 'title');
      else if (PARTICLES.has(next.lower) && ws[i + 2] && isCapitalised(ws[i + 2]!) && plainGap(ws[i + 2])) give(i + 2, 'strong', 'title');
    }

    // A relationship or role word before it: "her partner Dean", "mother (Samira)", "baby Ellie-May",
    // "The social worker, Karen Hughes,". After a capitalised one ("Child Protection") only a name-like word.
    if (isRelation(w) && !w.possessive && next && /^\s*[,(:–—-]?\s*$/.test(next.gapBefore) && next.gapBefore.length <= 3 && candidate(next) && !isRelation(next)) {
      const punctuated = /[,(:–—-]/.test(next.gapBefore);
      if (isCapitalised(w) ? nameLike(next) : isCapitalised(next) || knownAsName(next)) {
        give(i + 1, punctuated || !isCapitalised(w) || w.sentenceStart ? 'strong' : 'medium', 'relation-before');
      }
    }

    // "mum kirsty said": a lower-case word nobody would use for anything else, between a relationship and a verb.
    if (isRelation(w) && !w.possessive && !isCapitalised(w) && next && plainGap(next) && !isCapitalised(next) && !next.tags.has('Actor')) {
      if (unknownWord(next) && wordOfAName(next) && !EVERYDAY_WORDS.has(next.lower) && personVerbFollows(ws, i + 1)) give(i + 1, 'strong', 'relation-before');
    }

    // "known as Jonny", "referred to as".
    if (KNOWN_AS.has(w.lower) && next?.lower === 'as' && ws[i + 2] && candidate(ws[i + 2]!) && isCapitalised(ws[i + 2]!)) give(i + 2, 'strong', 'known-as');

    if (!candidate(w)) continue;
    const capitalised = isCapitalised(w);

    // A relationship after it: "Samira (mother)", "Kaur (maternal aunt)".
    if (capitalised && next && /^\s*\(\s*$/.test(next.gapBefore)) {
      const k = QUALIFIERS.has(next.lower) ? i + 2 : i + 1;
      if (ws[k] && RELATIONS.has(ws[k]!.lower)) give(i, 'medium', 'relation-after');
    }

    // "Tyrese and his cousin", "Kelly with her partner": a person joined to a relationship.
    if (capitalised && nameLike(w) && !w.possessive && next && plainGap(next) && /^(?:and|with)$/.test(next.lower)) {
      const owner = ws[i + 2];
      let k = i + 3;
      while (ws[k] && QUALIFIERS.has(ws[k]!.lower) && k < i + 5) k++;
      if (owner && /^(?:his|her|their)$/.test(owner.lower) && ws[k] && RELATIONS.has(ws[k]!.lower)) give(i, 'medium', 'relation-after');
    }

    // An age after it: "Kayleigh (aged 4)", "Tyler, 15,", "Freya was 14".
    if (!w.possessive && (capitalised || knownAsName(w))) {
      const rest = text.slice(w.end, w.end + 40);
      if (AGE_IN_BRACKETS.test(rest) || AGE_IN_COMMAS.test(rest)) give(i, 'strong', 'age');
      else if (AGE_STATED.test(rest) && nameLike(w)) give(i, 'strong', 'age');
    }

    // A possessive: "Tomasz's father", "Aoife's grandmother" (strong); "Kacper's previous exclusion",
    // "Ruby's voice" (medium).
    if (w.possessive && (capitalised || knownAsName(w))) {
      let k = i + 1;
      while (ws[k] && QUALIFIERS.has(ws[k]!.lower) && k < i + 3) k++;
      const family = ws[k] && RELATIONS.has(ws[k]!.lower) && !isCapitalised(ws[k]!);
      if (family) give(i, 'strong', 'possessive');
      else if (nameLike(w) || (EVERYDAY_WORDS.has(w.lower) && capitalised && !w.sentenceStart)) give(i, 'medium', 'possessive');
    }

    // A verb only a person does: "Zofia said", "Iryna had arrived"; an unknown word before was/has/had.
    const plural = w.tags.has('Plural') && !knownAsName(w);
    if (!w.possessive && !plural) {
      if (nameLike(w) && personVerbFollows(ws, i)) give(i, 'medium', 'person-verb');
      else if (capitalised && unknownWord(w) && next && plainGap(next) && SINGULAR_AUXILIARY.test(next.lower)) give(i, 'medium', 'person-verb');
      else if (capitalised && !ENGLISH_ENDING.test(w.lower) && next && plainGap(next) && REPORTING_VERBS.has(next.lower)) give(i, 'medium', 'person-verb');
    }

    // A first name and a capitalised word after it: "Leon Marsh", "Paul Whitfield".
    if (capitalised && knownAsName(w) && !EVERYDAY_WORDS.has(w.lower) && !w.possessive && next && /^[ \u00A0]$/.test(next.gapBefore)) {
      if (isCapitalised(next) && candidate(next) && !isRelation(next) && !ENGLISH_ENDING.test(next.lower)) give(i, 'medium', 'first-name');
    }

    // An everyday word as a name at the start of a sentence, as the tagger reads it: "Grace was on a plan".
    if (EVERYDAY_WORDS.has(w.lower) && capitalised && w.tags.has('Person') && next && plainGap(next) && next.tags.has('Verb')) give(i, 'medium', 'tagger');

    // "Tia-Marie", "Demi-Leigh": capitalised parts, one of them a name.
    if (capitalised && w.lower.includes('-') && w.surface.split('-').every((part) => UPPER_START.test(part)) && (knownAsName(w) || w.tags.has('Person'))) give(i, 'medium', 'hyphenated');

    // compromise's own reading: a person in context.
    if (w.tags.has('Person') && !w.tags.has('Honorific')) give(i, 'weak', 'tagger');

    // A capitalised word the lexicon does not know, inside a sentence: "spoke to Bartek".
    if (capitalised && unknownWord(w) && !isAllCaps(w) && !w.sentenceStart) {
      const before = ws[i - 1];
      const article = before && /^(?:the|a|an)$/.test(before.lower) && plainGap(w);
      if (!article) give(i, 'weak', 'unknown-capitalised');
    }
  }

  const places = placePhrases(ws);
  const kept = new Map<number, Find>();
  for (const [i, find] of found) if (survives(ws, i, find.strength, places)) kept.set(i, find);
  joinLists(ws, kept, places);
  return kept;
}

/** The vetoes: medium evidence gives way to a place; weak evidence also to an everyday word or a phrase. */
function survives(ws: Word[], i: number, strength: Strength, places: ReadonlySet<number>): boolean {
  const w = ws[i]!;
  if (strength === 'strong') return wordOfAName(w);
  if (!candidate(w)) return false;
  if (isPlace(ws, i, places)) return false;
  if (afterArticleRun(ws, i)) return false;
  if (inTitlePhrase(ws, i) && !knownAsName(w)) return false;
  if (strength === 'medium') return true;
  const next = ws[i + 1];
  const before = ws[i - 1];
  const afterArticle = !!before && /^(?:the|a|an)$/.test(before.lower) && plainGap(w);
  // Two capitalised words the tagger reads as one person: "Lily-Rose Smith-Jones", "Jane Smith".
  const pairedWithName = !!next && /^[ \u00A0]$/.test(next.gapBefore) && isCapitalised(next) && (next.tags.has('Person') || knownAsName(next));
  if (w.sentenceStart && !knownAsName(w) && !pairedWithName) return false;
  if (EVERYDAY_WORDS.has(w.lower) && (w.sentenceStart || afterArticle || inTitlePhrase(ws, i) || !isCapitalised(w))) return false;
  if (inTitlePhrase(ws, i) && !knownAsName(w)) return false;
  // "Frank and honest conversations": an everyday or sentence-initial word followed by a lower-case noun or adjective.
  const ambiguous = w.sentenceStart || knownAsWord(w) || !isCapitalised(w);
  if (ambiguous && next && plainGap(next) && !isCapitalised(next) && !w.possessive && !knownAsName(next) && !next.tags.has('Person')) {
    if ((next.tags.has('Noun') && !next.tags.has('Pronoun') && !isRelation(next)) || next.tags.has('Adjective')) return false;
  }
  return true;
}

/** "The Independent Scrutineer reports", "the Lullaby Trust": a capitalised run after an article is a title or a body, not a person. */
function afterArticleRun(ws: Word[], i: number): boolean {
  let k = i;
  while (k > 0 && isCapitalised(ws[k - 1]!) && plainGap(ws[k]) && !isFunctionWord(ws[k - 1]!) && !ws[k - 1]!.possessive) k--;
  const before = ws[k - 1];
  return !!before && /^(?:the|a|an)$/.test(before.lower) && plainGap(ws[k]);
}

/** "Shanice, Kemar and Delroy", "Hope and Faith": capitalised words listed with a name found. */
function joinLists(ws: Word[], kept: Map<number, Find>, places: ReadonlySet<number>) {
  const joinable = (k: number) => {
    const w = ws[k];
    return !!w && !kept.has(k) && isCapitalised(w) && candidate(w) && !isPlace(ws, k, places) && !isRelation(w) && (nameLike(w) || !w.sentenceStart);
  };
  const conjunction = (w: Word | undefined) => !!w && /^(?:and|&|or)$/.test(w.lower);
  let grew = true;
  while (grew) {
    grew = false;
    for (const i of [...kept.keys()]) {
      const here = ws[i]!;
      const after = ws[i + 1];
      const add = (k: number) => {
        kept.set(k, { strength: 'weak', rule: 'list' });
        grew = true;
      };
      if (after && !here.possessive) {
        if (/^\s*,\s*$/.test(after.gapBefore) && joinable(i + 1)) add(i + 1);
        else if (conjunction(after) && plainGap(ws[i + 2]) && joinable(i + 2)) add(i + 2);
      }
      if (/^\s*,\s*$/.test(here.gapBefore) && joinable(i - 1) && !ws[i - 1]!.possessive) add(i - 1);
      else if (conjunction(ws[i - 1]) && plainGap(ws[i - 1]) && joinable(i - 2) && !ws[i - 2]!.possessive) add(i - 2);
    }
  }
}
