import { computeDissemination, type DisseminationReport, type Figures, type ReportBriefing, type ReportDelivery, type ReportResponse } from '../../shared/render/report/compute';
import { csvText, reportCsv } from '../../shared/render/report/csv';
import { reportHtml } from '../../shared/render/report/html';
import { reportTable } from '../../shared/render/report/table';

/**
 * A seeded ledger whose figures were worked out by hand. Made-up data only: no names, and the
 * one email address (example.org) is typed into an answer to show it never reaches the report.
 *
 * F1 v1 planned 2024-03-04 09:00Z, F2 v1 planned 2024-03-05 12:00Z, F1 v2 planned 2024-03-10 09:00Z;
 * F3 is planned in May, outside the March scope.
 */
const F1V1 = 'nr-out-of-routine-2020#v1';
const F1V2 = 'nr-out-of-routine-2020#v2';
const F2V1 = 'jtai-mash-2022#v1';
const F3V1 = 'audit-neglect-2024#v1';

const briefings: ReportBriefing[] = [
  { briefingId: F2V1, findingId: 'jtai-mash-2022', version: 1, title: 'The front door under pressure', plannedAt: '2024-03-05T12:00:00.000Z' },
  { briefingId: F1V1, findingId: 'nr-out-of-routine-2020', version: 1, title: 'Out of routine', plannedAt: '2024-03-04T09:00:00.000Z' },
  { briefingId: F1V2, findingId: 'nr-out-of-routine-2020', version: 2, title: 'Out of routine (re-issued)', plannedAt: '2024-03-10T09:00:00.000Z' },
  { briefingId: F3V1, findingId: 'audit-neglect-2024', version: 1, title: 'Neglect audit', plannedAt: '2024-05-01T09:00:00.000Z' },
];

type Row = Partial<ReportDelivery> & Pick<ReportDelivery, 'briefingId' | 'agency' | 'role' | 'status'>;
const row = (r: Row): ReportDelivery => ({ kind: 'briefing', ...r });

const deliveries: ReportDelivery[] = [
  // F1 v1 — planned 2024-03-04T09:00Z
  row({ briefingId: F1V1, agency: 'police', role: 'frontline', status: 'SENT', mailEvent: 'delivered', acknowledgedAt: '2024-03-04T11:00:00.000Z' }), // 2 h
  row({ briefingId: F1V1, agency: 'police', role: 'manager', status: 'SENT', mailEvent: 'delivered', acknowledgedAt: '2024-03-05T09:00:00.000Z' }), // 24 h
  row({ briefingId: F1V1, agency: 'police', role: 'frontline', status: 'SENT', mailEvent: 'bounced' }),
  row({ briefingId: F1V1, agency: 'health', role: 'frontline', status: 'SENT', mailEvent: 'delivered', acknowledgedAt: '2024-03-04T10:30:00.000Z' }), // 1.5 h
  row({ briefingId: F1V1, agency: 'health', role: 'dsl', status: 'FAILED' }),
  row({ briefingId: F1V1, agency: 'health', role: 'frontline', status: 'CANCELLED' }),
  row({ briefingId: F1V1, agency: 'education', role: 'dsl', status: 'SENT', acknowledgedAt: '2024-03-07T09:00:00.000Z' }), // no event; 72 h
  row({ briefingId: F1V1, agency: 'education', role: 'frontline', status: 'SENT', mailEvent: 'soft-bounced' }),
  // Not reach: a correction, a withdrawal notice and a digest, even under an in-scope briefing id.
  row({ briefingId: F1V1, kind: 'correction', agency: 'police', role: 'frontline', status: 'SENT', mailEvent: 'delivered', acknowledgedAt: '2024-03-08T09:00:00.000Z' }),
  row({ briefingId: F1V1, kind: 'withdrawal', agency: 'health', role: 'manager', status: 'SENT', mailEvent: 'delivered' }),
  row({ briefingId: F1V1, kind: 'digest', agency: 'education', role: 'dsl', status: 'SENT', mailEvent: 'delivered', acknowledgedAt: '2024-03-09T09:00:00.000Z' }),
  row({ briefingId: 'nr-out-of-routine-2020#withdrawn', kind: 'withdrawal', agency: 'police', role: 'manager', status: 'SENT', mailEvent: 'delivered' }),
  // F2 v1 — planned 2024-03-05T12:00Z
  row({ briefingId: F2V1, agency: 'police', role: 'manager', status: 'SENT', mailEvent: 'delivered', acknowledgedAt: '2024-03-05T15:00:00.000Z' }), // 3 h
  row({ briefingId: F2V1, agency: 'health', role: 'dsl', status: 'SENT', mailEvent: 'rejected' }),
  row({ briefingId: F2V1, agency: 'health', role: 'manager', status: 'SENT', mailEvent: 'complained', acknowledgedAt: '2024-03-06T12:00:00.000Z' }), // 24 h
  row({ briefingId: F2V1, agency: 'education', role: 'dsl', status: 'PENDING' }),
  row({ briefingId: F2V1, agency: 'education', role: 'frontline', status: 'SENDING' }),
  // F1 v2 — planned 2024-03-10T09:00Z
  row({ briefingId: F1V2, agency: 'police', role: 'frontline', status: 'SENT', mailEvent: 'delivered', acknowledgedAt: '2024-03-10T13:00:00.000Z' }), // 4 h
  row({ briefingId: F1V2, agency: 'education', role: 'dsl', status: 'SENT', mailEvent: 'delivered', acknowledgedAt: '2024-03-12T23:00:00+02:00' }), // 21:00Z: 60 h
  // Out of scope: a May briefing, and a briefing nobody asked about.
  row({ briefingId: F3V1, agency: 'police', role: 'frontline', status: 'SENT', mailEvent: 'delivered', acknowledgedAt: '2024-05-01T10:00:00.000Z' }),
  row({ briefingId: 'ghost#v1', agency: 'police', role: 'frontline', status: 'SENT', mailEvent: 'delivered', acknowledgedAt: '2024-03-20T10:00:00.000Z' }),
];

