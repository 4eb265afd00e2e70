import type nlpType from 'compromise/two';

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
// The library, loaded on first use

type Nlp = typeof nlpType;
interface Term {
  text: string;
  tags?: Set<string>;
}
type Lexicon = Record<string, string | string[] | undefined>;

let library: { nlp: Nlp; lexicon: Lexicon } | undefined;

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
// Word lists: the product's own

const words = (list: string) => new Set(list.trim().split(/\s*\n\s*|\s*,\s*/).filter(Boolean));

/** Titles that come before a name. PC, DC and the like only in capitals. */
const TITLES = words(`mr, mrs, ms, miss, mx, dr, prof, professor, sir, dame, rev, revd, cllr, sgt, insp`);
const POLICE_TITLES = words(`PC, DC, DS, DI, DCI, DSI, PCSO`);

/** Words for people by relationship or role that a name often follows: "her partner Dean", "mother (Samira)". */
const RELATIONS = words(`
  mother, mum, mummy, mom, father, dad, daddy, parent, parents, stepmother, stepfather, stepmum, stepdad,
  step-mother, step-father, step-mum, step-dad, partner, ex-partner, boyfriend, girlfriend, ex-boyfriend, ex-girlfriend,
  husband, wife, ex-husband, ex-wife, fiance, fiancé, fiancee, fiancée, brother, sister, brothers, sisters, half-brother,
  half-sister, stepbrother, stepsister, step-brother, step-sister, sibling, siblings, son, daughter, sons, daughters,
  stepson, stepdaughter, baby, babies, infant, toddler, twin, twins, child, children, aunt, auntie, aunty, uncle,
  grandmother, grandfather, grandma, grandad, granddad, grandpa, nan, nana, nanna, gran, granny, grandparent,
  grandparents, grandson, granddaughter, great-grandmother, great-grandfather, cousin, cousins, nephew, niece,
  carer, carers, friend, friends, neighbour, neighbours, lodger, girl, boy, teenager, youngster, pupil, student,
  classmate, called, named, alias
`);

/** "known as Jonny": the word before 'as' that makes it introduce a name. */
const KNOWN_AS = words(`known, referred, named`);

/** Qualifiers between a possessive or bracket and the relationship word: "(maternal aunt)". */
const QUALIFIERS = words(`maternal, paternal, older, younger, eldest, oldest, youngest, elder, baby, little, big, new, former, birth, step, foster, family`);

/** Agencies, services, roles and other capitalised words that are never a person in this domain. */
const NOT_NAMES = words(`
  police, ofsted, cafcass, nspcc, mash, camhs, cqc, hmicfrs, jtai, lado, marac, mappa, idva, isva, nhs, gp, gps, dsl,
  csc, yjs, yot, sencos, senco, send, ehcp, ceop, nca, ons, dfe, lscp, lscb, icb, ccg, hv, sw, iro, pcso, a&e,
  childline, barnardo's, barnardos, samaritans, refuge, kooth, brook, lullaby, nspcc's, unicef, unicef's, mencap, shelter,
  ofsted's, cafcass's, home, office, department, council, partnership, trust, service, services, team, hub, board, panel,
  health, visitor, visitors, social, care, worker, workers, safeguarding, designated, lead, leads, officer, nurse,
  midwife, doctor, consultant, paediatrician, teacher, head, headteacher, sergeant, constable, detective, inspector,
  chair, manager, practitioner, practitioners, professional, professionals, principal, virtual, school, college,
  nursery, academy, hospital, ward, clinic, court, judge, magistrate, early, help, family, families, child, children,
  young, people, person, review, reviews, act, guidance, section, paragraph, annex, chapter, part, appendix,
  monday, tuesday, wednesday, thursday, friday, saturday, sunday, mon, tue, tues, wed, thu, thur, thurs, fri, sat, sun,
  january, february, march, april, may, june, july, august, september, october, november, december,
  jan, feb, mar, apr, jun, jul, aug, sep, sept, oct, nov, dec,
  barnardo, christmas, easter, ramadan, eid, diwali, hanukkah, passover, vaisakhi, halloween, bonfire, spring, summer, autumn, winter,
  nobody, everyone, everybody, someone, somebody, anyone, anybody, noone, no-one, none, staff, research, evidence,
  inspectors, leaders, partners, agencies, god, allah, jesus, christ, bible, quran, koran, muslim, christian, jewish, hindu, sikh, catholic, islam,
  english, british, polish, romanian, lithuanian, ukrainian, albanian, somali, urdu, punjabi, bengali, arabic, turkish,
  internet, facebook, instagram, snapchat, tiktok, whatsapp, youtube, xbox, playstation, google, teams, zoom,
  covid, covid-19, coronavirus, lockdown, brexit,
  section, year, key, stage, tier, level, class, form, group, unit, floor, room, road, street, lane, avenue, estate,
  north, south, east, west, northern, southern, eastern, western, central, greater, city, county, borough, town,
  wales, england, scotland, ireland, britain, uk, europe, london
`);

