import { type AddressInfo, createServer, type Server, type Socket } from "node:net";
import { hostname } from "node:os";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { ActionRecord } from "../../shared/actions/api.ts";
import { vigilVersion } from "../../shared/runtime.ts";
import type { ExportCounts } from "../../shared/telemetry/counted-export.ts";
import { batchEnvelope } from "../support/batches.ts";
import { freePort, getJson, type RunningProcess, useProcesses, waitFor } from "../support/processes.ts";
import { useTempDirs } from "../support/temp-dir.ts";
import { useOtlpReceivers } from "./support/otlp-receiver.ts";

const tempDir = useTempDirs();
const start = useProcesses();
const receiver = useOtlpReceivers();

const OPERATOR = "op-trace-token-31";
const AGENT_TOKEN = "agent-trace-token-58";

/** The JSON lines a process has written so far. */
function logLines(p: RunningProcess): Array<Record<string, unknown>> {
  return p
    .output()
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/**
 * The built hub and agent on 127.0.0.1, the agent with one safe action. The hub gets its endpoint
 * from OTEL_EXPORTER_OTLP_ENDPOINT, the agent from its config file, so both ways are used.
 */
async function stack(endpoint: string, telemetry: string) {
  const dir = tempDir();
  const [hubPort, agentPort] = [await freePort(), await freePort()];
  const hubUrl = `http://127.0.0.1:${hubPort}`;
  const hubYaml = join(dir, "hub.yaml");
  writeFileSync(
    hubYaml,
    `listen: 127.0.0.1:${hubPort}
dataDir: ${join(dir, "hub")}
auth:
  agents: [{ id: box-a, token: ${AGENT_TOKEN} }, { id: burst, token: ${AGENT_TOKEN}-burst }]
actions:
  operators: [{ name: alice, token: ${OPERATOR}, role: operator }]
telemetry: ${telemetry}
`,
  );
  const hub = start("hub/main.js", ["--config", hubYaml], { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint });
  await waitFor("the hub to be ready", async () => (await getJson(`${hubUrl}/readyz`)).status === 200 || undefined);
  const { body: key } = await getJson<{ publicKey: string }>(`${hubUrl}/api/v1/actions/public-key`);
  const agentYaml = join(dir, "agent.yaml");
  writeFileSync(
    agentYaml,
    `agent: { id: box-a }
dataDir: ${join(dir, "agent")}
listen: 127.0.0.1:${agentPort}
hub: { url: "${hubUrl}", token: ${AGENT_TOKEN}, pushInterval: 1s, retryInitial: 100ms, retryMax: 1s }
collectors:
  system: { interval: 1s }
  probes: { enabled: false }
  units: { enabled: false }
  gpu: { enabled: false }
  zfs: { enabled: false }
  containers: { enabled: false }
actions:
  hubPublicKey: "${key.publicKey}"
  catalog:
    say-hello: { risk: safe, argv: [/bin/echo, hello] }
telemetry: { endpoint: "${endpoint}", ${telemetry.slice(1)}
`,
  );
  const agent = start("agent/main.js", ["--config", agentYaml], {});
  const agentUrl = `http://127.0.0.1:${agentPort}`;
  await waitFor("the agent to take action requests", () => agent.output().includes("taking action requests from the hub") || undefined);
  const act = async (): Promise<ActionRecord> => {
    const res = await fetch(`${hubUrl}/api/v1/actions`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${OPERATOR}` },
      body: JSON.stringify({ agentId: "box-a", action: "say-hello", params: {}, waitMs: 15_000 }),
      signal: AbortSignal.timeout(20_000),
    });
    expect(res.status).toBe(200);
    return (await res.json()) as ActionRecord;
  };
  const batchesSent = async () => (await getJson<{ push: { batchesSent: number } }>(`${agentUrl}/readyz`)).body.push.batchesSent;
  return { hub, agent, hubUrl, act, batchesSent };
}

describe("OpenTelemetry traces from the running hub and agent", () => {
  it("exports a real ingest and a real action, the agent's span a child of the hub's, and the logs of that work carry its trace id", async () => {
    const otlp = await receiver();
    const s = await stack(otlp.url, "{ batchDelay: 100ms }");

    const ingest = await otlp.span(
      "the hub's span of a stored batch from box-a",
      (x) => x.name === "ingest batch" && x.attributes["vigil.agent.id"] === "box-a" && x.attributes["vigil.ingest.outcome"] === "stored",
    );
    expect(ingest.resource).toMatchObject({
      "service.name": "vigil-hub",
      "service.version": vigilVersion(),
      "host.name": hostname(),
      "telemetry.sdk.language": "nodejs",
    });
    expect(ingest.resource["service.instance.id"]).toMatch(/^[0-9a-f-]{36}$/);
    expect(ingest.attributes).toMatchObject({ "http.response.status_code": 200 });
    expect(ingest.attributes["vigil.batch.samples"]).toBeGreaterThan(0);
    expect(ingest.parentSpanId).toBe("");
    expect(ingest.scope).toBe("vigil");
    // The rules evaluated for that batch: a trace of their own (the group commit is no parent of it).
    const rules = await otlp.span(
      "a rules round for a batch of box-a",
      (x) => x.name === "evaluate rules" && x.attributes["vigil.agent.id"] === "box-a" && x.attributes["vigil.rules.trigger"] === "batch",
    );
    expect(rules.parentSpanId).toBe("");

    const record = await s.act();
    expect(record).toMatchObject({ status: "succeeded", stdout: "hello\n" });
    const hubSpan = await otlp.span(
      "the hub's span of the action",
      (x) => x.name === "request action" && x.attributes["vigil.action.request_id"] === record.requestId,
    );
    const agentSpan = await otlp.span(
      "the agent's span of the action",
      (x) => x.name === "execute action" && x.attributes["vigil.action.request_id"] === record.requestId,
    );
    expect(hubSpan.attributes).toMatchObject({
      "vigil.agent.id": "box-a",
      "vigil.action.name": "say-hello",
      "vigil.action.status": "succeeded",
    });
    expect(agentSpan.attributes).toMatchObject({
      "vigil.action.name": "say-hello",
      "vigil.action.status": "succeeded",
      "process.exit.code": 0,
    });
    expect(agentSpan.traceId).toBe(hubSpan.traceId);
    expect(agentSpan.parentSpanId).toBe(hubSpan.spanId);
    expect(agentSpan.resource).toMatchObject({
      "service.name": "vigil-agent",
      "service.instance.id": "box-a",
      "service.version": vigilVersion(),
    });

    // The log lines of that work: the hub's in its span, the agent's in its own, one trace id.
    const queued = logLines(s.hub).find((l) => l.msg === "action request queued" && l.requestId === record.requestId);
    expect(queued).toMatchObject({ trace_id: hubSpan.traceId, span_id: hubSpan.spanId });
    const handled = logLines(s.agent).find((l) => l.msg === "action request handled" && l.requestId === record.requestId);
    expect(handled).toMatchObject({ trace_id: hubSpan.traceId, span_id: agentSpan.spanId });
    // Outside any span, lines carry no ids.
    expect(logLines(s.agent).find((l) => l.msg === "agent started")).not.toHaveProperty("trace_id");
  });

  it(
    "with the collector's port closed, keeps ingesting and acting, logs the failure once, and stops promptly",
    { timeout: 60_000 },
    async () => {
      const c = await burstThenStop(`http://127.0.0.1:${await freePort()}`);
      // Refused at once, so the queue drains as failures: nothing sent, nothing piling up.
      expect(c.failed).toBeGreaterThan(BATCHES);
    },
  );

  it("with a collector that accepts connections and never answers, drops spans beyond the bounded queue", { timeout: 60_000 }, async () => {
    const c = await burstThenStop(await blackhole());
    // Each export waits out its timeout (500 ms) while the burst goes on: most spans never enter the queue.
    expect(c.dropped).toBeGreaterThan(BATCHES);
  });
});