const HOSTILE = '<script>alert(1)</script>';
const responses: ReportResponse[] = [
  { briefingId: F1V1, agency: 'education', role: 'dsl', answer: 'We discussed it in\nsupervision.', at: '2024-03-07T10:00:00.000Z' },
  { briefingId: F1V1, agency: 'health', role: 'frontline', answer: HOSTILE, at: '2024-03-06T07:00:00.000Z' },
  { briefingId: F2V1, agency: 'police', role: 'manager', answer: 'Shared at our team meeting.', at: '2024-03-06T08:00:00.000Z' },
  { briefingId: F1V2, agency: 'police', role: 'frontline', answer: 'Ask duty.team@example.org for the checklist', at: '2024-03-11T09:00:00.000Z' },
  { briefingId: F1V2, agency: 'police', role: 'frontline', answer: '   ', at: '2024-03-11T10:00:00.000Z' },
  { briefingId: F3V1, agency: 'police', role: 'frontline', answer: 'Out of scope', at: '2024-05-02T10:00:00.000Z' },
];

const NOW = new Date('2024-04-02T10:15:00.000Z');
const seeded = () =>
  computeDissemination({ briefings, deliveries, responses, description: 'Briefings issued in March 2024', from: '2024-03-01', to: '2024-03-31', now: NOW });

const fig = (key: string, label: string, recipients: number, sent: number, delivered: number, bounced: number, acknowledged: number, ackRate: number | null, medianHoursToAck: number | null): Figures => ({
  key, label, recipients, sent, delivered, bounced, acknowledged, ackRate, medianHoursToAck,
});

