/**
 * Simulated agents for the hub benchmark, all in this one process: each pushes a realistic batch
 * (bench/hub-batch.ts) every interval, phases spread evenly over the interval, and behaves like the
 * real agent's outbox: a batch that is not acknowledged (503, 5xx, network error) is sent again
 * after Retry-After or a backoff, and later batches wait behind it. Prints `RESULT-LOAD {json}`.
 *
 *   node dist/bench/hub-load-agents.js --url http://127.0.0.1:9470 --agents 1000 --seconds 60
 *
 * Each push opens a new connection by default, as a real agent at a 10 s interval does (the hub
 * closes idle connections after 5 s); --keepalive reuses a pool instead. Bodies are gzip level 1
 * (the agent uses 6) to leave the shared CPU to the hub; the hub's gunzip costs the same.
 */
import { type Agent, Agent as HttpAgent, request } from "node:http";
import { parseArgs, promisify } from "node:util";
import { gzip } from "node:zlib";
import { SimulatedHost } from "./hub-batch.ts";

const gzipAsync = promisify(gzip);

const { values } = parseArgs({
  options: {
    url: { type: "string" },
    agents: { type: "string", default: "100" },
    seconds: { type: "string", default: "60" },
    "interval-ms": { type: "string", default: "10000" },
    /** Latency and throughput are measured after this (the first interval creates every series: a cold start). */
    "warmup-seconds": { type: "string", default: "10" },
    /** After the run, how long unacknowledged batches may still be retried. */
    "drain-seconds": { type: "string", default: "60" },
    keepalive: { type: "boolean", default: false },
  },
});
if (!values.url) throw new Error("--url is required");
const URL_INGEST = new URL("/api/v1/ingest", values.url);
const AGENTS = Number(values.agents);
const SECONDS = Number(values.seconds);
const INTERVAL_MS = Number(values["interval-ms"]);
const DRAIN_MS = Number(values["drain-seconds"]) * 1000;
const WARMUP_MS = Number(values["warmup-seconds"]) * 1000;
const httpAgent: Agent | false = values.keepalive ? new HttpAgent({ keepAlive: true, maxSockets: 512 }) : false;

interface Pending {
  body: Buffer;
  samples: number;
}

interface SimAgent {
  host: SimulatedHost;
  outbox: Pending[];
  sending: boolean;
  retryTimer?: NodeJS.Timeout;
}

const stats = {
  batchesMade: 0,
  samplesMade: 0,
  acked: 0,
  ackedSamples: 0,
  duplicates: 0,
  attempts: 0,
  failures: {} as Record<string, number>,
  latenciesMs: [] as number[],
  /** Of each latency: until the TCP connection was up (the listen queue, SYN retries), and the rest. */
  connectMs: [] as number[],
  requestMs: [] as number[],
  /** Samples acknowledged while measuring, for the sustained rate. */
  measuredSamples: 0,
};
let measuring = false;
let generating = true;
/** Set when the drain time is over: no request is started after it. */
let stopped = false;

/** One push; `connectedAt` is when its TCP connection was up (the start, on a reused connection). */
function post(body: Buffer): Promise<{ status: number; body: string; retryAfter?: string; connectedAt: number }> {
  const started = performance.now();
  let connectedAt = started;
  return new Promise((resolve, reject) => {
    const req = request(
      URL_INGEST,
      {
        method: "POST",
        agent: httpAgent,
        headers: { "content-type": "application/json", "content-encoding": "gzip", "content-length": String(body.length) },
        signal: AbortSignal.timeout(30_000),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const ra = res.headers["retry-after"];
          resolve({
            status: res.statusCode ?? 0,
            body: Buffer.concat(chunks).toString("utf8"),
            connectedAt,
            ...(ra ? { retryAfter: String(ra) } : {}),
          });
        });
        res.on("error", reject);
      },
    );
    req.on("socket", (socket) => {
      if (socket.connecting) {
        socket.once("connect", () => {
          connectedAt = performance.now();
        });
      }
    });
    req.on("error", reject);
    req.end(body);
  });
}

