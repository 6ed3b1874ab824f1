import { request } from "node:http";
import { join } from "node:path";
import { onTestFinished } from "vitest";
import { AgentCredentials } from "../../agent/auth/credentials.ts";
import type { Collector, Observations } from "../../agent/collectors/collector.ts";
import { listen } from "../../agent/http/listen.ts";
import { CollectorScheduler } from "../../agent/collectors/scheduler.ts";
import { createAgentApp } from "../../agent/server.ts";
import { AgentStore } from "../../agent/store/agent-store.ts";
import { Pusher } from "../../agent/transport/pusher.ts";
import { BatchSealer } from "../../agent/transport/sealer.ts";
import { Secret } from "../../shared/config/secret.ts";
import { silentLogger } from "../../shared/log/logger.ts";

export const HOST = { agentId: "gpu-box", hostname: "gpu-box", labels: { site: "home" }, agentVersion: "0.1.0", bootId: "boot-1" };
export const TOKEN = "agent-token-5b1d0c7e9a";

/** What a GPU and ZFS box reports in one cycle: series from the shared catalogs and one state. */
export function gpuBoxObservations(now: number): Observations {
  const gpu = { gpu: "0", uuid: "GPU-3a1e7c52-9f0b-4d55-8c1e-0f2b6d7a9e41", name: "NVIDIA GeForce RTX 4090" };
  return {
    samples: [
      { name: "vigil_gpu_temperature_celsius", labels: gpu, timestamp: now, value: 64 },
      { name: "vigil_gpu_memory_used_bytes", labels: gpu, timestamp: now, value: 20_401_094_656 },
      { name: "vigil_load1", labels: {}, timestamp: now, value: 0.18 },
    ],
    states: [{ name: "vigil_zfs_pool_health", labels: { pool: "nvme-fast" }, timestamp: now, state: "DEGRADED" }],
  };
}

export interface AppOptions {
  token?: string | undefined;
  pending?: boolean;
  loopback?: boolean;
  mode?: "push" | "pull";
  now?: () => number;
  staleAfterMs?: number;
  observations?: (now: number) => Observations;
}

/**
 * The agent's app over a real store and scheduler, with one collector that has run once, served on
 * 127.0.0.1 by the agent's own server (closed when the test ends).
 */
export async function agentApp(dir: string, o: AppOptions = {}) {
  const now = o.now ?? Date.now;
  const store = new AgentStore(join(dir, "agent.sqlite"));
  const collector: Collector = {
    name: "fake",
    collect: async (ctx) => ({ kind: "ok", ...(o.observations ?? gpuBoxObservations)(ctx.now) }),
  };
  const scheduled = { collector, intervalMs: 10_000, timeoutMs: 1000 };
  const scheduler = new CollectorScheduler({
    collectors: [scheduled],
    sink: (obs, at) => store.recordObservations(obs, at),
    logger: silentLogger,
    now,
  });
  await scheduler.runOnce(scheduled);
  const credentials = new AgentCredentials(o.token === undefined ? undefined : new Secret(o.token, "inline"), o.pending ?? false);
  const mode = o.mode ?? "push";
  const sealer = new BatchSealer({ store, host: HOST, pushIntervalMs: 10_000, outboxMaxBytes: 100_000_000, logger: silentLogger, now });
  const pusher =
    mode === "push"
      ? new Pusher({
          store,
          sealer,
          target: { url: "http://127.0.0.1:9", token: credentials.token, timeoutMs: 1000 },
          pushIntervalMs: 10_000,
          backoff: { initialMs: 100, maxMs: 1000 },
          drainRatePerSecond: 20,
          logger: silentLogger,
        })
      : undefined;
  const app = createAgentApp({
    store,
    scheduler,
    sealer,
    pusher,
    host: HOST,
    version: "0.1.0",
    mode,
    credentials,
    loopback: o.loopback ?? true,
    outboxMaxBytes: 100_000_000,
    staleAfterMs: o.staleAfterMs ?? 300_000,
    now,
  });
  const server = await listen(app, "127.0.0.1", 0);
  onTestFinished(() => server.close());
  const get = (path: string, headers: Record<string, string> = {}) => rawGet(`${server.url}${path}`, headers);
  const bearer = (token = TOKEN) => ({ authorization: `Bearer ${token}` });
  return { app, store, scheduler, scheduled, sealer, pusher, credentials, get, bearer };
}

/**
 * GET with node:http, answered as a fetch Response over the bytes as sent: unlike fetch, it never
 * decompresses, so the tests see the gzip body and Content-Encoding the agent actually wrote.
 */
function rawGet(url: string, headers: Record<string, string>): Promise<Response> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers, signal: AbortSignal.timeout(10_000) }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("error", reject);
      res.on("end", () => {
        const responseHeaders = new Headers();
        for (const [name, value] of Object.entries(res.headers)) {
          for (const v of Array.isArray(value) ? value : value === undefined ? [] : [value]) responseHeaders.append(name, v);
        }
        resolve(new Response(Buffer.concat(chunks), { status: res.statusCode ?? 0, headers: responseHeaders }));
      });
    });
    req.on("error", reject);
    req.end();
  });
}
