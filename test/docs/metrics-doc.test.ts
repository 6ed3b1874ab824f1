import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { AGENT_CATALOG } from "../../shared/metrics/agent.ts";
import { SERIES_BY_NAME, STATES_BY_NAME } from "../../shared/metrics/index.ts";
import { freePort, getJson, useProcesses, waitFor } from "../support/processes.ts";
import { type PromFamily, parsePromText } from "../support/prom-text.ts";
import { useTempDirs } from "../support/temp-dir.ts";
import { type DocumentedMetric, readMetricsDoc, type Side } from "./metrics-doc.ts";

const tempDir = useTempDirs();
const start = useProcesses();

/** Self-metrics: everything but the collected series, which docs/collectors.md documents from the shared catalogs. */
const COLLECTED: ReadonlySet<string> = new Set([...SERIES_BY_NAME.keys(), ...STATES_BY_NAME.keys()]);
const SELF = /^(vigil_|process_|nodejs_)/;
/** The agent's own series that travel with every batch, and so are federated on the hub's page too. */
const TRAVELLING: ReadonlySet<string> = new Set(Object.values(AGENT_CATALOG.series).map((s) => s.name));

async function scrape(url: string): Promise<Map<string, PromFamily>> {
  const res = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(5000) });
  expect(res.status).toBe(200);
  return parsePromText(await res.text());
}

/** Where `docs` and what `families` show disagree, as lines naming the metric; [] when they agree. */
function differences(side: Side, families: Map<string, PromFamily>, docs: readonly DocumentedMetric[]): string[] {
  const documented = new Map(docs.filter((d) => d.side === side).map((d) => [d.name, d]));
  const agentDocs = new Map(docs.filter((d) => d.side === "agent").map((d) => [d.name, d]));
  const problems: string[] = [];
  const shown = new Set<string>();
  for (const f of families.values()) {
    if (!SELF.test(f.name) || COLLECTED.has(f.name)) continue;
    // On the hub, the agent's travelling series are federated samples, documented on the agent's side, with an `agent` label added.
    const federated = side === "hub" && TRAVELLING.has(f.name) && !documented.has(f.name);
    const doc = federated ? agentDocs.get(f.name) : documented.get(f.name);
    if (!federated) shown.add(f.name);
    if (!doc) {
      problems.push(`${side}: ${f.name} (${f.type}) is shown but not in docs/metrics.md`);
      continue;
    }
    if (doc.type !== f.type) problems.push(`${side}: ${f.name} is a ${f.type}, documented as a ${doc.type}`);
    const allowed = new Set([...doc.labels, ...(f.type === "histogram" ? ["le"] : []), ...(federated ? ["agent"] : [])]);
    const undocumented = [...new Set(f.samples.flatMap((s) => Object.keys(s.labels)))].filter((l) => !allowed.has(l));
    if (undocumented.length > 0) problems.push(`${side}: ${f.name} has labels ${undocumented.join(", ")} not in docs/metrics.md`);
  }
  for (const name of documented.keys()) if (!shown.has(name)) problems.push(`${side}: ${name} is in docs/metrics.md but not shown`);
  return problems;
}