async function drain(a: SimAgent): Promise<void> {
  if (a.sending || a.retryTimer) return;
  a.sending = true;
  try {
    while (a.outbox.length > 0 && !stopped) {
      const next = a.outbox[0] as Pending;
      const started = performance.now();
      stats.attempts++;
      let retryInMs = 0;
      try {
        const res = await post(next.body);
        if (res.status === 200) {
          const ack = JSON.parse(res.body) as { payload: { duplicate: boolean } };
          if (measuring) {
            const end = performance.now();
            stats.latenciesMs.push(end - started);
            stats.connectMs.push(res.connectedAt - started);
            stats.requestMs.push(end - res.connectedAt);
          }
          // Counted per batch acknowledged, stored now or before (a retry after a lost answer is acked as a duplicate).
          stats.acked++;
          stats.ackedSamples += next.samples;
          if (measuring) stats.measuredSamples += next.samples;
          if (ack.payload.duplicate) stats.duplicates++;
          a.outbox.shift();
          continue;
        }
        stats.failures[String(res.status)] = (stats.failures[String(res.status)] ?? 0) + 1;
        retryInMs = res.retryAfter ? Number(res.retryAfter) * 1000 : 1000;
      } catch (err) {
        const code = (err as { code?: string }).code ?? (err as Error).name;
        stats.failures[code] = (stats.failures[code] ?? 0) + 1;
        retryInMs = 1000;
      }
      a.retryTimer = setTimeout(
        () => {
          a.retryTimer = undefined;
          void drain(a);
        },
        retryInMs * (0.5 + Math.random()),
      );
      return;
    }
  } finally {
    a.sending = false;
  }
}

async function seal(a: SimAgent): Promise<void> {
  const envelope = a.host.nextBatch(Date.now(), INTERVAL_MS);
  const body = await gzipAsync(JSON.stringify(envelope), { level: 1 });
  a.outbox.push({ body, samples: envelope.payload.samples.length });
  stats.batchesMade++;
  stats.samplesMade += envelope.payload.samples.length;
  void drain(a);
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

async function main(): Promise<void> {
  const agents: SimAgent[] = Array.from({ length: AGENTS }, (_, i) => ({ host: new SimulatedHost(i), outbox: [], sending: false }));
  const t0 = Date.now();
  const timers: NodeJS.Timeout[] = [];
  agents.forEach((a, i) => {
    const phase = (i * INTERVAL_MS) / AGENTS;
    timers.push(
      setTimeout(() => {
        void seal(a);
        timers.push(
          setInterval(() => {
            if (generating) void seal(a);
          }, INTERVAL_MS),
        );
      }, phase),
    );
  });
  // Measured after the warm-up, once every agent has started and its series exist.
  let measureStart = t0;
  setTimeout(() => {
    measuring = true;
    measureStart = Date.now();
  }, WARMUP_MS);
  await new Promise((r) => setTimeout(r, SECONDS * 1000));
  generating = false;
  for (const t of timers) clearInterval(t);
  const runMs = Date.now() - t0;
  measuring = false;
  const measuredMs = Date.now() - measureStart;
  const backlogAtEnd = agents.reduce((n, a) => n + a.outbox.length, 0);
  const drainDeadline = Date.now() + DRAIN_MS;
  while (Date.now() < drainDeadline && agents.some((a) => a.outbox.length > 0 || a.sending)) {
    await new Promise((r) => setTimeout(r, 100));
  }
  stopped = true;
  for (const a of agents) if (a.retryTimer) clearTimeout(a.retryTimer);
  const lat = stats.latenciesMs.sort((x, y) => x - y);
  const quantiles = (values: number[]) => {
    const v = values.sort((x, y) => x - y);
    return { p50: percentile(v, 50), p99: percentile(v, 99) };
  };
  const result = {
    agents: AGENTS,
    intervalMs: INTERVAL_MS,
    runMs,
    measuredMs,
    measuredSamplesPerSecond: Math.round(stats.measuredSamples / (measuredMs / 1000)),
    backlogAtEnd,
    batchesMade: stats.batchesMade,
    samplesMade: stats.samplesMade,
    acked: stats.acked,
    ackedSamples: stats.ackedSamples,
    duplicates: stats.duplicates,
    attempts: stats.attempts,
    failures: stats.failures,
    // Still in an outbox when the drain time ended (in flight or waiting).
    unsentBatches: agents.reduce((n, a) => n + a.outbox.length, 0),
    latencyMs: {
      n: lat.length,
      p50: percentile(lat, 50),
      p90: percentile(lat, 90),
      p99: percentile(lat, 99),
      max: lat[lat.length - 1] ?? Number.NaN,
    },
    connectMs: quantiles(stats.connectMs),
    requestMs: quantiles(stats.requestMs),
  };
  // Requests still in flight are abandoned: a batch the hub stores after this counts as unsent, not lost.
  process.stdout.write(`RESULT-LOAD ${JSON.stringify(result)}\n`, () => process.exit(0));
}

await main();
