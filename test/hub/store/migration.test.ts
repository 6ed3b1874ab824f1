import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { hubMigrations } from "../../../hub/store/migrations.ts";
import { silentLogger } from "../../../shared/log/logger.ts";
import { openDatabase, schemaVersion } from "../../../shared/sqlite/open-database.ts";
import { useTempDirs } from "../../support/temp-dir.ts";
import { count, MIN, openStore, T0 } from "./helpers.ts";

const tempDir = useTempDirs();

describe("storage migration (schema step 2)", () => {
  it("moves samples stored by a first-release hub to the minute-keyed table, losing none", () => {
    const dir = tempDir();
    // A database as the first release left it: schema step 1 only, samples keyed (series, timestamp).
    const v1 = openDatabase(join(dir, "hub.sqlite"), hubMigrations.slice(0, 1));
    v1.exec(`INSERT INTO hosts (id, hostname, labels, agent_version, boot_id, push_interval_ms, first_seen, last_seen)
             VALUES ('gpu-box', 'gpu-box.lan', '{}', '0.1.0', 'boot-1', 10000, ${T0}, ${T0})`);
    v1.exec(
      `INSERT INTO series (id, host_id, name, labels) VALUES (1, 'gpu-box', 'vigil_load1', '{}'), (2, 'gpu-box', 'vigil_load5', '{}')`,
    );
    const insert = v1.prepare("INSERT INTO samples (series_id, timestamp, value) VALUES (?, ?, ?)");
    for (let i = 0; i < 30; i++) {
      insert.run(1, T0 + i * 10_000 + 7, i / 4);
      insert.run(2, T0 + i * 10_000 + 7, -i);
    }
    expect(schemaVersion(v1)).toBe(1);
    v1.close();

    const store = openStore(dir);
    expect(schemaVersion(store.db)).toBe(hubMigrations.length);
    expect(count(store, "samples")).toBe(60);
    expect(store.series.raw(1, T0, T0 + 5 * MIN).map((p) => [p.t, p.value])).toEqual(
      Array.from({ length: 30 }, (_, i) => [T0 + i * 10_000 + 7, i / 4]),
    );
    expect(store.db.prepare("SELECT resolution, done_until FROM rollup_watermarks ORDER BY resolution").raw().all()).toEqual([
      ["1h", null],
      ["1m", null],
    ]);
    // The first rollup starts at the oldest migrated minute.
    store.maintenance(silentLogger).runUntilIdle(T0 + 10 * MIN);
    expect(
      store.db.prepare("SELECT minute, series_id, count, minimum, maximum FROM rollup_1m WHERE series_id = 2 ORDER BY minute").raw().all(),
    ).toEqual([
      [T0 / MIN, 2, 6, -5, 0],
      [T0 / MIN + 1, 2, 6, -11, -6],
      [T0 / MIN + 2, 2, 6, -17, -12],
      [T0 / MIN + 3, 2, 6, -23, -18],
      [T0 / MIN + 4, 2, 6, -29, -24],
    ]);
    store.close();
  });
});
