import type { Db } from "../../shared/sqlite/open-database.ts";

/** One host's series ids, valid for the host row created at `firstSeen`. */
interface HostSeries {
  firstSeen: number;
  ids: Map<string, number>;
}

/**
 * Series ids by (host, name, canonical labels), created on first sight. Ids are cached in memory:
 * resolving one is a Map lookup on the hot path instead of an index seek per sample.
 *
 * Two things can make a cached id stale, and both are handled here rather than by every caller:
 * - a transaction that created ids rolls back: the caller marks where a unit of work began and
 *   forgets what was created since when it fails;
 * - a host is deleted with its series (`vigil hosts remove`) and reports again: its host row is
 *   recreated with a new first_seen, and a different first_seen drops the host's cached ids.
 */
export class SeriesIds {
  readonly #hosts = new Map<string, HostSeries>();
  readonly #created: Array<[HostSeries, string]> = [];
  readonly #find;
  readonly #ofHost;
  readonly #insert;

  constructor(db: Db) {
    this.#find = db.prepare("SELECT id FROM series WHERE host_id = ? AND name = ? AND labels = ?").pluck();
    this.#ofHost = db.prepare("SELECT id, name, labels FROM series WHERE host_id = ?");
    this.#insert = db.prepare("INSERT INTO series (host_id, name, labels) VALUES (?, ?, ?)");
  }

  /**
   * The cache of one host whose row has this first_seen (as just written or read in the same
   * transaction). A host seen for the first time since the hub started has all its ids loaded in
   * one query: after a restart, 10,000 agents' first batches would otherwise cost 100 index seeks each.
   */
  host(hostId: string, firstSeen: number): HostSeries {
    let h = this.#hosts.get(hostId);
    if (h === undefined || h.firstSeen !== firstSeen) {
      h = { firstSeen, ids: new Map() };
      for (const r of this.#ofHost.all(hostId) as Array<{ id: number; name: string; labels: string }>) {
        h.ids.set(`${r.name}\u0000${r.labels}`, r.id);
      }
      this.#hosts.set(hostId, h);
    }
    return h;
  }

  resolve(host: HostSeries, hostId: string, name: string, labels: string): number {
    const key = `${name}\u0000${labels}`;
    const cached = host.ids.get(key);
    if (cached !== undefined) return cached;
    // The host's ids were all loaded when it was first seen and only this writer creates series, so
    // a miss is a new series: insert without a lookup first (it halves the cost of a new series).
    let id: number;
    try {
      id = Number(this.#insert.run(hostId, name, labels).lastInsertRowid);
      this.#created.push([host, key]);
    } catch (err) {
      if ((err as { code?: string }).code !== "SQLITE_CONSTRAINT_UNIQUE") throw err;
      id = this.#find.get(hostId, name, labels) as number;
    }
    host.ids.set(key, id);
    return id;
  }

  /** A point to roll back to: the ids created after it are forgotten by forgetSince(). */
  mark(): number {
    return this.#created.length;
  }

  forgetSince(mark: number): void {
    for (const [host, key] of this.#created.splice(mark)) host.ids.delete(key);
  }

  /** The transaction committed: what it created is permanent. */
  committed(): void {
    this.#created.length = 0;
  }

  /** Everything may be stale (a whole transaction rolled back). */
  clear(): void {
    this.#hosts.clear();
    this.#created.length = 0;
  }

  /** How many series ids are cached, for the hub's memory figures. */
  get size(): number {
    let n = 0;
    for (const h of this.#hosts.values()) n += h.ids.size;
    return n;
  }
}
