import { Worker } from "node:worker_threads";
import type { BackupResult } from "../../shared/sqlite/backup.ts";

type WorkerReply = { ok: true; result: BackupResult } | { ok: false; message: string };

/** A backup running in a worker thread: its result, and a way to end it when the hub stops. */
export interface RunningBackup {
  done: Promise<BackupResult>;
  /** Ends the thread; a backup cut short leaves only temporary files, removed by the next run. */
  cancel(): void;
}

/** Runs backupDatabase (shared/sqlite/backup.ts) in its own thread, with its own read-only connection. */
export function backupInWorker(source: string, dest: string): RunningBackup {
  // From dist/ the worker is .js; under the test runner it is the .ts source, run by Node's type stripping.
  const ext = import.meta.url.endsWith(".ts") ? ".ts" : ".js";
  const worker = new Worker(new URL(`./backup-worker${ext}`, import.meta.url), { workerData: { source, dest } });
  const done = new Promise<BackupResult>((resolve, reject) => {
    let answered = false;
    worker.once("message", (reply: WorkerReply) => {
      answered = true;
      if (reply.ok) resolve(reply.result);
      else reject(new Error(reply.message));
    });
    worker.once("error", (err) => {
      answered = true;
      reject(err);
    });
    worker.once("exit", (code) => {
      if (!answered) reject(new Error(`the backup thread ended (exit code ${code}) before finishing`));
    });
  });
  return { done, cancel: () => void worker.terminate() };
}
