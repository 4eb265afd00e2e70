import { renderBriefing } from '../../render/email/briefing';
import { briefingIdOf } from '../../core/delivery';
import { hasIdShape } from '../../core/gate/loggable-id';
import { briefingWithdrawnPage, chooseAgencyPage } from '../../render/pages/briefing';
import { notFoundPage, type PageResult } from '../../render/pages/shell';
import type { Briefing, BriefingStore } from '../../core/ports';
import { AGENCY_IDS, ROLE_IDS } from '../../core/taxonomy';

/** A finding has few versions; this bounds the look-up should a store misbehave. */
const MOST_VERSIONS = 100;

/** The newest planned version of a finding, or undefined if none was ever planned. */
async function latestSnapshot(briefings: Pick<BriefingStore, 'get'>, findingId: string): Promise<Briefing | undefined> {
  let latest: Briefing | undefined;
  for (let version = 1; version <= MOST_VERSIONS; version++) {
    const snapshot = await briefings.get(briefingIdOf(findingId, version));
    if (!snapshot) break;
    latest = snapshot;
  }
  return latest;
}

/**
 * GET /briefing?f=<finding id>&agency=…&role=…: the whole 7-minute briefing on the web, its
 * latest version, with that agency's actions and that role's prompt. What went out by email,
 * without the personal links (no acknowledge, manage or unsubscribe link): the anonymisation
 * gate passed it before it was planned. Withdrawn: 410. Never planned (a draft, a typo): 404.
 */
export async function briefingPage(
  deps: { briefings: Pick<BriefingStore, 'get'>; senderName?: string; logoUrl?: string; contactDetails?: string },
  query: URLSearchParams,
): Promise<PageResult> {
  const findingId = query.get('f') ?? '';
  if (!hasIdShape(findingId)) return notFoundPage();
  const snapshot = await latestSnapshot(deps.briefings, findingId);
  if (!snapshot) return notFoundPage();
  if (snapshot.withdrawnAt) return briefingWithdrawnPage(snapshot.finding.title);
  const agency = AGENCY_IDS.find((id) => id === query.get('agency'));
  if (!agency) return chooseAgencyPage(findingId, snapshot.finding.title);
  const role = ROLE_IDS.find((id) => id === query.get('role')) ?? 'frontline';
  const rendered = renderBriefing(
    snapshot.finding,
    { name: '', agency, role },
    { unsubscribeUrl: '' },
    // A corrected briefing says so, and what changed since the version before.
    { issuedAt: snapshot.plannedAt, partnershipName: deps.senderName, logoUrl: deps.logoUrl, contactDetails: deps.contactDetails, changedFields: snapshot.changedFields },
  );
  return { status: 200, html: rendered.html };
}
