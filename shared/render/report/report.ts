import { escapeHtml } from '../email/briefing';
import { AGENCIES, AGENCY_IDS, ROLES, ROLE_IDS } from '../../core/taxonomy';
import type { GateLists } from '../../core/gate/identifier-rules';
import { screenText } from '../../core/gate/mask-hits';

/**
 * The dissemination report for independent scrutiny: did a finding's learning reach each
 * agency's practitioners, and did they say they read it? Pure: no I/O, no clock (`now` is
 * passed in). Three renderings of one computed report: a fixed-width table for a terminal,
 * RFC 4180 CSV, and one self-contained, printable HTML file with inline SVG charts.
 *
 * How the figures are counted (COUNTING_NOTES says the same in plain words, and the HTML
 * report prints it):
 * - Scope: the briefings given (one per finding version). When `from` / `to` are given, only
 *   briefings whose plannedAt falls in [from, to] count (a date-only `to` includes that whole
 *   UTC day); acknowledgements that arrive after `to` still count. Deliveries and responses
 *   for briefings outside the scope are ignored.
 * - Reach is first issues only: rows of kind 'briefing'. Corrections, withdrawal notices and
 *   digests add nobody. A CANCELLED row (withdrawn before sending) is not a recipient.
 * - recipients = briefing rows not CANCELLED.
 * - sent = recipients with status SENT.
 * - delivered = sent rows whose mailEvent is exactly 'delivered' (delivery confirmed by the
 *   mail provider). No event, or 'complained' (the ledger keeps the strongest event, and a
 *   complaint replaces 'delivered'), is not counted as delivered.
 * - bounced = recipients whose mailEvent is 'bounced', 'soft-bounced' or 'rejected'.
 * - acknowledged = recipients with an acknowledgedAt.
 * - ackRate = acknowledged / sent, null when sent is 0; shown as a whole percentage.
 * - medianHoursToAck = median over acknowledged rows of (acknowledgedAt − the briefing's
 *   plannedAt) in hours (mean of the two middle values for an even count), rounded to one
 *   decimal; null when there is none. A timestamp that does not parse leaves that row out
 *   of the median and the timeline (it still counts as acknowledged).
 * - ackTimeline: acknowledgements per UTC day, every day from the first to the last.
 * - byAgency / byRole: one row per agency (role) present among recipients, in the
 *   taxonomy's order; an id the taxonomy does not know comes after, labelled with itself.
 * - answers: responses to briefings in scope, non-empty, ordered by date, then agency (the
 *   taxonomy's order), then role.
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

const labelOf = (map: Record<string, string>, key: string) =>
  Object.prototype.hasOwnProperty.call(map, key) ? (map[key] as string) : cleanText(key) || '(none)';
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

// ---- shared formatting -----------------------------------------------------------------------

/** 0.6667 → '67%'; null → 'n/a'. */
export const formatRate = (rate: number | null) => (rate === null ? 'n/a' : `${Math.round(rate * 100)}%`);
/** 3.25 → '3.3'; null → 'n/a'. */
export const formatHours = (hours: number | null) => (hours === null ? 'n/a' : hours.toFixed(1));

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const SHORT_MONTHS = MONTHS.map((m) => m.slice(0, 3));

/** '2024-03-05' or an ISO timestamp → '5 March 2024'; anything else as given. */
function formatDay(value: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(value);
  const month = m ? MONTHS[Number(m[2]) - 1] : undefined;
  return m && month ? `${Number(m[3])} ${month} ${m[1]}` : value;
}
const shortDay = (date: string) => {
  const m = /^\d{4}-(\d{2})-(\d{2})$/.exec(date);
  return m ? `${Number(m[2])} ${SHORT_MONTHS[Number(m[1]) - 1] ?? ''}` : date;
};
const formatGenerated = (iso: string) => `${formatDay(iso)}, ${iso.slice(11, 16)} UTC`;

function periodText(scope: DisseminationReport['scope']): string {
  if (scope.from && scope.to) return `Briefings planned from ${formatDay(scope.from)} to ${formatDay(scope.to)}`;
  if (scope.from) return `Briefings planned from ${formatDay(scope.from)}`;
  if (scope.to) return `Briefings planned up to ${formatDay(scope.to)}`;
  return 'All briefings in scope, whenever planned';
}

