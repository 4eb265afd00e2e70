import type { Figures, DisseminationReport } from './compute';
import { formatHours } from './format';

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
