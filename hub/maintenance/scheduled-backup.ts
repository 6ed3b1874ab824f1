import { mkdirSync, readdirSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Registry } from "prom-client";
import type { Logger } from "../../shared/log/logger.ts";
import type { BackupResult } from "../../shared/sqlite/backup.ts";
import type { AlertSink } from "../notify/alert-sink.ts";
import { backupAlert } from "./backup-alert.ts";
import type { BackupConfig } from "./backup-config.ts";
import { backupFileName, backupsBeyond, isPartialBackup, nextBackupDue, scheduledBackups } from "./backup-files.ts";
import { backupInWorker, type RunningBackup } from "./backup-in-worker.ts";
import { BackupMetrics } from "./backup-metrics.ts";

export interface ScheduledBackupOptions {
  config: BackupConfig;
  databaseFile: string;
  /** The hub's metrics registry (HubMetrics.registry), where the outcome gauges go. */
  registry: Registry;
  /** Told when backups start failing and when they work again. */
  sink: AlertSink | undefined;
  logger: Logger;
  now?: () => number;
  /** The soonest first backup after start; 1 minute, so a start is not slowed down. */
  firstDelayMs?: number;
}

/** Longest wait between two looks at the clock: long timers drift over suspend and clock changes. */
const TICK_MS = 60_000;
/** A failed backup is tried again this soon (or at the interval, if shorter). */
const RETRY_MS = 3_600_000;

/**
 * The hub's scheduled backup: every `interval`, a verified copy of the database into `directory`
 * (shared/sqlite/backup.ts, run in a worker thread), the oldest beyond `keep` deleted after each
 * success. Each outcome is logged and shown on /metrics; the first failure fires an alert through the
 * notification pipeline and the next success resolves it.
 */
export class ScheduledBackup {
  readonly #o: ScheduledBackupOptions;
  readonly #directory: string;
  readonly #metrics: BackupMetrics;
  readonly #now: () => number;
  #timer: NodeJS.Timeout | undefined;
  #running: RunningBackup | undefined;
  #due = 0;
  #stopped = false;
  #failingSince: number | undefined;
  #lastSuccessAt: number | undefined;

  constructor(o: ScheduledBackupOptions) {
    this.#o = o;
    this.#directory = resolve(o.config.directory);
    this.#metrics = new BackupMetrics(o.registry, this.#directory);
    this.#now = o.now ?? Date.now;
  }

  start(): void {
    let newest: Date | undefined;
    try {
      mkdirSync(this.#directory, { recursive: true });
      for (const name of readdirSync(this.#directory)) if (isPartialBackup(name)) rmSync(join(this.#directory, name), { force: true });
      newest = scheduledBackups(readdirSync(this.#directory)).at(-1)?.takenAt;
    } catch (err) {
      // Reported by the first run, which meets the same problem.
      this.#o.logger.warn("backup directory not usable yet", { directory: this.#directory, err });
    }
    if (newest) {
      this.#lastSuccessAt = newest.getTime();
      this.#metrics.foundExisting(newest.getTime());
    }
    this.#due = nextBackupDue(newest, this.#now(), this.#o.config.interval, this.#o.firstDelayMs ?? 60_000);
    this.#o.logger.info("scheduled backups on", {
      directory: this.#directory,
      intervalMs: this.#o.config.interval,
      keep: this.#o.config.keep,
      next: new Date(this.#due).toISOString(),
    });
    this.#arm();
  }

  /** Stops the schedule and ends a backup in progress (its temporary files are removed by the next start). */
  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#running?.cancel();
  }

  /** One backup now, whatever the schedule; resolves when it succeeded or failed (never rejects). */
  async runOnce(): Promise<BackupResult | undefined> {
    const started = this.#now();
    const dest = join(this.#directory, backupFileName(new Date(started), this.#o.config.gzip));
    const t = performance.now();
    try {
      mkdirSync(this.#directory, { recursive: true });
      this.#running = backupInWorker(this.#o.databaseFile, dest);
      const result = await this.#running.done;
      this.#succeeded(result, started, performance.now() - t);
      return result;
    } catch (err) {
      if (!this.#stopped) this.#failed(err, started, performance.now() - t);
      return undefined;
    } finally {
      this.#running = undefined;
    }
  }

  #arm(): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => void this.#tick(), Math.max(0, Math.min(TICK_MS, this.#due - this.#now())));
    this.#timer.unref();
  }

  async #tick(): Promise<void> {
    if (this.#now() >= this.#due) {
      const ok = (await this.runOnce()) !== undefined;
      const { interval } = this.#o.config;
      this.#due = this.#now() + (ok ? interval : Math.min(interval, RETRY_MS));
    }
    this.#arm();
  }

  #succeeded(r: BackupResult, started: number, durationMs: number): void {
    this.#lastSuccessAt = started;
    this.#metrics.succeeded({ takenAtMs: started, durationMs, bytes: r.bytes });
    const deleted = this.#prune();
    this.#o.logger.info("backup written", {
      file: r.file,
      bytes: r.bytes,
      databaseBytes: r.databaseBytes,
      schemaVersion: r.schemaVersion,
      seconds: Math.round(durationMs) / 1000,
      deleted,
    });
    if (this.#failingSince !== undefined) {
      const failingSince = this.#failingSince;
      this.#failingSince = undefined;
      this.#notify(
        backupAlert({
          status: "resolved",
          failingSince,
          resolvedAt: this.#now(),
          directory: this.#directory,
          error: "",
          lastSuccessAt: started,
        }),
      );
    }
  }

  #failed(err: unknown, started: number, durationMs: number): void {
    const error = err instanceof Error ? err.message : String(err);
    this.#metrics.failed({ durationMs });
    this.#o.logger.error("backup failed", { directory: this.#directory, error });
    if (this.#failingSince !== undefined) return;
    this.#failingSince = started;
    this.#notify(
      backupAlert({ status: "firing", failingSince: started, directory: this.#directory, error, lastSuccessAt: this.#lastSuccessAt }),
    );
  }

  /** Deletes scheduled backups beyond `keep`; names of files deleted. A file that will not go is logged and left. */
  #prune(): string[] {
    const deleted: string[] = [];
    let names: string[];
    try {
      names = readdirSync(this.#directory);
    } catch (err) {
      this.#o.logger.warn("old backups not deleted: cannot list the directory", { directory: this.#directory, err });
      return deleted;
    }
    for (const old of backupsBeyond(scheduledBackups(names), this.#o.config.keep)) {
      try {
        rmSync(join(this.#directory, old.name));
        deleted.push(old.name);
      } catch (err) {
        this.#o.logger.warn("old backup not deleted", { file: join(this.#directory, old.name), err });
      }
    }
    return deleted;
  }

  #notify(event: ReturnType<typeof backupAlert>): void {
    try {
      this.#o.sink?.submit([event], "backup");
    } catch (err) {
      this.#o.logger.error("backup alert not enqueued for notification", { status: event.status, err });
    }
  }
}
