import { Counter, Gauge, type Registry } from "prom-client";

/**
 * The scheduled backup's outcome on the hub's /metrics, registered on the hub's own registry
 * (HubMetrics.registry). Every family carries the backup directory as a label, so nothing is written
 * before there is something to say: an unlabelled gauge would read 0 (a backup in 1970) until the first.
 */
export class BackupMetrics {
  readonly #lastSuccess;
  readonly #lastOk;
  readonly #lastDuration;
  readonly #lastSize;
  readonly #runs;
  readonly #labels;

  constructor(registry: Registry, directory: string) {
    const registers = [registry];
    const labelNames = ["directory"] as const;
    this.#labels = { directory };
    this.#lastSuccess = new Gauge({
      name: "vigil_hub_backup_last_success_timestamp_seconds",
      help: "When the newest good backup was taken (from its file name at start, then from each success).",
      labelNames,
      registers,
    });
    this.#lastOk = new Gauge({
      name: "vigil_hub_backup_last_run_success",
      help: "1 when the last scheduled backup was written and verified, 0 when it failed.",
      labelNames,
      registers,
    });
    this.#lastDuration = new Gauge({
      name: "vigil_hub_backup_last_duration_seconds",
      help: "How long the last scheduled backup took: copy, integrity_check and compression.",
      labelNames,
      registers,
    });
    this.#lastSize = new Gauge({
      name: "vigil_hub_backup_last_size_bytes",
      help: "Size of the last backup file written (compressed when gzip is on).",
      labelNames,
      registers,
    });
    this.#runs = new Counter({
      name: "vigil_hub_backup_runs_total",
      help: "Scheduled backups by result (success, failure).",
      labelNames: ["directory", "result"] as const,
      registers,
    });
  }

  /** A backup found in the directory at start: the last success until this run makes one. */
  foundExisting(takenAtMs: number): void {
    this.#lastSuccess.set(this.#labels, takenAtMs / 1000);
  }

  succeeded(o: { takenAtMs: number; durationMs: number; bytes: number }): void {
    this.#lastSuccess.set(this.#labels, o.takenAtMs / 1000);
    this.#lastOk.set(this.#labels, 1);
    this.#lastDuration.set(this.#labels, o.durationMs / 1000);
    this.#lastSize.set(this.#labels, o.bytes);
    this.#runs.inc({ ...this.#labels, result: "success" });
  }

  failed(o: { durationMs: number }): void {
    this.#lastOk.set(this.#labels, 0);
    this.#lastDuration.set(this.#labels, o.durationMs / 1000);
    this.#runs.inc({ ...this.#labels, result: "failure" });
  }
}
