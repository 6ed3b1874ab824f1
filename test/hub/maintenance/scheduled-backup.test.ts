import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import type { BackupConfig } from "../../../hub/maintenance/backup-config.ts";
import { ScheduledBackup } from "../../../hub/maintenance/scheduled-backup.ts";
import { HubMetrics } from "../../../hub/metrics/hub-metrics.ts";
import type { AlertSink } from "../../../hub/notify/alert-sink.ts";
import { HubStore } from "../../../hub/store/hub-store.ts";
import { createLogger } from "../../../shared/log/logger.ts";
import type { AlertEvent } from "../../../shared/protocol/alert.ts";
import { waitFor } from "../../support/processes.ts";
import { parsePromText } from "../../support/prom-text.ts";
import { useTempDirs } from "../../support/temp-dir.ts";
import { makeBatch } from "../store/helpers.ts";

const tempDir = useTempDirs();

/** A hub database holding `batches` stored batches of 3 samples each. */
function hubWithData(dir: string, batches: number): { store: HubStore; file: string } {
  const file = join(dir, "data", "hub.sqlite");
  const store = new HubStore(file);
  const now = Date.now();
  for (let sequence = 1; sequence <= batches; sequence++) {
    const t = now - (batches - sequence) * 10_000;
    store.ingest(makeBatch({ sequence, samples: [0, 1, 2].map((i) => ({ name: `vigil_test_${i}`, t, value: sequence + i })) }), t);
  }
  return { store, file };
}

function harness(dir: string, databaseFile: string, config: Partial<BackupConfig> = {}) {
  const logs: Array<Record<string, unknown>> = [];
  const alerts: AlertEvent[] = [];
  const sink: AlertSink = { submit: (events) => void alerts.push(...events) };
  const metrics = new HubMetrics({ db: new Database(":memory:"), hosts: () => [], processMetrics: false });
  const backup = new ScheduledBackup({
    config: { interval: 60_000, directory: join(dir, "backups"), keep: 7, gzip: true, ...config },
    databaseFile,
    registry: metrics.registry,
    sink,
    logger: createLogger({ component: "backup", level: "debug", write: (line) => void logs.push(JSON.parse(line)) }),
    firstDelayMs: 0,
  });
  const family = async (name: string) => parsePromText(await metrics.registry.metrics()).get(name)?.samples ?? [];
  return { backup, logs, alerts, family };
}

