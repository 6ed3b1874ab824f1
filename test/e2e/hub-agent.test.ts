import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import type { HostList } from "../../shared/api/hosts.ts";
import { freePort, getJson, useProcesses, waitFor } from "../support/processes.ts";
import { useTempDirs } from "../support/temp-dir.ts";

const tempDir = useTempDirs();
const start = useProcesses();

async function startPair(opts: { hubToken?: string; agentToken?: string } = {}) {
  const dir = tempDir();
  const [hubPort, agentPort] = [await freePort(), await freePort()];
  const hubUrl = `http://127.0.0.1:${hubPort}`;
  const hubEnv: Record<string, string> = { VIGIL_HUB_LISTEN: `127.0.0.1:${hubPort}`, VIGIL_DATA_DIR: join(dir, "hub") };
  if (opts.hubToken) hubEnv.VIGIL_AGENT_TOKENS = opts.hubToken;
  const startHub = async () => {
    const hub = start("hub/main.js", [], hubEnv);
    await waitFor("the hub to be ready", async () => (await getJson(`${hubUrl}/readyz`)).status === 200 || undefined);
    return hub;
  };
  const hub = await startHub();
  const agentEnv: Record<string, string> = {
    VIGIL_HUB_URL: hubUrl,
    VIGIL_AGENT_LISTEN: `127.0.0.1:${agentPort}`,
    VIGIL_DATA_DIR: join(dir, "agent"),
    VIGIL_AGENT_ID: "pair-a",
    VIGIL_PUSH_INTERVAL: "1s",
    VIGIL_COLLECT_INTERVAL: "1s",
  };
  if (opts.agentToken) agentEnv.VIGIL_AGENT_TOKEN = opts.agentToken;
  const agent = start("agent/main.js", [], agentEnv);
  return { dir, hub, agent, hubUrl, startHub };
}

describe("hub and agent as separate processes", () => {
  it("accepts an agent with the right token and refuses one with a wrong token, never logging it", async () => {
    const good = await startPair({ hubToken: "tok-right-7f3a", agentToken: "tok-right-7f3a" });
    await waitFor("the agent to be listed", async () => (await getJson<HostList>(`${good.hubUrl}/api/v1/hosts`)).body.hosts[0]);

    const bad = await startPair({ hubToken: "tok-right-7f3a", agentToken: "tok-wrong-91c2" });
    await waitFor("the agent to log the refusal", () => bad.agent.output().includes("AGENT_TOKEN_INVALID"));
    expect((await getJson<HostList>(`${bad.hubUrl}/api/v1/hosts`)).body.hosts).toEqual([]);
    for (const out of [good.agent.output(), good.hub.output(), bad.agent.output(), bad.hub.output()]) {
      expect(out).not.toContain("tok-right-7f3a");
      expect(out).not.toContain("tok-wrong-91c2");
    }
    // An outage is one log line, not one per retry.
    expect(bad.agent.output().match(/push to hub failed/g)?.length).toBe(1);
  });

  it("loses and duplicates nothing when the hub is killed with SIGKILL and restarted", async () => {
    const pair = await startPair();
    const hubDb = join(pair.dir, "hub", "hub.sqlite");
    const sequences = () => {
      const db = new Database(hubDb, { readonly: true });
      try {
        return db.prepare("SELECT sequence FROM received_batches WHERE agent_id = 'pair-a' ORDER BY sequence").pluck().all() as number[];
      } finally {
        db.close();
      }
    };
    await waitFor("two batches stored", () => (sequences().length >= 2 ? true : undefined));
    pair.hub.child.kill("SIGKILL");
    await pair.hub.exited;
    // The agent keeps collecting into its outbox for a few push intervals while the hub is gone.
    await new Promise((r) => setTimeout(r, 3500));
    const before = sequences();
    await pair.startHub();
    const last = await waitFor(
      "the outbox to drain into the restarted hub",
      async () => {
        const ready = await getJson<{ outbox: { batches: number } }>(`http://127.0.0.1:${await agentPort(pair)}/readyz`);
        const seqs = sequences();
        return ready.body.outbox.batches === 0 && seqs.length >= before.length + 3 ? seqs : undefined;
      },
      20_000,
    );
    // Every sequence from 1 to the newest, each exactly once (the key is unique): nothing lost.
    expect(last).toEqual(Array.from({ length: last.length }, (_, i) => i + 1));
    const db = new Database(hubDb, { readonly: true });
    const stored = db.prepare("SELECT COUNT(*) FROM samples").pluck().get();
    const declared = db.prepare("SELECT SUM(sample_count) FROM received_batches").pluck().get();
    db.close();
    expect(stored).toBe(declared);
  });

  it("stops with a clear error on a bad config file, naming the file and the path", async () => {
    const dir = tempDir();
    const file = join(dir, "agent.yaml");
    writeFileSync(file, "hub:\n  pushInterval: often\ncollectors:\n  sytem: {}\n");
    const agent = start("agent/main.js", ["--config", file], {});
    expect(await agent.exited).toBe(2);
    expect(agent.output()).toContain(`${file}: 2 problems`);
    expect(agent.output()).toContain("hub.pushInterval: expected a duration");
    expect(agent.output()).toContain("collectors.sytem: is not a known key");
  });

  it("stops with a clear error on a damaged database and leaves the file in place", async () => {
    const dir = tempDir();
    const damaged = "garbage ".repeat(1000);
    writeFileSync(join(dir, "agent.sqlite"), damaged);
    const agent = start("agent/main.js", [], { VIGIL_DATA_DIR: dir, VIGIL_AGENT_LISTEN: `127.0.0.1:${await freePort()}` });
    expect(await agent.exited).toBe(2);
    expect(agent.output()).toMatch(/agent\.sqlite: cannot .*(not a database|damaged)/);
    expect(readFileSync(join(dir, "agent.sqlite"), "utf8")).toBe(damaged);
  });
});

async function agentPort(pair: { agent: { output: () => string } }): Promise<number> {
  const m = /"listen":"http:\/\/127\.0\.0\.1:(\d+)"/.exec(pair.agent.output());
  if (!m) throw new Error("agent did not log its address");
  return Number(m[1]);
}
