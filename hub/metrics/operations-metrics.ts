import { Counter, Gauge, type Registry } from "prom-client";
import type { GroupStatus } from "../failover/api.ts";

/** Action requests the hub signs and their results, and the failover groups (switches, active member, health). */
export class OperationsMetrics {
  readonly #requests;
  readonly #results;
  readonly #switches;
  #groups: (() => GroupStatus[]) | undefined;

  constructor(registry: Registry) {
    const registers = [registry];
    this.#requests = new Counter({
      name: "vigil_hub_action_requests_total",
      help: "Action requests from operators, rules and failover, by outcome: queued (signed and queued for the agent) or host_not_found (refused by the hub).",
      labelNames: ["outcome"] as const,
      registers,
    });
    this.#results = new Counter({
      name: "vigil_hub_action_results_total",
      help: "Results agents reported for action requests, by status: succeeded, failed, timed_out, refused (by the agent), dry_run.",
      labelNames: ["status"] as const,
      registers,
    });
    this.#switches = new Counter({
      name: "vigil_hub_failover_switches_total",
      help: "Switches of a failover group's active member, by cause: failover, failback, pin, config.",
      labelNames: ["group", "cause"] as const,
      registers,
    });
    // The groups are read once per scrape, by the first of these gauges (the registry asks them in this order).
    let groups: GroupStatus[] = [];
    const read = () => this.#groups;
    new Gauge({
      name: "vigil_hub_failover_active",
      help: "1 for the member a failover group's requests and jobs go to now, 0 for its other members.",
      labelNames: ["group", "member"] as const,
      registers,
      collect() {
        groups = read()?.() ?? [];
        this.reset();
        for (const g of groups) for (const m of g.members) this.set({ group: g.group, member: m.name }, m.name === g.active ? 1 : 0);
      },
    });
    new Gauge({
      name: "vigil_hub_failover_member_up",
      help: "1 when the member's health check passes, 0 when it fails; absent before its first check.",
      labelNames: ["group", "member"] as const,
      registers,
      collect() {
        this.reset();
        for (const g of groups)
          for (const m of g.members) if (m.status !== "unknown") this.set({ group: g.group, member: m.name }, m.status === "up" ? 1 : 0);
      },
    });
    new Gauge({
      name: "vigil_hub_failover_available",
      help: "0 while the group's active member is down and no other member can serve (the proxy answers 503), else 1.",
      labelNames: ["group"] as const,
      registers,
      collect() {
        this.reset();
        for (const g of groups) this.set({ group: g.group }, g.available ? 1 : 0);
      },
    });
    new Gauge({
      name: "vigil_hub_failover_epoch",
      help: "The group's fencing token: one more with every switch, kept across restarts.",
      labelNames: ["group"] as const,
      registers,
      collect() {
        this.reset();
        for (const g of groups) this.set({ group: g.group }, g.epoch);
      },
    });
  }

  /** An action request was queued for its agent, or refused by the hub. */
  actionRequest(outcome: "queued" | "host_not_found"): void {
    this.#requests.inc({ outcome });
  }

  actionResult(status: string): void {
    this.#results.inc({ status });
  }

  failoverSwitched(group: string, cause: string): void {
    this.#switches.inc({ group, cause });
  }

  /** Where the failover groups are read at each scrape (FailoverService.list). */
  watchFailover(groups: () => GroupStatus[]): void {
    this.#groups = groups;
  }
}
