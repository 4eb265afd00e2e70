import type { GateHit } from './anonymisation';

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