const versionsText = (versions: number[]) => `version${versions.length === 1 ? '' : 's'} ${versions.join(', ')}`;

function summaryText(t: Figures): string {
  // Delivered comes from SES's delivery events, which arrive after the send: none yet is not none delivered.
  const noEventsYet =
    t.sent > 0 && t.delivered === 0 && t.bounced === 0
      ? ' No delivery events have arrived from SES yet (they follow each send by seconds to minutes), so delivered shows 0: run the report again later.'
      : '';
  return `${t.recipients} recipients, ${t.sent} sent, ${t.delivered} delivered, ${t.bounced} bounced, ` +
    `${t.acknowledged} acknowledged (${formatRate(t.ackRate)} of those sent).${noEventsYet}`;
}

// ---- fixed-width table -----------------------------------------------------------------------

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  const flush = () => {
    if (line) lines.push(line);
    line = '';
  };
  for (let word of text.split(' ')) {
    while (word.length > width) {
      flush();
      lines.push(word.slice(0, width));
      word = word.slice(width);
    }
    if (!word) continue;
    if (line && line.length + 1 + word.length > width) flush();
    line = line ? `${line} ${word}` : word;
  }
  flush();
  return lines.length > 0 ? lines : [''];
}

const underline = (heading: string, char: string) => `${heading}\n${char.repeat(Math.min(heading.length, 100))}`;

const LABEL_WIDTH = 30;
const COLUMNS: { head: string; width: number; value: (f: Figures) => string }[] = [
  { head: 'Recipients', width: 10, value: (f) => String(f.recipients) },
  { head: 'Sent', width: 6, value: (f) => String(f.sent) },
  { head: 'Delivered', width: 9, value: (f) => String(f.delivered) },
  { head: 'Bounced', width: 7, value: (f) => String(f.bounced) },
  { head: 'Acknowledged', width: 12, value: (f) => String(f.acknowledged) },
  { head: 'Rate', width: 5, value: (f) => formatRate(f.ackRate) },
  { head: 'Median h', width: 8, value: (f) => formatHours(f.medianHoursToAck) },
];

function textTable(firstHead: string, rows: Figures[], total: Figures, totalLabel: string): string {
  const numbers = (cells: string[]) => cells.map((c, i) => c.padStart(COLUMNS[i]!.width)).join('  ');
  const out = [`${firstHead.padEnd(LABEL_WIDTH)}  ${numbers(COLUMNS.map((c) => c.head))}`];
  const rule = '-'.repeat(out[0]!.length);
  out.push(rule);
  const row = (label: string, f: Figures) => {
    const lines = wrap(label, LABEL_WIDTH);
    out.push(`${lines[0]!.padEnd(LABEL_WIDTH)}  ${numbers(COLUMNS.map((c) => c.value(f)))}`);
    for (const more of lines.slice(1)) out.push(`  ${more}`);
  };
  for (const f of rows) row(f.label, f);
  out.push(rule);
  row(totalLabel, total);
  return out.join('\n');
}

