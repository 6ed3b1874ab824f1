import { Agent, request } from "node:http";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { createHubApp } from "../../hub/app.ts";
import { loadHubConfig } from "../../hub/config/load.ts";
import { HubStore, type ReceivedBatch } from "../../hub/store/hub-store.ts";
import { listen } from "../../shared/http/serve.ts";
import { silentLogger } from "../../shared/log/logger.ts";
import { batchEnvelope } from "../support/batches.ts";
import { useTempDirs } from "../support/temp-dir.ts";

const tempDir = useTempDirs();
const AGENTS = 1000;
const SERIES = 20;
const NOW = 1_790_000_100_000;

/** Connections are reused, so the test's time goes to the hub rather than to TCP handshakes. */
const connections = new Agent({ keepAlive: true, maxSockets: 200 });

function push(url: string, body: Buffer): Promise<{ status: number; duplicate?: boolean }> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${url}/api/v1/ingest`,
      {
        method: "POST",
        agent: connections,
        headers: { "content-type": "application/json", "content-encoding": "gzip", "content-length": String(body.length) },
        signal: AbortSignal.timeout(20_000),
      },
      (res) => {
        let text = "";
        res.on("data", (d: Buffer) => {
          text += d.toString();
        });
        res.on("end", () => {
          const ack = res.statusCode === 200 ? (JSON.parse(text) as { payload: { duplicate: boolean } }) : undefined;
          resolve({ status: res.statusCode ?? 0, ...(ack ? { duplicate: ack.payload.duplicate } : {}) });
        });
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

function batch(agent: number, sequence: number): Buffer {
  const samples = Array.from({ length: SERIES }, (_, i) => ({
    name: "vigil_cpu_usage_percent",
    labels: { cpu: String(i) },
    value: agent + i / 100,
  }));
  const states = [{ name: "vigil_zfs_pool_health", labels: { pool: "tank" }, state: sequence === 3 ? "DEGRADED" : "ONLINE" }];
  return gzipSync(
    JSON.stringify(batchEnvelope({ agentId: `agent-${agent}`, sequence, timestamp: NOW - 30_000 + sequence * 10_000, samples, states })),
  );
}

describe("ingest from 1,000 agents on 127.0.0.1", () => {
  it("stores every batch exactly once in grouped transactions, through duplicates and out-of-order batches", async () => {
    const { config } = loadHubConfig({ configFile: undefined, env: {} });
    const store = new HubStore(join(tempDir(), "hub.sqlite"));
    const groups: number[] = [];
    const write = store.ingestGroup.bind(store);
    store.ingestGroup = (items: readonly ReceivedBatch[]) => {
      groups.push(items.length);
      return write(items);
    };
    const server = await listen(createHubApp({ store, config, logger: silentLogger, version: "test", now: () => NOW }), "127.0.0.1", 0);
    try {
      const started = Date.now();
      const acks = await Promise.all(
        Array.from({ length: AGENTS }, async (_, agent) => {
          const out: Array<{ status: number; duplicate?: boolean }> = [];
          const send = async (seq: number) => out.push(await push(server.url, batch(agent, seq)));
          if (agent % 10 === 0) {
            // Out of order, then a resend after a lost ack.
            for (const seq of [1, 3, 2, 2]) await send(seq);
          } else if (agent % 10 === 5) {
            // The same batch twice at once (a retry racing the first try): one is stored, one is a duplicate.
            await Promise.all([send(1), send(1)]);
            for (const seq of [2, 3]) await send(seq);
          } else {
            for (const seq of [1, 2, 3]) await send(seq);
          }
          return out;
        }),
      );
      const elapsedMs = Date.now() - started;
      const flat = acks.flat();
      expect(flat.filter((a) => a.status !== 200)).toEqual([]);
      expect(flat.length).toBe(AGENTS * 3 + 200);
      expect(flat.filter((a) => a.duplicate).length).toBe(200);

      const count = (sql: string) => store.db.prepare(sql).pluck().get();
      expect(count("SELECT COUNT(*) FROM hosts")).toBe(AGENTS);
      expect(count("SELECT COUNT(*) FROM received_batches")).toBe(AGENTS * 3);
      expect(count("SELECT COUNT(*) FROM samples")).toBe(AGENTS * 3 * SERIES);
      expect(count("SELECT COUNT(*) FROM series")).toBe(AGENTS * SERIES);
      expect(count("SELECT COUNT(*) FROM latest")).toBe(AGENTS * SERIES);
      // Latest is the newest sample whatever the arrival order: sequence 3's.
      expect(count("SELECT COUNT(*) FROM latest WHERE timestamp = " + String(NOW))).toBe(AGENTS * SERIES);
      expect(count("SELECT COUNT(*) FROM states WHERE state = 'DEGRADED'")).toBe(AGENTS);
      expect(count("SELECT COUNT(*) FROM hosts WHERE last_sequence = 3")).toBe(AGENTS);
      // Grouped: far fewer transactions than batches.
      expect(groups.reduce((a, b) => a + b, 0)).toBe(AGENTS * 3 + 200);
      expect(groups.length).toBeLessThan((AGENTS * 3 + 200) / 2);
      console.log(`1,000 agents: ${flat.length} pushes in ${elapsedMs} ms, ${groups.length} transactions`);
    } finally {
      connections.destroy();
      await server.close();
      store.close();
    }
  }, 60_000);
});
