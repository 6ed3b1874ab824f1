/**
 * One worker process of the soak: simulated agents [from, to) pushing a realistic batch
 * (bench/hub-batch.ts) every interval to the hub, each like the real agent's outbox: oldest first,
 * a batch not acknowledged is sent again after Retry-After or a backoff. Every batch is journaled
 * before its first send and every acknowledgement after it (journal.ts), so a worker killed with
 * kill -9 and started again with the same arguments resends exactly what was not acknowledged.
 * Generates until the run's end, then drains; exits 0 when every outbox is empty or the drain time is up.
 */
import { openSync, readFileSync, writeSync, existsSync } from "node:fs";
import { request } from "node:http";
import { parseArgs, promisify } from "node:util";
import { gzip } from "node:zlib";
import { SimulatedHost } from "../hub-batch.ts";
import { ackedLine, generatedLine, lastSequence, parseJournal, unacknowledged } from "./journal.ts";
import { plannedGpuTemperature, type SoakPlan } from "./plan.ts";

const gzipAsync = promisify(gzip);

const { values } = parseArgs({
  options: {
    url: { type: "string" },
    token: { type: "string" },
    from: { type: "string" },
    to: { type: "string" },
    plan: { type: "string" },
    journal: { type: "string" },
    /** Epoch ms of the run's start: the plan's times are relative to it. */
    t0: { type: "string" },
    "drain-ms": { type: "string", default: "60000" },
  },
});
for (const k of ["url", "token", "from", "to", "plan", "journal", "t0"] as const) {
  if (!values[k]) throw new Error(`sim-worker: --${k} is required`);
}
const INGEST = new URL("/api/v1/ingest", values.url);
const TOKEN = values.token as string;
const FROM = Number(values.from);
const TO = Number(values.to);
const T0 = Number(values.t0);
const plan = JSON.parse(readFileSync(values.plan as string, "utf8")) as SoakPlan;
const END = T0 + plan.durationMs;
const DRAIN_END = END + Number(values["drain-ms"]);

interface Pending {
  sequence: number;
  sealedAt: number;
  samples: number;
  body?: Buffer;
}

interface SimAgent {
  index: number;
  host: SimulatedHost;
  outbox: Pending[];
  sending: boolean;
  retryTimer?: NodeJS.Timeout;
}

const journalFd = openSync(values.journal as string, "a");
const failures: Record<string, number> = {};

/** The batch for (agent, sequence, sealedAt): the same key and timestamp on every resend; GPU 0 as the plan says. */
async function body(a: SimAgent, p: Pending): Promise<Buffer> {
  const keep = a.host.sequence;
  a.host.sequence = p.sequence - 1;
  const envelope = a.host.nextBatch(p.sealedAt, plan.intervalMs);
  a.host.sequence = keep;
  const hot = plannedGpuTemperature(plan, a.index, p.sealedAt - T0);
  if (hot !== undefined) {
    const gpu0 = envelope.payload.samples.find(
      (s) => s.name === "vigil_gpu_temperature_celsius" && (s.labels as Record<string, string>).gpu === "0",
    );
    if (gpu0) gpu0.value = hot;
  }
  return gzipAsync(JSON.stringify(envelope), { level: 1 });
}

function post(payload: Buffer): Promise<{ status: number; body: string; retryAfter?: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      INGEST,
      {
        method: "POST",
        agent: false,
        headers: {
          "content-type": "application/json",
          "content-encoding": "gzip",
          "content-length": String(payload.length),
          authorization: `Bearer ${TOKEN}`,
        },
        signal: AbortSignal.timeout(30_000),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const ra = res.headers["retry-after"];
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8"), ...(ra ? { retryAfter: String(ra) } : {}) });
        });
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(payload);
  });
}

async function drain(a: SimAgent): Promise<void> {
  if (a.sending || a.retryTimer) return;
  a.sending = true;
  try {
    while (a.outbox.length > 0 && Date.now() < DRAIN_END) {
      const next = a.outbox[0] as Pending;
      next.body ??= await body(a, next);
      const started = performance.now();
      let retryInMs = 1000;
      try {
        const res = await post(next.body);
        if (res.status === 200) {
          const ack = JSON.parse(res.body) as { payload: { duplicate: boolean } };
          writeSync(journalFd, ackedLine(a.index, next.sequence, ack.payload.duplicate, performance.now() - started));
          a.outbox.shift();
          continue;
        }
        failures[String(res.status)] = (failures[String(res.status)] ?? 0) + 1;
        if (res.retryAfter) retryInMs = Number(res.retryAfter) * 1000;
      } catch (err) {
        const code = (err as { code?: string }).code ?? (err as Error).name;
        failures[code] = (failures[code] ?? 0) + 1;
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

function seal(a: SimAgent): void {
  const sealedAt = Date.now();
  if (sealedAt >= END) return;
  a.host.sequence++;
  const p: Pending = { sequence: a.host.sequence, sealedAt, samples: a.host.series.length };
  // Journaled before the first send: a batch the hub may hold is always one the accounting knows.
  writeSync(journalFd, generatedLine({ agent: a.index, ...p }));
  a.outbox.push(p);
  void drain(a);
}

function main(): void {
  const journal = parseJournal(existsSync(values.journal as string) ? readFileSync(values.journal as string, "utf8") : "");
  const agents: SimAgent[] = [];
  for (let i = FROM; i < TO; i++) {
    const host = new SimulatedHost(i);
    const past = journal.agents.get(i);
    host.sequence = lastSequence(past);
    const outbox: Pending[] = past
      ? unacknowledged(past).map((b) => ({ sequence: b.sequence, sealedAt: b.sealedAt, samples: b.samples }))
      : [];
    agents.push({ index: i, host, outbox, sending: false });
  }
  const count = agents.length;
  agents.forEach((a, k) => {
    void drain(a);
    setTimeout(
      () => {
        seal(a);
        const timer = setInterval(() => {
          if (Date.now() >= END) clearInterval(timer);
          else seal(a);
        }, plan.intervalMs);
      },
      (k * plan.intervalMs) / count,
    );
  });
  const check = setInterval(() => {
    const now = Date.now();
    const empty = agents.every((a) => a.outbox.length === 0);
    if ((now >= END && empty) || now >= DRAIN_END) {
      clearInterval(check);
      writeSync(
        journalFd,
        `S ${JSON.stringify({ pid: process.pid, failures, unsent: agents.reduce((n, a) => n + a.outbox.length, 0) })}\n`,
      );
      process.exit(0);
    }
  }, 200);
}

main();
