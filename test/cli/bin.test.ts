import { execFile } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeHub, healthyRoutes, startFakeHub } from "./support/fake-hub.ts";
import { closedPort } from "./support/ports.ts";

const ROOT = join(import.meta.dirname, "..", "..");
/** The built CLI, as package.json's `bin` runs it; `npm test` builds first. */
const MAIN = join(ROOT, "dist", "hub", "cli", "main.js");
/** The pinned Node 24, as the brief's "node_modules/.bin/node". */
const NODE = join(ROOT, "node_modules", ".bin", "node");

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built `vigil` with a clean environment (no VIGIL_* variables from the caller). */
function vigil(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      NODE,
      [MAIN, ...args],
      { cwd: ROOT, env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", ...env }, timeout: 15_000 },
      (err, stdout, stderr) => {
        const code = err && typeof err.code === "number" ? err.code : err ? null : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

describe("the built vigil", () => {
  let hub: FakeHub;
  beforeAll(async () => {
    if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run npm run build (npm test does it first)`);
    hub = await startFakeHub(healthyRoutes());
  });
  afterAll(() => hub.close());

  it("--help prints the usage and exits 0", async () => {
    const r = await vigil(["--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Usage: vigil [options] <command> [arguments]");
    expect(r.stderr).toBe("");
  });

  it("--version prints vigil <version> from package.json", async () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string };
    expect(await vigil(["--version"])).toEqual({ code: 0, stdout: `vigil ${version}\n`, stderr: "" });
  });

  it("exits 3 when the hub's port is closed", async () => {
    const port = await closedPort();
    const r = await vigil(["hosts", "--hub", `http://127.0.0.1:${port}`]);
    expect(r.code).toBe(3);
    expect(r.stderr).toBe(`vigil: cannot reach the hub at http://127.0.0.1:${port} (connection refused): is vigil-hub running?\n`);
  });

  it("exits 2 for an unknown command", async () => {
    const r = await vigil(["frobnicate"]);
    expect(r).toEqual({ code: 2, stdout: "", stderr: "vigil: unknown command \"frobnicate\"\nRun 'vigil --help' for usage.\n" });
  });

  it("lists hosts from VIGIL_HUB_URL, and exits promptly", async () => {
    const started = Date.now();
    const r = await vigil(["hosts"], { VIGIL_HUB_URL: hub.url });
    expect(r.code).toBe(0);
    expect(r.stdout.split("\n")[0]).toBe("ID      HOSTNAME    STATUS   LAST SEEN   AGENT VERSION   LABELS");
    // An idle keep-alive connection must not hold the process open.
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it("never prints --token, whatever happens", async () => {
    const port = await closedPort();
    const runs = await Promise.all([
      vigil(["hosts", "--token", "secret123", "--hub", hub.url]),
      vigil(["host", "ghost", "--token", "secret123", "--hub", hub.url]),
      vigil(["hosts", "--token", "secret123", "--hub", `http://127.0.0.1:${port}`]),
      vigil(["hosts", "--token", "secret123", "--tokn=secret123", "--hub", hub.url]),
      vigil(["hosts", "--token", "secret123", "--json", "--hub", hub.url]),
    ]);
    expect(runs.map((r) => r.code)).toEqual([0, 1, 3, 2, 0]);
    for (const r of runs) expect(r.stdout + r.stderr).not.toContain("secret123");
    // hosts: 1 request; host ghost: the host and its 5 views; hosts --json: 1.
    expect(hub.requests.filter((q) => q.headers.authorization === "Bearer secret123")).toHaveLength(8);
  });
});
