import { AGENCIES, AGENCY_IDS, ROLES, ROLE_IDS, labelIn } from '../../core/taxonomy';
import type { GateLists } from '../../core/gate/identifier-rules';
import { screenText } from '../../core/gate/mask-hits';

/**
 * The dissemination report for independent scrutiny: did a finding's learning reach each
 * agency's practitioners, and did they say they read it? Pure: no I/O, no clock (`now` is
 * passed in). Rendered apart from this: table.ts (a terminal), csv.ts (RFC 4180) and html.ts
 * (one self-contained, printable HTML file with inline SVG charts).
 *
 * How the figures are counted is COUNTING_NOTES, in the words the HTML report prints; this code
 * is its one implementation. What the words leave to the code: a date-only `to` takes in that
 * whole UTC day; a `mailEvent` of 'complained' replaces 'delivered' (the ledger keeps the
 * strongest event), so it is not delivered; a timestamp that does not parse leaves that row out
 * of the median and the timeline but it still counts as acknowledged; byAgency / byRole follow
 * the taxonomy's order, an unknown id after, labelled with itself; answers are ordered by date,
 * then agency, then role.
 *
 * Never a name or an email address: rows carry only agency and role. Every free text that
 * reaches the report (description, titles, answers, unknown ids) has control and
 * bidirectional-override characters removed, whitespace collapsed, and anything shaped like
 * an email address replaced, so neither a terminal nor a spreadsheet can be steered by it.
 */

export interface ReportBriefing { briefingId: string; findingId: string; version: number; title: string; plannedAt: string }
export interface ReportDelivery {
  briefingId: string;
  kind: 'briefing' | 'correction' | 'withdrawal' | 'digest';
  agency: string;
  role: string;
  status: 'PENDING' | 'SENDING' | 'SENT' | 'FAILED' | 'CANCELLED';
  sentAt?: string;
  mailEvent?: string;
  acknowledgedAt?: string;
}
export interface ReportResponse { briefingId: string; agency: string; role: string; answer: string; at: string }
export interface Figures {
  key: string;
  label: string;
  recipients: number;
  sent: number;
  delivered: number;
  bounced: number;
  acknowledged: number;
  ackRate: number | null;
  medianHoursToAck: number | null;
}
export interface DisseminationReport {
  scope: { description: string; from?: string; to?: string; findings: { findingId: string; title: string; versions: number[] }[] };
  generatedAt: string;
  total: Figures;
  byAgency: Figures[];
  byRole: Figures[];
  /** One row per briefing (finding and version) in scope, in the order they were issued: a period report's breakdown. */
  byBriefing: Figures[];
  ackTimeline: { date: string; count: number }[];
  answers: { findingTitle: string; agency: string; role: string; answer: string; date: string }[];
}

/** The counting rules in plain words, for readers of the report. */
export const COUNTING_NOTES: readonly string[] = [
  'Reach counts first-issue briefing emails only: one per practitioner for each version of a finding. Corrections, withdrawal notices and weekly digests are not counted.',
  'Recipients: briefing emails addressed to practitioners, leaving out any cancelled because the finding was withdrawn before they were sent.',
  'Sent: emails handed to the mail provider. Emails still queued, or whose sending failed, are recipients but not sent.',
  'Delivered: sent emails with delivery confirmed by the mail provider. An email with no report from the provider, or one the reader marked as spam, is not counted as delivered.',
  'Bounced: emails the mail provider reported as bounced (permanently or temporarily) or rejected.',
  'Acknowledged: practitioners who followed the email’s “I have read this briefing” link.',
  'Acknowledgement rate: acknowledged divided by sent, as a whole percentage; n/a when nothing was sent.',
  'Median hours to acknowledge: the middle value of the time from the briefing’s planned send time to the acknowledgement, in hours to one decimal place (with an even number of acknowledgements, the average of the two middle values).',
  'When a period is given, only briefings planned in that period are counted; acknowledgements that arrive after it still count.',
  'Acknowledgements over time are counted per calendar day (UTC), every day from the first acknowledgement to the last.',
  'Answers are anonymous: the report never holds a name or an email address. Each answer passed the anonymisation check before it was kept, and again for this report: what it found (an email address, a phone or NHS number, a name, a word on the deny list) is shown masked with •.',
];

export const TOTAL_LABEL = 'All agencies';

// ---- cleaning free text ---------------------------------------------------------------------

