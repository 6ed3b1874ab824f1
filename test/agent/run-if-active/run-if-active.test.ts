import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { leaseMemoryFile, readLeaseMemory } from "../../../agent/run-if-active/lease-memory-file.ts";
import { runIfActive } from "../../../agent/run-if-active/main.ts";
import type { RunningServer } from "../../../shared/http/serve.ts";
import { closedPort } from "../../cli/support/ports.ts";
import { useTempDirs } from "../../support/temp-dir.ts";
import { type FailoverHarness, failoverHarness, GROUPS_YAML } from "../../hub/failover/harness.ts";

const tempDir = useTempDirs();
const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

const TOKENS: Record<string, string> = { "box-a": "agent-a-token-1", "box-b": "agent-b-token-2" };

async function hub(): Promise<{ h: FailoverHarness; server: RunningServer }> {
  const h = failoverHarness(
    tempDir(),
    `auth:\n  agents: [{ id: box-a, token: ${TOKENS["box-a"]} }, { id: box-b, token: ${TOKENS["box-b"]} }]\n${GROUPS_YAML}`,
  );
  h.clock.now = Date.now();
  cleanup.push(() => h.close());
  const server = await h.serve();
  cleanup.push(() => server.close());
  return { h, server };
}

/** An agent config for `host` in its own folder, and a command that records its environment there. */
function host(id: string, hubUrl: string) {
  const dir = tempDir();
  const config = join(dir, "agent.yaml");
  writeFileSync(
    config,
    `agent: { id: ${id} }\ndataDir: ${join(dir, "data")}\nhub: { url: "${hubUrl}", token: ${TOKENS[id] ?? "none"}, timeout: 2s }\n`,
  );
  const record = join(dir, "ran.json");
  const command = (exitCode = 0) => [
    process.execPath,
    "-e",
    `const e = process.env; require("node:fs").writeFileSync(${JSON.stringify(record)}, JSON.stringify({ group: e.VIGIL_FAILOVER_GROUP, member: e.VIGIL_FAILOVER_MEMBER, epoch: e.VIGIL_FAILOVER_EPOCH, confirmed: e.VIGIL_FAILOVER_CONFIRMED, home: e.HOME })); process.exit(${exitCode});`,
  ];
  const run = async (group: string, o: { exitCode?: number; argv?: string[] } = {}) => {
    const err: string[] = [];
    const code = await runIfActive(
      ["--config", config, group, "--", ...(o.argv ?? command(o.exitCode))],
      { HOME: "/home/predict", PATH: process.env.PATH ?? "" },
      { out: () => {}, err: (t) => void err.push(t) },
    );
    const ran = existsSync(record) ? (JSON.parse(readFileSync(record, "utf8")) as Record<string, string>) : undefined;
    rmSync(record, { force: true });
    return { code, ran, log: err.join("") };
  };
  return {
    dir,
    config,
    run,
    setHub: (url: string) => writeFileSync(config, readFileSync(config, "utf8").replace(/url: "[^"]*"/, `url: "${url}"`)),
  };
}

describe("vigil-agent run-if-active", () => {
  it("runs the command on the active member's host with the group, member and epoch, and skips it elsewhere with 75", async () => {
    const { server } = await hub();
    const a = host("box-a", server.url);
    const b = host("box-b", server.url);
    expect(await a.run("predictions")).toMatchObject({
      code: 0,
      ran: { group: "predictions", member: "job-a", epoch: "1", confirmed: "1", home: "/home/predict" },
    });
    const skipped = await b.run("predictions");
    expect(skipped).toMatchObject({ code: 75, ran: undefined });
    expect(skipped.log).toContain('"msg":"not the active member: job-a on box-a is the active member (epoch 1)"');
  });

  it("passes on the command's own exit status, and 127 for a command that does not exist", async () => {
    const { server } = await hub();
    const a = host("box-a", server.url);
    expect((await a.run("predictions", { exitCode: 3 })).code).toBe(3);
    const missing = await a.run("predictions", { argv: [join(a.dir, "no-such-program")] });
    expect(missing.code).toBe(127);
    expect(missing.log).toContain("no-such-program: command not found");
  });

  it("hub unreachable: the primary runs with the last epoch it was granted, the fallback skips with 69", async () => {
    const { h, server } = await hub();
    const a = host("box-a", server.url);
    const b = host("box-b", server.url);
    expect((await a.run("predictions")).ran?.epoch).toBe("1");
    expect((await b.run("predictions")).code).toBe(75);
    // The hub moves on to job-b in epoch 2 without box-a hearing of it, then box-a loses the hub.
    h.failover.pin("predictions", { member: "job-b", until: h.clock.now + 3_600_000, by: "test", reason: null });
    const port = await closedPort();
    a.setHub(`http://127.0.0.1:${port}`);
    b.setHub(`http://127.0.0.1:${port}`);
    // Its lease of epoch 1 (60 s) still runs: it acts under that lease, with that epoch.
    const underLease = await a.run("predictions");
    expect(underLease).toMatchObject({ code: 0, ran: { epoch: "1", confirmed: "1" } });
    expect(underLease.log).toContain("running under its last lease");
    // Past the lease, the group's policy: the primary runs, still with epoch 1, marked unconfirmed.
    const file = leaseMemoryFile(join(a.dir, "data"), "predictions", undefined);
    const kept = readLeaseMemory(file);
    writeFileSync(file, JSON.stringify({ ...kept, leaseUntil: Date.now() - 1 }));
    const policy = await a.run("predictions");
    expect(policy).toMatchObject({ code: 0, ran: { epoch: "1", confirmed: "0" } });
    expect(policy.log).toContain("running as the group's primary under its policy primary-runs, with epoch 1");
    const fallback = await b.run("predictions");
    expect(fallback).toMatchObject({ code: 69, ran: undefined });
    expect(fallback.log).toContain("job-b is a fallback (policy primary-runs): not running");
  });

  it("exits 78 naming the problem when the hub refuses the question or the config is wrong", async () => {
    const { server } = await hub();
    const a = host("box-a", server.url);
    const unknown = await a.run("predictionz");
    expect(unknown.code).toBe(78);
    expect(unknown.log).toContain('refused: 404 FAILOVER_GROUP_NOT_FOUND: no failover group \\"predictionz\\" in the hub');
    const outsider = host("nas", server.url);
    expect((await outsider.run("predictions")).code).toBe(78);
    writeFileSync(a.config, "hub: { url: 17 }\n");
    const broken = await a.run("predictions");
    expect(broken.code).toBe(78);
    expect(broken.log).toContain(`${a.config}: hub.url`);
  });
});
