import fc from 'fast-check';
import { scanText, type GateHit } from '../../shared/core/gate/anonymisation';
import {
  CONTEXTS,
  DISGUISE_DENY_LIST,
  IDENTIFIER_KINDS,
  REPORTED_DISGUISES,
  disguisedIdentifier,
  type DisguisedIdentifier,
} from '../support/gate-disguises';

/**
 * The gate against disguises it did not write itself: every valid identifier, with every
 * disguise people use (separators, line breaks, other scripts' digits, invisible characters,
 * spelled-out emails, look-alike letters), alone and combined, must be held.
 */

/** Every letter and digit of the identifier lies inside a blocking hit. */
function heldWhole(text: string, start: number, length: number, hits: GateHit[]): boolean {
  const blocks = hits.filter((hit) => hit.severity === 'block');
  for (let i = start; i < start + length; i++) {
    if (!/[\p{L}\p{N}]/u.test(text[i]!)) continue;
    if (!blocks.some((hit) => hit.position <= i && i < hit.position + hit.length)) return false;
  }
  return blocks.length > 0;
}

function check(identifier: DisguisedIdentifier, contextIndex: number): boolean {
  const [before, after] = CONTEXTS[contextIndex]!('\u0000').split('\u0000') as [string, string];
  const text = `${before}${identifier.text}${after}`;
  const hits = scanText('background', text, DISGUISE_DENY_LIST);
  return heldWhole(text, before.length, identifier.text.length, hits);
}

describe('every disguise the outside test found is held', () => {
  test.each(REPORTED_DISGUISES.map((c) => [c.what, c.text, c.rule] as const))('%s', (_what, disguised, rule) => {
    const text = `The record showed ${disguised} for the child.`;
    const hits = scanText('background', text, DISGUISE_DENY_LIST);
    expect(hits.filter((hit) => hit.severity === 'block').map((hit) => hit.rule)).toEqual([rule]);
    expect(heldWhole(text, 18, disguised.length, hits)).toBe(true);
  });
});

describe.each(IDENTIFIER_KINDS)('%s: valid, disguised any way, alone and combined, is held whole', (kind) => {
  test('property', () => {
    fc.assert(
      fc.property(disguisedIdentifier(kind), fc.nat({ max: CONTEXTS.length - 1 }), (identifier, context) => check(identifier, context)),
      { numRuns: 400 },
    );
  });
});

describe('the mask and the message never give the identifier away', () => {
  test.each(IDENTIFIER_KINDS)('%s', (kind) => {
    fc.assert(
      fc.property(disguisedIdentifier(kind), (identifier) => {
        const hits = scanText('learning[0]', identifier.text, DISGUISE_DENY_LIST);
        const alnum = (value: string) => value.normalize('NFKC').replace(/[^\p{L}\p{N}]/gu, '').toLowerCase();
        return hits.every((hit) => !alnum(hit.message).includes(alnum(identifier.plain)) && !/[\u200B\u200C\u2060\u00AD\n]/.test(hit.message));
      }),
      { numRuns: 100 },
    );
  });
});