/** Fixed-width plain text for a terminal: scope, then by agency, then by role, then answers. */
export function reportTable(report: DisseminationReport): string {
  const { scope, total } = report;
  const parts: string[] = [];
  parts.push(underline(`Dissemination report: ${scope.description}`, '='));
  const head = [periodText(scope) + '.', `Generated ${formatGenerated(report.generatedAt)}.`, ''];
  head.push(scope.findings.length === 0 ? 'Findings: none in scope.' : 'Findings:');
  for (const f of scope.findings) head.push(...wrap(`${f.title} (${f.findingId}, ${versionsText(f.versions)})`, 96).map((l, i) => (i === 0 ? `  - ${l}` : `    ${l}`)));
  head.push('', ...wrap(`Summary: ${summaryText(total)}`, 100));
  parts.push(head.join('\n'));
  parts.push(`${underline('By agency', '-')}\n${textTable('Agency', report.byAgency, total, TOTAL_LABEL)}`);
  parts.push(`${underline('By role', '-')}\n${textTable('Role', report.byRole, total, 'All roles')}`);
  if (report.byBriefing.length > 1) parts.push(`${underline('By briefing', '-')}\n${textTable('Briefing', report.byBriefing, total, 'All briefings')}`);
  parts.push('Rate = acknowledged / sent. Median h = median hours from the planned send to the acknowledgement.');
  const answers = [underline(`What practitioners said (${report.answers.length})`, '-')];
  if (report.answers.length === 0) answers.push('No answers.');
  for (const a of report.answers) {
    answers.push('', `${a.date}  ${reportAgencyLabel(a.agency)}, ${reportRoleLabel(a.role)}`);
    answers.push(...wrap(`On: ${a.findingTitle}`, 88).map((l) => `    ${l}`));
    answers.push(...wrap(`"${a.answer}"`, 88).map((l) => `    ${l}`));
  }
  parts.push(answers.join('\n'));
  return `${parts.join('\n\n')}\n`;
}

// ---- CSV -------------------------------------------------------------------------------------

/**
 * One rectangular table a spreadsheet can filter by `section`: a row per agency, per role and the
 * total, then a row per anonymous answer (section 'answer': agency in key, role in label, the
 * briefing's title, the day and the answer; the figures empty). Rates are numbers (a percentage
 * to one decimal place), not text.
 */
export const CSV_HEADER = [
  'section', 'key', 'label', 'recipients', 'sent', 'delivered', 'bounced', 'acknowledged', 'ack_rate_percent', 'median_hours_to_ack',
  'briefing', 'answered_on', 'answer',
] as const;

/** A text cell: a leading = + - @ (or tab or CR) gets a single quote so a spreadsheet never runs it. */
export function csvText(value: string): string {
  const guarded = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(guarded) ? `"${guarded.replace(/"/g, '""')}"` : guarded;
}

/**
 * RFC 4180: CRLF line ends, a header row, then one row per group: every agency, every role,
 * then the total. ack_rate is a whole percentage ('67%', which spreadsheets read as a
 * percentage); median_hours_to_ack has one decimal; both are empty when not applicable.
 */
export function reportCsv(report: DisseminationReport): string {
  const row = (section: 'agency' | 'role' | 'briefing' | 'total', f: Figures) =>
    [
      csvText(section), csvText(f.key), csvText(f.label),
      String(f.recipients), String(f.sent), String(f.delivered), String(f.bounced), String(f.acknowledged),
      f.ackRate === null ? '' : String(Math.round(f.ackRate * 1000) / 10),
      f.medianHoursToAck === null ? '' : formatHours(f.medianHoursToAck),
      '', '', '',
    ].join(',');
  const answer = (a: DisseminationReport['answers'][number]) =>
    ['answer', csvText(a.agency), csvText(a.role), '', '', '', '', '', '', '', csvText(a.findingTitle), csvText(a.date), csvText(a.answer)].join(',');
  const lines = [
    CSV_HEADER.join(','),
    ...report.byAgency.map((f) => row('agency', f)),
    ...report.byRole.map((f) => row('role', f)),
    ...(report.byBriefing.length > 1 ? report.byBriefing.map((f) => row('briefing', f)) : []),
    row('total', report.total),
    ...report.answers.map(answer),
  ];
  return `${lines.join('\r\n')}\r\n`;
}

// ---- HTML ------------------------------------------------------------------------------------

/** Element content and quoted attributes alike: & < > " ' all escaped. */
const esc = (s: unknown) => escapeHtml(String(s));

/** The briefing email's look. Bars ≥3:1 against white, text ≥4.5:1. */
export const REPORT_COLOURS = {
  text: '#1b1b1b', // 17.2:1
  muted: '#4a4a4a', // 8.9:1
  rule: '#767676', // 4.5:1
  sent: '#1d4f91', // 8.1:1
  acknowledged: '#c25e00', // 4.3:1, and told apart from 'sent' by its text label, not only its colour
  timeline: '#1d4f91',
} as const;
const C = REPORT_COLOURS;

