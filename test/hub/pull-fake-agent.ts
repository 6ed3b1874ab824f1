import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { gzipSync } from "node:zlib";
import { wrap } from "../../shared/protocol/envelope.ts";
import type { HostIdentity } from "../../shared/protocol/identity.ts";
import { MAX_PULL_BATCHES } from "../../shared/protocol/pull.ts";
import type { SampleBatchInput } from "../../shared/protocol/sample-batch.ts";

/** In-flight requests across every fake agent of a test, to check the hub's concurrency limit. */
export const inFlight = { now: 0, max: 0 };

export interface FakeAgentOptions {
  agentId: string;
  token: string;
  /** How many sealed batches the agent holds (sequences 1..n), each with `samplesPerBatch` samples. */
  batches?: number;
  samplesPerBatch?: number;
  /** Delay before each answer (a slow agent). */
  delayMs?: number;
  /** Replaces the answer's body (a broken agent). */
  rawBody?: string;
  /** Identity the agent claims in pages (defaults to agentId). */
  claimsId?: string;
}

/**
 * An agent's pull endpoint on 127.0.0.1: GET /api/v1/samples?after=&limit= answers sample_page
 * envelopes built with wrap(), gzip when asked; 401 with the agent's error body for a wrong token.
 * Every request's `after` is recorded, as the agent would use it to acknowledge its outbox.
 */
export async function startFakeAgent(o: FakeAgentOptions) {
  const host: HostIdentity = {
    agentId: o.claimsId ?? o.agentId,
    hostname: `${o.agentId}.lan`,
    labels: { role: "inference" },
    agentVersion: "0.2.0",
    bootId: "boot-a",
  };
  const base = 1_790_000_000_000;
  const makeBatch = (i: number): SampleBatchInput => ({
    host,
    sequence: i + 1,
    sealedAt: base + i * 10_000,
    pushIntervalMs: 10_000,
    samples: Array.from({ length: o.samplesPerBatch ?? 2 }, (_, k) => ({
      name: k % 2 === 0 ? "vigil_load1" : "vigil_memory_used_percent",
      labels: k < 2 ? {} : { cpu: String(k) },
      timestamp: base + i * 10_000 + k,
      value: i + k / 10,
    })),
    states: [{ name: "vigil_zfs_pool_health", labels: { pool: "tank" }, timestamp: base + i * 10_000, state: "ONLINE" }],
  });
  const batches: SampleBatchInput[] = Array.from({ length: o.batches ?? 0 }, (_, i) => makeBatch(i));
  const requests: Array<{ after: number; limit: number; gzip: boolean; authorization: string | undefined }> = [];
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    const auth = req.headers.authorization;
    const gzip = /gzip/.test(String(req.headers["accept-encoding"] ?? ""));
    const after = Number(url.searchParams.get("after"));
    const limit = Math.min(Number(url.searchParams.get("limit") ?? MAX_PULL_BATCHES), MAX_PULL_BATCHES);
    requests.push({ after, limit, gzip, authorization: auth });
    inFlight.now++;
    inFlight.max = Math.max(inFlight.max, inFlight.now);
    const answer = () => {
      inFlight.now--;
      if (res.destroyed) return;
      if (url.pathname !== "/api/v1/samples") return void res.writeHead(404).end();
      if (auth !== `Bearer ${o.token}`) {
        res.writeHead(401, { "content-type": "application/json" });
        return void res.end(JSON.stringify({ error: { code: "AGENT_TOKEN_INVALID", message: "the token is not this agent's" } }));
      }
      const pending = batches.filter((b) => b.sequence > after);
      const page =
        o.rawBody ?? JSON.stringify(wrap("sample_page", { host, batches: pending.slice(0, limit), more: pending.length > limit }));
      res.writeHead(200, { "content-type": "application/json", ...(gzip ? { "content-encoding": "gzip" } : {}) });
      res.end(gzip ? gzipSync(page) : page);
    };
    if (o.delayMs) setTimeout(answer, o.delayMs).unref();
    else answer();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    requests,
    /** Seals one more batch, as the agent does every interval. */
    seal(): void {
      batches.push(makeBatch(batches.length));
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
