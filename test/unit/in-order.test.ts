import { HeldBackError, inOrderPerKey } from '../../shared/adapters/in-order';

/** Once a record for a key fails, its later records in the batch wait for the retry. */

test('a failure holds back later records of the same key only', async () => {
  const ran: string[] = [];
  const handle = inOrderPerKey<{ key: string; name: string; fail?: boolean }>(
    (r) => r.key,
    async (r) => {
      ran.push(r.name);
      if (r.fail) throw new Error('throttled');
    },
  );
  const batch = [
    { key: 'a', name: 'a1', fail: true },
    { key: 'b', name: 'b1' },
    { key: 'a', name: 'a2' },
    { key: 'b', name: 'b2' },
  ];
  const results = [];
  for (const record of batch) results.push(await handle(record).then(() => 'ok', (e: Error) => e.name));
  expect(results).toEqual(['Error', 'ok', 'HeldBackError', 'ok']);
  expect(ran).toEqual(['a1', 'b1', 'b2']);
  await expect(handle({ key: 'a', name: 'a3' })).rejects.toBeInstanceOf(HeldBackError);
});
