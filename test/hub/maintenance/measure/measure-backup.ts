// Measures backup methods on a large hub database while a separate process ingests into it:
//   node test/hub/maintenance/measure/measure-backup.ts <hub.sqlite> <scratch-dir> [method ...]
// Build the database first with build-hub-db.ts. Prints one JSON line per method: its duration, and
// the ingest latency (ms per HubStore.ingest of 100 samples, one every 20 ms) and WAL growth meanwhile.
import { fork } from "node:child_process";
import { createReadStream, createWriteStream, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { createGzip } from "node:zlib";
import Database from "better-sqlite3";
import { backupDatabase } from "../../../../shared/sqlite/backup.ts";

const [file, scratch, ...chosen] = process.argv.slice(2) as [string, string, ...string[]];
const out = (name: string) => {
  const f = join(scratch, name);
  rmSync(f, { force: true });
  return f;
};
const size = (name: string) => statSync(join(scratch, name)).size;

const METHODS: Record<string, () => Promise<Record<string, unknown>> | Record<string, unknown>> = {
  vacuum: () => {
    const db = new Database(file, { readonly: true });
    db.exec(`VACUUM INTO '${out("vacuum.sqlite")}'`);
    db.close();
    return { bytes: size("vacuum.sqlite") };
  },
  "backup-one-step": async () => {
    const db = new Database(file, { readonly: true });
    await db.backup(out("backup-one-step.sqlite"), { progress: () => 0x7fffffff });
    db.close();
    const copy = new Database(join(scratch, "backup-one-step.sqlite"), { readonly: true });
    const mode = copy.pragma("journal_mode", { simple: true });
    copy.close();
    return { bytes: size("backup-one-step.sqlite"), journalMode: mode };
  },
  "backup-steps": async () => {
    const db = new Database(file, { readonly: true });
    let restarts = 0;
    let last = Infinity;
    const started = Date.now();
    let finished = true;
    await db
      .backup(out("backup-steps.sqlite"), {
        progress: (p) => {
          if (p.remainingPages > last) restarts++;
          last = p.remainingPages;
          if (Date.now() - started > 60_000) throw new Error("gave up after 60 s");
          return 100;
        },
      })
      .catch(() => {
        finished = false;
      });
    db.close();
    return { finished, restarts };
  },
  "backup-inprocess": async () => ({ restarts: (await ask({ backup: out("backup-inprocess.sqlite") })).restarts }),
  // What vigil-hub backup does: VACUUM INTO, integrity_check, gzip level 1.
  "vigil-hub-backup": async () => {
    const r = await backupDatabase(file, out("hub-backup.sqlite.gz"));
    const s = (ms: number) => +(ms / 1000).toFixed(1);
    return { bytes: r.bytes, databaseBytes: r.databaseBytes, copyS: s(r.copyMs), verifyS: s(r.verifyMs), gzipS: s(r.compressMs) };
  },
  integrity: () => check("integrity_check", "backup-one-step.sqlite"),
  quick: () => check("quick_check", "backup-one-step.sqlite"),
  gzip1: () => gzip(1),
  gzip6: () => gzip(6),
};

function check(pragma: string, name: string): Record<string, unknown> {
  const db = new Database(join(scratch, name), { readonly: true });
  const result = db.pragma(pragma, { simple: true });
  db.close();
  return { result };
}

async function gzip(level: number): Promise<Record<string, unknown>> {
  const dest = out(`copy.${level}.gz`);
  await pipeline(createReadStream(join(scratch, "backup-one-step.sqlite")), createGzip({ level }), createWriteStream(dest));
  return { bytes: statSync(dest).size };
}

const writer = fork(join(import.meta.dirname, "ingest-writer.ts"), [file], { stdio: "inherit" });
const replies: Array<(m: Record<string, number>) => void> = [];
writer.on("message", (m: Record<string, number>) => replies.shift()?.(m));
writer.on("exit", (code) => {
  if (code !== 0) process.exit(1);
});
function ask(msg: object): Promise<Record<string, number>> {
  return new Promise((resolve) => {
    replies.push(resolve);
    writer.send(msg);
  });
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
await ask({});
await sleep(3000);
console.log(JSON.stringify({ method: "baseline", writes: await ask({ report: [Date.now() - 2500, Date.now()] }) }));
for (const name of chosen.length > 0 ? chosen : Object.keys(METHODS)) {
  const run = METHODS[name];
  if (!run) throw new Error(`unknown method ${name}`);
  await ask({ checkpoint: true });
  await sleep(2000);
  const from = Date.now();
  const t = performance.now();
  const extra = await run();
  const seconds = +((performance.now() - t) / 1000).toFixed(2);
  const w = await ask({ report: [from, Date.now()] });
  const r = (x: number | undefined) => +(x ?? 0).toFixed(1);
  console.log(
    JSON.stringify({
      method: name,
      seconds,
      ...extra,
      ingestMs: { count: w.count, p50: r(w.p50), p99: r(w.p99), max: r(w.max) },
      walGrewToMB: r((w.walMax ?? 0) / 1048576),
    }),
  );
}
await ask({ stop: true });
