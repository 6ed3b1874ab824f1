import { canonicalLabels } from "../../shared/labels.ts";
import type { NumericSample, StateRecord } from "../../shared/protocol/samples.ts";
import type { Db } from "../../shared/sqlite/open-database.ts";

/**
 * The newest value of every series and state, for /metrics and GET /api/v1/snapshot. A value never
 * moves back in time: an older reading arriving late does not overwrite a newer one.
 */
export class LatestValues {
  readonly #upsertSample;
  readonly #upsertState;
  readonly #stateOf;
  readonly #samples;
  readonly #states;

  constructor(db: Db) {
    this.#upsertSample = db.prepare(
      `INSERT INTO latest_samples (name, labels, timestamp, value) VALUES (?, ?, ?, ?)
       ON CONFLICT (name, labels) DO UPDATE SET timestamp = excluded.timestamp, value = excluded.value
       WHERE excluded.timestamp >= latest_samples.timestamp`,
    );
    this.#upsertState = db.prepare(
      `INSERT INTO latest_states (name, labels, timestamp, state) VALUES (?, ?, ?, ?)
       ON CONFLICT (name, labels) DO UPDATE SET timestamp = excluded.timestamp, state = excluded.state
       WHERE excluded.timestamp >= latest_states.timestamp`,
    );
    this.#stateOf = db.prepare("SELECT timestamp, state FROM latest_states WHERE name = ? AND labels = ?");
    this.#samples = db.prepare("SELECT name, labels, timestamp, value FROM latest_samples WHERE timestamp >= ? ORDER BY name, labels");
    this.#states = db.prepare("SELECT name, labels, timestamp, state FROM latest_states WHERE timestamp >= ? ORDER BY name, labels");
  }

  recordSample(s: NumericSample, labels = canonicalLabels(s.labels)): void {
    this.#upsertSample.run(s.name, labels, s.timestamp, s.value);
  }

  /** Records a state; true when it differs from the newest one known (a change worth keeping in history). */
  recordState(s: StateRecord, labels = canonicalLabels(s.labels)): boolean {
    const before = this.#stateOf.get(s.name, labels) as { timestamp: number; state: string } | undefined;
    this.#upsertState.run(s.name, labels, s.timestamp, s.state);
    return before === undefined || (before.state !== s.state && s.timestamp >= before.timestamp);
  }

  /** Every series' newest sample taken at or after `since` (older ones are series that stopped reporting). */
  samples(since = 0): NumericSample[] {
    return (this.#samples.all(since) as Array<{ name: string; labels: string; timestamp: number; value: number }>).map((r) => ({
      ...r,
      labels: JSON.parse(r.labels) as Record<string, string>,
    }));
  }

  states(since = 0): StateRecord[] {
    return (this.#states.all(since) as Array<{ name: string; labels: string; timestamp: number; state: string }>).map((r) => ({
      ...r,
      labels: JSON.parse(r.labels) as Record<string, string>,
    }));
  }
}
