/**
 * Per-second rate of a cumulative counter between two readings `elapsedMs` apart. Undefined, so no
 * sample, when no time passed or when the counter went backwards (the interface was re-created or
 * its driver reloaded: a reset, not a negative rate).
 */
export function perSecondRate(previous: number, current: number, elapsedMs: number): number | undefined {
  if (!(elapsedMs > 0)) return undefined;
  const delta = current - previous;
  if (delta < 0) return undefined;
  return delta / (elapsedMs / 1000);
}