describe('computeDissemination on the seeded ledger', () => {
  const report = seeded();

  test('scope: the findings in the period, in order of first planning, with the latest title and every version', () => {
    expect(report.scope).toEqual({
      description: 'Briefings issued in March 2024',
      from: '2024-03-01',
      to: '2024-03-31',
      findings: [
        { findingId: 'nr-out-of-routine-2020', title: 'Out of routine (re-issued)', versions: [1, 2] },
        { findingId: 'jtai-mash-2022', title: 'The front door under pressure', versions: [1] },
      ],
    });
    expect(report.generatedAt).toBe('2024-04-02T10:15:00.000Z');
  });

  test('total: only briefing rows, not cancelled, in scope; median of eight (an even count)', () => {
    // Hours to acknowledge: 1.5, 2, 3, 4, 24, 24, 60, 72 → (4 + 24) / 2 = 14.
    expect(report.total).toEqual(fig('total', 'All agencies', 14, 11, 6, 3, 8, 8 / 11, 14));
  });

  test('by agency, in the taxonomy order, with its labels', () => {
    expect(report.byAgency).toEqual([
      fig('police', 'Police', 5, 5, 4, 1, 4, 4 / 5, 3.5), // 2, 3, 4, 24 → 3.5
      fig('health', 'Health', 4, 3, 1, 1, 2, 2 / 3, 12.8), // 1.5, 24 → 12.75 → 12.8; 'complained' is neither delivered nor bounced
      fig('education', 'Education', 5, 3, 1, 1, 2, 2 / 3, 66), // 72, 60; sent with no event is not delivered
    ]);
  });

  test('by role, in the taxonomy order, with its labels', () => {
    expect(report.byRole).toEqual([
      fig('frontline', 'Frontline practitioner', 6, 5, 3, 2, 3, 3 / 5, 2), // 1.5, 2, 4 → 2 (odd count)
      fig('manager', 'Manager or supervisor', 3, 3, 2, 0, 3, 1, 24), // 24, 3, 24 → 24
      fig('dsl', 'Designated safeguarding lead', 5, 3, 1, 1, 2, 2 / 3, 66),
    ]);
  });

  test('groups add up to the total', () => {
    for (const groups of [report.byAgency, report.byRole]) {
      for (const field of ['recipients', 'sent', 'delivered', 'bounced', 'acknowledged'] as const) {
        expect(groups.reduce((n, f) => n + f[field], 0)).toBe(report.total[field]);
      }
    }
  });

  test('timeline: one entry per UTC day from the first acknowledgement to the last, zeros included', () => {
    expect(report.ackTimeline).toEqual([
      { date: '2024-03-04', count: 2 },
      { date: '2024-03-05', count: 2 },
      { date: '2024-03-06', count: 1 },
      { date: '2024-03-07', count: 1 },
      { date: '2024-03-08', count: 0 },
      { date: '2024-03-09', count: 0 },
      { date: '2024-03-10', count: 1 },
      { date: '2024-03-11', count: 0 },
      { date: '2024-03-12', count: 1 }, // 23:00 at +02:00 is 21:00 UTC the same day
    ]);
  });

  test('answers: in scope, not blank, by date then agency (taxonomy order), with no email address', () => {
    expect(report.answers).toEqual([
      { findingTitle: 'The front door under pressure', agency: 'police', role: 'manager', answer: 'Shared at our team meeting.', date: '2024-03-06' },
      { findingTitle: 'Out of routine', agency: 'health', role: 'frontline', answer: HOSTILE, date: '2024-03-06' },
      { findingTitle: 'Out of routine', agency: 'education', role: 'dsl', answer: 'We discussed it in supervision.', date: '2024-03-07' },
      { findingTitle: 'Out of routine (re-issued)', agency: 'police', role: 'frontline', answer: 'Ask [email address removed] for the checklist', date: '2024-03-11' },
    ]);
    expect(JSON.stringify(report)).not.toMatch(/@example\.org/);
  });
});