/** C0/C1 controls, line and paragraph separators, and bidirectional overrides and isolates. */
const UNSAFE_CHARS = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/g;
/** The anonymisation gate's email shape. */
const EMAIL = /[\p{L}\p{N}][\p{L}\p{N}._%+'’-]*@[\p{L}\p{N}](?:[\p{L}\p{N}-]*[\p{L}\p{N}])?(?:\.[\p{L}\p{N}](?:[\p{L}\p{N}-]*[\p{L}\p{N}])?)+/gu;
export const EMAIL_REMOVED = '[email address removed]';

/** One line, no controls, no email addresses. */
export function cleanText(s: unknown): string {
  return String(s ?? '')
    .replace(UNSAFE_CHARS, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(EMAIL, EMAIL_REMOVED);
}

// ---- small helpers ---------------------------------------------------------------------------

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

const parseTime = (s: string | undefined): number | undefined => {
  if (typeof s !== 'string' || !s.trim()) return undefined;
  const ms = Date.parse(s);
  return Number.isFinite(ms) ? ms : undefined;
};
const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

function bound(value: string | undefined, name: 'from' | 'to'): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const ms = parseTime(value);
  if (ms === undefined) throw new RangeError(`${name} is not a date: use YYYY-MM-DD or an ISO timestamp`);
  // A date-only `to` includes the whole of that UTC day.
  return name === 'to' && DATE_ONLY.test(value.trim()) ? ms + DAY_MS - 1 : ms;
}

const rankIn = (ids: readonly string[]) => (key: string) => {
  const i = ids.indexOf(key);
  return i === -1 ? ids.length : i;
};
const agencyRank = rankIn(AGENCY_IDS);
const roleRank = rankIn(ROLE_IDS);
const byTaxonomy = (rank: (key: string) => number) => (a: string, b: string) =>
  rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0);

/** A known id's label; an unknown one as itself, cleaned like any free text. */
const labelOf = (labels: Record<string, string>, key: string) => labelIn(labels, key) ?? (cleanText(key) || '(none)');
export const reportAgencyLabel = (key: string) => labelOf(AGENCIES, key);
export const reportRoleLabel = (key: string) => labelOf(ROLES, key);

const round1 = (n: number) => Math.round(n * 10) / 10;

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const m = sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return round1(m);
}

const BOUNCE_EVENTS = new Set(['bounced', 'soft-bounced', 'rejected']);

interface Tally { recipients: number; sent: number; delivered: number; bounced: number; acknowledged: number; hours: number[] }
const emptyTally = (): Tally => ({ recipients: 0, sent: 0, delivered: 0, bounced: 0, acknowledged: 0, hours: [] });

function figuresOf(key: string, label: string, t: Tally): Figures {
  return {
    key,
    label,
    recipients: t.recipients,
    sent: t.sent,
    delivered: t.delivered,
    bounced: t.bounced,
    acknowledged: t.acknowledged,
    ackRate: t.sent === 0 ? null : t.acknowledged / t.sent,
    medianHoursToAck: median(t.hours),
  };
}

// ---- computing -------------------------------------------------------------------------------

