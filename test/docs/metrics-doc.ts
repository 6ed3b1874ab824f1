import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "../support/processes.ts";

export type Side = "agent" | "hub";

export interface DocumentedMetric {
  side: Side;
  name: string;
  type: string;
  unit: string;
  labels: string[];
}

export const METRICS_DOC = join(ROOT, "docs", "metrics.md");

/**
 * The metric tables of docs/metrics.md: every row `| \`name\` | type | unit | labels | meaning |`
 * under `## Agent` or `## Hub` (and their `###` subsections), labels as backticked names.
 * Throws on a row it cannot read or a metric listed twice on one side, naming the line.
 */
export function readMetricsDoc(text = readFileSync(METRICS_DOC, "utf8")): DocumentedMetric[] {
  const out: DocumentedMetric[] = [];
  let side: Side | undefined;
  text.split("\n").forEach((line, i) => {
    const heading = /^## (\S+)/.exec(line);
    if (heading) side = heading[1] === "Agent" ? "agent" : heading[1] === "Hub" ? "hub" : undefined;
    if (!side || !line.startsWith("| `")) return;
    const cells = line
      .split("|")
      .slice(1, -1)
      .map((c) => c.trim());
    const name = /^`([a-zA-Z_:][a-zA-Z0-9_:]*)`$/.exec(cells[0] ?? "")?.[1];
    const [, type = "", unit = "", labelCell = ""] = cells;
    if (!name || cells.length !== 5 || !["counter", "gauge", "histogram", "summary"].includes(type) || unit === "") {
      throw new Error(`docs/metrics.md line ${i + 1}: expected | \`name\` | type | unit | labels | meaning |, got ${line}`);
    }
    if (out.some((m) => m.side === side && m.name === name))
      throw new Error(`docs/metrics.md line ${i + 1}: ${name} twice on the ${side} side`);
    const labels = [...labelCell.matchAll(/`([a-zA-Z_][a-zA-Z0-9_]*)`/g)].map((m) => m[1] as string);
    out.push({ side, name, type, unit, labels });
  });
  return out;
}
