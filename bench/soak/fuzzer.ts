/**
 * The soak's fuzzer process: bad ingest requests (fuzz-cases.ts) at a steady rate until `--until`,
 * each answer counted by kind and status; the tally is rewritten to `--out` every second, so it
 * survives whatever happens to this process. A refused connection (the hub was killed on purpose) is
 * counted apart: nothing was sent.
 */
import { writeFileSync } from "node:fs";
import { request } from "node:http";
import { parseArgs } from "node:util";
import { makeFuzzRequest, seededRandom, type FuzzRequest } from "./fuzz-cases.ts";

const { values } = parseArgs({
  options: {
    url: { type: "string" },
    token: { type: "string" },
    out: { type: "string" },
    until: { type: "string" },
    rate: { type: "string", default: "5" },
    seed: { type: "string", default: "1" },
    "max-body-bytes": { type: "string" },
    "max-decompressed-bytes": { type: "string" },
  },
});
for (const k of ["url", "token", "out", "until", "max-body-bytes", "max-decompressed-bytes"] as const) {
  if (!values[k]) throw new Error(`fuzzer: --${k} is required`);
}
const INGEST = new URL("/api/v1/ingest", values.url);
const UNTIL = Number(values.until);
const GAP_MS = 1000 / Number(values.rate);
const limits = { maxBodyBytes: Number(values["max-body-bytes"]), maxDecompressedBytes: Number(values["max-decompressed-bytes"]) };

export interface FuzzTally {
  seed: number;
  sent: number;
  unreachable: number;
  /** By status class: 4xx refused, 503 busy, other 5xx server errors, 2xx accepted. */
  refused: number;
  busy: number;
  interrupted: number;
  serverErrors: number;
  accepted: number;
  byKind: Record<string, Record<string, number>>;
}

const tally: FuzzTally = {
  seed: Number(values.seed),
  sent: 0,
  unreachable: 0,
  refused: 0,
  busy: 0,
  interrupted: 0,
  serverErrors: 0,
  accepted: 0,
  byKind: {},
};

function send(r: FuzzRequest): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      INGEST,
      {
        method: "POST",
        agent: false,
        headers: { ...r.headers, "content-length": String(r.body.length) },
        signal: AbortSignal.timeout(15_000),
      },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
        res.on("error", reject);
      },
    );
    // The hub may answer 413 and close before the whole body is written: the status still counts.
    req.on("error", reject);
    req.end(r.body);
  });
}

function count(kind: string, outcome: string): void {
  const k = (tally.byKind[kind] ??= {});
  k[outcome] = (k[outcome] ?? 0) + 1;
}

async function main(): Promise<void> {
  const random = seededRandom(tally.seed);
  const flush = () => writeFileSync(values.out as string, JSON.stringify(tally));
  const flusher = setInterval(flush, 1000);
  let sequence = 0;
  while (Date.now() < UNTIL) {
    const r = makeFuzzRequest(random, values.token as string, limits, ++sequence);
    try {
      const status = await send(r);
      tally.sent++;
      count(r.kind, String(status));
      if (status >= 400 && status < 500) tally.refused++;
      else if (status === 503) tally.busy++;
      else if (status >= 500) tally.serverErrors++;
      else tally.accepted++;
    } catch (err) {
      const code = (err as { code?: string }).code ?? (err as Error).name;
      if (code === "ECONNREFUSED") tally.unreachable++;
      else {
        // A reset while an oversized body is still being written is the hub refusing the rest of it; any other
        // broken request is one the hub's kill -9 interrupted (a hub crash is caught by its exit, not here).
        tally.sent++;
        count(r.kind, code);
        if (r.kind === "oversized" && (code === "ECONNRESET" || code === "EPIPE")) tally.refused++;
        else tally.interrupted++;
      }
    }
    await new Promise((res) => setTimeout(res, GAP_MS));
  }
  clearInterval(flusher);
  flush();
}

await main();
