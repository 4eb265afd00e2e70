/**
 * The partnership's taxonomy: agencies, roles, topics and source types.
 * This module is the single source; the schema, the renderer, the CLI and the
 * subscription pages all read their ids and labels from here.
 */

export const AGENCIES = {
  csc: "Children's social care (including MASH and early help)",
  police: 'Police',
  health: 'Health',
  education: 'Education',
  probation: 'Probation',
  youth_justice: 'Youth justice',
  housing: 'Housing',
  vcs: 'Voluntary and community sector',
} as const;

export const ROLES = {
  frontline: 'Frontline practitioner',
  manager: 'Manager or supervisor',
  dsl: 'Designated safeguarding lead',
  mash: 'MASH / front door',
  strategic_lead: 'Strategic lead',
  cp_chair_iro: 'Child protection chair or IRO',
  trainer: 'Trainer',
} as const;

/** Who a role is, as a sentence names them: "written for MASH and front door staff in the police". */
export const ROLE_READERS: Record<keyof typeof ROLES, string> = {
  frontline: 'frontline practitioners',
  manager: 'managers and supervisors',
  dsl: 'designated safeguarding leads',
  mash: 'MASH and front door staff',
  strategic_lead: 'strategic leads',
  cp_chair_iro: 'child protection chairs and IROs',
  trainer: 'trainers',
};

/** An agency after "in": "in children's social care", "in the police". */
export const AGENCY_IN: Record<keyof typeof AGENCIES, string> = {
  csc: "children's social care",
  police: 'the police',
  health: 'health',
  education: 'education',
  probation: 'probation',
  youth_justice: 'youth justice',
  housing: 'housing',
  vcs: 'the voluntary and community sector',
};

export const TOPICS = {
  neglect: 'Neglect',
  domestic_abuse: 'Domestic abuse',
  exploitation: 'Exploitation (criminal and sexual)',
  csa_family: 'Child sexual abuse in the family',
  nai_infants: 'Bruising and injury in non-mobile infants',
  safe_sleep: 'Safe sleep',
  online_safety: 'Online safety',
  invisible_men: 'Fathers and male carers ("invisible men")',
  parental_mh: 'Parental mental health',
  substance_misuse: 'Parental substance misuse',
  family_network: 'Family network and kinship',
  disabled_children: 'Disabled children',
  cyp_mental_health: "Children's and young people's mental health",
  race_culture: 'Race, culture and identity',
  education_inclusion: 'Education inclusion and exclusion',
  voice_of_child: 'Voice of the child',
  prof_curiosity: 'Professional curiosity',
  disguised_compliance: 'Disguised compliance',
  info_sharing: 'Information sharing',
  escalation: 'Escalation and professional challenge',
  thresholds_mash: 'Thresholds and the MASH front door',
  strategy_s47: 'Strategy discussions and section 47 enquiries',
  leadership_capacity: 'Leadership, capacity and governance',
} as const;

/** What each role is asked to do with any briefing; opens the "What should I do" section. */
export const ROLE_PROMPTS: Record<keyof typeof ROLES, string> = {
  frontline: 'As a frontline practitioner, think of a child or family you are working with now, and what this learning changes in your next contact.',
  manager: 'As a manager, use this briefing in supervision and at your next team meeting, and check that your team’s actions below are done.',
  dsl: 'As a designated safeguarding lead, share this with staff in your setting and check your own procedures against the learning.',
  mash: 'Working at the front door, apply this in triage, in information sharing and in strategy discussions.',
  strategic_lead: 'As a strategic lead, check your agency’s policies, capacity and assurance against these findings, and report back to the partnership.',
  cp_chair_iro: 'As a chair or IRO, test the plans and conferences you chair against these findings, and challenge where they fall short.',
  trainer: 'As a trainer, build this learning into the courses and briefings you deliver.',
};

/** Topics grouped for pages and listings that show them; every topic is in exactly one group. */
export const TOPIC_GROUPS: Record<string, readonly TopicId[]> = {
  'Harm and risk': ['neglect', 'domestic_abuse', 'exploitation', 'csa_family', 'nai_infants', 'safe_sleep', 'online_safety'],
  'Family context': [
    'invisible_men', 'parental_mh', 'substance_misuse', 'family_network',
    'disabled_children', 'cyp_mental_health', 'race_culture', 'education_inclusion',
  ],
  Practice: [
    'voice_of_child', 'prof_curiosity', 'disguised_compliance', 'info_sharing',
    'escalation', 'thresholds_mash', 'strategy_s47', 'leadership_capacity',
  ],
};

export const SOURCE_TYPES = {
  jtai: 'Joint targeted area inspection',
  lcspr: 'Local child safeguarding practice review',
  rapid_review: 'Rapid review',
  national_review: 'National review',
  audit: 'Multi-agency audit',
  inspection: 'Inspection',
  other: 'Other source',
} as const;

export type AgencyId = keyof typeof AGENCIES;
export type RoleId = keyof typeof ROLES;
export type TopicId = keyof typeof TOPICS;
export type SourceType = keyof typeof SOURCE_TYPES;

const ids = <T extends object>(map: T) => Object.keys(map) as [keyof T & string, ...(keyof T & string)[]];

export const AGENCY_IDS = ids(AGENCIES);
export const ROLE_IDS = ids(ROLES);
export const TOPIC_IDS = ids(TOPICS);
export const SOURCE_TYPE_IDS = ids(SOURCE_TYPES);

/** The key that, in a finding's `actions`, addresses every agency. */
export const ALL_AGENCIES = 'all';

/** The label of a known id, or undefined (an own key only: 'constructor' is not a label). */
export const labelIn = (labels: Readonly<Record<string, string>>, id: string): string | undefined =>
  Object.prototype.hasOwnProperty.call(labels, id) ? labels[id] : undefined;
export const agencyLabel = (agency: string) => labelIn(AGENCIES, agency) ?? agency;
export const roleLabel = (role: string) => labelIn(ROLES, role) ?? role;
export const sourceLabel = (type: string) => labelIn(SOURCE_TYPES, type) ?? 'Source';

/** Closest known id, for "did you mean" hints; undefined when nothing is close. */
export function closestId(input: string, known: readonly string[]): string | undefined {
  const needle = input.trim().toLowerCase();
  let best: { id: string; distance: number } | undefined;
  for (const id of known) {
    const distance = editDistance(needle, id);
    if (!best || distance < best.distance) best = { id, distance };
  }
  // Allow roughly one slip per four characters: 'neglct' → 'neglect', not 'csc' → 'vcs'.
  return best && best.distance <= Math.max(1, Math.floor(best.id.length / 4)) ? best.id : undefined;
}

/** Edit distance counting a swap of two neighbouring letters as one slip ('jtia' → 'jtai'). */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}
