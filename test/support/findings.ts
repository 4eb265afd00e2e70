import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseFinding, type Finding } from '../../shared/core/finding/finding';

/** A valid finding for unit tests, and variations of it. */

/** Paraphrased from the published national review; no personal data, example.org addresses only. */
export const sample = {
  id: 'cpie-2022',
  status: 'published',
  version: 1,
  title: 'Child Protection in England',
  source: {
    type: 'national_review',
    name: 'Child Protection in England: national review',
    published: '2022-05',
    url: 'https://www.example.org/reviews/child-protection-in-england',
  },
  topics: ['info_sharing', 'prof_curiosity', 'family_network', 'leadership_capacity'],
  agencies: ['csc', 'police', 'health', 'education'],
  background:
    'The national panel reviewed the deaths of two children in 2020 and the multi-agency work with their families.',
  whyItMatters:
    'The same weaknesses appear in many local reviews. Every agency holds part of the picture of a child’s life.',
  findings: [
    'Agencies did not build a shared picture of what each child’s daily life was like.',
    'Concerns raised by relatives were discounted rather than explored.',
    'Early judgements about a parent were not revisited when new information arrived.',
    'Multi-agency arrangements were fragmented, and specialist child protection skill was under-invested.',
  ],
  learning: [
    'Treat information from wider family as evidence to be weighed, not as a dispute to be managed.',
    'Revisit your working hypothesis at every significant event.',
  ],
  goodPractice: ['A strategy discussion that includes every agency that knows the child, with the child’s voice recorded.'],
  questions: [
    'When did we last change our view of a family because of what a relative told us?',
    'How would we know if our first judgement about a parent was wrong?',
  ],
  actions: {
    all: ['Record who in the family network raised a concern and what you did with it.'],
    police: ['Share referrals about family concerns with the MASH on the same day and attend every strategy discussion.'],
    health: ['Ask about every adult in the household at each contact and record it in the child’s record.'],
  },
  furtherReading: [{ title: 'Working together to safeguard children', url: 'https://www.example.org/working-together' }],
};

export function validFinding(overrides: Record<string, unknown> = {}): Finding {
  const result = parseFinding({ ...sample, ...overrides });
  if (!result.ok) throw new Error(`test fixture is not a valid finding: ${JSON.stringify(result.errors)}`);
  return result.finding;
}


/** One of the seed findings (infra/local/seed/findings/<name>.json), as published and validated. */
export function publishedSeed(name: string): Finding {
  const item = JSON.parse(readFileSync(join(__dirname, '../../infra/local/seed/findings', `${name}.json`), 'utf8')) as Record<string, unknown>;
  const result = parseFinding({ ...item, status: 'published' });
  if (!result.ok) throw new Error(`seed finding ${name} is not valid: ${JSON.stringify(result.errors)}`);
  return result.finding;
}

/** The version-1 snapshot the sender renders from, as plan-briefing would have written it. */
export function snapshotOf(finding: Finding, plannedAt: Date, recipients: number) {
  return { briefingId: `${finding.id}#v1`, findingId: finding.id, version: 1, finding, plannedAt: plannedAt.toISOString(), recipients };
}
