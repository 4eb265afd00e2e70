/** Words and numbers the report's three renderings share. */
import { MONTHS } from '../words';
import type { Figures, DisseminationReport } from './compute';

/** 0.6667 → '67%'; null → 'n/a'. */
export const formatRate = (rate: number | null) => (rate === null ? 'n/a' : `${Math.round(rate * 100)}%`);
/** 3.25 → '3.3'; null → 'n/a'. */
export const formatHours = (hours: number | null) => (hours === null ? 'n/a' : hours.toFixed(1));

const SHORT_MONTHS = MONTHS.map((m) => m.slice(0, 3));

/** '2024-03-05' or an ISO timestamp → '5 March 2024'; anything else as given. */
export function formatDay(value: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(value);
  const month = m ? MONTHS[Number(m[2]) - 1] : undefined;
  return m && month ? `${Number(m[3])} ${month} ${m[1]}` : value;
}
export const shortDay = (date: string) => {
  const m = /^\d{4}-(\d{2})-(\d{2})$/.exec(date);
  return m ? `${Number(m[2])} ${SHORT_MONTHS[Number(m[1]) - 1] ?? ''}` : date;
};
export const formatGenerated = (iso: string) => `${formatDay(iso)}, ${iso.slice(11, 16)} UTC`;

export function periodText(scope: DisseminationReport['scope']): string {
  if (scope.from && scope.to) return `Briefings planned from ${formatDay(scope.from)} to ${formatDay(scope.to)}`;
  if (scope.from) return `Briefings planned from ${formatDay(scope.from)}`;
  if (scope.to) return `Briefings planned up to ${formatDay(scope.to)}`;
  return 'All briefings in scope, whenever planned';
}

export const versionsText = (versions: number[]) => `version${versions.length === 1 ? '' : 's'} ${versions.join(', ')}`;

export function summaryText(t: Figures): string {
  // Delivered comes from SES's delivery events, which arrive after the send: none yet is not none delivered.
  const noEventsYet =
    t.sent > 0 && t.delivered === 0 && t.bounced === 0
      ? ' No delivery events have arrived from SES yet (they follow each send by seconds to minutes), so delivered shows 0: run the report again later.'
      : '';
  return `${t.recipients} recipients, ${t.sent} sent, ${t.delivered} delivered, ${t.bounced} bounced, ` +
    `${t.acknowledged} acknowledged (${formatRate(t.ackRate)} of those sent).${noEventsYet}`;
}

export function wrap(text: string, width: number): string[] {
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
