// Forked by tests as a separate process, because SQLite's file locks only show between processes
// as they do in production. Opens <file> in WAL mode as the daemons do, then, by mode:
//   write: inserts rows in transactions of 10, one every 2 ms, and reports {committed: highest id, at: time} after each commit;
//   crash: commits <rows> rows, then kills itself with SIGKILL, leaving them in the write-ahead log only;
//   hold:  reads once and keeps the database open until killed.
import Database from "better-sqlite3";

const [file, mode, rowsText] = process.argv.slice(2) as [string, "write" | "crash" | "hold", string | undefined];
const db = new Database(file);
db.pragma("journal_mode = WAL");
db.pragma("synchronous = NORMAL");
db.pragma("busy_timeout = 5000");
db.exec("CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, payload BLOB NOT NULL)");
const insert = db.prepare("INSERT INTO t (id, payload) VALUES (?, randomblob(200))");
let id = db.prepare("SELECT coalesce(max(id), 0) FROM t").pluck().get() as number;
const commit = (n: number) =>
  db.transaction(() => {
    for (let i = 0; i < n; i++) insert.run(++id);
  })();

if (mode === "crash") {
  // Checkpoints would move the rows into the main file: keep them in the log, as after a crash.
  db.pragma("wal_autocheckpoint = 0");
  commit(Number(rowsText ?? "100"));
  process.kill(process.pid, "SIGKILL");
} else if (mode === "hold") {
  process.send?.({ holding: id });
  setInterval(() => {}, 1000);
} else {
  const tick = () => {
    commit(10);
    process.send?.({ committed: id, at: Date.now() });
    setTimeout(tick, 2);
  };
  tick();
}
