import { briefingIdOf } from '../../core/delivery';
import type { Briefing, BriefingStore, DeliveryStore, FindingStore, ResponseStore, SettingsStore } from '../../core/ports';
import { versionOf } from '../../core/finding/publication';
import { computeDissemination, type DisseminationReport, type ReportBriefing, type ReportDelivery, type ReportResponse } from '../../render/report/compute';
import { gateLists } from '../publish/gate-lists';

/**
 * The dissemination report's figures, for one finding or a period, from the ledger's by-briefing
 * index (a Query per briefing, never a Scan of the ledger). The CLI (`report dissemination`) and
 * the console's reports page both read it here, then render it their own way.
 */
export interface ReportStores {
  findings: Pick<FindingStore, 'getRaw'>;
  briefings: Pick<BriefingStore, 'get' | 'plannedSince'>;
  deliveries: Pick<DeliveryStore, 'byBriefing'>;
  responses: Pick<ResponseStore, 'byBriefing'>;
  settings: SettingsStore;
}

export type ReportScope = { finding: string } | { from?: string; to?: string };

export class UnknownFindingError extends Error {
  override readonly name = 'UnknownFindingError';
}

async function briefingsInScope(stores: ReportStores, scope: ReportScope): Promise<{ briefings: Briefing[]; description: string }> {
  if ('finding' in scope) {
    const item = await stores.findings.getRaw(scope.finding);
    if (!item) throw new UnknownFindingError(`No finding with id '${scope.finding}'.`);
    const briefings: Briefing[] = [];
    for (let v = 1; v <= (versionOf(item) ?? 1); v++) {
      const briefing = await stores.briefings.get(briefingIdOf(scope.finding, v));
      if (briefing) briefings.push(briefing);
    }
    const title = typeof item.title === 'string' && item.title.trim() ? item.title.trim() : undefined;
    return { briefings, description: title ? `${title} (finding ${scope.finding})` : `Finding ${scope.finding}` };
  }
  const from = scope.from ?? '1970-01-01';
  const toEnd = scope.to ? `${scope.to}T23:59:59.999Z` : undefined;
  const briefings = (await stores.briefings.plannedSince(new Date(`${from}T00:00:00Z`))).filter((b) => !toEnd || b.plannedAt <= toEnd);
  const description = scope.from || scope.to ? `Briefings issued ${scope.from ?? 'from the start'} to ${scope.to ?? 'today'}` : 'All briefings';
  return { briefings, description };
}

/** The report, or undefined when nothing in scope was sent; `progress` hears of each briefing read. */
export async function disseminationFor(
  stores: ReportStores,
  scope: ReportScope,
  now: Date,
  progress: (done: number, of: number) => void = () => undefined,
): Promise<{ report?: DisseminationReport; description: string }> {
  const { briefings, description } = await briefingsInScope(stores, scope);
  if (!briefings.length) return { description };
  const deliveries: ReportDelivery[] = [];
  const responses: ReportResponse[] = [];
  for (const [index, briefing] of briefings.entries()) {
    progress(index + 1, briefings.length);
    for (const row of await stores.deliveries.byBriefing(briefing.briefingId)) {
      deliveries.push({
        briefingId: row.briefingId,
        kind: row.kind,
        // An acknowledgement may say the reader's agency and role better than the list did.
        agency: row.ackAgency ?? row.agency,
        role: row.ackRole ?? row.role,
        status: row.status,
        sentAt: row.sentAt,
        mailEvent: row.mailEvent,
        acknowledgedAt: row.acknowledgedAt,
      });
    }
    responses.push(...(await stores.responses.byBriefing(briefing.briefingId)));
  }
  const reportBriefings: ReportBriefing[] = briefings.map((b) => ({ briefingId: b.briefingId, findingId: b.findingId, version: b.version, title: b.finding.title, plannedAt: b.plannedAt }));
  const report = computeDissemination({
    briefings: reportBriefings,
    deliveries,
    responses,
    description,
    from: 'finding' in scope ? undefined : scope.from,
    to: 'finding' in scope ? undefined : scope.to,
    now,
    denyList: await gateLists(stores.settings),
  });
  return { report, description };
}
