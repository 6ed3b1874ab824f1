import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT, useProcesses } from "../support/processes.ts";

const start = useProcesses();
const version = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string }).version;

describe.each([
  ["vigil-agent", "agent/main.js"],
  ["vigil-hub", "hub/main.js"],
])("%s entry point", (program, script) => {
  it("prints its version", async () => {
    const p = start(script, ["--version"], {});
    expect(await p.exited).toBe(0);
    expect(p.output()).toBe(`${program} ${version}\n`);
  });

  it("prints usage with the config option", async () => {
    const p = start(script, ["--help"], {});
    expect(await p.exited).toBe(0);
    expect(p.output()).toContain(`Usage: ${program} [--config FILE]`);
    expect(p.output()).toContain("docs/configuration.md");
  });

  it("refuses an unknown option with a one-line reason and exit 2", async () => {
    const p = start(script, ["--frobnicate"], {});
    expect(await p.exited).toBe(2);
    expect(p.output()).toContain("--frobnicate");
    expect(p.output()).toContain(`Run '${program} --help' for usage.`);
  });

  it("names a config file that was asked for but does not exist", async () => {
    const p = start(script, ["--config", "/nonexistent/vigil.yaml"], {});
    expect(await p.exited).toBe(2);
    expect(p.output()).toContain("/nonexistent/vigil.yaml: cannot read the config file: file not found");
  });
});

/** The machine's own Node, when it is older than 24 (Debian's or a distribution's). */
function oldSystemNode(): string | undefined {
  for (const candidate of ["/usr/bin/node", "/usr/local/bin/node"]) {
    if (!existsSync(candidate)) continue;
    const v = execFileSync(candidate, ["--version"], { encoding: "utf8" }).trim();
    if (Number(v.slice(1).split(".")[0]) < 24) return candidate;
  }
  return undefined;
}
const oldNode = oldSystemNode();

describe("on a Node older than 24", () => {
  // Needs an old Node on the machine (this one has Node 20 as /usr/bin/node); elsewhere there is nothing to run it on.
  it.skipIf(oldNode === undefined).each(["agent/main.js", "hub/main.js", "hub/cli/main.js"])(
    "%s stops with a clear message and exit 2",
    (script) => {
      const r = spawnSync(oldNode as string, [join(ROOT, "dist", script), "--version"], { encoding: "utf8", timeout: 10_000 });
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(/Node 24 or later is required, this is v\d+/);
      expect(r.stderr).toContain("npm");
    },
  );
});
