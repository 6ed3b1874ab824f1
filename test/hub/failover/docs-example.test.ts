import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadAgentConfig } from "../../../agent/config/load.ts";
import { parseRunIfActiveArgs } from "../../../agent/run-if-active/args.ts";
import { loadHubConfig } from "../../../hub/config/load.ts";
import { ROOT } from "../../support/processes.ts";
import { useTempDirs } from "../../support/temp-dir.ts";

const tempDir = useTempDirs();
const DOC = readFileSync(join(ROOT, "docs", "failover.md"), "utf8");

/** The YAML block after `<!-- example: <name> -->`, with token files replaced by inline tokens (the files do not exist here). */
function example(name: string): string {
  const start = DOC.indexOf(`<!-- example: ${name} -->`);
  const block = /```yaml\n([\s\S]*?)```/.exec(DOC.slice(start))?.[1];
  if (start === -1 || block === undefined) throw new Error(`docs/failover.md has no ${name} example`);
  let n = 0;
  return block.replace(/\{ file: \/etc\/vigil\/[a-z/.-]+ \}/g, () => `"docs-token-${++n}"`);
}

function write(text: string): string {
  const file = join(tempDir(), "config.yaml");
  writeFileSync(file, text);
  return file;
}

describe("the examples of docs/failover.md", () => {
  it("pattern 1 loads: two Ollama members behind the proxy, with the documented defaults", () => {
    const { config } = loadHubConfig({ configFile: write(example("hub.yaml (endpoint)")), env: {} });
    const g = config.failover.groups.ollama;
    expect(g?.check).toEqual({ interval: 2000, timeout: 1500, failAfter: 3, recoverAfter: 3, hold: 30_000 });
    expect(g?.proxy.enabled).toBe(true);
    expect(g?.lease).toBe(10_000);
    expect(g?.members.map((m) => [m.name, m.url, m.checks.map((c) => c.kind)])).toEqual([
      ["ollama-gpu", "http://10.0.0.5:11434", ["ollama"]],
      ["ollama-cpu", "http://10.0.0.5:11435", ["ollama"]],
    ]);
    expect(g?.members[0]?.checks[0]).toEqual({
      kind: "ollama",
      generate: { model: "llama3.1:8b", prompt: "Reply with OK.", every: 60_000, timeout: 30_000 },
    });
  });

  it("pattern 2 loads: host A's job judged by freshness and its GPU server, host B's with its timer actions", () => {
    const { config } = loadHubConfig({ configFile: write(example("hub.yaml (jobs)")), env: {} });
    const g = config.failover.groups.predictions;
    expect(g).toMatchObject({ lease: 10_000, unreachable: "primary-runs", failback: "auto" });
    expect(g?.members[0]?.checks).toEqual([
      { kind: "freshness", probe: "predictions-file", maxAge: 600_000 },
      { kind: "ollama", url: "http://10.0.0.5:11434" },
    ]);
    expect(g?.members[1]).toMatchObject({
      host: "host-b",
      onActivate: [{ action: "fallback-timer", params: { verb: "start" }, confirm: false }],
      onDeactivate: [{ action: "fallback-timer", params: { verb: "stop" }, confirm: false }],
    });
  });

  it("host A's agent config has the freshness probe the hub's check names", () => {
    const { config } = loadAgentConfig({ configFile: write(example("agent.yaml (host A)")), env: {} });
    expect(config.collectors.probes.probes).toMatchObject([{ name: "predictions-file", kind: "freshness", maxAge: 600_000 }]);
  });

  it("the systemd unit's ExecStart is a valid run-if-active command line", () => {
    const line = /^ExecStart=\/usr\/bin\/vigil-agent run-if-active (.*)$/m.exec(DOC)?.[1] ?? "";
    expect(parseRunIfActiveArgs(line.split(" "))).toEqual({
      kind: "run",
      args: {
        configFile: "/etc/vigil/agent.yaml",
        member: undefined,
        timeoutMs: undefined,
        group: "predictions",
        command: ["/opt/predict/bin/predict", "--cpu", "--out", "/srv/inference/predictions"],
      },
    });
  });
});
