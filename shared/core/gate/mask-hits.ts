import { scanText, type GateHit, type GateLists, type GateRule } from './anonymisation';

/** How far a hit reaches in the text as typed (UTF-16 units): its length, or as many characters as its masked copy. */
function spanOf(text: string, hit: GateHit): number {
  const length = (hit as { length?: number }).length;
  if (typeof length === 'number' && length > 0) return length;
  const chars = [...text.slice(hit.position)].slice(0, [...hit.masked].length);
  return chars.join('').length;
}

/**
 * The text with every hit replaced by its masked copy ('call 07700 900123' → 'call ••••• ••••23'),
 * so what is kept or shown carries no identifier. Overlapping hits are masked once.
 */
export function maskHits(text: string, hits: readonly GateHit[]): string {
  let out = '';
  let at = 0;
  for (const hit of [...hits].sort((a, b) => a.position - b.position)) {
    if (hit.position < at) continue;
    out += text.slice(at, hit.position) + hit.masked;
    at = hit.position + spanOf(text, hit);
  }
  return out + text.slice(at);
}

/** What is kept of a text the gate still finds something in after masking (a span it could not pin down). */
export const TEXT_WITHHELD = '(not kept: it held personal details)';

/**
 * Free text from the public (an acknowledgement's answer) screened by the anonymisation gate
 * before it is kept or shown: every match masked, warnings too (an answer is no place for a
 * number that only might be an NHS number). `rules` says what was found, never the text.
 */
export function screenText(field: string, text: string, lists?: readonly string[] | GateLists): { text: string; rules: GateRule[] } {
  const hits = scanText(field, text, lists);
  if (hits.length === 0) return { text, rules: [] };
  const masked = maskHits(text, hits);
  const rules = [...new Set(hits.map((hit) => hit.rule))];
  // Masking must leave nothing the gate would still block: otherwise keep none of it.
  return { text: scanText(field, masked, lists).some((hit) => hit.severity === 'block') ? TEXT_WITHHELD : masked, rules };
}
