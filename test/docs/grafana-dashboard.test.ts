import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "../support/processes.ts";
import { readMetricsDoc } from "./metrics-doc.ts";

const DASHBOARD = join(ROOT, "docs", "grafana", "vigil-agent.json");

/** The last schema version of Grafana's classic dashboard JSON (Grafana 12.2 onward; later changes go to the v2 resource model). */
const CLASSIC_SCHEMA_VERSION = 42;

interface Target {
  refId?: unknown;
  expr?: unknown;
  datasource?: unknown;
}
interface Panel {
  id?: unknown;
  type?: unknown;
  title?: unknown;
  gridPos?: { x?: unknown; y?: unknown; w?: unknown; h?: unknown };
  datasource?: unknown;
  targets?: Target[];
  panels?: Panel[];
}
interface Dashboard {
  uid?: unknown;
  title?: unknown;
  schemaVersion?: unknown;
  panels?: Panel[];
  templating?: { list?: Array<{ name?: unknown; type?: unknown; query?: unknown; definition?: unknown; datasource?: unknown }> };
}

/** PromQL's functions, aggregations and keywords: identifiers in an expression that are not metric names. */
const PROMQL_WORDS = new Set([
  ...["sum", "min", "max", "avg", "count", "stddev", "stdvar", "topk", "bottomk", "quantile", "count_values", "group"],
  ...["by", "without", "on", "ignoring", "group_left", "group_right", "bool", "and", "or", "unless", "offset"],
  ...["rate", "irate", "increase", "delta", "idelta", "deriv", "predict_linear", "histogram_quantile", "resets", "changes"],
  ...["abs", "ceil", "floor", "round", "clamp", "clamp_min", "clamp_max", "exp", "ln", "log2", "log10", "sqrt", "time"],
  ...["timestamp", "vector", "scalar", "sort", "sort_desc", "label_replace", "label_join", "absent", "absent_over_time"],
  ...["avg_over_time", "min_over_time", "max_over_time", "sum_over_time", "count_over_time", "last_over_time", "inf", "nan"],
]);

/**
 * The metric names an expression reads. Written here rather than taken from a PromQL parser: npm's
 * parsers are bundles of the Grafana/Prometheus editors; this needs only the names, so it drops
 * strings, label matchers, ranges and the label lists of by/on/without/ignoring/group_*, and keeps
 * the identifiers that are no PromQL word. It does not check the syntax: Prometheus does
 * (docs/metrics.md says how the dashboard's queries were run against one).
 */
function metricNames(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, " ")
    .replace(/\[[^\]]*\]/g, " ")
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, " ");
  const names = [...stripped.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)].map((m) => m[0]).filter((w) => !PROMQL_WORDS.has(w));
  return [...new Set(names)];
}

function allPanels(panels: readonly Panel[]): Panel[] {
  return panels.flatMap((p) => [p, ...allPanels(p.panels ?? [])]);
}

describe("docs/grafana/vigil-agent.json", () => {
  const dashboard = JSON.parse(readFileSync(DASHBOARD, "utf8")) as Dashboard;
  const panels = allPanels(dashboard.panels ?? []);
  const queries = panels.filter((p) => p.type !== "row");

  it("is a classic Grafana dashboard: current schema, a Prometheus data source variable, host and instance variables", () => {
    expect(dashboard).toMatchObject({ uid: "vigil-agent", title: "Vigil agent", schemaVersion: CLASSIC_SCHEMA_VERSION });
    const vars = new Map((dashboard.templating?.list ?? []).map((v) => [v.name, v]));
    expect(vars.get("datasource")).toMatchObject({ type: "datasource", query: "prometheus" });
    expect(vars.get("host")).toMatchObject({ type: "query", definition: "label_values(vigil_agent_info, agent_id)" });
    expect(vars.get("instance")).toMatchObject({
      type: "query",
      definition: 'label_values(vigil_agent_info{agent_id=~"$host"}, instance)',
    });
    for (const name of ["host", "instance"]) expect(vars.get(name)?.datasource, name).toEqual({ type: "prometheus", uid: "${datasource}" });
  });

  it("has panels with unique ids, inside the 24-column grid, without overlaps, each query on ${datasource}", () => {
    expect(queries.length).toBeGreaterThan(15);
    expect(new Set(panels.map((p) => p.id)).size).toBe(panels.length);
    const cells = new Set<string>();
    for (const p of panels) {
      const { x, y, w, h } = p.gridPos ?? {};
      for (const v of [x, y, w, h]) expect(Number.isInteger(v), `${String(p.title)} gridPos`).toBe(true);
      const [px, py, pw, ph] = [x, y, w, h] as [number, number, number, number];
      expect(px >= 0 && pw >= 1 && px + pw <= 24 && ph >= 1, `${String(p.title)} inside the grid`).toBe(true);
      for (let i = px; i < px + pw; i++)
        for (let j = py; j < py + ph; j++) {
          expect(cells.has(`${i},${j}`), `${String(p.title)} overlaps another panel at ${i},${j}`).toBe(false);
          cells.add(`${i},${j}`);
        }
    }
    for (const p of queries) {
      expect(p.datasource, String(p.title)).toEqual({ type: "prometheus", uid: "${datasource}" });
      expect(p.targets?.length, String(p.title)).toBeGreaterThan(0);
      for (const t of p.targets ?? []) {
        expect(typeof t.expr === "string" && t.expr.length > 0, `${String(p.title)} ${String(t.refId)}`).toBe(true);
        // Every query follows the instance picker.
        expect(t.expr, String(p.title)).toContain('instance=~"$instance"');
      }
    }
  });

  it("reads only metrics docs/metrics.md lists for the agent, and shows every agent self-metric somewhere", () => {
    const documented = new Map(
      readMetricsDoc()
        .filter((d) => d.side === "agent")
        .map((d) => [d.name, d]),
    );
    const read = new Set<string>();
    for (const p of queries) {
      for (const t of p.targets ?? []) {
        for (const name of metricNames(t.expr as string)) {
          const base = name.replace(/_(bucket|sum|count)$/, "");
          const doc = documented.get(name) ?? (documented.get(base)?.type === "histogram" ? documented.get(base) : undefined);
          expect(doc, `${String(p.title)}: ${name} is not an agent metric in docs/metrics.md`).toBeDefined();
          read.add(doc?.name ?? name);
        }
      }
    }
    expect([...documented.keys()].filter((n) => n.startsWith("vigil_") && !read.has(n))).toEqual([]);
  });

  it("finds the metric names in PromQL, leaving out functions, label matchers and grouping labels", () => {
    expect(
      metricNames(
        'histogram_quantile(0.95, sum by (instance, collector, le) (rate(vigil_collector_cycle_duration_seconds_bucket{instance=~"$instance",x="a{b}"}[$__rate_interval])))',
      ),
    ).toEqual(["vigil_collector_cycle_duration_seconds_bucket"]);
    expect(
      metricNames('count by (instance) (vigil_collector_up{instance=~"$instance"} == 0) or on (instance) (0 * vigil_agent_info)'),
    ).toEqual(["vigil_collector_up", "vigil_agent_info"]);
  });
});
