import type { HostSummary } from "../../shared/api/hosts.ts";
import { canonicalLabels } from "../../shared/labels.ts";
import type { SampleBatch } from "../../shared/protocol/sample-batch.ts";
import type { NumericSample, StateRecord } from "../../shared/protocol/samples.ts";
import { type Db, openDatabase } from "../../shared/sqlite/open-database.ts";
import { hubMigrations } from "./migrations.ts";

export interface IngestOutcome {
  duplicate: boolean;
  storedSamples: number;
  storedStates: number;
}

interface HostRow {
  id: string;
  hostname: string;
  labels: string;
  agentVersion: string;
  bootId: string;
  pushIntervalMs: number;
  firstSeen: number;
  lastSeen: number;
  lastSequence: number;
}

const HOST_COLUMNS = `id, hostname, labels, agent_version AS agentVersion, boot_id AS bootId,
  push_interval_ms AS pushIntervalMs, first_seen AS firstSeen, last_seen AS lastSeen, last_sequence AS lastSequence`;

/**
 * The hub's SQLite store (WAL). A batch is stored in one transaction together with its
 * (agent, boot, sequence) record, so it is either wholly stored once or not at all.
 */
export class HubStore {
  readonly db: Db;
  readonly #seriesIds = new Map<string, number>();
  readonly #markBatch;
  readonly #upsertHost;
  readonly #touchHost;
  readonly #findSeries;
  readonly #insertSeries;
  readonly #insertSample;
  readonly #upsertLatest;
  readonly #upsertState;

