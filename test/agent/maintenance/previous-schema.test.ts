import { join } from "node:path";
import { gunzipSync, gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { AgentStore } from "../../../agent/store/agent-store.ts";
import { agentMigrations } from "../../../agent/store/migrations.ts";
import { wrap } from "../../../shared/protocol/envelope.ts";
import { openDatabase, schemaVersion } from "../../../shared/sqlite/open-database.ts";
import { useTempDirs } from "../../support/temp-dir.ts";
import { readRows, seedTables, snapshotTables } from "../../shared/sqlite/support/schema-snapshot.ts";

const tempDir = useTempDirs();

/** 2026-09-21T23:00:00Z. */
const T0 = 1_790_031_600_000;
const HOST = { agentId: "gpu-box", hostname: "gpu-box.lan", labels: {}, agentVersion: "0.1.0", bootId: "boot-1" };
/** A batch sealed but not yet sent, as the outbox keeps it: the gzip-compressed envelope. */
const ENVELOPE = wrap("sample_batch", {
  host: HOST,
  sequence: 42,
  sealedAt: T0,
  pushIntervalMs: 10_000,
  samples: [{ name: "vigil_load1", labels: {}, timestamp: T0, value: 0.75 }],
  states: [],
});
const BODY = gzipSync(JSON.stringify(ENVELOPE));

/**
 * Rows for every table an agent has had, in the columns each had when it was created (action_audit
 * as before version 5 rebuilt it). A table without rows here fails the test once it exists in the
 * previous version: add some when adding a table.
 */
const AGENT_SEEDS: Record<string, string[]> = {
  meta: [`INSERT INTO meta (key, value) VALUES ('agent_id', 'gpu-box'), ('next_sequence', '43'), ('open_state', 'closed')`],
  pending: [
    `INSERT INTO pending (id, collected_at, body) VALUES (1, ${T0 + 5000}, '{"samples":[{"name":"vigil_load1","labels":{},"timestamp":${T0 + 5000},"value":0.8}],"states":[]}')`,
  ],
  outbox: [
    `INSERT INTO outbox (sequence, boot_id, sealed_at, sample_count, state_count, body, attempts, body_bytes)
     VALUES (42, 'boot-1', ${T0}, 1, 0, X'${BODY.toString("hex")}', 3, ${BODY.length})`,
  ],
  latest_samples: [`INSERT INTO latest_samples (name, labels, timestamp, value) VALUES ('vigil_load1', '{}', ${T0}, 0.75)`],
  latest_states: [
    `INSERT INTO latest_states (name, labels, timestamp, state) VALUES ('vigil_unit_state', '{"unit":"ollama.service"}', ${T0}, 'active')`,
  ],
  series: [`INSERT INTO series (id, name, labels) VALUES (1, 'vigil_load1', '{}'), (2, 'vigil_unit_state', '{"unit":"ollama.service"}')`],
  samples: [`INSERT INTO samples (timestamp, series_id, value) VALUES (${T0 - 10_000}, 1, 0.5), (${T0}, 1, 0.75)`],
  state_changes: [`INSERT INTO state_changes (timestamp, series_id, state) VALUES (${T0 - 3_600_000}, 2, 'active')`],
  action_audit: [
    `INSERT INTO action_audit (id, request_id, action, params, initiator, requested_at, started_at, finished_at, status, exit_code, output_excerpt)
     VALUES (1, 'r-1', 'restart-ollama', '{}', 'ops', ${T0}, ${T0 + 10}, ${T0 + 2000}, 'succeeded', 0, 'ollama.service restarted')`,
  ],
  action_nonces: [`INSERT INTO action_nonces (request_id, expires_at) VALUES ('r-1', ${T0 + 300_000})`],
};

describe("agent schema migration from the previous version", () => {
  it(`keeps every row of a version ${agentMigrations.length - 1} database when this build (version ${agentMigrations.length}) opens it`, () => {
    const file = join(tempDir(), "agent.sqlite");
    const previous = openDatabase(file, agentMigrations.slice(0, -1));
    expect(seedTables(previous, AGENT_SEEDS)).toEqual([]);
    const before = snapshotTables(previous);
    previous.close();

    const migrated = openDatabase(file, agentMigrations);
    expect(schemaVersion(migrated)).toBe(agentMigrations.length);
    // A migration that reshapes a table on purpose says here what becomes of its rows.
    for (const [table, old] of before) {
      expect({ table, rows: readRows(migrated, table, old.columns) }).toEqual({ table, rows: old.rows });
    }
    migrated.close();

    // And the agent reads them as before: the unsent batch goes out as it was sealed.
    const store = new AgentStore(file);
    const batch = store.outbox.oldest();
    expect(batch).toMatchObject({ sequence: 42, bootId: "boot-1", sampleCount: 1, attempts: 3 });
    expect(JSON.parse(gunzipSync(batch?.body ?? Buffer.alloc(0)).toString("utf8"))).toEqual(ENVELOPE);
    expect(store.getMeta("next_sequence")).toBe("43");
    expect(store.latest.samples()).toEqual([{ name: "vigil_load1", labels: {}, timestamp: T0, value: 0.75 }]);
    store.close();
  });
});
