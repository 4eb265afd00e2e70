import { scanTextWith, type GateLists } from './identifier-rules';

/**
 * A finding's id is its key, and goes into briefing, delivery and ledger keys, the admin's
 * email and (before it passed validation) logs. So it has a safe character set and length,
 * and the anonymisation gate reads it like any text: 'review-9434765919' carries an NHS
 * number. Until an id has passed both, nothing shows it as it is.
 *
 * This module holds what a log line needs, with the gate's pattern rules only: an id has the
 * safe shape (no spaces, so no prose for the name rule to read), and the functions that only
 * log ids stay free of the name model. finding-id.ts holds the full gate over an id.
 */
export const FINDING_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
export const FINDING_ID_RULE = "id may use letters, digits, '-', '_' and '.', up to 100 characters, starting with a letter or digit.";

/** What a log line carries in place of an id that has not passed validation and the gate. */
export const WITHHELD_ID = '(id withheld: not validated)';

export const hasIdShape = (id: unknown): id is string => typeof id === 'string' && FINDING_ID_PATTERN.test(id);

/** The deployment's lists, as the gate takes them: the deny list alone, or deny and allow lists. */
export type Lists = readonly string[] | GateLists;

/** The id if it has the safe shape and the gate's rules find nothing in it (not even a warning); otherwise WITHHELD_ID. */
export function loggableId(id: unknown, lists?: Lists): string {
  return hasIdShape(id) && scanTextWith('id', id, lists).length === 0 ? id : WITHHELD_ID;
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