describe('computeDissemination edge cases', () => {
  const base = { briefings, deliveries, responses, description: 'March', now: NOW };

  test('without a period every briefing given counts; a date-only "to" takes in that whole day', () => {
    const all = computeDissemination(base);
    expect(all.total.recipients).toBe(15); // the May briefing's row joins
    expect(all.scope.from).toBeUndefined();
    const lateOnTheLastDay = computeDissemination({
      ...base,
      briefings: [{ ...briefings[0]!, plannedAt: '2024-03-31T23:30:00.000Z' }],
      to: '2024-03-31',
    });
    expect(lateOnTheLastDay.total.recipients).toBe(5);
    const dayBefore = computeDissemination({ ...base, briefings: [{ ...briefings[0]!, plannedAt: '2024-03-31T23:30:00.000Z' }], to: '2024-03-30' });
    expect(dayBefore.total.recipients).toBe(0);
  });

  test('a period that is not a date is refused', () => {
    expect(() => computeDissemination({ ...base, from: 'last March' })).toThrow(RangeError);
  });

  test('nothing sent: rates and medians are null, the timeline is empty, and every rendering still works', () => {
    const empty = computeDissemination({ briefings, deliveries: [row({ briefingId: F1V1, agency: 'police', role: 'frontline', status: 'FAILED' })], responses: [], description: 'Quiet', now: NOW });
    expect(empty.total).toEqual(fig('total', 'All agencies', 1, 0, 0, 0, 0, null, null));
    expect(empty.ackTimeline).toEqual([]);
    expect(reportTable(empty)).toMatch(/n\/a/);
    expect(reportCsv(empty)).toContain('total,total,All agencies,1,0,0,0,0,,,,,\r\n');
    const html = reportHtml(empty);
    expect(html).toContain('No acknowledgements yet.');
    expect(html).not.toContain('data-date=');
  });

  test('a median of two rounds to one decimal; a single value is itself', () => {
    const one = computeDissemination({
      briefings: [{ briefingId: 'b#v1', findingId: 'b', version: 1, title: 'B', plannedAt: '2024-01-01T00:00:00Z' }],
      deliveries: [
        row({ briefingId: 'b#v1', agency: 'police', role: 'frontline', status: 'SENT', acknowledgedAt: '2024-01-01T00:10:00Z' }), // 0.1667 h
        row({ briefingId: 'b#v1', agency: 'health', role: 'frontline', status: 'SENT', acknowledgedAt: '2024-01-01T00:20:00Z' }), // 0.3333 h
      ],
      responses: [],
      description: 'B',
      now: NOW,
    });
    expect(one.total.medianHoursToAck).toBe(0.3); // 0.25 → 0.3
    expect(one.byAgency.map((f) => f.medianHoursToAck)).toEqual([0.2, 0.3]);
    expect(one.total.ackRate).toBe(1);
  });

  test('an agency or role the taxonomy does not know comes last, labelled with itself, cleaned', () => {
    const r = computeDissemination({
      briefings,
      deliveries: [
        row({ briefingId: F1V1, agency: 'fire\u001b[31m', role: 'frontline', status: 'SENT' }),
        row({ briefingId: F1V1, agency: 'vcs', role: 'trainer', status: 'SENT' }),
        row({ briefingId: F1V1, agency: 'csc', role: 'frontline', status: 'SENT' }),
      ],
      responses: [],
      description: 'Contact lead@example.org\u202e',
      now: NOW,
    });
    expect(r.byAgency.map((f) => [f.key, f.label])).toEqual([
      ['csc', "Children's social care (including MASH and early help)"],
      ['vcs', 'Voluntary and community sector'],
      ['fire [31m', 'fire [31m'],
    ]);
    expect(r.byRole.map((f) => f.key)).toEqual(['frontline', 'trainer']);
    expect(r.scope.description).toBe('Contact [email address removed]');
  });
});

describe('reportCsv', () => {
  const small = (): DisseminationReport =>
    computeDissemination({
      briefings: [{ briefingId: 'x#v1', findingId: 'x', version: 1, title: 'X', plannedAt: '2024-01-01T00:00:00.000Z' }],
      deliveries: [
        row({ briefingId: 'x#v1', agency: 'police', role: 'frontline', status: 'SENT', mailEvent: 'delivered', acknowledgedAt: '2024-01-01T03:00:00.000Z' }),
        row({ briefingId: 'x#v1', agency: '=SUM(1,2)', role: 'frontline', status: 'FAILED' }),
        row({ briefingId: 'x#v1', agency: 'police', role: 'lead, "senior"', status: 'SENT', mailEvent: 'bounced' }),
      ],
      responses: [],
      description: 'Small',
      now: NOW,
    });

  test('exact text: header, agencies, roles, total; quoting; the formula guard', () => {
    expect(reportCsv(small())).toBe(
      'section,key,label,recipients,sent,delivered,bounced,acknowledged,ack_rate_percent,median_hours_to_ack,briefing,answered_on,answer\r\n' +
        'agency,police,Police,2,2,1,1,1,50,3.0,,,\r\n' +
        `agency,"'=SUM(1,2)","'=SUM(1,2)",1,0,0,0,0,,,,,\r\n` +
        'role,frontline,Frontline practitioner,2,1,1,0,1,100,3.0,,,\r\n' +
        'role,"lead, ""senior""","lead, ""senior""",1,1,0,1,0,0,,,,\r\n' +
        'total,total,All agencies,3,2,1,1,1,50,3.0,,,\r\n',
    );
  });

  test('text cells: every formula lead is guarded, and comma, quote and newline are quoted', () => {
    expect(['=1+1', '+1', '-1', '@SUM(A1)', '\tx', 'plain'].map(csvText)).toEqual(["'=1+1", "'+1", "'-1", "'@SUM(A1)", "'\tx", 'plain']);
    expect(csvText('a\nb')).toBe('"a\nb"');
    expect(csvText('say "hi"')).toBe('"say ""hi"""');
    expect(csvText('-a,b')).toBe(`"'-a,b"`);
  });

  test('the seeded report: one row per agency, per role, and the total', () => {
    const report = seeded();
    const lines = reportCsv(report).split('\r\n');
    // Figures, then one row per answer; the trailing CRLF leaves one empty string.
    expect(report.answers.length).toBeGreaterThan(0);
    // Three briefings in scope: a row for each (section briefing) before the total.
    expect(lines).toHaveLength(1 + 3 + 3 + 3 + 1 + report.answers.length + 1);
    expect(lines).toContain('briefing,jtai-mash-2022#v1,The front door under pressure (version 1),5,3,1,1,2,66.7,13.5,,,');
    // The rate is a number a spreadsheet can sum and chart (a percentage), not text such as "73%".
    expect(lines).toContain('agency,health,Health,4,3,1,1,2,66.7,12.8,,,');
    expect(lines).toContain('total,total,All agencies,14,11,6,3,8,72.7,14.0,,,');
    expect(lines.join('\n')).not.toContain('%');
    const answerRows = lines.filter((l) => l.startsWith('answer,'));
    expect(answerRows).toHaveLength(report.answers.length);
    expect(answerRows).toContain('answer,police,manager,,,,,,,,The front door under pressure,2024-03-06,Shared at our team meeting.');
  });
});