const STYLE = `
:root{color-scheme:light}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{margin:0;background:#ffffff;color:${C.text};font-family:Arial,Helvetica,sans-serif;font-size:16px;line-height:1.5}
main{max-width:52rem;margin:0 auto;padding:16px;overflow-wrap:anywhere;word-wrap:break-word}
h1{font-size:1.6rem;line-height:1.25;margin:0 0 .75rem}
h2{font-size:1.3rem;line-height:1.3;margin:2rem 0 .5rem;break-after:avoid;page-break-after:avoid}
p,ul,ol{margin:0 0 .75rem}
li{margin:0 0 .35rem}
.meta{color:${C.muted}}
.summary{font-size:1.1rem;border-left:4px solid ${C.sent};padding:.25rem 0 .25rem .75rem}
table{border-collapse:collapse;width:100%;margin:0 0 1.5rem;font-size:.95rem;break-inside:avoid;page-break-inside:avoid}
caption{caption-side:top;text-align:left;font-weight:bold;font-size:1.05rem;padding:0 0 .35rem}
th,td{border:1px solid ${C.rule};padding:.3rem .5rem;text-align:right;vertical-align:top}
thead th{background:#f2f2f2}
th[scope=row]{text-align:left;font-weight:normal}
thead th:first-child{text-align:left}
tr.total th,tr.total td{font-weight:bold;border-top:2px solid ${C.text}}
figure{margin:0 0 1.5rem;break-inside:avoid;page-break-inside:avoid}
figcaption{font-weight:bold;margin:0 0 .35rem}
svg{display:block;width:100%;max-width:28rem;height:auto}
.answers{padding-left:1.25rem}
.answers li{margin:0 0 1rem}
blockquote{margin:.25rem 0 0;padding:0 0 0 .75rem;border-left:3px solid ${C.rule}}
.generated{margin-top:2rem;color:${C.muted}}
@media (max-width:40rem){
  table.figures,table.figures tbody,table.figures tr,table.figures th,table.figures td,table.figures caption{display:block;width:auto}
  table.figures thead{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
  table.figures tr{border:1px solid ${C.rule};margin:0 0 .75rem;padding:.35rem .6rem}
  table.figures th[scope=row]{border:0;padding:0 0 .25rem;font-weight:bold}
  table.figures td{border:0;padding:.1rem 0;display:flex;justify-content:space-between;gap:1rem}
  table.figures td::before{content:attr(data-label);text-align:left}
  table.figures tr.total{border-width:2px;border-color:${C.text}}
}
@page{margin:16mm}
@media print{
  body{font-size:11pt}
  main{max-width:none;padding:0}
  svg{max-width:12cm}
  *{-webkit-print-color-adjust:exact;print-color-adjust:exact}
  li,blockquote{break-inside:avoid;page-break-inside:avoid}
}`;

const SVG_FONT = 'font-family="Arial, Helvetica, sans-serif"';

/** The axis maximum: the first of 1, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 25, 30, 40, 50, 60, 80, 100, 120… at or above n. */
function niceMax(n: number): number {
  if (n <= 1) return 1;
  const p = 10 ** Math.floor(Math.log10(n));
  for (const m of [1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10]) if (Math.round(m * p) >= n) return Math.round(m * p);
  return 10 * p;
}
/** 0, the middle when it is a whole number, and the maximum. */
const ticksFor = (max: number) => (max >= 2 && max % 2 === 0 ? [0, max / 2, max] : [0, max]);
const fmt = (n: number) => String(Math.round(n * 100) / 100);

function svgText(lines: string[], x: number, y: number, lineHeight: number, attrs: string): string {
  if (lines.length === 1) return `<text x="${x}" y="${y}" ${attrs}>${esc(lines[0])}</text>`;
  return `<text x="${x}" y="${y}" ${attrs}>${lines.map((l, i) => `<tspan x="${x}" dy="${i === 0 ? 0 : lineHeight}">${esc(l)}</tspan>`).join('')}</text>`;
}

const WIDTH = 340;

