import { parseFinding, type Finding } from '../shared/core/finding/finding';
import type { Member } from '../shared/core/audience';
import { AGENCY_IDS, ROLE_IDS } from '../shared/core/taxonomy';
import { sample } from '../test/support/findings';

/** What every scenario sends: one valid, approved finding and a generated audience. */

export const BENCH_LIST = { id: 'bench-audience', name: 'Bench audience (generated)' };
export const BENCH_FINDING_ID = 'bench-national-review';
export const APPROVER = 'Bench approver (partnership business manager)';

/** The finding as an admin would put it in the findings table: published and approved. */
export function benchFindingItem(): Record<string, unknown> {
  return { ...sample, id: BENCH_FINDING_ID, status: 'published', version: 1, approvedBy: APPROVER };
}

export function benchFinding(): Finding {
  const parsed = parseFinding(benchFindingItem());
  if (!parsed.ok) throw new Error(`the bench finding is not valid: ${JSON.stringify(parsed.errors)}`);
  return parsed.finding;
}

/**
 * N list members with example.org addresses; agency and role vary so that consecutive
 * readers get different tailored briefings (every agency × role pair in 56 readers).
 */
export function benchMembers(count: number): Member[] {
  return Array.from({ length: count }, (_, i) => ({
    email: `bench.reader.${String(i + 1).padStart(5, '0')}@example.org`,
    name: `Reader ${i + 1}`,
    agency: AGENCY_IDS[i % AGENCY_IDS.length]!,
    role: ROLE_IDS[Math.floor(i / AGENCY_IDS.length) % ROLE_IDS.length]!,
  }));
}

export const DISTINCT_READERS = AGENCY_IDS.length * ROLE_IDS.length;