/**
 * English local authority areas with children's services, and the nations and regions:
 * a partnership's own places. Several are also names (Bradford, Dudley, Kent, Devon):
 * as a place they give way, but a title, relationship word or age still makes them a name.
 */
const PLACES = words(`
  barking, dagenham, barnet, barnsley, bath, somerset, bedford, bedfordshire, bexley, birmingham, blackburn, darwen,
  blackpool, bolton, bournemouth, christchurch, poole, bracknell, bradford, brent, brighton, hove, bristol, bromley,
  buckinghamshire, bury, calderdale, cambridgeshire, camden, cheshire, chester, cornwall, scilly, coventry, croydon,
  cumberland, cumbria, darlington, derby, derbyshire, devon, doncaster, dorset, dudley, durham, ealing, riding,
  yorkshire, sussex, enfield, essex, gateshead, gloucestershire, greenwich, hackney, halton, hammersmith, fulham,
  hampshire, haringey, harrow, hartlepool, havering, herefordshire, hertfordshire, hillingdon, hounslow, wight,
  islington, kensington, chelsea, kent, hull, kingston, kirklees, knowsley, lambeth, lancashire, leeds, leicester,
  leicestershire, lewisham, lincolnshire, lincoln, liverpool, luton, manchester, medway, merton, middlesbrough, milton,
  keynes, newcastle, newham, norfolk, northamptonshire, tyneside, northumberland, nottingham, nottinghamshire, oldham,
  oxfordshire, peterborough, plymouth, portsmouth, reading, redbridge, redcar, cleveland, richmond, rochdale,
  rotherham, rutland, salford, sandwell, sefton, sheffield, shropshire, slough, solihull, southampton, southend,
  southwark, helens, staffordshire, stockport, stockton, stoke, stoke-on-trent, suffolk, sunderland, surrey, sutton,
  swindon, tameside, telford, wrekin, thurrock, torbay, hamlets, trafford, wakefield, walsall, waltham, wandsworth,
  warrington, warwickshire, berkshire, westmorland, furness, wigan, wiltshire, windsor, maidenhead, wirral, wokingham,
  wolverhampton, worcestershire, york, westminster, merseyside, midlands, humber, cymru, hackney's
`);

/** Names that are also everyday words: never a name in lower case, and at the start of a sentence only with evidence. */
const EVERYDAY_WORDS = words(`
  grace, hope, faith, joy, frank, will, may, mark, rose, june, april, august, summer, autumn, dawn, amber, pearl, jack,
  bill, pat, sue, rob, guy, ray, grant, drew, dale, dean, chase, hunter, mason, cole, miles, art, sunny, honey, holly,
  ivy, iris, lily, daisy, heather, violet, crystal, destiny, star, sky, storm, river, brook, patience, charity, penny,
  justice, tiger, angel, earl, duke, king, prince, rich, cliff, glen, lance, gene, don, bob, nick, ruby, ben, sterling,
  rocky, reed, wade, carter, taylor, foster, baker, cook, page, bishop, butler, porter, marsh, wood, young, long,
  little, new, hill, field, green, white, black, brown, gray, grey
`);