function agencyChart(report: DisseminationReport): string {
  const title = 'Reach and acknowledgement by agency';
  const rows = report.byAgency;
  const desc = rows.length === 0
    ? 'Bar chart of briefing emails sent and acknowledged, by agency. No briefing emails are in scope.'
    : `Bar chart with two bars for each agency: briefing emails sent, and acknowledged. ` +
      rows.map((f) => `${f.label}: ${f.sent} sent, ${f.acknowledged} acknowledged (${formatRate(f.ackRate)}).`).join(' ');
  const max = niceMax(Math.max(0, ...rows.map((f) => Math.max(f.sent, f.acknowledged))));
  const x0 = 2;
  const plot = WIDTH - x0 - 132; // room for "1234 acknowledged" after the longest bar
  const scale = (n: number) => (n / max) * plot;
  const out: string[] = [];
  // Legend.
  out.push(
    `<g aria-hidden="true"><rect x="${x0}" y="4" width="14" height="14" fill="${C.sent}"/>` +
      `<text x="${x0 + 20}" y="16" font-size="15" fill="${C.text}">Sent</text>` +
      `<rect x="${x0 + 80}" y="4" width="14" height="14" fill="${C.acknowledged}"/>` +
      `<text x="${x0 + 100}" y="16" font-size="15" fill="${C.text}">Acknowledged</text></g>`,
  );
  let y = 36;
  const top = y;
  if (rows.length === 0) {
    out.push(`<text x="${x0}" y="${y + 14}" font-size="15" fill="${C.text}">No briefing emails in scope.</text>`);
    y += 28;
  }
  for (const f of rows) {
    const lines = wrap(f.label, 36);
    out.push(svgText(lines, x0, y + 14, 18, `font-size="15" font-weight="bold" fill="${C.text}"`));
    y += lines.length * 18 + 3;
    for (const [series, value, colour, word] of [
      ['sent', f.sent, C.sent, 'sent'],
      ['acknowledged', f.acknowledged, C.acknowledged, 'acknowledged'],
    ] as const) {
      const w = scale(value);
      out.push(
        `<rect x="${x0}" y="${y}" width="${fmt(w)}" height="18" fill="${colour}" data-agency="${esc(f.key)}" data-series="${series}" data-value="${value}">` +
          `<title>${esc(`${f.label}: ${value} ${word}`)}</title></rect>`,
      );
      out.push(`<text x="${fmt(x0 + w + 5)}" y="${y + 14}" font-size="14" fill="${C.text}">${value} ${word}</text>`);
      y += 22;
    }
    y += 14;
  }
  // Axis: a baseline, ticks at 0, half and the scale's maximum, and its name.
  const axisY = y;
  out.push(`<g aria-hidden="true"><line x1="${x0}" y1="${top - 4}" x2="${x0}" y2="${axisY}" stroke="${C.text}" stroke-width="1"/>`);
  out.push(`<line x1="${x0}" y1="${axisY}" x2="${x0 + plot}" y2="${axisY}" stroke="${C.text}" stroke-width="1"/>`);
  for (const t of ticksFor(max)) {
    const tx = x0 + scale(t);
    const anchor = t === 0 ? 'start' : t === max ? 'end' : 'middle';
    out.push(`<line x1="${fmt(tx)}" y1="${axisY}" x2="${fmt(tx)}" y2="${axisY + 4}" stroke="${C.text}" stroke-width="1"/>`);
    out.push(`<text x="${fmt(t === 0 ? x0 : tx)}" y="${axisY + 19}" font-size="14" text-anchor="${anchor}" fill="${C.text}">${t}</text>`);
  }
  out.push(`<text x="${x0}" y="${axisY + 40}" font-size="14" fill="${C.text}">Number of practitioners (briefing emails)</text></g>`);
  const height = axisY + 48;
  return svg('chart-agency', title, desc, height, out.join(''));
}

