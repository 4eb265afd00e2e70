import { scanFinding, scanText, type GateHit, type GateLists, type GateResult } from './anonymisation';
import type { Finding } from './finding';
import { maskHits } from './mask-hits';

/**
 * A finding's id is its key, and goes into briefing, delivery and ledger keys, the admin's
 * email and (before it passed validation) logs. So it has a safe character set and length,
 * and the anonymisation gate reads it like any text: 'review-9434765919' carries an NHS
 * number. Until an id has passed both, nothing shows it as it is.
 */
export const FINDING_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
export const FINDING_ID_RULE = "id may use letters, digits, '-', '_' and '.', up to 100 characters, starting with a letter or digit.";

/** What a log line carries in place of an id that has not passed validation and the gate. */
export const WITHHELD_ID = '(id withheld: not validated)';

export const hasIdShape = (id: unknown): id is string => typeof id === 'string' && FINDING_ID_PATTERN.test(id);

/** The deployment's lists, as the gate takes them: the deny list alone, or deny and allow lists. */
type Lists = readonly string[] | GateLists;

/** What the gate blocks in an id (the deny list included, when given). */
export const idGateHits = (id: string, lists?: Lists): GateHit[] => scanText('id', id, lists).filter((hit) => hit.severity === 'block');

/** The id if it has the safe shape and the gate finds nothing in it (not even a warning); otherwise WITHHELD_ID. */
export function loggableId(id: unknown, lists?: Lists): string {
  return hasIdShape(id) && scanText('id', id, lists).length === 0 ? id : WITHHELD_ID;
}

const LEDGER_MIDDLE = /^(?:v\d{1,4}|withdrawn|\d{4}-W\d{2})$/;
const RECIPIENT_KEY = /^[0-9a-f]{24}$/;

/**
 * A ledger id (`<finding id>#v<N>#<recipient key>`, `…#withdrawn#…`, `digest#<week>#…`) or a
 * briefing id (`<finding id>#v<N>`) for a log line: each part must be what this code writes
 * there, and the finding id loggable; otherwise WITHHELD_ID.
 */
export function loggableLedgerId(id: unknown): string {
  if (typeof id !== 'string' || id.length > 200) return WITHHELD_ID;
  const [head, middle, key, ...rest] = id.split('#');
  const shaped = rest.length === 0 && middle !== undefined && LEDGER_MIDDLE.test(middle) && (key === undefined || RECIPIENT_KEY.test(key));
  return shaped && loggableId(head) !== WITHHELD_ID ? id : WITHHELD_ID;
}

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
