/**
 * The sequence of the nth batch (from 1) a store will seal, counted from the one its next seal takes.
 * A new database starts at its creation time in ms (agent-store.ts, firstSequence), so tests speak of
 * the first, second... batch rather than of literal numbers. Call it before the first seal.
 */
export function nthSequence(store: { outbox: { nextSequence(): number } }): (n: number) => number {
  const first = store.outbox.nextSequence();
  return (n) => first + n - 1;
}
