// Builds a hub database of a given size with the hub's real schema, for measuring backups:
//   node test/hub/maintenance/measure/build-hub-db.ts <file> <megabytes>
// 25 hosts x 100 series sampled every 10 s, newest data last, as a hub two days into its raw retention.
import { hubMigrations } from "../../../../hub/store/migrations.ts";
import { openDatabase } from "../../../../shared/sqlite/open-database.ts";

const [file, mbText] = process.argv.slice(2);
if (!file || !mbText) throw new Error("usage: build-hub-db.ts <file> <megabytes>");
const targetBytes = Number(mbText) * 1024 * 1024;
const HOSTS = 25;
const SERIES_PER_HOST = 100;
const db = openDatabase(file, hubMigrations);
const now = Date.now();
const insertHost = db.prepare(
  "INSERT INTO hosts (id, hostname, labels, agent_version, boot_id, push_interval_ms, first_seen, last_seen) VALUES (?, ?, '{}', '0.1.0', 'boot-1', 10000, ?, ?)",
);
const insertSeries = db.prepare("INSERT INTO series (host_id, name, labels) VALUES (?, ?, ?)");
const insertSample = db.prepare("INSERT INTO samples (minute, series_id, offset_ms, value) VALUES (?, ?, ?, ?)");
const insertRollup = db.prepare(
  "INSERT INTO rollup_1m (minute, series_id, minimum, maximum, total, count, last) VALUES (?, ?, ?, ?, ?, 6, ?)",
);
const seriesIds: number[] = [];
db.transaction(() => {
  for (let h = 0; h < HOSTS; h++) {
    const id = `gpu-box-${h}`;
    insertHost.run(id, `${id}.lan`, now, now);
    for (let s = 0; s < SERIES_PER_HOST; s++) {
      const labels = JSON.stringify({ device: `dev${s % 8}`, gpu: String(s % 4) });
      seriesIds.push(Number(insertSeries.run(id, `vigil_metric_${Math.floor(s / 8)}`, labels).lastInsertRowid));
    }
  }
})();
const bytes = () => (db.pragma("page_count", { simple: true }) as number) * (db.pragma("page_size", { simple: true }) as number);
let minute = Math.floor(now / 60_000) - 2 * 24 * 60;
let rng = 12345;
const next = () => {
  rng = (rng * 1_103_515_245 + 12_345) % 2 ** 31;
  return rng / 2 ** 31;
};
const started = Date.now();
while (bytes() < targetBytes) {
  db.transaction(() => {
    for (let m = 0; m < 10; m++, minute++) {
      for (const id of seriesIds) {
        let min = Infinity;
        let max = -Infinity;
        let total = 0;
        let last = 0;
        for (let off = 0; off < 60_000; off += 10_000) {
          const v = Math.round(next() * 10_000) / 100;
          insertSample.run(minute, id, off, v);
          min = Math.min(min, v);
          max = Math.max(max, v);
          total += v;
          last = v;
        }
        insertRollup.run(minute, id, min, max, total, last);
      }
    }
  })();
}
db.pragma("wal_checkpoint(TRUNCATE)");
const rows = db.prepare("SELECT COUNT(*) FROM samples").pluck().get();
console.log(JSON.stringify({ file, bytes: bytes(), samples: rows, series: seriesIds.length, seconds: (Date.now() - started) / 1000 }));
db.close();
