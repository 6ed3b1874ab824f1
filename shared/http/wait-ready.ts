/**
 * Polls `url` until it answers 2xx, at most `timeoutMs`; rejects with the URL and the limit.
 * Used where one process waits for another it started (the local stack, the benchmarks).
 */
export async function waitForHttpOk(url: string, timeoutMs: number, everyMs = 100): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(Math.min(1000, timeoutMs)) });
      await res.arrayBuffer();
      if (res.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`${url} did not answer within ${timeoutMs / 1000}s`);
}
