/**
 * Runs `fn` over `items` with at most `limit` calls in flight, in order of the items; resolves when
 * all have settled. A rejection is the callee's business: `fn` is expected to handle its own errors.
 */
export async function runLimited<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await fn(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, limit), items.length) }, worker));
}