function timelineChart(report: DisseminationReport): string {
  const title = 'Acknowledgements over time';
  const days = report.ackTimeline;
  const totalAcks = days.reduce((n, d) => n + d.count, 0);
  let busiest = days[0];
  for (const d of days) if (busiest && d.count > busiest.count) busiest = d;
  const desc = days.length === 0 || !busiest
    ? 'Bar chart of acknowledgements per day. No acknowledgements have been recorded.'
    : `Bar chart of acknowledgements per day (UTC), one bar a day from ${formatDay(days[0]!.date)} to ${formatDay(days[days.length - 1]!.date)}: ` +
      `${totalAcks} acknowledgement${totalAcks === 1 ? '' : 's'} over ${days.length} day${days.length === 1 ? '' : 's'}; ` +
      `the most, ${busiest.count}, on ${formatDay(busiest.date)}.`;
  const x0 = 34;
  const plotW = WIDTH - x0 - 6;
  const top = 22;
  const plotH = 140;
  const base = top + plotH;
  const max = niceMax(Math.max(0, ...days.map((d) => d.count)));
  const out: string[] = [];
  out.push(`<g aria-hidden="true">`);
  for (const t of ticksFor(max)) {
    const ty = base - (t / max) * plotH;
    out.push(`<line x1="${x0}" y1="${fmt(ty)}" x2="${x0 + plotW}" y2="${fmt(ty)}" stroke="${t === 0 ? C.text : '#d0d0d0'}" stroke-width="1"/>`);
    out.push(`<text x="${x0 - 5}" y="${fmt(ty + 5)}" font-size="14" text-anchor="end" fill="${C.text}">${t}</text>`);
  }
  out.push(`</g>`);
  if (days.length === 0) {
    out.push(`<text x="${x0 + 8}" y="${top + plotH / 2}" font-size="15" fill="${C.text}">No acknowledgements yet.</text>`);
  }
  const slot = days.length > 0 ? plotW / days.length : plotW;
  const gap = Math.min(4, slot * 0.2);
  const labelled = new Set<number>(days.length <= 7 ? days.map((_, i) => i) : [0, Math.floor((days.length - 1) / 2), days.length - 1]);
  days.forEach((d, i) => {
    const h = d.count === 0 ? 0 : Math.max(2, (d.count / max) * plotH);
    const x = x0 + i * slot + gap / 2;
    out.push(
      `<rect x="${fmt(x)}" y="${fmt(base - h)}" width="${fmt(slot - gap)}" height="${fmt(h)}" fill="${C.timeline}" data-date="${esc(d.date)}" data-value="${d.count}">` +
        `<title>${esc(`${formatDay(d.date)}: ${d.count}`)}</title></rect>`,
    );
    if (slot >= 16 && d.count > 0) {
      out.push(`<text x="${fmt(x + (slot - gap) / 2)}" y="${fmt(base - h - 4)}" font-size="13" text-anchor="middle" fill="${C.text}">${d.count}</text>`);
    }
    if (labelled.has(i)) {
      const cx = x + (slot - gap) / 2;
      const anchor = days.length > 7 ? (i === 0 ? 'start' : i === days.length - 1 ? 'end' : 'middle') : 'middle';
      const lx = anchor === 'start' ? x : anchor === 'end' ? x + slot - gap : cx;
      out.push(`<text x="${fmt(lx)}" y="${base + 18}" font-size="13" text-anchor="${anchor}" fill="${C.text}" aria-hidden="true">${esc(shortDay(d.date))}</text>`);
    }
  });
  out.push(`<text x="${x0}" y="${base + 40}" font-size="14" fill="${C.text}" aria-hidden="true">Acknowledgements per day (UTC)</text>`);
  return svg('chart-timeline', title, desc, base + 48, out.join(''));
}

function svg(id: string, title: string, desc: string, height: number, body: string): string {
  return (
    `<svg viewBox="0 0 ${WIDTH} ${fmt(height)}" width="100%" role="img" ` +
    `aria-labelledby="${id}-title ${id}-desc" ${SVG_FONT} preserveAspectRatio="xMinYMin meet">` +
    `<title id="${id}-title">${esc(title)}</title><desc id="${id}-desc">${esc(desc)}</desc>${body}</svg>`
  );
}

