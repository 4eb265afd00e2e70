import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { reportCsv } from '../../shared/render/report/csv';
import { reportHtml } from '../../shared/render/report/html';
import { reportTable } from '../../shared/render/report/table';
import { UnknownFindingError, disseminationFor } from '../../shared/flows/report/dissemination';
import type { Output } from '../output';
import { UsageError, type Target } from '../target';

/**
 * `report dissemination`: reach and acknowledgement by agency and role, for one finding
 * or a period, from the ledger's by-briefing index (a Query per briefing, never a Scan of
 * the ledger). Table for the terminal, CSV for a spreadsheet, one HTML file for a paper.
 */

const FORMATS = ['table', 'csv', 'html'] as const;
type Format = (typeof FORMATS)[number];

const isDate = (value: string) => /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(value));

export async function disseminationReport(
  target: Target,
  io: Output,
  options: { finding?: string; from?: string; to?: string; format?: string; out?: string },
): Promise<number> {
  const format = (options.format ?? 'table') as Format;
  if (!FORMATS.includes(format)) throw new UsageError(`--format ${options.format} is not known: use table, csv or html.`);
  for (const [flag, value] of [['--from', options.from], ['--to', options.to]] as const) {
    if (value !== undefined && !isDate(value)) throw new UsageError(`${flag} ${value} is not a date: write it as YYYY-MM-DD, for example 2026-11-01.`);
  }
  if (options.finding && (options.from || options.to)) throw new UsageError('Give --finding, or --from/--to, not both.');
  if (options.from && options.to && options.to < options.from) throw new UsageError(`--to ${options.to} is before --from ${options.from}: swap them.`);

  let found: Awaited<ReturnType<typeof disseminationFor>>;
  try {
    const scope = options.finding ? { finding: options.finding } : { from: options.from, to: options.to };
    found = await disseminationFor(target, scope, new Date(), (done, of) => io.progress(`Reading the ledger: briefing ${done} of ${of}`));
  } catch (error) {
    if (error instanceof UnknownFindingError) throw new UsageError(`${error.message} See the ids with: npm run cli -- findings list`);
    throw error;
  }
  io.progress('');
  const { report, description } = found;
  if (!report) {
    io.err(`${description}: nothing was sent, so there is nothing to report.`);
    return 1;
  }

  const text = format === 'csv' ? reportCsv(report) : format === 'html' ? reportHtml(report) : reportTable(report);
  // Each report its own file: per finding, or per period (from and to as given; 'start' and today's date when not).
  const scope = options.finding ?? `${options.from ?? 'start'}-to-${options.to ?? new Date().toISOString().slice(0, 10)}`;
  const out = options.out ?? (format === 'html' ? `out/reports/dissemination-${scope}.html` : undefined);
  if (out) {
    mkdirSync(dirname(resolve(out)), { recursive: true });
    writeFileSync(out, text);
    io.out(`Wrote the ${format} report (${report.total.sent} sent, ${report.total.acknowledged} acknowledged) to ${resolve(out)}`);
  } else io.out(text.trimEnd());
  return 0;
}
