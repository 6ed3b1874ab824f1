// A worker thread's entry point: one backup, then the thread ends. VACUUM INTO and integrity_check
// are synchronous SQLite calls of seconds per GiB; here they run beside the hub's event loop, not on it.
import { parentPort, workerData } from "node:worker_threads";
import { backupDatabase } from "../../shared/sqlite/backup.ts";

const { source, dest } = workerData as { source: string; dest: string };
try {
  parentPort?.postMessage({ ok: true, result: await backupDatabase(source, dest) });
} catch (err) {
  parentPort?.postMessage({ ok: false, message: err instanceof Error ? err.message : String(err) });
}
