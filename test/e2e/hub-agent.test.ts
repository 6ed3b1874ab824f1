import { mkdirSync, readFileSync, statSync, truncateSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { AgentStore } from "../../agent/store/agent-store.ts";
import type { HostList } from "../../shared/api/hosts.ts";
import { parseEnvelope } from "../../shared/protocol/envelope.ts";
import { freePort, getJson, useProcesses, waitFor } from "../support/processes.ts";
import { parsePromText } from "../support/prom-text.ts";
import { useTempDirs } from "../support/temp-dir.ts";

const tempDir = useTempDirs();
const start = useProcesses();

async function startPair(opts: { hubToken?: string; agentToken?: string; hubDown?: boolean; agentEnv?: Record<string, string> } = {}) {
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
  const hub = opts.hubDown ? undefined : await startHub();
  const agentEnv: Record<string, string> = {
    VIGIL_HUB_URL: hubUrl,
    VIGIL_AGENT_LISTEN: `127.0.0.1:${agentPort}`,
    VIGIL_DATA_DIR: join(dir, "agent"),
    VIGIL_AGENT_ID: "pair-a",
    VIGIL_PUSH_INTERVAL: "1s",
    VIGIL_COLLECT_INTERVAL: "1s",
  };
  if (opts.agentToken) agentEnv.VIGIL_AGENT_TOKEN = opts.agentToken;
  Object.assign(agentEnv, opts.agentEnv);
  const agent = start("agent/main.js", [], agentEnv);
  const agentUrl = `http://127.0.0.1:${agentPort}`;
  return { dir, hub, agent, hubUrl, agentUrl, startHub };
}

describe("hub and agent as separate processes", () => {
  it("accepts an agent with the right token and refuses one with a wrong token, never logging it", async () => {
    const good = await startPair({ hubToken: "tok-right-7f3a", agentToken: "tok-right-7f3a" });
    await waitFor("the agent to be listed", async () => (await getJson<HostList>(`${good.hubUrl}/api/v1/hosts`)).body.hosts[0]);

    const bad = await startPair({ hubToken: "tok-right-7f3a", agentToken: "tok-wrong-91c2" });
    await waitFor("the agent to log the refusal", () => bad.agent.output().includes("AGENT_TOKEN_INVALID"));
    expect((await getJson<HostList>(`${bad.hubUrl}/api/v1/hosts`)).body.hosts).toEqual([]);
    for (const out of [good.agent.output(), good.hub?.output() ?? "", bad.agent.output(), bad.hub?.output() ?? ""]) {
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
    pair.hub?.child.kill("SIGKILL");
    await pair.hub?.exited;
    // The agent keeps collecting into its outbox for a few push intervals while the hub is gone.
    await new Promise((r) => setTimeout(r, 3500));
    const before = sequences();
    await pair.startHub();
    const last = await waitFor(
      "the outbox to drain into the restarted hub",
      async () => {
        const ready = await getJson<{ outbox: { batches: number } }>(`${pair.agentUrl}/readyz`);
        const seqs = sequences();
        return ready.body.outbox.batches === 0 && seqs.length >= before.length + 3 ? seqs : undefined;
      },
      20_000,
    );
    // Every sequence from the first (the database's creation time) to the newest, each exactly once (the key is unique): nothing lost.
    const first = last[0] as number;
    expect(last).toEqual(Array.from({ length: last.length }, (_, i) => first + i));
    const db = new Database(hubDb, { readonly: true });
    const stored = db.prepare("SELECT COUNT(*) FROM samples").pluck().get();
    const declared = db.prepare("SELECT SUM(sample_count) FROM received_batches").pluck().get();
    db.close();
    expect(stored).toBe(declared);
    // Nothing was dropped or set aside on the agent's side either.
    const metrics = await agentMetrics(pair.agentUrl);
    expect(metrics("vigil_outbox_dropped_batches_total")).toBe(0);
    expect(metrics("vigil_outbox_rejected_batches_total")).toBe(0);
    expect(metrics("vigil_push_batches_total")).toBeGreaterThanOrEqual(last.length);
  });

  it("drops the oldest batches past the outbox bound while the hub is down, says so, and delivers the rest once it is back", async () => {
    const dir = tempDir();
    const config = join(dir, "agent.yaml");
    // Retries every second, so a batch is sealed every second during the outage (backoff would space them out).
    writeFileSync(config, "store:\n  outboxMaxBytes: 10kB\nhub:\n  retryMax: 1s\n");
    const pair = await startPair({ hubDown: true, agentEnv: { VIGIL_AGENT_CONFIG: config } });
    await waitFor(
      "the outbox to drop batches",
      async () => ((await agentMetrics(pair.agentUrl))("vigil_outbox_dropped_batches_total") ?? 0) >= 3 || undefined,
      40_000,
    );
    expect(pair.agent.output()).toContain("outbox is over its bound");
    const hubDb = join(pair.dir, "hub", "hub.sqlite");
    await pair.startHub();
    const summary = await waitFor(
      "the drop episode to end with its summary",
      () =>
        /"msg":"outbox dropped batches at its bound; they are lost".*?"droppedBatches":(\d+).*?"droppedSequences":"(\d+)-(\d+)"/.exec(
          pair.agent.output(),
        ) ?? undefined,
      30_000,
    );
    const [dropped, firstDropped, lastDropped] = [Number(summary[1]), Number(summary[2]), Number(summary[3])];
    expect(lastDropped - firstDropped + 1).toBe(dropped);
    const metrics = await agentMetrics(pair.agentUrl);
    expect(metrics("vigil_outbox_dropped_batches_total")).toBe(dropped);
    await waitFor(
      "the outbox to drain",
      async () => (await getJson<{ outbox: { batches: number } }>(`${pair.agentUrl}/readyz`)).body.outbox.batches === 0 || undefined,
    );
    const db = new Database(hubDb, { readonly: true });
    const stored = db
      .prepare("SELECT sequence FROM received_batches WHERE agent_id = 'pair-a' ORDER BY sequence")
      .pluck()
      .all() as number[];
    db.close();
    // Every sequence is either dropped (the first N, counted and logged) or stored once: none missing, none twice.
    expect(stored[0]).toBe(lastDropped + 1);
    expect(stored).toEqual(Array.from({ length: stored.length }, (_, i) => lastDropped + 1 + i));
  }, 90_000);

  it("in pull mode serves its batches to a hub with its token and pushes nothing", async () => {
    const pair = await startPair({ hubToken: "tok-pull-2c4e", agentToken: "tok-pull-2c4e", agentEnv: { VIGIL_HUB_MODE: "pull" } });
    await waitFor("the agent to be ready", async () => (await getJson(`${pair.agentUrl}/readyz`)).status === 200 || undefined);
    expect((await fetch(`${pair.agentUrl}/api/v1/samples?after=0`)).status).toBe(401);
    const res = await fetch(`${pair.agentUrl}/api/v1/samples?after=0`, { headers: { authorization: "Bearer tok-pull-2c4e" } });
    const page = parseEnvelope("sample_page", await res.json());
    expect(page.ok && page.value.payload.batches.length).toBeGreaterThanOrEqual(1);
    expect(page.ok && page.value.payload.batches[0]?.samples.some((s) => s.name === "vigil_load1")).toBe(true);
    await new Promise((r) => setTimeout(r, 2500)); // two push intervals
    expect((await getJson<HostList>(`${pair.hubUrl}/api/v1/hosts`)).body.hosts).toEqual([]);
    expect(pair.agent.output()).toContain('"mode":"pull"');
  });

  it("enrolls with the hub's enrollment token, keeps its token 0600, and is refused a second enrollment of its id", async () => {
    const dir = tempDir();
    const [hubPort, agentPort] = [await freePort(), await freePort()];
    const hubUrl = `http://127.0.0.1:${hubPort}`;
    start("hub/main.js", [], {
      VIGIL_HUB_LISTEN: `127.0.0.1:${hubPort}`,
      VIGIL_DATA_DIR: join(dir, "hub"),
      VIGIL_ENROLLMENT_TOKENS: "enroll-e2e-81f3a0",
    });
    await waitFor("the hub to be ready", async () => (await getJson(`${hubUrl}/readyz`)).status === 200 || undefined);
    const agentEnv = {
      VIGIL_HUB_URL: hubUrl,
      VIGIL_AGENT_ID: "enrolled-a",
      VIGIL_PUSH_INTERVAL: "1s",
      VIGIL_COLLECT_INTERVAL: "1s",
      VIGIL_ENROLLMENT_TOKEN: "enroll-e2e-81f3a0",
    };
    const agent = start("agent/main.js", [], { ...agentEnv, VIGIL_AGENT_LISTEN: `127.0.0.1:${agentPort}`, VIGIL_DATA_DIR: join(dir, "a") });
    await waitFor("the enrolled agent to be listed", async () => (await getJson<HostList>(`${hubUrl}/api/v1/hosts`)).body.hosts[0]);
    const tokenFile = join(dir, "a", "agent.token");
    expect(statSync(tokenFile).mode & 0o777).toBe(0o600);
    const token = readFileSync(tokenFile, "utf8").trim();
    expect(agent.output()).toContain("enrolled with the hub");
    expect(agent.output()).not.toContain(token);
    expect(agent.output()).not.toContain("enroll-e2e-81f3a0");

    const twin = start("agent/main.js", [], {
      ...agentEnv,
      VIGIL_AGENT_LISTEN: `127.0.0.1:${await freePort()}`,
      VIGIL_DATA_DIR: join(dir, "b"),
    });
    expect(await twin.exited).toBe(2);
    expect(twin.output()).toMatch(/agent\.id: the hub already holds a token for agent id "enrolled-a" \(409 AGENT_ALREADY_ENROLLED/);
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
    expect(agent.output()).toMatch(/agent\.sqlite: the database is damaged .*Move it aside/);
    expect(readFileSync(join(dir, "agent.sqlite"), "utf8")).toBe(damaged);
  });

  it("stops with a clear error on a database truncated in the middle, never starting an empty one over it", async () => {
    const dir = tempDir();
    const file = join(dir, "agent.sqlite");
    const store = new AgentStore(file);
    for (let c = 0; c < 400; c++) {
      const ts = 1_790_000_000_000 + c * 1000;
      const samples = Array.from({ length: 40 }, (_, i) => ({
        name: "vigil_cpu_usage_percent",
        labels: { cpu: String(i) },
        timestamp: ts,
        value: i,
      }));
      store.recordObservations({ samples, states: [] }, ts);
    }
    store.close();
    truncateSync(file, Math.floor(statSync(file).size / 2));
    const before = readFileSync(file);
    const agent = start("agent/main.js", [], { VIGIL_DATA_DIR: dir, VIGIL_AGENT_LISTEN: `127.0.0.1:${await freePort()}` });
    expect(await agent.exited).toBe(2);
    expect(agent.output()).toContain(`vigil-agent: ${file}: the database is damaged`);
    expect(readFileSync(file).equals(before)).toBe(true);
  });

  it("refuses to listen beyond loopback without a token, before opening anything", async () => {
    const dir = tempDir();
    mkdirSync(join(dir, "data"));
    const agent = start("agent/main.js", [], { VIGIL_DATA_DIR: join(dir, "data"), VIGIL_AGENT_LISTEN: `0.0.0.0:${await freePort()}` });
    expect(await agent.exited).toBe(2);
    expect(agent.output()).toContain("listen: 0.0.0.0 is beyond loopback");
    expect(agent.output()).toContain("hub.enrollmentToken");
  });
});

/** The agent's /metrics, parsed strictly; returns a lookup of the first sample of a family. */
async function agentMetrics(agentUrl: string): Promise<(name: string) => number | undefined> {
  const res = await fetch(`${agentUrl}/metrics`, { signal: AbortSignal.timeout(2000) });
  const families = parsePromText(await res.text());
  return (name) => families.get(name)?.samples[0]?.value;
}
