/**
 * The soak's verdicts, from records alone: samples (the workers' journals against the hub's database)
 * and alert transitions (the plan against what each receiver accepted).
 */
import type { Journal } from "./journal.ts";

export interface SampleAccount {
  batchesSent: number;
  samplesSent: number;
  samplesStored: number;
  /** Stored beyond what was sent: more rows at a batch's timestamp, or rows at a timestamp no batch had. */
  samplesDuplicated: number;
  samplesLost: number;
  /** Of the lost: samples of batches the hub had acknowledged (the worst kind of loss). */
  samplesLostAfterAck: number;
  /** Batches never acknowledged by the end of the drain (still in an outbox). */
  batchesUnacked: number;
  duplicateAcks: number;
}

/** Stored sample rows per host id, then per timestamp (ms). */
export type StoredSamples = Map<string, Map<number, number>>;

export function accountSamples(journal: Journal, stored: StoredSamples, agentId: (index: number) => string): SampleAccount {
  const r: SampleAccount = {
    batchesSent: 0,
    samplesSent: 0,
    samplesStored: 0,
    samplesDuplicated: 0,
    samplesLost: 0,
    samplesLostAfterAck: 0,
    batchesUnacked: 0,
    duplicateAcks: journal.duplicateAcks,
  };
  const journaledHosts = new Set<string>();
  for (const [index, a] of journal.agents) {
    const host = agentId(index);
    journaledHosts.add(host);
    const rows = stored.get(host) ?? new Map<number, number>();
    const timestamps = new Set<number>();
    for (const b of a.generated.values()) {
      timestamps.add(b.sealedAt);
      const count = rows.get(b.sealedAt) ?? 0;
      r.batchesSent++;
      r.samplesSent += b.samples;
      r.samplesStored += Math.min(count, b.samples);
      r.samplesDuplicated += Math.max(0, count - b.samples);
      const lost = Math.max(0, b.samples - count);
      r.samplesLost += lost;
      if (a.acked.has(b.sequence)) r.samplesLostAfterAck += lost;
      else r.batchesUnacked++;
    }
    for (const [ts, count] of rows) if (!timestamps.has(ts)) r.samplesDuplicated += count;
  }
  // A simulated host the journals never mention yet has rows: everything it holds is unexplained.
  for (const [host, rows] of stored) {
    if (journaledHosts.has(host)) continue;
    for (const count of rows.values()) r.samplesDuplicated += count;
  }
  return r;
}

/** One accepted delivery at a receiver: its delivery id when the channel sends one, and the transitions it carried. */
export interface Delivery {
  deliveryId?: string;
  keys: string[];
}

export interface ChannelAccount {
  expected: number;
  delivered: number;
  /** The same transition in another delivery: a message sent twice. */
  duplicated: number;
  /** The same delivery id accepted again (at-least-once after a hub kill; receivers deduplicate on it). */
  redelivered: number;
  unexpected: number;
  lost: number;
}

export function accountChannel(expected: readonly string[], deliveries: readonly Delivery[]): ChannelAccount {
  const want = new Set(expected);
  const seenIds = new Set<string>();
  const receipts = new Map<string, number>();
  let redelivered = 0;
  for (const d of deliveries) {
    if (d.deliveryId !== undefined) {
      if (seenIds.has(d.deliveryId)) {
        redelivered++;
        continue;
      }
      seenIds.add(d.deliveryId);
    }
    for (const k of d.keys) receipts.set(k, (receipts.get(k) ?? 0) + 1);
  }
  let delivered = 0;
  let duplicated = 0;
  let unexpected = 0;
  for (const [k, n] of receipts) {
    if (want.has(k)) delivered++;
    else unexpected++;
    duplicated += n - 1;
  }
  return { expected: want.size, delivered, duplicated, redelivered, unexpected, lost: want.size - delivered };
}

/** Nearest-rank percentile; NaN for no values. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] as number;
}