const BATCHES = 1200;
const QUEUE = 64;

/**
 * A stack whose exports cannot succeed, a burst of pushes (each an ingest span and a rules span) from a
 * second agent id, then an action and the agent's own pushes to show Vigil goes on; then both
 * programs stopped. Checks what holds whatever the collector does, and returns the hub's counts.
 */
async function burstThenStop(endpoint: string): Promise<ExportCounts> {
  const s = await stack(endpoint, `{ batchDelay: 100ms, maxQueueSize: ${QUEUE}, exportTimeout: 500ms, shutdownTimeout: 500ms }`);
  let next = 0;
  const push = async () => {
    for (let seq = ++next; seq <= BATCHES; seq = ++next) {
      const res = await fetch(`${s.hubUrl}/api/v1/ingest`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${AGENT_TOKEN}-burst` },
        body: JSON.stringify(batchEnvelope({ agentId: "burst", sequence: seq, timestamp: Date.now() })),
        signal: AbortSignal.timeout(10_000),
      });
      expect(res.status).toBe(200);
      await res.arrayBuffer();
    }
  };
  const sentBefore = await s.batchesSent();
  await Promise.all(Array.from({ length: 8 }, push));
  await waitFor("two more pushes from the agent", async () => (await s.batchesSent()) >= sentBefore + 2 || undefined);
  expect(await s.act()).toMatchObject({ status: "succeeded", stdout: "hello\n" });

  // Both stop promptly though their last spans cannot be sent (telemetry.shutdownTimeout). The agent
  // first: a hub stopping while an agent's keep-alive connection is busy waits for that agent.
  for (const p of [s.agent, s.hub]) {
    const t0 = performance.now();
    p.child.kill("SIGTERM");
    expect(await p.exited).toBe(0);
    expect(performance.now() - t0).toBeLessThan(10_000);
  }
  const agent = logLines(s.agent).find((l) => l.msg === "tracing stopped") as unknown as ExportCounts | undefined;
  expect(agent).toMatchObject({ exported: 0 });
  expect(agent?.queued).toBeLessThanOrEqual(QUEUE);
  const lines = logLines(s.hub);
  // One line about the failing export for the whole run, not one per batch of spans.
  expect(lines.filter((l) => String(l.msg).startsWith("trace export failed"))).toHaveLength(1);
  const c = lines.find((l) => l.msg === "tracing stopped") as unknown as ExportCounts | undefined;
  expect(c).toBeDefined();
  if (c === undefined) throw new Error("unreachable");
  expect(c.exported).toBe(0);
  expect(c.ended).toBeGreaterThanOrEqual(2 * BATCHES);
  expect(c.queued).toBeLessThanOrEqual(QUEUE);
  // Every ended span is accounted for, but for at most one batch that was with the exporter at the stop.
  const accounted = c.dropped + c.queued + c.failed + c.exported;
  expect(c.ended - accounted).toBeGreaterThanOrEqual(0);
  expect(c.ended - accounted).toBeLessThanOrEqual(QUEUE);
  return c;
}

/** A TCP listener on 127.0.0.1 that takes connections and never says a word (a hung collector). */
async function blackhole(): Promise<string> {
  const sockets: Socket[] = [];
  const server = createServer((socket) => void sockets.push(socket));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  holes.push({ server, sockets });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}
const holes: Array<{ server: Server; sockets: Socket[] }> = [];
afterEach(() => {
  for (const h of holes.splice(0)) {
    for (const s of h.sockets) s.destroy();
    h.server.close();
  }
});