describe('reportTable', () => {
  const text = reportTable(seeded());

  test('scope, then by agency, then by role, then answers', () => {
    const at = (s: string) => text.indexOf(s);
    expect(at('Dissemination report: Briefings issued in March 2024')).toBe(0);
    expect(at('Briefings planned from 1 March 2024 to 31 March 2024.')).toBeGreaterThan(0);
    expect(at('Out of routine (re-issued) (nr-out-of-routine-2020, versions 1, 2)')).toBeGreaterThan(0);
    expect(at('By agency')).toBeGreaterThan(at('Findings:'));
    expect(at('By role')).toBeGreaterThan(at('By agency'));
    expect(at('What practitioners said (4)')).toBeGreaterThan(at('By role'));
  });

  test('the key numbers, in aligned columns', () => {
    expect(text).toMatch(/^Police {20,}5 +5 +4 +1 +4 +80% +3\.5$/m);
    expect(text).toMatch(/^Health {20,}4 +3 +1 +1 +2 +67% +12\.8$/m);
    expect(text).toMatch(/^Education {15,}5 +3 +1 +1 +2 +67% +66\.0$/m);
    expect(text).toMatch(/^Frontline practitioner +6 +5 +3 +2 +3 +60% +2\.0$/m);
    expect(text).toMatch(/^All agencies +14 +11 +6 +3 +8 +73% +14\.0$/m);
    expect(text).toMatch(/^All roles +14 +11 +6 +3 +8 +73% +14\.0$/m);
    expect(text).toContain('Summary: 14 recipients, 11 sent, 6 delivered, 3 bounced, 8 acknowledged (73% of those sent).');
    const header = text.split('\n').find((l) => l.startsWith('Agency'))!;
    const police = text.split('\n').find((l) => l.startsWith('Police'))!;
    expect(police.length).toBe(header.length);
  });

  test('answers, and nothing a terminal would act on', () => {
    expect(text).toContain('2024-03-06  Health, Frontline practitioner');
    expect(text).toContain(`"${HOSTILE}"`);
    // eslint-disable-next-line no-control-regex
    expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
    expect(text).not.toMatch(/@example\.org/);
  });

  test('a long agency label wraps under its row instead of being cut', () => {
    const r = computeDissemination({ briefings, deliveries: [row({ briefingId: F1V1, agency: 'csc', role: 'frontline', status: 'SENT' })], responses: [], description: 'CSC', now: NOW });
    const lines = reportTable(r).split('\n');
    const i = lines.findIndex((l) => l.startsWith("Children's social care"));
    expect(lines[i]).toMatch(/ 1 +1 +0 +0 +0 +0% +n\/a$/);
    const more: string[] = [];
    for (let j = i + 1; /^ {2}\S/.test(lines[j] ?? ''); j++) more.push(lines[j]!.trim());
    expect(more.length).toBeGreaterThan(0);
    expect([lines[i]!.slice(0, 30).trim(), ...more].join(' ')).toBe("Children's social care (including MASH and early help)");
  });
});