/** Verbs with a person as their subject: "Zofia said", "Andrius went missing". */
const PERSON_VERBS = words(`
  said, says, told, tells, disclosed, discloses, explained, explains, asked, asks, admitted, admits, denied, denies,
  alleged, alleges, claimed, claims, stated, states, described, describes, reported, reports, shared, cried, screamed,
  shouted, whispered, complained, confided, insisted, agreed, refused, refuses, wanted, wants, wished, felt, feels,
  thought, believed, knew, understood, understand, went, ran, returned, arrived, moved, lived, lives, stayed, stays,
  left, stopped, started, missed, misses, attended, attends, died, seen, born, excluded, admitted, found, placed, taken,
  arrested, interviewed, living, staying, hit, pushed, rang, phoned, texted, messaged, met, visited, presented,
  looked, appeared, seemed, became, began, continued, tried, let, allowed, gave, took, kept, showed, talked, spoke,
  answered, accepted, declined, engaged, absconded, self-harmed, smiled, laughed, played, slept, ate, fell, woke,
  worked, works, drank, drinks, smoked, used, uses, sold, owed, owes, carried, hid, hides, loved, loves, hated, hates,
  liked, likes, feared, fears, worried, worries, wrote, posted, sent, received, failed, needed, needs, lost, gained,
  weighed, cares, cared, looks, looked, supports, supported, collected, dropped, picked, brought, drove, walked,
  disclose, say, tell, explain, ask, admit, deny, want, feel, know, go, run, return, arrive, move, live, stay, leave,
  stop, start, miss, attend, die, hit, push, ring, phone, text, meet, visit, look, seem, become, begin, continue, try,
  let, allow, give, take, keep, show, talk, speak, answer, accept, decline, engage, smile, laugh, play, sleep, eat,
  fall, wake, work, drink, smoke, use, sell, owe, carry, hide, love, hate, like, fear, worry, write, post, send,
  receive, fail, need, lose, gain, weigh, care, support, collect, drop, pick, bring, drive, walk, cry, scream, shout,
  whisper, complain, confide, insist, agree, refuse, wish, think, believe, understand, describe, report, share, claim,
  allege, state, went, missing, herself, himself
`);

/** Auxiliaries and adverbs between a subject and its verb: "Iryna had arrived", "Hui did not understand". */
const AUXILIARIES = words(`
  was, were, is, are, has, had, have, did, does, do, would, could, will, can, should, might, must, been, being, not,
  never, also, then, later, often, always, still, first, only, just, repeatedly, regularly`);

/** Particles inside surnames: "Ó Súilleabháin", "van der Berg", "bin Laden"-style forms. */
const PARTICLES = words(`o, ó, de, da, di, du, del, della, van, von, der, den, le, la, bin, binti, ibn, al, el`);

