import { z } from "zod";
import { hostLatest } from "../../../shared/api/hosts.ts";
import { HOST_VIEWS, type HostViewPath, hostView } from "../../../shared/api/views.ts";
import { alertList } from "../../rules/alerts-api.ts";
import { bounded, LIMITS } from "../compact/bounded.ts";
import { compactAlert, describeAlert, toCompactAlert } from "../compact/alerts.ts";
import { ago, compactHost, toCompactHost } from "../compact/host.ts";
import { systemSummary, toSystemSummary } from "../compact/system.ts";
import { compactView, toCompactView } from "../compact/view.ts";
import { hostArg, runbookUri, truncation, truncationOf } from "./args.ts";
import { defineTool } from "./tool-kit.ts";

const VIEW_NAMES = HOST_VIEWS.map((v) => v.path) as unknown as readonly [HostViewPath, ...HostViewPath[]];
const viewName = z.enum(VIEW_NAMES);

const input = z.object({
  host: hostArg,
  include: z
    .array(viewName)
    .min(1)
    .optional()
    .describe(`Which views to include (default all): ${VIEW_NAMES.join(", ")}`),
  details: z
    .boolean()
    .default(false)
    .describe("Also each entity's detail records (a GPU's clocks and processes, a pool's vdevs and datasets)"),
});

const output = z.object({
  host: compactHost,
  runbook: z.string().nullable().describe("URI of the host's runbook notes: read it before acting on the host"),
  system: systemSummary,
  gpus: compactView.optional(),
  pools: compactView.optional(),
  containers: compactView.optional(),
  units: compactView.optional(),
  probes: compactView.optional(),
  alerts: z.array(compactAlert).describe("Pending and firing alerts of this host"),
  ...truncation,
});

/** One host: its status, system figures, GPUs, pools, containers, units, probes and active alerts. */
export const hostState = defineTool({
  name: "host_state",
  title: "One host's state",
  description:
    "The newest state of one host: up/down, CPU, load, memory and disks, then its GPUs, ZFS pools, containers, systemd units and probes (values by name, absent when not reported, never 0), and its pending and firing alerts.",
  input,
  output,
  annotations: { readOnlyHint: true, openWorldHint: false },
  async run(args, ctx) {
    const now = ctx.now();
    const notes: string[] = [];
    const id = encodeURIComponent(args.host);
    const views = HOST_VIEWS.filter((v) => args.include === undefined || args.include.includes(v.path));
    const [latest, alerts, ...answers] = await Promise.all([
      ctx.api.get(`/api/v1/hosts/${id}/latest`, hostLatest),
      ctx.api.get(`/api/v1/alerts?state=active&history=0&host=${id}`, alertList),
      ...views.map((v) => ctx.api.get(`/api/v1/hosts/${id}/${v.path}`, hostView)),
    ]);
    const structured: z.output<typeof output> = {
      host: toCompactHost(latest.host, now),
      runbook: runbookUri(args.host, ctx.settings.runbooks),
      system: toSystemSummary(latest.samples, notes),
      alerts: bounded(alerts.alerts, LIMITS.alerts, "alerts", notes).map(toCompactAlert),
      truncated: false,
      notes,
    };
    views.forEach((v, i) => {
      const answer = answers[i];
      if (answer) structured[v.path] = toCompactView(answer, { details: args.details }, notes);
    });
    Object.assign(structured, truncationOf(notes));
    return { structured, summary: summarize(structured) };
  },
});

function summarize(s: z.output<typeof output>): string {
  const h = s.host;
  const sys = s.system;
  const lines = [`${h.id} (${h.hostname}) is ${h.status}, last seen ${ago(h.lastSeenSecondsAgo)}, agent ${h.agentVersion}.`];
  const figures = [
    sys.cpuUsagePercent === undefined ? undefined : `CPU ${sys.cpuUsagePercent.toFixed(0)}%`,
    sys.load1 === undefined ? undefined : `load ${sys.load1}`,
    sys.memoryUsedPercent === undefined ? undefined : `memory ${sys.memoryUsedPercent.toFixed(0)}%`,
    sys.filesystems[0] ? `fullest disk ${sys.filesystems[0].mountpoint} ${sys.filesystems[0].usedPercent.toFixed(0)}%` : undefined,
  ].filter((f) => f !== undefined);
  if (figures.length) lines.push(figures.join(", "));
  for (const v of HOST_VIEWS) {
    const view = s[v.path];
    if (view && view.entities.length) lines.push(`${v.title}: ${view.entities.map((e) => e.id).join(", ")}`);
  }
  lines.push(
    s.alerts.length ? `Alerts: ${s.alerts.map((a) => `${a.state} ${describeAlert(a)}`).join("; ")}` : "No pending or firing alerts.",
  );
  if (s.runbook) lines.push(`Runbook notes: ${s.runbook} (read before acting on this host).`);
  lines.push(...s.notes.map((n) => `note: ${n}`));
  return lines.join("\n");
}
