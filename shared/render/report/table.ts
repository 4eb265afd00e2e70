/** The report as a fixed-width table, for a terminal. */
import { type Figures, type DisseminationReport, TOTAL_LABEL, reportAgencyLabel, reportRoleLabel } from './compute';
import { underline as underlineUpTo } from '../words';
import { formatRate, formatHours, wrap, formatGenerated, periodText, versionsText, summaryText } from './format';

/** The report's headings are underlined up to 100 characters (a terminal is wider than an email). */
const underline = (heading: string, char: string) => underlineUpTo(heading, char, 100);

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
