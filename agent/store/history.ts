import type { NumericSample, StateRecord } from "../../shared/protocol/samples.ts";
import type { Db } from "../../shared/sqlite/open-database.ts";

/** How long and how much history the agent keeps (`store.samplesRetention`, `store.samplesMaxBytes`). */
export interface RetentionPolicy {
  maxAgeMs: number;
  maxBytes: number;
}

export interface RetentionStep {
  deletedByAge: number;
  deletedBySize: number;
  /** Bytes of the history tables when they were measured (only when the database is over the size bound). */
  measuredBytes: number | null;
  /** True when the step stopped at its row limit: more is due and the next step should follow soon. */
  more: boolean;
}

const SERIES_CACHE_MAX = 50_000;

/**
 * The agent's local history: every sample, and every change of state, kept for `maxAgeMs` and at most
 * `maxBytes`. Retention runs in small steps (a bounded number of rows each), so it never stalls a
 * collection cycle however far over its bounds the history is (after a long stop, or a lowered limit).
 */
export class SampleHistory {
  readonly #db: Db;
  readonly #seriesIds = new Map<string, number>();
  readonly #insertSeries;
  readonly #seriesId;
  readonly #insertSample;
  readonly #insertState;
  readonly #deleteSamplesBefore;
  readonly #deleteStatesBefore;
  readonly #timeRange;

  constructor(db: Db) {
    this.#db = db;
    this.#insertSeries = db.prepare("INSERT INTO series (name, labels) VALUES (?, ?) ON CONFLICT (name, labels) DO NOTHING");
    this.#seriesId = db.prepare("SELECT id FROM series WHERE name = ? AND labels = ?").pluck();
    this.#insertSample = db.prepare("INSERT OR REPLACE INTO samples (timestamp, series_id, value) VALUES (?, ?, ?)");
    this.#insertState = db.prepare("INSERT OR REPLACE INTO state_changes (timestamp, series_id, state) VALUES (?, ?, ?)");
    // At most about `limit` of the oldest rows before `cut`: the subquery walks the time-ordered key
    // only `limit` rows, so a step costs the same whether 10 or 10 million rows are due.
    const chunked = (table: string) =>
      db.prepare(
        `DELETE FROM ${table} WHERE timestamp < @cut
           AND timestamp <= COALESCE((SELECT timestamp FROM ${table} ORDER BY timestamp LIMIT 1 OFFSET @limit), @cut)`,
      );
    this.#deleteSamplesBefore = chunked("samples");
    this.#deleteStatesBefore = chunked("state_changes");
    this.#timeRange = db.prepare("SELECT MIN(timestamp) AS min, MAX(timestamp) AS max FROM samples");
  }

  /** Adds one collection's samples; call inside the caller's transaction. */
  recordSample(s: NumericSample, labels: string): void {
    this.#insertSample.run(s.timestamp, this.#series(s.name, labels), s.value);
  }

  recordStateChange(s: StateRecord, labels: string): void {
    this.#insertState.run(s.timestamp, this.#series(s.name, labels), s.state);
  }

  /** Bytes the history tables occupy (their pages), measured with SQLite's dbstat. Costs a walk of their pages. */
  measureBytes(): number {
    return (
      (this.#db
        .prepare("SELECT COALESCE(SUM(pgsize), 0) FROM dbstat WHERE name IN ('samples', 'state_changes') AND aggregate = TRUE")
        .pluck()
        .get() as number) ?? 0
    );
  }

  /** Deletes at most about `maxRows` rows of each kind that are past the age or the size bound. */
  retentionStep(policy: RetentionPolicy, now: number, maxRows = 20_000): RetentionStep {
    const ageCut = now - policy.maxAgeMs;
    const byAge = this.#deleteSamplesBefore.run({ cut: ageCut, limit: maxRows }).changes;
    const statesByAge = this.#deleteStatesBefore.run({ cut: ageCut, limit: maxRows }).changes;
    let bySize = 0;
    let measured: number | null = null;
    // The whole database's used pages bound the history's from above and cost nothing to read, so
    // the page walk that measures the history is only paid when the database as a whole is over the bound.
    if (this.#usedBytes() > policy.maxBytes) {
      measured = this.measureBytes();
      if (measured > policy.maxBytes) {
        const range = this.#timeRange.get() as { min: number | null; max: number | null };
        if (range.min !== null && range.max !== null) {
          // Rows are spread about evenly over time: drop the oldest share of the time range that
          // matches the excess, plus 1% so the next step does not find the bound a few bytes over.
          const share = Math.min(1, (measured - policy.maxBytes) / measured + 0.01);
          const cut = Math.max(range.min + 1, Math.ceil(range.min + share * (range.max - range.min)));
          bySize = this.#deleteSamplesBefore.run({ cut, limit: maxRows }).changes;
          bySize += this.#deleteStatesBefore.run({ cut, limit: maxRows }).changes;
        }
      }
    }
    return {
      deletedByAge: byAge + statesByAge,
      deletedBySize: bySize,
      measuredBytes: measured,
      more: byAge >= maxRows || statesByAge >= maxRows || bySize >= maxRows,
    };
  }

  /** Forgets cached series ids, after a transaction that may have created some was rolled back. */
  forgetCachedSeries(): void {
    this.#seriesIds.clear();
  }

  #usedBytes(): number {
    const pageSize = this.#db.pragma("page_size", { simple: true }) as number;
    const pages = this.#db.pragma("page_count", { simple: true }) as number;
    const free = this.#db.pragma("freelist_count", { simple: true }) as number;
    return (pages - free) * pageSize;
  }

  #series(name: string, labels: string): number {
    const key = `${name}\u0000${labels}`;
    let id = this.#seriesIds.get(key);
    if (id === undefined) {
      this.#insertSeries.run(name, labels);
      id = this.#seriesId.get(name, labels) as number;
      if (this.#seriesIds.size >= SERIES_CACHE_MAX) this.#seriesIds.clear();
      this.#seriesIds.set(key, id);
    }
    return id;
  }
}
