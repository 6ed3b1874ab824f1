import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadHubConfig } from "../../../hub/config/load.ts";
import { remediationRules } from "../../../hub/remediation/rule-table.ts";
import { ROOT } from "../../support/processes.ts";
import { useTempDirs } from "../../support/temp-dir.ts";

const tempDir = useTempDirs();
const DOC = readFileSync(join(ROOT, "docs", "remediation.md"), "utf8");

function example(): string {
  const start = DOC.indexOf("<!-- example: hub.yaml -->");
  const block = /```yaml\n([\s\S]*?)```/.exec(DOC.slice(start))?.[1];
  if (start === -1 || block === undefined) throw new Error("docs/remediation.md has no hub.yaml example");
  return block;
}

function write(text: string): string {
  const file = join(tempDir(), "hub.yaml");
  writeFileSync(file, text);
  return file;
}

function errorOf(text: string): string {
  const file = write(text);
  try {
    loadHubConfig({ configFile: file, env: {} });
  } catch (err) {
    return (err as Error).message.replaceAll(file, "/etc/vigil/hub.yaml");
  }
  throw new Error("the config loaded");
}

describe("docs/remediation.md", () => {
  it("its example loads, with the limits the document states", () => {
    const { config } = loadHubConfig({ configFile: write(example()), env: {} });
    const rules = remediationRules(config);
    expect([...rules.values()].map((r) => [r.name, r.view.action, r.view.host, r.limits])).toEqual([
      [
        "container-unhealthy",
        "restart-container",
        "{{host}}",
        { maxRuns: 2, windowMs: 3_600_000, backoffMs: 30_000, verifyAfterMs: 180_000 },
      ],
      ["unit-failed", "restart-unit", "{{host}}", { maxRuns: 3, windowMs: 3_600_000, backoffMs: 30_000, verifyAfterMs: 60_000 }],
      [
        "predictions-stale",
        "fallback-timer",
        "fallback-box",
        { maxRuns: 3, windowMs: 3_600_000, backoffMs: 30_000, verifyAfterMs: 60_000 },
      ],
    ]);
  });

  it("quotes the hub's own error messages", () => {
    const danger = errorOf(
      `${example()}  - name: pg\n    state: vigil_unit_active_state\n    condition: ==\n    value: failed\n    remediation: { action: restart-postgres }\n`,
    );
    const line = danger.split("\n").find((l) => l.includes("is a danger action"));
    expect(DOC).toContain(line?.replace("rules[1]", "rules[0]").trim());
    const unknown = errorOf(
      "remediation:\n  actions:\n    restart-unit: { risk: caution }\n    restart-container: { risk: caution }\nbuiltinRules:\n  unit-failed: { remediation: { action: reboot-host } }\n",
    );
    expect(DOC).toContain(
      unknown
        .split("\n")
        .find((l) => l.includes("is not in remediation.actions"))
        ?.trim(),
    );
  });
});
