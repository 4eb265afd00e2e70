import fc from 'fast-check';
import { claimParts } from '../../shared/flows/send/send-briefing';
import { MAX_SEND_BATCH } from '../../shared/contract/sending';

/** How a stream batch is split for its claims: a small first claim, the rest in parts that grow, every row once. */
test('a batch of 100 is claimed as 4, 8, 16, 16, 16, 16, 16 and 8 rows', () => {
  expect(claimParts(100).map(([from, to]) => to - from)).toEqual([4, 8, 16, 16, 16, 16, 16, 8]);
});

test('every batch size: the parts follow each other, cover every row once, start small and stay at most 16', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: MAX_SEND_BATCH }), (count) => {
      const parts = claimParts(count);
      let next = 0;
      for (const [from, to] of parts) {
        expect(from).toBe(next);
        expect(to - from).toBeGreaterThanOrEqual(1);
        expect(to - from).toBeLessThanOrEqual(16);
        next = to;
      }
      expect(next).toBe(count);
      if (count) expect(parts[0]![1]).toBeLessThanOrEqual(4);
      // Claim requests per row stay well under the ledger's budget of 0.25 write requests per recipient.
      expect(parts.length).toBeLessThanOrEqual(Math.max(1, Math.ceil(count / 16) + 2));
    }),
  );
});
