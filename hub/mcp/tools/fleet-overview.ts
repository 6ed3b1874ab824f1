import { z } from "zod";
import { hostList } from "../../../shared/api/hosts.ts";
import { groupList } from "../../failover/api.ts";
import { alertList } from "../../rules/alerts-api.ts";
import { bounded, LIMITS } from "../compact/bounded.ts";
import { ago, compactHost, toCompactHost } from "../compact/host.ts";
import { runbookUri, truncation, truncationOf } from "./args.ts";
import { defineTool } from "./tool-kit.ts";

const output = z.object({
  counts: z.object({ hosts: z.int(), up: z.int(), down: z.int(), firingAlerts: z.int(), pendingAlerts: z.int() }),
  hosts: z.array(
    compactHost.extend({
      firingAlerts: z.int(),
      runbook: z.string().nullable().describe("URI of the host's runbook notes: read it before acting on the host"),
    }),
  ),
  failover: z.array(z.object({ group: z.string(), active: z.string(), activeHost: z.string(), available: z.boolean() })),
  ...truncation,
});

/** Every host with up/down and its firing alerts, and the failover groups' active members. */
export const fleetOverview = defineTool({
  name: "fleet_overview",
  title: "Fleet overview",
  description:
    "Every host Vigil watches: up or down, when it last reported, agent version, labels, how many alerts fire on it, and whether it has runbook notes; plus the failover groups' active members. Start here.",
  input: z.object({}),
  output,
  annotations: { readOnlyHint: true, openWorldHint: false },
  async run(_args, ctx) {
    const now = ctx.now();
    const notes: string[] = [];
    const [{ hosts }, alerts] = await Promise.all([
      ctx.api.get("/api/v1/hosts", hostList),
      ctx.api.get("/api/v1/alerts?state=active&history=0", alertList),
    ]);
    // Failover is optional to this answer: a hub without groups, or one failing to answer, still has a fleet.
    const groups = await ctx.api.get("/api/v1/failover", groupList).then(
      (g) => g.groups,
      (err: unknown) => {
        notes.push(`failover: not available (${err instanceof Error ? err.message : String(err)})`);
        return [];
      },
    );
    const firing = alerts.alerts.filter((a) => a.state === "firing");
    const firingBy = new Map<string, number>();
    for (const a of firing) if (a.hostId !== null) firingBy.set(a.hostId, (firingBy.get(a.hostId) ?? 0) + 1);
    // Down hosts first: they are what the reader came for.
    const sorted = [...hosts].sort((a, b) => (a.status === b.status ? a.id.localeCompare(b.id) : a.status === "down" ? -1 : 1));
    const shown = bounded(sorted, LIMITS.hosts, "hosts (down first)", notes);
    const structured = {
      counts: {
        hosts: hosts.length,
        up: hosts.filter((h) => h.status === "up").length,
        down: hosts.filter((h) => h.status === "down").length,
        firingAlerts: firing.length,
        pendingAlerts: alerts.alerts.filter((a) => a.state === "pending").length,
      },
      hosts: shown.map((h) => ({
        ...toCompactHost(h, now),
        firingAlerts: firingBy.get(h.id) ?? 0,
        runbook: runbookUri(h.id, ctx.settings.runbooks),
      })),
      failover: groups.map((g) => ({ group: g.group, active: g.active, activeHost: g.activeHost, available: g.available })),
      ...truncationOf(notes),
    };
    const c = structured.counts;
    const lines = [`${c.hosts} hosts: ${c.up} up, ${c.down} down; ${c.firingAlerts} alerts firing, ${c.pendingAlerts} pending.`];
    for (const h of structured.hosts) {
      lines.push(
        `- ${h.id} (${h.hostname}): ${h.status}, seen ${ago(h.lastSeenSecondsAgo)}${h.firingAlerts ? `, ${h.firingAlerts} firing` : ""}${h.runbook ? ", has runbook" : ""}`,
      );
    }
    for (const g of structured.failover)
      lines.push(`- failover ${g.group}: ${g.active} on ${g.activeHost}${g.available ? "" : " (UNAVAILABLE)"}`);
    lines.push(...notes.map((n) => `note: ${n}`));
    return { structured, summary: lines.join("\n") };
  },
});
