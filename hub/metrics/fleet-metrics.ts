import { Counter, Gauge, Histogram, type Registry } from "prom-client";
import type { HostSummary } from "../../shared/api/hosts.ts";
import type { TargetState } from "../pull/puller.ts";

export interface FleetSource {
  /** Every host with its status, read on each scrape. */
  hosts: (now: number) => HostSummary[];
  /** The pull scheduler's view of each agent it scrapes. */
  pullStates?: (() => TargetState[]) | undefined;
  now: () => number;
}

/** The hosts the hub knows (up from heartbeat staleness, or down), and its scrapes of pull-mode agents. */
export class FleetMetrics {
  readonly #scrapes;
  readonly #scrapeDuration;

  constructor(registry: Registry, o: FleetSource) {
    const registers = [registry];
    this.#scrapes = new Counter({
      name: "vigil_hub_pull_scrapes_total",
      help: "Scrapes of pull-mode agents by result (ok, timeout, unreachable, http_<status>, invalid, identity).",
      labelNames: ["result"] as const,
      registers,
    });
    this.#scrapeDuration = new Histogram({
      name: "vigil_hub_pull_scrape_duration_seconds",
      help: "Time one scrape of a pull-mode agent took, all its pages together.",
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    new Gauge({
      name: "vigil_hub_pull_up",
      help: "1 when the last scrape of the pull-mode agent succeeded, else 0.",
      labelNames: ["agent"] as const,
      registers,
      collect() {
        this.reset();
        for (const s of o.pullStates?.() ?? []) this.set({ agent: s.id }, s.up ? 1 : 0);
      },
    });
    // The host list is read once per scrape, by the first of the three gauges (the registry asks them in this order).
    let hosts: HostSummary[] = [];
    new Gauge({
      name: "vigil_hub_hosts",
      help: "Hosts known to the hub, by status (up: heard from within the configured missed intervals; down: stale).",
      labelNames: ["status"] as const,
      registers,
      collect() {
        hosts = o.hosts(o.now());
        this.set({ status: "up" }, hosts.filter((h) => h.status === "up").length);
        this.set({ status: "down" }, hosts.filter((h) => h.status === "down").length);
      },
    });
    new Gauge({
      name: "vigil_hub_host_up",
      help: "1 while the host is up (heartbeat within the configured missed intervals), 0 when down.",
      labelNames: ["agent"] as const,
      registers,
      collect() {
        this.reset();
        for (const h of hosts) this.set({ agent: h.id }, h.status === "up" ? 1 : 0);
      },
    });
    new Gauge({
      name: "vigil_hub_host_last_seen_timestamp_seconds",
      help: "When the hub last heard from the host (hub clock).",
      labelNames: ["agent"] as const,
      registers,
      collect() {
        this.reset();
        for (const h of hosts) this.set({ agent: h.id }, h.lastSeen / 1000);
      },
    });
  }

  scraped(outcome: { kind: string; durationMs: number }): void {
    this.#scrapes.inc({ result: outcome.kind });
    this.#scrapeDuration.observe(outcome.durationMs / 1000);
  }
}