  constructor(file: string) {
    this.db = openDatabase(file, hubMigrations);
    this.#markBatch = this.db.prepare(
      "INSERT OR IGNORE INTO received_batches (agent_id, boot_id, sequence, received_at, sample_count) VALUES (?, ?, ?, ?, ?)",
    );
    this.#upsertHost = this.db.prepare(
      `INSERT INTO hosts (id, hostname, labels, agent_version, boot_id, push_interval_ms, first_seen, last_seen, last_sequence)
       VALUES (@id, @hostname, @labels, @agentVersion, @bootId, @pushIntervalMs, @now, @now, @sequence)
       ON CONFLICT (id) DO UPDATE SET hostname = excluded.hostname, labels = excluded.labels,
         agent_version = excluded.agent_version, boot_id = excluded.boot_id,
         push_interval_ms = excluded.push_interval_ms, last_seen = excluded.last_seen,
         last_sequence = MAX(hosts.last_sequence, excluded.last_sequence)`,
    );
    this.#touchHost = this.db.prepare("UPDATE hosts SET last_seen = ? WHERE id = ?");
    this.#findSeries = this.db.prepare("SELECT id FROM series WHERE host_id = ? AND name = ? AND labels = ?").pluck();
    this.#insertSeries = this.db.prepare("INSERT INTO series (host_id, name, labels) VALUES (?, ?, ?)");
    this.#insertSample = this.db.prepare("INSERT OR REPLACE INTO samples (series_id, timestamp, value) VALUES (?, ?, ?)");
    this.#upsertLatest = this.db.prepare(
      `INSERT INTO latest (series_id, timestamp, value) VALUES (?, ?, ?)
       ON CONFLICT (series_id) DO UPDATE SET timestamp = excluded.timestamp, value = excluded.value
       WHERE excluded.timestamp >= latest.timestamp`,
    );
    this.#upsertState = this.db.prepare(
      `INSERT INTO states (host_id, name, labels, timestamp, state) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (host_id, name, labels) DO UPDATE SET timestamp = excluded.timestamp, state = excluded.state
       WHERE excluded.timestamp >= states.timestamp`,
    );
  }

  /** Stores a validated batch once. A batch seen before only refreshes the host's last-seen time. */
  ingest(batch: SampleBatch, now: number): IngestOutcome {
    try {
      return this.#ingestTx(batch, now);
    } catch (err) {
      // The transaction rolled back: series ids cached during it may not exist.
      this.#seriesIds.clear();
      throw err;
    }
  }

  #ingestTx(batch: SampleBatch, now: number): IngestOutcome {
    return this.db.transaction((): IngestOutcome => {
      const { host } = batch;
      const fresh = this.#markBatch.run(host.agentId, host.bootId, batch.sequence, now, batch.samples.length).changes === 1;
      if (!fresh) {
        this.#touchHost.run(now, host.agentId);
        return { duplicate: true, storedSamples: 0, storedStates: 0 };
      }
      this.#upsertHost.run({
        id: host.agentId,
        hostname: host.hostname,
        labels: canonicalLabels(host.labels),
        agentVersion: host.agentVersion,
        bootId: host.bootId,
        pushIntervalMs: batch.pushIntervalMs,
        now,
        sequence: batch.sequence,
      });
      for (const s of batch.samples) {
        const id = this.#seriesId(host.agentId, s.name, canonicalLabels(s.labels));
        this.#insertSample.run(id, s.timestamp, s.value);
        this.#upsertLatest.run(id, s.timestamp, s.value);
      }
      for (const s of batch.states) this.#upsertState.run(host.agentId, s.name, canonicalLabels(s.labels), s.timestamp, s.state);
      return { duplicate: false, storedSamples: batch.samples.length, storedStates: batch.states.length };
    })();
  }

  listHosts(now: number, downAfterMissedPushes: number): HostSummary[] {
    const rows = this.db.prepare(`SELECT ${HOST_COLUMNS} FROM hosts ORDER BY id`).all() as HostRow[];
    return rows.map((r) => toSummary(r, now, downAfterMissedPushes));
  }

  getHost(id: string, now: number, downAfterMissedPushes: number): HostSummary | undefined {
    const row = this.db.prepare(`SELECT ${HOST_COLUMNS} FROM hosts WHERE id = ?`).get(id) as HostRow | undefined;
    return row ? toSummary(row, now, downAfterMissedPushes) : undefined;
  }

  latestSamples(hostId: string): NumericSample[] {
    const rows = this.db
      .prepare(
        `SELECT s.name, s.labels, l.timestamp, l.value FROM series s JOIN latest l ON l.series_id = s.id
         WHERE s.host_id = ? ORDER BY s.name, s.labels`,
      )
      .all(hostId) as Array<{ name: string; labels: string; timestamp: number; value: number }>;
    return rows.map((r) => ({
      name: r.name,
      labels: JSON.parse(r.labels) as Record<string, string>,
      timestamp: r.timestamp,
      value: r.value,
    }));
  }

  latestStates(hostId: string): StateRecord[] {
    const rows = this.db
      .prepare("SELECT name, labels, timestamp, state FROM states WHERE host_id = ? ORDER BY name, labels")
      .all(hostId) as Array<{ name: string; labels: string; timestamp: number; state: string }>;
    return rows.map((r) => ({
      name: r.name,
      labels: JSON.parse(r.labels) as Record<string, string>,
      timestamp: r.timestamp,
      state: r.state,
    }));
  }

  /** Forgets batch ids older than the dedup window; a batch resent after that would be stored again. */
  pruneReceivedBatches(olderThan: number): number {
    return this.db.prepare("DELETE FROM received_batches WHERE received_at < ?").run(olderThan).changes;
  }

  close(): void {
    this.db.close();
  }

  #seriesId(hostId: string, name: string, labels: string): number {
    const key = `${hostId}\u0000${name}\u0000${labels}`;
    const cached = this.#seriesIds.get(key);
    if (cached !== undefined) return cached;
    let id = this.#findSeries.get(hostId, name, labels) as number | undefined;
    if (id === undefined) id = Number(this.#insertSeries.run(hostId, name, labels).lastInsertRowid);
    this.#seriesIds.set(key, id);
    return id;
  }
}

function toSummary(r: HostRow, now: number, downAfterMissedPushes: number): HostSummary {
  const up = now - r.lastSeen <= r.pushIntervalMs * downAfterMissedPushes;
  return {
    id: r.id,
    hostname: r.hostname,
    labels: JSON.parse(r.labels) as Record<string, string>,
    agentVersion: r.agentVersion,
    bootId: r.bootId,
    firstSeen: r.firstSeen,
    lastSeen: r.lastSeen,
    pushIntervalMs: r.pushIntervalMs,
    status: up ? "up" : "down",
    lastSequence: r.lastSequence,
  };
}
