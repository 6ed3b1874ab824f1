import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { hubMigrations } from "../../../hub/store/migrations.ts";
import { HubStore } from "../../../hub/store/hub-store.ts";
import { openDatabase, schemaVersion } from "../../../shared/sqlite/open-database.ts";
import { useTempDirs } from "../../support/temp-dir.ts";
import { readRows, seedTables, snapshotTables } from "../../shared/sqlite/support/schema-snapshot.ts";

const tempDir = useTempDirs();

/** 2026-09-21T23:00:00Z. */
const T0 = 1_790_031_600_000;
const MINUTE = T0 / 60_000;
const HOUR = T0 / 3_600_000;

/**
 * Rows for every table a hub has had, in the columns each had when it was created. A table without
 * rows here fails the test below once it exists in the previous version: add some when adding a table.
 */
const HUB_SEEDS: Record<string, string[]> = {
  hosts: [
    `INSERT INTO hosts (id, hostname, labels, agent_version, boot_id, push_interval_ms, first_seen, last_seen, last_sequence)
     VALUES ('gpu-box', 'gpu-box.lan', '{"site":"home"}', '0.1.0', 'boot-1', 10000, ${T0}, ${T0 + 60_000}, 42)`,
  ],
  received_batches: [
    `INSERT INTO received_batches (agent_id, boot_id, sequence, received_at, sample_count)
     VALUES ('gpu-box', 'boot-1', 41, ${T0}, 2), ('gpu-box', 'boot-1', 42, ${T0 + 10_000}, 2)`,
  ],
  series: [
    `INSERT INTO series (id, host_id, name, labels)
     VALUES (1, 'gpu-box', 'vigil_load1', '{}'), (2, 'gpu-box', 'vigil_gpu_temperature_celsius', '{"gpu":"0"}')`,
  ],
  samples: [
    `INSERT INTO samples (minute, series_id, offset_ms, value)
     VALUES (${MINUTE}, 1, 0, 0.5), (${MINUTE}, 1, 10000, 0.75), (${MINUTE}, 2, 0, 70), (${MINUTE}, 2, 10000, 71)`,
  ],
  latest: [`INSERT INTO latest (series_id, timestamp, value) VALUES (1, ${T0 + 10_000}, 0.75), (2, ${T0 + 10_000}, 71)`],
  states: [
    `INSERT INTO states (host_id, name, labels, timestamp, state) VALUES ('gpu-box', 'vigil_zfs_pool_state', '{"pool":"tank"}', ${T0}, 'DEGRADED')`,
  ],
  rollup_1m: [
    `INSERT INTO rollup_1m (minute, series_id, minimum, maximum, total, count, last) VALUES (${MINUTE - 1}, 1, 0.25, 0.5, 4.5, 6, 0.5)`,
  ],
  rollup_1h: [
    `INSERT INTO rollup_1h (hour, series_id, minimum, maximum, total, count, last) VALUES (${HOUR - 1}, 1, 0.25, 0.5, 270, 360, 0.5)`,
  ],
  rollup_watermarks: [`UPDATE rollup_watermarks SET done_until = ${MINUTE} WHERE resolution = '1m'`],
  rollup_late_1m: [`INSERT INTO rollup_late_1m (minute, host_id, marked_at) VALUES (${MINUTE - 5}, 'gpu-box', ${T0 - 60_000})`],
  rollup_late_1h: [`INSERT INTO rollup_late_1h (hour, host_id) VALUES (${HOUR - 5}, 'gpu-box')`],
  agent_tokens: [
    `INSERT INTO agent_tokens (agent_id, token_sha256, issued_by, hostname, issued_at)
     VALUES ('gpu-box', '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08', 'admin', 'gpu-box.lan', ${T0})`,
  ],
  alerts: [
    `INSERT INTO alerts (fingerprint, rule, host_id, labels, phase, severity, met_since, firing_since, last_notified_at, value, threshold, observed_at, evaluated_at, annotations)
     VALUES ('f-gpu-temp', 'gpu-temperature', 'gpu-box', '{"gpu":"0"}', 'firing', 'warning', '{"warning":${T0}}', ${T0}, ${T0}, 88, 83, ${T0}, ${T0}, '{"summary":"GPU 0 at 88 °C"}')`,
  ],
  alert_history: [
    `INSERT INTO alert_history (id, at, fingerprint, rule, host_id, labels, from_phase, to_phase, reason, severity, value, threshold, notification)
     VALUES (1, ${T0}, 'f-gpu-temp', 'gpu-temperature', 'gpu-box', '{"gpu":"0"}', 'pending', 'firing', 'held for 2m', 'warning', 88, 83, 'firing')`,
  ],
  silences: [
    `INSERT INTO silences (id, kind, matchers, starts_at, ends_at, comment, created_by, created_at)
     VALUES ('s-1', 'maintenance', '{"hosts":["gpu-box"]}', ${T0}, ${T0 + 3_600_000}, 'driver upgrade', 'ops', ${T0})`,
  ],
  notification_outbox: [
    `INSERT INTO notification_outbox (id, channel, route, group_key, alerts, alert_count, state, attempts, created_at, next_attempt_at, last_attempt_at, finished_at)
     VALUES (1, 'slack', 'gpu', 'gpu', '[]', 1, 'delivered', 1, ${T0}, ${T0}, ${T0 + 1000}, ${T0 + 1000})`,
  ],
  notification_keys: [
    `INSERT INTO notification_keys (channel, dedup_key, outbox_id, first_seen, last_seen) VALUES ('slack', 'f-gpu-temp|firing|${T0}', 1, ${T0}, ${T0})`,
  ],
  action_requests: [
    `INSERT INTO action_requests (id, request_id, agent_id, action, params, reason, confirm, dry_run, initiator, role, issued_at, expires_at, status, exit_code, finished_at)
     VALUES (1, 'r-1', 'gpu-box', 'restart-ollama', '{}', 'stuck', 1, 0, 'ops', 'operator', ${T0}, ${T0 + 60_000}, 'succeeded', 0, ${T0 + 2000})`,
  ],
  failover_groups: [
    `INSERT INTO failover_groups (name, epoch, active_member, since, reason) VALUES ('inference', 1, 'gpu-box', ${T0}, 'initial')`,
  ],
  remediation_log: [
    `INSERT INTO remediation_log (id, at, kind, rule, fingerprint, host_id, agent_id, action, params, status, request_id, exit_code, finished_at, detail)
     VALUES (1, ${T0}, 'run', 'unit-failed', 'f-ollama', 'gpu-box', 'gpu-box', 'restart-ollama', '{}', 'succeeded', 'r-2', 0, ${T0 + 3000}, 'restarted')`,
  ],
  failover_history: [
    `INSERT INTO failover_history (group_name, epoch, from_member, to_member, at, cause, reason) VALUES ('inference', 1, NULL, 'gpu-box', ${T0}, 'initial', 'first start')`,
  ],
  action_catalogs: [
    `INSERT INTO action_catalogs (agent_id, reported_at, received_at, actions)
     VALUES ('gpu-box', ${T0}, ${T0 + 50}, '[{"name":"restart-unit","risk":"caution","params":{}}]')`,
  ],
  mcp_calls: [
    `INSERT INTO mcp_calls (id, at, client, kind, name, arguments, outcome, request_id, duration_ms)
     VALUES (1, ${T0}, 'claude', 'tool', 'run_action', '{"host":"gpu-box"}', 'ok', 'r-1', 12.5)`,
  ],
  mcp_pending: [
    `INSERT INTO mcp_pending (id, client, agent_id, action, params, reason, dry_run, created_at, expires_at, status)
     VALUES ('p-1', 'claude', 'gpu-box', 'restart-postgres', '{}', 'minor upgrade', 0, ${T0}, ${T0 + 600_000}, 'pending')`,
  ],
};

describe("hub schema migration from the previous version", () => {
  it(`keeps every row of a version ${hubMigrations.length - 1} database when this build (version ${hubMigrations.length}) opens it`, () => {
    const file = join(tempDir(), "hub.sqlite");
    const previous = openDatabase(file, hubMigrations.slice(0, -1));
    expect(seedTables(previous, HUB_SEEDS)).toEqual([]);
    const before = snapshotTables(previous);
    previous.close();

    const store = new HubStore(file);
    expect(schemaVersion(store.db)).toBe(hubMigrations.length);
    // A migration that reshapes a table on purpose says here what becomes of its rows.
    for (const [table, old] of before) {
      expect({ table, rows: readRows(store.db, table, old.columns) }).toEqual({ table, rows: old.rows });
    }
    // And the store reads them as before.
    expect(store.latestSamples("gpu-box").map((s) => [s.name, s.labels, s.value])).toEqual([
      ["vigil_gpu_temperature_celsius", { gpu: "0" }, 71],
      ["vigil_load1", {}, 0.75],
    ]);
    expect(store.latestStates("gpu-box").map((s) => [s.name, s.state])).toEqual([["vigil_zfs_pool_state", "DEGRADED"]]);
    store.close();
  });
});