function htmlTable(id: string, caption: string, firstHead: string, rows: Figures[], total: Figures, totalLabel: string): string {
  const heads = ['Recipients', 'Sent', 'Delivered', 'Bounced', 'Acknowledged', 'Acknowledgement rate', 'Median hours to acknowledge'];
  const cells = (f: Figures) => [
    String(f.recipients), String(f.sent), String(f.delivered), String(f.bounced), String(f.acknowledged), formatRate(f.ackRate), formatHours(f.medianHoursToAck),
  ];
  const row = (label: string, f: Figures, cls = '') =>
    `<tr role="row"${cls ? ` class="${cls}"` : ''}><th scope="row" role="rowheader">${esc(label)}</th>` +
    cells(f).map((c, i) => `<td role="cell" data-label="${esc(heads[i])}">${esc(c)}</td>`).join('') + '</tr>';
  return (
    `<table class="figures" id="${id}" role="table"><caption>${esc(caption)}</caption>` +
    `<thead role="rowgroup"><tr role="row"><th scope="col" role="columnheader">${esc(firstHead)}</th>` +
    heads.map((h) => `<th scope="col" role="columnheader">${esc(h)}</th>`).join('') + '</tr></thead>' +
    `<tbody role="rowgroup">${rows.map((f) => row(f.label, f)).join('')}${row(totalLabel, total, 'total')}</tbody></table>`
  );
}

/**
 * One self-contained HTML file for a scrutiny paper: no scripts, no fetches (a Content
 * Security Policy forbids both, and the icon is an empty data URL), inline CSS and SVG,
 * printable, and readable at 320 px (tables reflow into one card per row on narrow screens).
 */
export function reportHtml(report: DisseminationReport): string {
  const { scope, total } = report;
  const heading = `Dissemination report: ${scope.description}`;
  const findings = scope.findings.length === 0
    ? '<p>No findings in scope.</p>'
    : `<ul>${scope.findings.map((f) => `<li>${esc(f.title)} <span class="meta">(${esc(f.findingId)}, ${esc(versionsText(f.versions))})</span></li>`).join('')}</ul>`;
  const answers = report.answers.length === 0
    ? '<p>No answers were given.</p>'
    : `<ol class="answers">${report.answers
        .map(
          (a) =>
            `<li><p class="meta"><time datetime="${esc(a.date)}">${esc(formatDay(a.date))}</time> · ${esc(reportAgencyLabel(a.agency))}, ${esc(reportRoleLabel(a.role))} · on <cite>${esc(a.findingTitle)}</cite></p>` +
            `<blockquote><p>${esc(a.answer)}</p></blockquote></li>`,
        )
        .join('')}</ol>`;
  return (
    '<!doctype html>\n' +
    '<html lang="en-GB"><head><meta charset="utf-8">' +
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'">` +
    '<meta name="viewport" content="width=device-width, initial-scale=1">' +
    '<link rel="icon" href="data:,">' +
    `<title>${esc(heading)}</title><style>${STYLE}</style></head>` +
    '<body><main>' +
    `<h1>${esc(heading)}</h1>` +
    `<p>${esc(periodText(scope))}.</p>` +
    `<h2>Findings in scope</h2>${findings}` +
    `<p class="summary"><strong>Summary:</strong> ${esc(summaryText(total))}</p>` +
    `<h2>Figures</h2>` +
    htmlTable('by-agency', 'Reach and acknowledgement by agency', 'Agency', report.byAgency, total, TOTAL_LABEL) +
    htmlTable('by-role', 'Reach and acknowledgement by role', 'Role', report.byRole, total, 'All roles') +
    (report.byBriefing.length > 1 ? htmlTable('by-briefing', 'Reach and acknowledgement by briefing', 'Briefing', report.byBriefing, total, 'All briefings') : '') +
    `<h2>Charts</h2>` +
    `<figure><figcaption>Reach and acknowledgement by agency</figcaption>${agencyChart(report)}</figure>` +
    `<figure><figcaption>Acknowledgements over time</figcaption>${timelineChart(report)}</figure>` +
    `<h2>What practitioners said</h2>${answers}` +
    `<h2>How these figures are counted</h2><ul>${COUNTING_NOTES.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>` +
    `<p class="generated">Generated <time datetime="${esc(report.generatedAt)}">${esc(formatGenerated(report.generatedAt))}</time>.</p>` +
    '</main></body></html>\n'
  );
}
