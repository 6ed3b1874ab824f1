import type { NumericSample, StateRecord } from "../../shared/protocol/samples.ts";
import type { Db } from "../../shared/sqlite/open-database.ts";

/** The newest value of every series and state of a host, from the latest and states tables (one row each). */
export class LatestValues {
  readonly #samples;
  readonly #states;

  constructor(db: Db) {
    this.#samples = db.prepare(
      `SELECT s.name, s.labels, l.timestamp, l.value FROM series s JOIN latest l ON l.series_id = s.id
       WHERE s.host_id = ? ORDER BY s.name, s.labels`,
    );
    this.#states = db.prepare("SELECT name, labels, timestamp, state FROM states WHERE host_id = ? ORDER BY name, labels");
  }

  samples(hostId: string): NumericSample[] {
    const rows = this.#samples.all(hostId) as Array<{ name: string; labels: string; timestamp: number; value: number }>;
    return rows.map((r) => ({
      name: r.name,
      labels: JSON.parse(r.labels) as Record<string, string>,
      timestamp: r.timestamp,
      value: r.value,
    }));
  }

  states(hostId: string): StateRecord[] {
    const rows = this.#states.all(hostId) as Array<{ name: string; labels: string; timestamp: number; state: string }>;
    return rows.map((r) => ({
      name: r.name,
      labels: JSON.parse(r.labels) as Record<string, string>,
      timestamp: r.timestamp,
      state: r.state,
    }));
  }
}
