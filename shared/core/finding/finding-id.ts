import { scanFinding, scanText, type GateHit, type GateResult } from '../gate/anonymisation';
import type { Finding } from './finding';
import type { Lists } from '../gate/loggable-id';
import { maskHits } from '../gate/mask-hits';

/** The id's shape and what a log line may show of it live in loggable-id.ts (no name model there). */
export { FINDING_ID_PATTERN, FINDING_ID_RULE, WITHHELD_ID, hasIdShape, loggableId, loggableLedgerId } from '../gate/loggable-id';

/** What the gate blocks in an id (the deny list included, when given). */
export const idGateHits = (id: string, lists?: Lists): GateHit[] => scanText('id', id, lists).filter((hit) => hit.severity === 'block');

/**
 * The id as the admin's email names it: what the gate found masked, characters outside the
 * safe set shown as '?', cut to 100 characters. The item itself still has the real key.
 */
export function shownId(id: string, hits: readonly GateHit[]): string {
  const masked = maskHits(id, hits).replace(/[^A-Za-z0-9._\-•]/gu, '?');
  const chars = [...masked];
  return chars.length > 100 ? `${chars.slice(0, 99).join('')}…` : masked;
}

/** The gate over a finding and its id, the id first (as the admin reads the item). */
export function scanFindingAndId(finding: Finding, lists?: Lists): GateResult {
  const text = scanFinding(finding, lists);
  return { blocked: [...idGateHits(finding.id, lists), ...text.blocked], warnings: text.warnings };
}
