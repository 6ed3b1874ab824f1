import { describe, expect, it } from "vitest";
import { type CheckInput, checkLines, formatCheck } from "../../../../shared/sqlite/cli/check-report.ts";
import type { DatabaseReport } from "../../../../shared/sqlite/inspect-database.ts";

const GIB = 1024 ** 3;

/** A hub database of 1 GiB at schema 6, as inspectDatabase reports it. */
function report(o: Partial<DatabaseReport> = {}): DatabaseReport {
  return {
    file: "/var/lib/vigil/hub.sqlite",
    problems: [],
    schemaVersion: 6,
    tables: ["hosts", "latest", "received_batches", "samples", "series", "states"],
    pageSize: 4096,
    pageCount: 262_144,
    freePages: 1024,
    fileBytes: GIB,
    walBytes: 2_000_000,
    ...o,
  };
}

function input(o: Partial<CheckInput> = {}): CheckInput {
  return {
    program: "vigil-hub",
    configSource: "/etc/vigil/hub.yaml",
    databaseFile: "/var/lib/vigil/hub.sqlite",
    database: report(),
    integrityMs: 13_900,
    latestVersion: 6,
    kind: { name: "Vigil hub database", tables: ["hosts", "received_batches"] },
    diskFreeBytes: 77 * GIB,
    ...o,
  };
}

describe("check report", () => {
  it("reads as one aligned line per item and an ok verdict for a sound database", () => {
    expect(formatCheck(checkLines(input()))).toBe(
      [
        "config     ok       /etc/vigil/hub.yaml is valid",
        "database   ok       /var/lib/vigil/hub.sqlite",
        "integrity  ok       integrity_check found nothing wrong (13.9 s)",
        "schema     ok       version 6, the newest this build knows",
        "size       ok       1.00 GiB (262,144 pages of 4.00 KiB; 4.00 MiB free inside, reused before the file grows)",
        "wal        ok       1.91 MiB",
        "disk       ok       77.0 GiB free beside the database",
        "result: ok",
        "",
      ].join("\n"),
    );
  });

  it("fails on damage, a newer schema or another program's database; only warns on a large WAL or a full disk", () => {
    const statuses = (o: Partial<CheckInput>) => Object.fromEntries(checkLines(input(o)).map((l) => [l.item, [l.status, l.detail]]));

    expect(
      statuses({ database: report({ problems: ["*** in database main ***", "Tree 5 page 812: btreeInitPage() returns error code 11"] }) })
        .integrity,
    ).toEqual([
      "problem",
      "*** in database main ***; Tree 5 page 812: btreeInitPage() returns error code 11; restore a backup (docs/operations.md)",
    ]);
    expect(statuses({ database: report({ schemaVersion: 7 }) }).schema).toEqual([
      "problem",
      "version 7 is newer than this build understands (6): this vigil-hub refuses to start on it; upgrade Vigil",
    ]);
    expect(statuses({ database: report({ schemaVersion: 5 }) }).schema).toEqual([
      "note",
      "version 5; this build migrates it to 6 at its next start",
    ]);
    expect(statuses({ database: report({ tables: ["meta", "outbox", "pending"], schemaVersion: 5 }) }).schema).toEqual([
      "problem",
      "version 5, without table hosts, received_batches: not a Vigil hub database",
    ]);
    expect(statuses({ database: report({ walBytes: 349 * 1024 * 1024 }) }).wal?.[0]).toBe("warn");
    expect(statuses({ diskFreeBytes: GIB / 2 }).disk).toEqual([
      "warn",
      "512 MiB free beside the database, less than its size: a migration or a restore there may not fit",
    ]);

    const unreadable = checkLines(
      input({ database: report({ problems: ["not a SQLite database (file is not a database)"], schemaVersion: undefined }) }),
    );
    expect(unreadable.map((l) => l.item)).toEqual(["config", "database", "integrity"]);
    expect(formatCheck(unreadable).endsWith("result: 1 problem\n")).toBe(true);
    expect(
      formatCheck(checkLines(input({ database: report({ walBytes: 300 * 1024 * 1024 }), diskFreeBytes: 1 }))).endsWith(
        "result: ok (2 warnings)\n",
      ),
    ).toBe(true);
  });

  it("passes before the first start, when there is no database yet", () => {
    const lines = checkLines(input({ database: undefined }));
    expect(lines).toEqual([
      { item: "config", status: "ok", detail: "/etc/vigil/hub.yaml is valid" },
      { item: "database", status: "note", detail: "/var/lib/vigil/hub.sqlite does not exist yet; vigil-hub creates it at its first start" },
    ]);
    expect(formatCheck(lines).endsWith("result: ok\n")).toBe(true);
  });
});
