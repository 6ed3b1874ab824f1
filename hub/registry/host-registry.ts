import type { HostSummary } from "../../shared/api/hosts.ts";
import { canonicalLabels } from "../../shared/labels.ts";
import type { HostIdentity } from "../../shared/protocol/identity.ts";
import type { Db } from "../../shared/sqlite/open-database.ts";
import { heartbeatIntervalMs, hostStatus } from "./host-status.ts";

export interface HostRegistryOptions {
  db: Db;
  /** A host is down after this many heartbeat intervals without one (hosts.downAfterMissedPushes). */
  downAfterMissed: number;
  /** The scrape interval of each agent the hub pulls from (pull.agents), by agent id. */
  pullIntervals?: ReadonlyMap<string, number>;
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

const COLUMNS = `id, hostname, labels, agent_version AS agentVersion, boot_id AS bootId, push_interval_ms AS pushIntervalMs,
  first_seen AS firstSeen, last_seen AS lastSeen, last_sequence AS lastSequence`;

/**
 * The host registry: every agent that has reported, with first/last seen, agent version, labels and
 * up/down from heartbeat staleness. Batches (pushed or pulled) write the hosts table through the
 * store's ingest; this adds what ingest does not: the heartbeat of a scrape that brought no new
 * batch, and up/down, which also feeds alerting (status-watcher.ts).
 */
export class HostRegistry {
  readonly #missed: number;
  readonly #pullIntervals: ReadonlyMap<string, number>;
  readonly #all;
  readonly #one;
  readonly #lastSequence;
  readonly #heartbeat;

  constructor(o: HostRegistryOptions) {
    this.#missed = o.downAfterMissed;
    this.#pullIntervals = o.pullIntervals ?? new Map();
    this.#all = o.db.prepare(`SELECT ${COLUMNS} FROM hosts ORDER BY id`);
    this.#one = o.db.prepare(`SELECT ${COLUMNS} FROM hosts WHERE id = ?`);
    this.#lastSequence = o.db.prepare("SELECT last_sequence FROM hosts WHERE id = ?").pluck();
    // A host first seen through a scrape with nothing sealed yet gets a row too, so it is listed.
    this.#heartbeat = o.db.prepare(
      `INSERT INTO hosts (id, hostname, labels, agent_version, boot_id, push_interval_ms, first_seen, last_seen, last_sequence)
       VALUES (@id, @hostname, @labels, @agentVersion, @bootId, @intervalMs, @now, @now, 0)
       ON CONFLICT (id) DO UPDATE SET hostname = excluded.hostname, labels = excluded.labels,
         agent_version = excluded.agent_version, boot_id = excluded.boot_id, last_seen = MAX(hosts.last_seen, excluded.last_seen)`,
    );
  }

  list(now: number): HostSummary[] {
    return (this.#all.all() as HostRow[]).map((r) => this.#summary(r, now));
  }

  get(id: string, now: number): HostSummary | undefined {
    const row = this.#one.get(id) as HostRow | undefined;
    return row ? this.#summary(row, now) : undefined;
  }

  /** The highest batch sequence stored for the agent (0 for none): where a scrape resumes. */
  lastSequence(id: string): number {
    return (this.#lastSequence.get(id) as number | undefined) ?? 0;
  }

  /** A successful scrape is a heartbeat, new batches or not: the identity the agent gave, seen now. */
  recordHeartbeat(identity: HostIdentity, intervalMs: number, now: number): void {
    this.#heartbeat.run({
      id: identity.agentId,
      hostname: identity.hostname,
      labels: canonicalLabels(identity.labels),
      agentVersion: identity.agentVersion,
      bootId: identity.bootId,
      intervalMs,
      now,
    });
  }

  /** The interval used for the host's staleness: push interval, or the longer of it and the scrape interval. */
  heartbeatInterval(id: string, pushIntervalMs: number): number {
    return heartbeatIntervalMs(pushIntervalMs, this.#pullIntervals.get(id));
  }

  get downAfterMissed(): number {
    return this.#missed;
  }

  #summary(r: HostRow, now: number): HostSummary {
    const pulled = this.#pullIntervals.has(r.id);
    return {
      id: r.id,
      hostname: r.hostname,
      labels: JSON.parse(r.labels) as Record<string, string>,
      agentVersion: r.agentVersion,
      bootId: r.bootId,
      firstSeen: r.firstSeen,
      lastSeen: r.lastSeen,
      pushIntervalMs: r.pushIntervalMs,
      status: hostStatus(r.lastSeen, now, this.heartbeatInterval(r.id, r.pushIntervalMs), this.#missed),
      lastSequence: r.lastSequence,
      mode: pulled ? "pull" : "push",
    };
  }
}