describe('reportHtml', () => {
  const html = reportHtml(seeded());

  test('self-contained: no script, no resource fetched over the network', () => {
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/\b(src|href)\s*=\s*["']?\s*(https?:)?\/\//i);
    expect(html).not.toMatch(/https?:/i);
    expect(html).not.toMatch(/@import|url\(/i);
    expect(html).toContain(`Content-Security-Policy" content="default-src 'none'`);
    expect(html).not.toMatch(/\son[a-z]+\s*=/i); // no event handlers
  });

  test('escapes a hostile answer and holds no email address', () => {
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toContain(HOSTILE);
    expect(html).not.toMatch(/@example\.org/);
  });

  test('heading, summary, tables with captions and scoped headers, two charts, answers, the note, generated', () => {
    const order = [
      '<h1>Dissemination report: Briefings issued in March 2024</h1>',
      '14 recipients, 11 sent, 6 delivered, 3 bounced, 8 acknowledged (73% of those sent).',
      '<caption>Reach and acknowledgement by agency</caption>',
      '<caption>Reach and acknowledgement by role</caption>',
      '<title id="chart-agency-title">Reach and acknowledgement by agency</title>',
      '<title id="chart-timeline-title">Acknowledgements over time</title>',
      '<h2>What practitioners said</h2>',
      '<h2>How these figures are counted</h2>',
      'Generated <time datetime="2024-04-02T10:15:00.000Z">2 April 2024, 10:15 UTC</time>',
    ].map((s) => html.indexOf(s));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    // By agency, by role, and (three briefings in scope) by briefing: 8 columns and a total row each.
    expect(html.match(/<th scope="col"/g)).toHaveLength(24);
    expect(html.match(/<th scope="row"/g)).toHaveLength(3 + 1 + 3 + 1 + 3 + 1);
    expect(html).toContain('<caption>Reach and acknowledgement by briefing</caption>');
    expect(html).toContain('Out of routine (re-issued) (version 2)');
    expect(html.match(/<svg [^>]*role="img"/g)).toHaveLength(2);
    expect(html.match(/<desc /g)).toHaveLength(2);
    expect(html).toContain('delivery confirmed by the mail provider');
  });

  test('bars carry their numbers: two per agency, one per day', () => {
    const bars = [...html.matchAll(/<rect [^>]*data-agency="([^"]+)" data-series="([a-z]+)" data-value="(\d+)"/g)].map((m) => `${m[1]}:${m[2]}:${m[3]}`);
    expect(bars).toEqual(['police:sent:5', 'police:acknowledged:4', 'health:sent:3', 'health:acknowledged:2', 'education:sent:3', 'education:acknowledged:2']);
    const days = [...html.matchAll(/<rect [^>]*data-date="([^"]+)" data-value="(\d+)"/g)].map((m) => `${m[1]}:${m[2]}`);
    expect(days).toEqual(seeded().ackTimeline.map((d) => `${d.date}:${d.count}`));
    expect(html).toContain('>5 sent</text>');
    expect(html).toContain('>4 acknowledged</text>');
  });
});

describe('delivered, before SES has said anything', () => {
  test('a report with sends but no delivery event yet says why delivered is 0; with events it says nothing of it', () => {
    const input = (mailEvent?: 'delivered') => ({
      briefings: [{ briefingId: 'x#v1', findingId: 'x', version: 1, title: 'X', plannedAt: '2024-01-01T00:00:00.000Z' }],
      deliveries: [{ briefingId: 'x#v1', kind: 'briefing', agency: 'police', role: 'frontline', status: 'SENT', sentAt: '2024-01-01T00:01:00.000Z', ...(mailEvent ? { mailEvent } : {}) }],
      responses: [],
      description: 'Events',
      now: new Date('2024-01-01T00:02:00.000Z'),
    });
    const waiting = computeDissemination(input() as never);
    // The terminal table wraps its lines: compare with the line breaks as spaces.
    for (const rendered of [reportTable(waiting), reportHtml(waiting)]) expect(rendered.replace(/\s+/g, ' ')).toContain('No delivery events have arrived from SES yet');
    expect(reportTable(computeDissemination(input('delivered') as never))).not.toContain('No delivery events');
  });
});
