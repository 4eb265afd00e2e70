/**
 * Runs `work` on every item with at most `concurrency` in flight, each worker taking the next
 * item as soon as its last one is done: the bench's loops that stand beside the pipeline.
 */
export async function eachConcurrently<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}
