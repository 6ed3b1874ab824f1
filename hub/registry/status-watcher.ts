import type { HostSummary } from "../../shared/api/hosts.ts";
import type { HostStatus } from "./host-status.ts";

/** A host turning down or back up. */
export interface HostTransition {
  hostId: string;
  from: HostStatus;
  to: HostStatus;
  /** When the change was noticed (hub clock). */
  at: number;
  lastSeen: number;
}

export interface StatusWatcherOptions {
  list: (now: number) => HostSummary[];
  onChange: (t: HostTransition) => void;
  now?: () => number;
  everyMs?: number;
}

/**
 * Notices hosts turning down (no heartbeat for the configured number of intervals) and back up, and
 * tells `onChange` once per change: the hub logs it, and alerting (issue 6) subscribes here. A host
 * goes down by the absence of data, so this runs on a timer, not on ingest. The first check only
 * records where every host stands: a hub restart does not announce hosts already down.
 */
export class HostStatusWatcher {
  readonly #o: StatusWatcherOptions;
  readonly #known = new Map<string, HostStatus>();
  #timer: NodeJS.Timeout | undefined;
  #primed = false;

  constructor(o: StatusWatcherOptions) {
    this.#o = o;
  }

  /** Compares every host's status with the last check's; returns (and reports) the changes. */
  check(): HostTransition[] {
    const now = (this.#o.now ?? Date.now)();
    const changes: HostTransition[] = [];
    const seen = new Set<string>();
    for (const h of this.#o.list(now)) {
      seen.add(h.id);
      // A host new since the last check has reported since then, so it was up: if it is down
      // already (it reported once and stopped), that is a change to announce.
      const before = this.#known.get(h.id) ?? "up";
      this.#known.set(h.id, h.status);
      if (before === h.status || !this.#primed) continue;
      changes.push({ hostId: h.id, from: before, to: h.status, at: now, lastSeen: h.lastSeen });
    }
    for (const id of this.#known.keys()) if (!seen.has(id)) this.#known.delete(id);
    this.#primed = true;
    for (const c of changes) this.#o.onChange(c);
    return changes;
  }

  start(): void {
    this.check();
    this.#timer = setInterval(() => this.check(), this.#o.everyMs ?? 5000);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
  }
}
