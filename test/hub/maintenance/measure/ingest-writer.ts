// A child process that ingests into a hub database the way the hub does (HubStore.ingest), one batch
// every 20 ms, and reports how long each ingest took. On {backup: file} it also runs better-sqlite3's
// online backup on its own connection, as an in-process scheduled backup would.
import { statSync } from "node:fs";
import { HubStore } from "../../../../hub/store/hub-store.ts";
import { sampleBatch } from "../../../../shared/protocol/sample-batch.ts";

const file = process.argv[2] as string;
const store = new HubStore(file);
const latencies: Array<[number, number]> = [];
let sequence = 0;
let walMax = 0;
const timer = setInterval(() => {
  const now = Date.now();
  const batch = sampleBatch.parse({
    host: { agentId: "gpu-box-0", hostname: "gpu-box-0.lan", labels: {}, agentVersion: "0.1.0", bootId: "boot-measure" },
    sequence: ++sequence,
    sealedAt: now,
    pushIntervalMs: 10_000,
    samples: Array.from({ length: 100 }, (_, i) => ({
      name: `vigil_measure_${i % 10}`,
      labels: { n: String(i) },
      timestamp: now,
      value: i,
    })),
    states: [],
  });
  const t = performance.now();
  store.ingest(batch, now);
  latencies.push([now, performance.now() - t]);
  try {
    walMax = Math.max(walMax, statSync(`${file}-wal`).size);
  } catch {}
}, 20);

process.on("message", async (m: { report?: [number, number]; backup?: string; stop?: boolean; checkpoint?: boolean }) => {
  if (m.checkpoint) {
    store.db.pragma("wal_checkpoint(TRUNCATE)");
    walMax = 0;
    process.send?.({ walBytes: statSync(`${file}-wal`).size });
  }
  if (m.report) {
    const [from, to] = m.report;
    const xs = latencies
      .filter(([at]) => at >= from && at <= to)
      .map(([, ms]) => ms)
      .sort((a, b) => a - b);
    const q = (p: number) => xs[Math.min(xs.length - 1, Math.floor(p * xs.length))] ?? 0;
    process.send?.({ count: xs.length, p50: q(0.5), p99: q(0.99), max: xs[xs.length - 1] ?? 0, walMax, lastSequence: sequence });
    walMax = 0;
  }
  if (m.backup) {
    const t = performance.now();
    let restarts = 0;
    let last = Infinity;
    await store.db.backup(m.backup, {
      progress: (p) => {
        if (p.remainingPages > last) restarts++;
        last = p.remainingPages;
        return 100;
      },
    });
    process.send?.({ backupMs: performance.now() - t, restarts });
  }
  if (m.stop) {
    clearInterval(timer);
    store.close();
    process.send?.({ stopped: true }, () => process.exit(0));
  }
});
process.send?.({ ready: true });
