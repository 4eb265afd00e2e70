import type { Briefing, BriefingStore } from '../../core/ports';
import type { ArchiveQuery } from '../../render/pages/archive';

/**
 * The public archive: every published briefing's latest version (never a withdrawn one), by topic
 * and agency, with search, and an Atom feed (rendered by render/pages/archive.tsx).
 */

/** The latest snapshot of each finding that is still out (not withdrawn), newest first. */
export async function currentBriefings(briefings: Pick<BriefingStore, 'plannedSince'>): Promise<Briefing[]> {
  const latest = new Map<string, Briefing>();
  for (const briefing of await briefings.plannedSince(new Date(0))) {
    const kept = latest.get(briefing.findingId);
    if (!kept || kept.version < briefing.version) latest.set(briefing.findingId, briefing);
  }
  return [...latest.values()].filter((b) => !b.withdrawnAt).sort((a, b) => b.plannedAt.localeCompare(a.plannedAt));
}


const fold = (text: string) => text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();

function filterBriefings(briefings: Briefing[], query: ArchiveQuery): Briefing[] {
  const words = fold(query.q ?? '').split(/\s+/).filter(Boolean);
  return briefings.filter(({ finding }) => {
    if (query.topic && !(finding.topics as readonly string[]).includes(query.topic)) return false;
    if (query.agency && !(finding.agencies as readonly string[]).includes(query.agency)) return false;
    const text = fold([finding.title, finding.source.name, finding.background, finding.whyItMatters, ...finding.learning].join(' '));
    return words.every((word) => text.includes(word));
  });
}

/** The briefings an archive query finds: the current ones, filtered. */
export async function archiveListing(briefings: Pick<BriefingStore, 'plannedSince'>, query: ArchiveQuery): Promise<Briefing[]> {
  return filterBriefings(await currentBriefings(briefings), query);
}
