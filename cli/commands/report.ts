import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { briefingIdOf } from '../../shared/domain/delivery';
import type { Briefing } from '../../shared/domain/ports';
import { versionOf } from '../../shared/domain/publication';
import { computeDissemination, reportCsv, reportHtml, reportTable, type ReportBriefing, type ReportDelivery } from '../../shared/domain/report';
import type { Output } from '../output';
import { UsageError, type Target } from '../target';
import { gateLists } from '../../shared/services/gate-lists';

/**
 * `report dissemination`: reach and acknowledgement by agency and role, for one finding
 * or a period, from the ledger's by-briefing index (a Query per briefing, never a Scan of
 * the ledger). Table for the terminal, CSV for a spreadsheet, one HTML file for a paper.
 */

const FORMATS = ['table', 'csv', 'html'] as const;
type Format = (typeof FORMATS)[number];

const isDate = (value: string) => /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(value));

async function briefingsInScope(target: Target, options: { finding?: string; from?: string; to?: string }): Promise<{ briefings: Briefing[]; description: string }> {
  if (options.finding) {
    const item = await target.findings.getRaw(options.finding);
    if (!item) throw new UsageError(`No finding with id '${options.finding}'. See the ids with: npm run cli -- findings list`);
    const briefings: Briefing[] = [];
    for (let v = 1; v <= (versionOf(item) ?? 1); v++) {
      const briefing = await target.briefings.get(briefingIdOf(options.finding, v));
      if (briefing) briefings.push(briefing);
    }
    // The report is read by people: the finding by its title, the id after it.
    const title = typeof item.title === 'string' && item.title.trim() ? item.title.trim() : undefined;
    return { briefings, description: title ? `${title} (finding ${options.finding})` : `Finding ${options.finding}` };
  }
  const from = options.from ?? '1970-01-01';
  // A date-only "to" includes that whole day.
  const toEnd = options.to ? `${options.to}T23:59:59.999Z` : undefined;
  const briefings = (await target.briefings.plannedSince(new Date(`${from}T00:00:00Z`))).filter((b) => !toEnd || b.plannedAt <= toEnd);
  const description = options.from || options.to ? `Briefings issued ${options.from ?? 'from the start'} to ${options.to ?? 'today'}` : 'All briefings';
  return { briefings, description };
}

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

  const { briefings, description } = await briefingsInScope(target, options);
  if (!briefings.length) {
    io.err(`${description}: nothing was sent, so there is nothing to report.`);
    return 1;
  }
  const deliveries: ReportDelivery[] = [];
  const responses = [];
  for (const [index, briefing] of briefings.entries()) {
    io.progress(`Reading the ledger: briefing ${index + 1} of ${briefings.length}`);
    for (const row of await target.deliveries.byBriefing(briefing.briefingId)) {
      deliveries.push({
        briefingId: row.briefingId,
        kind: row.kind,
        // The agency and role it was sent for, as recorded when it was acknowledged.
        agency: row.ackAgency ?? row.agency,
        role: row.ackRole ?? row.role,
        status: row.status,
        sentAt: row.sentAt,
        mailEvent: row.mailEvent,
        acknowledgedAt: row.acknowledgedAt,
      });
    }
    responses.push(...(await target.responses.byBriefing(briefing.briefingId)));
  }
  io.progress('');
  const reportBriefings: ReportBriefing[] = briefings.map((b) => ({ briefingId: b.briefingId, findingId: b.findingId, version: b.version, title: b.finding.title, plannedAt: b.plannedAt }));
  const report = computeDissemination({
    briefings: reportBriefings,
    deliveries,
    responses,
    description,
    from: options.from,
    to: options.to,
    now: new Date(),
    denyList: await gateLists(target.settings),
  });

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