export function computeDissemination(input: {
  briefings: ReportBriefing[];
  deliveries: ReportDelivery[];
  responses: ReportResponse[];
  description: string;
  from?: string;
  to?: string;
  now: Date;
  /** The deployment's deny list (or deny and allow lists): answers pass the anonymisation gate again here (those kept before it screened them too). */
  denyList?: readonly string[] | GateLists;
}): DisseminationReport {
  const fromMs = bound(input.from, 'from');
  const toMs = bound(input.to, 'to');

  const inScope = new Map<string, ReportBriefing>();
  for (const b of input.briefings) {
    const planned = parseTime(b.plannedAt);
    if (fromMs !== undefined && (planned === undefined || planned < fromMs)) continue;
    if (toMs !== undefined && (planned === undefined || planned > toMs)) continue;
    inScope.set(b.briefingId, b);
  }

  // Findings in scope: in order of their first planned briefing; the title of the latest version.
  const findings = new Map<string, { findingId: string; title: string; versions: number[]; first: number; latest: number }>();
  for (const b of inScope.values()) {
    const planned = parseTime(b.plannedAt) ?? Number.POSITIVE_INFINITY;
    const f = findings.get(b.findingId);
    if (!f) {
      findings.set(b.findingId, { findingId: b.findingId, title: cleanText(b.title), versions: [b.version], first: planned, latest: b.version });
      continue;
    }
    if (!f.versions.includes(b.version)) f.versions.push(b.version);
    f.first = Math.min(f.first, planned);
    if (b.version >= f.latest) {
      f.latest = b.version;
      f.title = cleanText(b.title);
    }
  }
  const scopeFindings = [...findings.values()]
    .sort((a, b) => a.first - b.first || (a.findingId < b.findingId ? -1 : a.findingId > b.findingId ? 1 : 0))
    .map((f) => ({ findingId: cleanText(f.findingId), title: f.title, versions: [...f.versions].sort((x, y) => x - y) }));

  const total = emptyTally();
  const agencies = new Map<string, Tally>();
  const roles = new Map<string, Tally>();
  const briefings = new Map<string, Tally>();
  const ackDays = new Map<string, number>();

  for (const d of input.deliveries) {
    if (d.kind !== 'briefing' || d.status === 'CANCELLED') continue;
    const briefing = inScope.get(d.briefingId);
    if (!briefing) continue;
    const tallies = [total, tallyFor(agencies, d.agency), tallyFor(roles, d.role), tallyFor(briefings, d.briefingId)];
    const sent = d.status === 'SENT';
    const delivered = sent && d.mailEvent === 'delivered';
    const bounced = d.mailEvent !== undefined && BOUNCE_EVENTS.has(d.mailEvent);
    const acknowledged = typeof d.acknowledgedAt === 'string' && d.acknowledgedAt.trim() !== '';
    const ackMs = acknowledged ? parseTime(d.acknowledgedAt) : undefined;
    const plannedMs = parseTime(briefing.plannedAt);
    const hours = ackMs !== undefined && plannedMs !== undefined ? (ackMs - plannedMs) / HOUR_MS : undefined;
    for (const t of tallies) {
      t.recipients += 1;
      if (sent) t.sent += 1;
      if (delivered) t.delivered += 1;
      if (bounced) t.bounced += 1;
      if (acknowledged) t.acknowledged += 1;
      if (hours !== undefined) t.hours.push(hours);
    }
    if (ackMs !== undefined) ackDays.set(dayOf(ackMs), (ackDays.get(dayOf(ackMs)) ?? 0) + 1);
  }

  const byAgency = [...agencies.keys()].sort(byTaxonomy(agencyRank)).map((k) => figuresOf(cleanText(k), reportAgencyLabel(k), agencies.get(k)!));
  const byRole = [...roles.keys()].sort(byTaxonomy(roleRank)).map((k) => figuresOf(cleanText(k), reportRoleLabel(k), roles.get(k)!));
  const byBriefing = [...inScope.values()]
    .filter((b) => briefings.has(b.briefingId))
    .sort((a, b) => (a.plannedAt < b.plannedAt ? -1 : a.plannedAt > b.plannedAt ? 1 : 0))
    .map((b) => figuresOf(cleanText(b.briefingId), `${cleanText(b.title)} (version ${b.version})`, briefings.get(b.briefingId)!));

  const ackTimeline: { date: string; count: number }[] = [];
  const days = [...ackDays.keys()].sort();
  if (days.length > 0) {
    const last = Date.parse(days[days.length - 1]!);
    for (let ms = Date.parse(days[0]!); ms <= last; ms += DAY_MS) {
      const date = dayOf(ms);
      ackTimeline.push({ date, count: ackDays.get(date) ?? 0 });
    }
  }

  const answers = input.responses
    .map((r, index) => ({ r, index, briefing: inScope.get(r.briefingId), answer: screenText('answer', cleanText(r.answer), input.denyList).text, ms: parseTime(r.at) }))
    .filter((a) => a.briefing !== undefined && a.answer !== '')
    .map((a) => ({ ...a, date: a.ms !== undefined ? dayOf(a.ms) : cleanText(a.r.at).slice(0, 10) }))
    .sort(
      (a, b) =>
        (a.date < b.date ? -1 : a.date > b.date ? 1 : 0) ||
        byTaxonomy(agencyRank)(a.r.agency, b.r.agency) ||
        byTaxonomy(roleRank)(a.r.role, b.r.role) ||
        (a.ms ?? 0) - (b.ms ?? 0) ||
        a.index - b.index,
    )
    .map((a) => ({ findingTitle: cleanText(a.briefing!.title), agency: cleanText(a.r.agency), role: cleanText(a.r.role), answer: a.answer, date: a.date }));

  const scope: DisseminationReport['scope'] = { description: cleanText(input.description), findings: scopeFindings };
  if (input.from !== undefined && input.from.trim() !== '') scope.from = cleanText(input.from);
  if (input.to !== undefined && input.to.trim() !== '') scope.to = cleanText(input.to);

  return {
    scope,
    generatedAt: input.now.toISOString(),
    total: figuresOf('total', TOTAL_LABEL, total),
    byAgency,
    byRole,
    byBriefing,
    ackTimeline,
    answers,
  };
}

function tallyFor(map: Map<string, Tally>, key: string): Tally {
  let t = map.get(key);
  if (!t) map.set(key, (t = emptyTally()));
  return t;
}
