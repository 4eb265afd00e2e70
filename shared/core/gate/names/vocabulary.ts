/** The name finder's word lists and patterns: the product's own (what compromise's lexicon does not know or gets wrong here). */

export const words = (list: string) => new Set(list.trim().split(/\s*\n\s*|\s*,\s*/).filter(Boolean));

/** Titles that come before a name. PC, DC and the like only in capitals. */
export const TITLES = words(`mr, mrs, ms, miss, mx, dr, prof, professor, sir, dame, rev, revd, cllr, sgt, insp`);
export const POLICE_TITLES = words(`PC, DC, DS, DI, DCI, DSI, PCSO`);

/** Words for people by relationship or role that a name often follows: "her partner Dean", "mother (Samira)". */
export const RELATIONS = words(`
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
export const KNOWN_AS = words(`known, referred, named`);

/** Qualifiers between a possessive or bracket and the relationship word: "(maternal aunt)". */
export const QUALIFIERS = words(`maternal, paternal, older, younger, eldest, oldest, youngest, elder, baby, little, big, new, former, birth, step, foster, family`);

/** Agencies, services, roles and other capitalised words that are never a person in this domain. */
export const NOT_NAMES = words(`
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
export const PLACES = words(`
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
export const EVERYDAY_WORDS = words(`
  grace, hope, faith, joy, frank, will, may, mark, rose, june, april, august, summer, autumn, dawn, amber, pearl, jack,
  bill, pat, sue, rob, guy, ray, grant, drew, dale, dean, chase, hunter, mason, cole, miles, art, sunny, honey, holly,
  ivy, iris, lily, daisy, heather, violet, crystal, destiny, star, sky, storm, river, brook, patience, charity, penny,
  justice, tiger, angel, earl, duke, king, prince, rich, cliff, glen, lance, gene, don, bob, nick, ruby, ben, sterling,
  rocky, reed, wade, carter, taylor, foster, baker, cook, page, bishop, butler, porter, marsh, wood, young, long,
  little, new, hill, field, green, white, black, brown, gray, grey
`);

/** Verbs with a person as their subject: "Zofia said", "Andrius went missing". */
export const PERSON_VERBS = words(`
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
export const AUXILIARIES = words(`
  was, were, is, are, has, had, have, did, does, do, would, could, will, can, should, might, must, been, being, not,
  never, also, then, later, often, always, still, first, only, just, repeatedly, regularly`);

/** Particles inside surnames: "Ó Súilleabháin", "van der Berg", "bin Laden"-style forms. */
export const PARTICLES = words(`o, ó, de, da, di, du, del, della, van, von, der, den, le, la, bin, binti, ibn, al, el`);

/** A name-like shape: letters, with inner apostrophes, hyphens or full stops. */
export const LETTERS = /^[\p{L}\p{M}](?:[\p{L}\p{M}'’.-]*[\p{L}\p{M}])?$/u;
export const UPPER_START = /^\p{Lu}/u;
export const HAS_LOWER = /\p{Ll}/u;
export const POSSESSIVE = /['’‘ʼ]s$/iu;
export const TRAILING_APOSTROPHE = /^['’‘ʼ]/u;
export const NAME_TAGS = new Set(['FirstName', 'MaleName', 'FemaleName', 'LastName', 'Person']);
export const PLACE_TAGS = new Set(['Place', 'City', 'Country', 'Region', 'Organization', 'Address']);
export const FUNCTION_TAGS = new Set([
  'Determiner', 'Preposition', 'Conjunction', 'Pronoun', 'Auxiliary', 'Modal', 'Copula', 'QuestionWord', 'Negative',
  'Adverb', 'Value', 'Date', 'Month', 'WeekDay', 'Unit', 'Acronym', 'Expression',
]);
/**
 * Endings of English words that names almost never have: "Protection", "Invisible",
 * "Framework", "Operation". The lexicon holds base forms and irregular words, not every
 * regular noun, so a word it does not know may still be an everyday word.
 */
export const ENGLISH_ENDING = /(?:tion|tions|sion|sions|ment|ments|ness|ities|osity|ivity|ality|bility|ship|ships|hood|ism|isms|ible|able|ous|ful|less|work|works|ical|ology|ional|ual|ised|ized|ising|izing|ator|ators)$/;

/** "Gurpreet was the only adult", "Oakley has unexplained bruising": an unknown word as the subject of was, is, has or had. */
export const SINGULAR_AUXILIARY = /^(?:was|is|has|had)$/;

/** Saying and telling: "Jade said", "Grace told her teacher". After these, even an everyday word is a name. */
export const REPORTING_VERBS = words(`said, told, disclosed, explained, asked, admitted, denied, alleged, claimed, stated, cried, screamed, shouted, whispered, confided, insisted, replied`);
export const PLACE_PHRASES = new Set(['tower hamlets', 'milton keynes', 'st helens', 'waltham forest', 'forest heath', 'bracknell forest', 'east riding']);