describe("docs/metrics.md", () => {
  it("lists exactly the self-metrics a running agent and hub show, with their types and labels", { timeout: 60_000 }, async () => {
    const docs = readMetricsDoc();
    const dir = tempDir();
    const [hubPort, agentPort] = [await freePort(), await freePort()];
    const hubUrl = `http://127.0.0.1:${hubPort}`;
    const agentUrl = `http://127.0.0.1:${agentPort}`;
    // A backup section, so the backup metrics are registered (docs/operations.md); its first run is a minute away.
    const hubConfig = join(dir, "hub.yaml");
    writeFileSync(hubConfig, `backup:\n  directory: ${JSON.stringify(join(dir, "backups"))}\n  interval: 1h\n`);
    const hub = start("hub/main.js", ["--config", hubConfig], {
      VIGIL_HUB_LISTEN: `127.0.0.1:${hubPort}`,
      VIGIL_DATA_DIR: join(dir, "hub"),
    });
    await waitFor("the hub to be ready", async () => (await getJson(`${hubUrl}/readyz`)).status === 200 || undefined);
    const agent = start("agent/main.js", [], {
      VIGIL_HUB_URL: hubUrl,
      VIGIL_AGENT_LISTEN: `127.0.0.1:${agentPort}`,
      VIGIL_DATA_DIR: join(dir, "agent"),
      VIGIL_AGENT_ID: "metrics-doc",
      VIGIL_PUSH_INTERVAL: "1s",
      VIGIL_COLLECT_INTERVAL: "1s",
    });
    // Two pushes acknowledged: the agent's counters have moved, and the hub federates its collector series.
    await waitFor(
      "two batches pushed to the hub",
      async () => ((await getJson<{ push: { batchesSent: number } }>(`${agentUrl}/readyz`)).body.push.batchesSent >= 2 ? true : undefined),
      20_000,
    ).catch((err: Error) => {
      throw new Error(`${err.message}\nagent: ${agent.output()}\nhub: ${hub.output()}`);
    });

    const agentFamilies = await scrape(agentUrl);
    const hubFamilies = await scrape(hubUrl);
    // The scrapes are real: collected series and federated ones are on the pages, and were left aside above.
    expect(agentFamilies.get("vigil_load1")?.samples.length).toBe(1);
    expect(hubFamilies.get("vigil_collector_up")?.samples.some((s) => s.labels.agent === "metrics-doc")).toBe(true);
    expect(hubFamilies.get("vigil_collector_up")?.type).toBe("gauge");
    // And the self-metrics are fed as run-agent.ts and run-hub.ts wire them.
    const sum = (f: PromFamily | undefined, name: string, labels: Record<string, string> = {}) =>
      (f?.samples ?? [])
        .filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
        .reduce((a, s) => a + s.value, 0);
    expect(
      sum(agentFamilies.get("vigil_collector_cycles_total"), "vigil_collector_cycles_total", { collector: "system", outcome: "ok" }),
    ).toBeGreaterThanOrEqual(1);
    expect(
      sum(agentFamilies.get("vigil_push_attempts_total"), "vigil_push_attempts_total", { outcome: "acknowledged" }),
    ).toBeGreaterThanOrEqual(2);
    expect(sum(hubFamilies.get("vigil_hub_ingest_commit_batches"), "vigil_hub_ingest_commit_batches_count")).toBeGreaterThanOrEqual(2);
    const evaluations = hubFamilies.get("vigil_hub_rule_evaluation_duration_seconds");
    expect(sum(evaluations, "vigil_hub_rule_evaluation_duration_seconds_count", { trigger: "batch" })).toBeGreaterThanOrEqual(2);

    expect(differences("agent", agentFamilies, docs)).toEqual([]);
    expect(differences("hub", hubFamilies, docs)).toEqual([]);
  });

  it("reads every table row, and a row it cannot read is an error naming its line", () => {
    const docs = readMetricsDoc();
    expect(docs.filter((d) => d.side === "agent").length).toBeGreaterThan(30);
    expect(docs.find((d) => d.side === "hub" && d.name === "vigil_hub_alerts")).toEqual({
      side: "hub",
      name: "vigil_hub_alerts",
      type: "gauge",
      unit: "alerts",
      labels: ["rule", "state"],
    });
    for (const d of docs) {
      if (d.type === "counter") expect(d.name, d.name).toMatch(/_total$/);
      if (d.name.endsWith("_seconds") || d.name.endsWith("_seconds_total")) expect(d.unit, d.name).toBe("seconds");
      if (d.name.endsWith("_bytes")) expect(d.unit, d.name).toBe("bytes");
    }
    expect(() => readMetricsDoc("## Agent\n\n| `vigil_x` | gauge | | | no unit |\n")).toThrow(/line 3/);
    expect(() => readMetricsDoc("## Hub\n\n| `a_total` | counter | runs | | x |\n| `a_total` | counter | runs | | x |\n")).toThrow(
      /a_total twice on the hub side/,
    );
  });

  it("would see a metric shown but not documented, one documented but not shown, and a wrong type", () => {
    const families = parsePromText(
      '# HELP vigil_new_total x\n# TYPE vigil_new_total counter\nvigil_new_total 1\n# HELP vigil_g x\n# TYPE vigil_g gauge\nvigil_g{extra="1"} 2\n',
    );
    const docs: DocumentedMetric[] = [
      { side: "agent", name: "vigil_g", type: "counter", unit: "1", labels: [] },
      { side: "agent", name: "vigil_gone", type: "gauge", unit: "1", labels: [] },
    ];
    expect(differences("agent", families, docs)).toEqual([
      "agent: vigil_new_total (counter) is shown but not in docs/metrics.md",
      "agent: vigil_g is a gauge, documented as a counter",
      "agent: vigil_g has labels extra not in docs/metrics.md",
      "agent: vigil_gone is in docs/metrics.md but not shown",
    ]);
  });
});