/** A name-like shape: letters, with inner apostrophes, hyphens or full stops. */
const LETTERS = /^[\p{L}\p{M}](?:[\p{L}\p{M}'’.-]*[\p{L}\p{M}])?$/u;
const UPPER_START = /^\p{Lu}/u;
const HAS_LOWER = /\p{Ll}/u;
const POSSESSIVE = /['’‘ʼ]s$/iu;
const TRAILING_APOSTROPHE = /^['’‘ʼ]/u;
const NAME_TAGS = new Set(['FirstName', 'MaleName', 'FemaleName', 'LastName', 'Person']);
const PLACE_TAGS = new Set(['Place', 'City', 'Country', 'Region', 'Organization', 'Address']);
const FUNCTION_TAGS = new Set([
  'Determiner', 'Preposition', 'Conjunction', 'Pronoun', 'Auxiliary', 'Modal', 'Copula', 'QuestionWord', 'Negative',
  'Adverb', 'Value', 'Date', 'Month', 'WeekDay', 'Unit', 'Acronym', 'Expression',
]);

// ---------------------------------------------------------------------------
// Words with their positions and tags

interface Word {
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
function wordsOf(text: string): Word[] {
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

const isCapitalised = (w: Word) => UPPER_START.test(w.surface);
const isAllCaps = (w: Word) => !HAS_LOWER.test(w.surface) && w.surface.length > 1;
const knownAsName = (w: Word) => w.lexicon.some((tag) => NAME_TAGS.has(tag));
/**
 * Endings of English words that names almost never have: "Protection", "Invisible",
 * "Framework", "Operation". The lexicon holds base forms and irregular words, not every
 * regular noun, so a word it does not know may still be an everyday word.
 */
const ENGLISH_ENDING = /(?:tion|tions|sion|sions|ment|ments|ness|ities|osity|ivity|ality|bility|ship|ships|hood|ism|isms|ible|able|ous|ful|less|work|works|ical|ology|ional|ual|ised|ized|ising|izing|ator|ators)$/;
/** The lexicon knows it as an everyday word (and not as a name), or it has an everyday word's ending. */
const knownAsWord = (w: Word) => !knownAsName(w) && (w.lexicon.length > 0 || ENGLISH_ENDING.test(w.lower));
/** Neither in the lexicon nor shaped like an everyday word: "Bartek", "Olamide", "Uddin". */
const unknownWord = (w: Word) => w.lexicon.length === 0 && !ENGLISH_ENDING.test(w.lower);
const isFunctionWord = (w: Word) => [...w.tags].some((tag) => FUNCTION_TAGS.has(tag)) && !w.tags.has('Person');
/** A family relationship ("partner", "mother") or, by compromise's tag, a person's role ("social worker"). */
const isRelation = (w: Word) => RELATIONS.has(w.lower) || (w.tags.has('Actor') && !knownAsName(w) && !NOT_NAMES.has(w.lower));
const letterCount = (w: Word) => [...w.surface].filter((c) => /\p{L}/u.test(c)).length;
const plainGap = (w: Word | undefined) => !!w && /^[ \u00A0]+$/.test(w.gapBefore);

/**
 * Could this word be a name given good evidence? A word of a name (below), and in lower
 * case only one the lexicon knows as a name and not as an everyday word ("jane", not "mark").
 */
function candidate(w: Word): boolean {
  if (!wordOfAName(w)) return false;
  if (!isCapitalised(w)) return knownAsName(w) && !EVERYDAY_WORDS.has(w.lower);
  return true;
}

/**
 * Letters (two or more), and not an agency, role, day, month, relationship, title, function
 * word or acronym (SMITH, which the lexicon knows as a name, is not an acronym).
 */
function wordOfAName(w: Word): boolean {
  if (!LETTERS.test(w.surface) || letterCount(w) < 2) return false;
  if (NOT_NAMES.has(w.lower) || RELATIONS.has(w.lower) || TITLES.has(w.lower) || PARTICLES.has(w.lower)) return false;
  if (isAllCaps(w) && !knownAsName(w)) return false;
  return !isFunctionWord(w);
}

/** A candidate that looks like a name by itself: unknown to the lexicon or known as a name, and not an everyday word. */
const nameLike = (w: Word) => candidate(w) && (unknownWord(w) || knownAsName(w)) && !EVERYDAY_WORDS.has(w.lower);

// ---------------------------------------------------------------------------
// The rules

/**
 * How strong the evidence is. Strong (a title, a relationship word, an age) beats the
 * place list and the lexicon's everyday words; medium gives way to a place; weak (the
 * tagger's reading, an unknown capitalised word) also gives way to an everyday word or a
 * title-case phrase.
 */
type Strength = 'strong' | 'medium' | 'weak';
const STRENGTH_ORDER: readonly Strength[] = ['strong', 'medium', 'weak'];

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

interface Find {
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

/** "Gurpreet was the only adult", "Oakley has unexplained bruising": an unknown word as the subject of was, is, has or had. */
const SINGULAR_AUXILIARY = /^(?:was|is|has|had)$/;

/** Saying and telling: "Jade said", "Grace told her teacher". After these, even an everyday word is a name. */
const REPORTING_VERBS = words(`said, told, disclosed, explained, asked, admitted, denied, alleged, claimed, stated, cried, screamed, shouted, whispered, confided, insisted, replied`);

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
const PLACE_PHRASES = new Set(['tower hamlets', 'milton keynes', 'st helens', 'waltham forest', 'forest heath', 'bracknell forest', 'east riding']);

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
function findNames(ws: Word[], text: string): Map<number, Find> {
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

function allowed(text: string, pattern: RegExp | undefined): Array<[number, number]> {
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
