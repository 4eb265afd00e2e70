/**
 * Lambda retries a stream batch from its lowest failed record. Records after a failure
 * would otherwise run now and again later, out of order: a re-issue could overtake the
 * publish before it. This wrapper fails every later record of the same key in the batch
 * without running it, so each key's changes are applied in stream order.
 */
export class HeldBackError extends Error {
  override readonly name = 'HeldBackError';
}

export function inOrderPerKey<R>(keyOf: (record: R) => string, handle: (record: R) => Promise<void>): (record: R) => Promise<void> {
  const failed = new Set<string>();
  return async (record) => {
    const key = keyOf(record);
    if (failed.has(key)) throw new HeldBackError(`An earlier change to ${key} failed in this batch; this one waits for its retry.`);
    try {
      await handle(record);
    } catch (error) {
      failed.add(key);
      throw error;
    }
  };
}