describe("scheduled backup", () => {
  it("backs up on its interval in a worker thread, keeps the newest N and shows the outcome on /metrics", async () => {
    const dir = tempDir();
    const { store, file } = hubWithData(dir, 50);
    const h = harness(dir, file, { interval: 1000, keep: 2 });
    h.backup.start();
    await waitFor("three backups written", () => (h.logs.filter((l) => l.msg === "backup written").length >= 3 ? true : undefined), 30_000);
    h.backup.stop();

    const written = h.logs.filter((l) => l.msg === "backup written");
    const names = readdirSync(join(dir, "backups")).sort();
    expect(names).toHaveLength(2);
    expect(names.every((n) => /^hub-\d{8}T\d{6}Z\.sqlite\.gz$/.test(n))).toBe(true);
    expect(written[2]?.deleted).toEqual([written[0]?.file].map((f) => String(f).split("/").at(-1)));
    // The newest backup is a whole hub database: every batch, every sample.
    const newest = join(dir, "backups", names[1] as string);
    writeFileSync(join(dir, "restored.sqlite"), gunzipSync(readFileSync(newest)));
    const copy = new Database(join(dir, "restored.sqlite"), { readonly: true });
    expect(copy.prepare("SELECT COUNT(*) FROM received_batches").pluck().get()).toBe(50);
    expect(copy.prepare("SELECT COUNT(*) FROM samples").pluck().get()).toBe(150);
    expect(copy.pragma("integrity_check", { simple: true })).toBe("ok");
    copy.close();

    const directory = join(dir, "backups");
    expect(await h.family("vigil_hub_backup_last_run_success")).toEqual([
      { name: "vigil_hub_backup_last_run_success", labels: { directory }, value: 1 },
    ]);
    const runs = await h.family("vigil_hub_backup_runs_total");
    expect(runs.find((s) => s.labels.result === "success")?.value).toBeGreaterThanOrEqual(3);
    expect(runs.find((s) => s.labels.result === "failure")).toBeUndefined();
    const sizes = await h.family("vigil_hub_backup_last_size_bytes");
    expect(sizes.map((s) => s.value)).toEqual([statSync(String(written.at(-1)?.file)).size]);
    const lastSuccess = (await h.family("vigil_hub_backup_last_success_timestamp_seconds"))[0]?.value ?? 0;
    expect(Math.abs(lastSuccess * 1000 - Date.now())).toBeLessThan(30_000);
    expect(h.alerts).toEqual([]);
    store.close();
  });

  it("fires one alert when backups start failing, resolves it when one succeeds, and logs and counts each try", async () => {
    const dir = tempDir();
    const { store, file } = hubWithData(dir, 5);
    writeFileSync(join(dir, "backups"), "a file where the backup directory should be");
    const h = harness(dir, file);

    expect(await h.backup.runOnce()).toBeUndefined();
    expect(await h.backup.runOnce()).toBeUndefined();
    expect(h.alerts).toHaveLength(1);
    const firing = h.alerts[0] as AlertEvent;
    expect(firing).toMatchObject({
      fingerprint: "hub-backup-failed",
      rule: "hub-backup-failed",
      status: "firing",
      severity: "warning",
      hostId: null,
    });
    expect(firing.annotations.description).toContain(`Backups of the hub's database to ${join(dir, "backups")} fail since`);
    expect(firing.annotations.description).toContain(`EEXIST: file already exists, mkdir '${join(dir, "backups")}'`);
    expect(firing.annotations.description).toContain("Newest good backup: none in the directory.");
    const failures = h.logs.filter((l) => l.msg === "backup failed");
    expect(failures).toHaveLength(2);
    expect(failures[0]).toMatchObject({ level: "error", directory: join(dir, "backups") });

    rmSync(join(dir, "backups"));
    mkdirSync(join(dir, "backups"));
    expect((await h.backup.runOnce())?.schemaVersion).toBeGreaterThan(0);
    expect(h.alerts).toHaveLength(2);
    expect(h.alerts[1]).toMatchObject({ fingerprint: "hub-backup-failed", status: "resolved", startsAt: firing.startsAt });
    expect((h.alerts[1] as AlertEvent).endsAt).toBeGreaterThanOrEqual(firing.startsAt);

    const runs = await h.family("vigil_hub_backup_runs_total");
    expect(Object.fromEntries(runs.map((s) => [s.labels.result, s.value]))).toEqual({ failure: 2, success: 1 });
    expect((await h.family("vigil_hub_backup_last_run_success"))[0]?.value).toBe(1);
    store.close();
  });

  it("takes the last success from the backups already there, removes what a killed backup left, and waits its interval", async () => {
    const dir = tempDir();
    const { store, file } = hubWithData(dir, 1);
    mkdirSync(join(dir, "backups"));
    const recent = new Date(Date.now() - 3_600_000);
    const stamp = recent
      .toISOString()
      .replace(/[-:]/g, "")
      .replace(/\.\d{3}Z$/, "Z");
    writeFileSync(join(dir, "backups", `hub-${stamp}.sqlite.gz`), "an earlier backup");
    writeFileSync(join(dir, "backups", `hub-${stamp}.sqlite.gz.partial`), "cut short");
    const h = harness(dir, file, { interval: 24 * 3_600_000 });

    h.backup.start();
    h.backup.stop();
    expect(readdirSync(join(dir, "backups"))).toEqual([`hub-${stamp}.sqlite.gz`]);
    const seconds = (await h.family("vigil_hub_backup_last_success_timestamp_seconds"))[0]?.value;
    expect(seconds).toBe(Math.floor(recent.getTime() / 1000));
    // Nothing about runs until one has run: no 0 that would read as a failure.
    expect(await h.family("vigil_hub_backup_last_run_success")).toEqual([]);
    const on = h.logs.find((l) => l.msg === "scheduled backups on");
    expect(on?.next).toBe(new Date(Math.floor(recent.getTime() / 1000) * 1000 + 24 * 3_600_000).toISOString());
    store.close();
  });
});
