import type { Finding } from '../finding/finding';
import { datesInWords } from './dates-in-words';
import { scanFindingWith, scanTextWith, type GateHit, type GateLists, type GateResult, type ProseReaders } from './identifier-rules';
import { findPersonNames } from './person-names';

/**
 * The anonymisation gate: every rule in identifier-rules.ts (NHS, NI, postcode, date, phone,
 * email, deny list) with its prose readers: dates in words (dates-in-words.ts) and person names
 * (person-names.ts). Whatever decides what leaves in a briefing or is stored from a practitioner
 * uses this module; a log line's id check uses the pattern rules alone (loggable-id.ts), so that
 * functions that never scan prose carry neither the parser nor the name model.
 */
export * from './identifier-rules';

const READERS: ProseReaders = { names: findPersonNames, datesInWords };

/** Every identifier the gate catches in one piece of text, person names included, in order of position. */
export function scanText(field: string, text: string, lists?: readonly string[] | GateLists): GateHit[] {
  return scanTextWith(field, text, lists, READERS);
}

/** Scans every text field of a finding that reaches a briefing; hits come in field order, then by position. */
export function scanFinding(finding: Finding, lists?: readonly string[] | GateLists): GateResult {
  return scanFindingWith(finding, lists, READERS);
}
