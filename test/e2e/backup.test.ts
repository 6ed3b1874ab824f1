import { execFile } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { gunzipSync, gzipSync } from "node:zlib";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { AGENT_NODE_FLAGS } from "../../agent/node-flags.ts";
import { hubMigrations } from "../../hub/store/migrations.ts";
import type { HostList } from "../../shared/api/hosts.ts";
import { openDatabase } from "../../shared/sqlite/open-database.ts";
import { batchEnvelope, gzipJson } from "../support/batches.ts";
import { DIST, freePort, getJson, useProcesses, waitFor } from "../support/processes.ts";
import { useTempDirs } from "../support/temp-dir.ts";

const tempDir = useTempDirs();
const start = useProcesses();
const run = promisify(execFile);

/** The hub's database with 400,000 rows of batch history (about 25 MB), so a copy spans many ingest commits. */
function prefilledHubDatabase(file: string): void {
  const db = openDatabase(file, hubMigrations);
  db.prepare(
    `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 400000)
     INSERT INTO received_batches (agent_id, boot_id, sequence, received_at, sample_count)
     SELECT 'earlier-agent', 'boot-0', i, ?, 20 FROM n`,
  ).run(Date.now());
  db.close();
}

/** Posts batches one after another until stopped; records when each was acknowledged. */
function continuousIngest(hubUrl: string) {
  const acks: Array<{ sequence: number; at: number }> = [];
  let stopped = false;
  const done = (async () => {
    for (let sequence = 1; !stopped; sequence++) {
      const samples = Array.from({ length: 20 }, (_, i) => ({
        name: "vigil_cpu_usage_percent",
        labels: { cpu: String(i) },
        value: sequence + i / 100,
      }));
      const res = await fetch(`${hubUrl}/api/v1/ingest`, {
        method: "POST",
        headers: { "content-type": "application/json", "content-encoding": "gzip" },
        body: gzipJson(batchEnvelope({ sequence, timestamp: Date.now(), samples })),
        signal: AbortSignal.timeout(10_000),
      });
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`batch ${sequence} answered ${res.status}`);
      acks.push({ sequence, at: Date.now() });
    }
  })();
  return {
    acks,
    stop: async () => {
      stopped = true;
      await done;
    },
  };
}

function hubEnv(dir: string, port: number): Record<string, string> {
  return { VIGIL_HUB_LISTEN: `127.0.0.1:${port}`, VIGIL_DATA_DIR: join(dir, "data") };
}

describe("backup and restore of a running hub, as separate processes", () => {
  it(
    "takes a backup during continuous ingest that restores to a sound database holding every batch acknowledged before it began",
    { timeout: 120_000 },
    async () => {
      const dir = tempDir();
      const port = await freePort();
      const env = hubEnv(dir, port);
      const hubUrl = `http://127.0.0.1:${port}`;
      prefilledHubDatabase(join(dir, "data", "hub.sqlite"));
      const hub = start("hub/main.js", [], env);
      await waitFor("the hub to be ready", async () => (await getJson(`${hubUrl}/readyz`)).status === 200 || undefined);
      const ingest = continuousIngest(hubUrl);
      await waitFor("30 batches acknowledged", () => (ingest.acks.length >= 30 ? true : undefined));
      const acknowledgedBefore = ingest.acks.map((a) => a.sequence);
      const backupStarted = Date.now();
      const backup = start("hub/main.js", ["backup", join(dir, "hub-backup.sqlite.gz")], env);
      expect(await backup.exited).toBe(0);
      const backupEnded = Date.now();
      expect(backup.output()).toContain(`written to ${join(dir, "hub-backup.sqlite.gz")}`);
      // Ingest went on while the backup process copied and checked the database.
      expect(ingest.acks.filter((a) => a.at > backupStarted && a.at < backupEnded).length).toBeGreaterThan(0);
      const total = ingest.acks.length;
      await waitFor("more batches after the backup", () => (ingest.acks.length >= total + 10 ? true : undefined));
      await ingest.stop();

      const refused = start("hub/main.js", ["restore", join(dir, "hub-backup.sqlite.gz")], env);
      expect(await refused.exited).toBe(1);
      expect(refused.output()).toContain("is open in another process, most likely a running vigil-hub; stop it first");
      hub.child.kill("SIGTERM");
      expect(await hub.exited).toBe(0);
      const restore = start("hub/main.js", ["restore", join(dir, "hub-backup.sqlite.gz")], env);
      expect(await restore.exited).toBe(0);
      expect(restore.output()).toMatch(/The replaced database is kept at .*hub\.sqlite\.replaced-\d{8}T\d{6}Z\./);

      const restored = new Database(join(dir, "data", "hub.sqlite"), { readonly: true });
      expect(restored.pragma("integrity_check", { simple: true })).toBe("ok");
      const stored = new Set(
        restored.prepare("SELECT sequence FROM received_batches WHERE agent_id = 'gpu-box'").pluck().all() as number[],
      );
      expect(acknowledgedBefore.filter((s) => !stored.has(s))).toEqual([]);
      // Each stored batch is there whole: its 20 samples.
      expect(restored.prepare("SELECT COUNT(*) FROM samples").pluck().get()).toBe(stored.size * 20);
      expect(restored.prepare("SELECT COUNT(*) FROM received_batches WHERE agent_id = 'earlier-agent'").pluck().get()).toBe(400_000);
      restored.close();

      // The hub starts on the restored database and serves what it holds.
      const again = start("hub/main.js", [], env);
      await waitFor("the restarted hub to be ready", async () => (await getJson(`${hubUrl}/readyz`)).status === 200 || undefined);
      expect((await getJson<HostList>(`${hubUrl}/api/v1/hosts`)).body.hosts.map((h) => h.id)).toEqual(["gpu-box"]);
      again.child.kill("SIGTERM");
      expect(await again.exited).toBe(0);
    },
  );

  it("refuses to restore a damaged backup or one written by a newer Vigil, saying why, and changes nothing", async () => {
    const dir = tempDir();
    const env = hubEnv(dir, await freePort());
    const live = openDatabase(join(dir, "data", "hub.sqlite"), hubMigrations);
    live.exec(
      "INSERT INTO hosts (id, hostname, labels, agent_version, boot_id, push_interval_ms, first_seen, last_seen) VALUES ('kept', 'kept.lan', '{}', '0.1.0', 'b', 10000, 1, 1)",
    );
    live.close();
    const backup = start("hub/main.js", ["backup", join(dir, "good.sqlite.gz")], env);
    expect(await backup.exited).toBe(0);

    // A backup damaged in storage: one page of garbage in the middle of the database.
    const pages = gunzipSync(readFileSync(join(dir, "good.sqlite.gz")));
    pages.fill(0x5a, 20 * 4096, 21 * 4096);
    writeFileSync(join(dir, "damaged.sqlite.gz"), gzipSync(pages));
    const damaged = start("hub/main.js", ["restore", join(dir, "damaged.sqlite.gz")], env);
    expect(await damaged.exited).toBe(1);
    expect(damaged.output()).toMatch(
      /^vigil-hub restore: refusing to restore .*damaged\.sqlite\.gz: the backup is damaged or unreadable: .+; nothing was changed\n$/,
    );

    const newer = openDatabase(join(dir, "newer.sqlite"), hubMigrations);
    newer.pragma(`user_version = ${hubMigrations.length + 1}`);
    newer.close();
    const refused = start("hub/main.js", ["restore", join(dir, "newer.sqlite")], env);
    expect(await refused.exited).toBe(1);
    expect(refused.output()).toBe(
      `vigil-hub restore: refusing to restore ${join(dir, "newer.sqlite")}: its schema version ${hubMigrations.length + 1} is newer than this build ` +
        `understands (${hubMigrations.length}); upgrade Vigil to the version that wrote it, or restore a backup taken before the upgrade; nothing was changed\n`,
    );

    expect(readdirSync(join(dir, "data")).filter((n) => n.includes("replaced") || n.includes("restoring"))).toEqual([]);
    const check = start("hub/main.js", ["check"], env);
    expect(await check.exited).toBe(0);
    const db = new Database(join(dir, "data", "hub.sqlite"), { readonly: true });
    expect(db.prepare("SELECT id FROM hosts").pluck().all()).toEqual(["kept"]);
    db.close();
  });
});

describe("scheduled backups in the running hub", () => {
  it("start from the config, and /metrics shows the newest backup already in the directory", async () => {
    const dir = tempDir();
    const port = await freePort();
    const config = join(dir, "hub.yaml");
    writeFileSync(config, `backup:\n  directory: ${join(dir, "backups")}\n  interval: 6h\n  keep: 3\n`);
    mkdirSync(join(dir, "backups"));
    writeFileSync(join(dir, "backups", "hub-20260921T230005Z.sqlite.gz"), "an earlier backup");
    const hub = start("hub/main.js", ["--config", config], hubEnv(dir, port));
    await waitFor("the hub to be ready", async () => (await getJson(`http://127.0.0.1:${port}/readyz`)).status === 200 || undefined);

    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(5000) })).text();
    expect(text).toContain(
      `vigil_hub_backup_last_success_timestamp_seconds{directory="${join(dir, "backups")}"} ${Date.parse("2026-09-21T23:00:05Z") / 1000}`,
    );
    const on = hub
      .output()
      .split("\n")
      .find((l) => l.includes('"scheduled backups on"'));
    expect(JSON.parse(on ?? "{}")).toMatchObject({ directory: join(dir, "backups"), intervalMs: 6 * 3_600_000, keep: 3 });
  });
});

describe("maintenance commands load only what they need", () => {
  /** Runs a built program with a preload that lists every module URL it resolved, written at exit. */
  async function loadedModules(dir: string, flags: readonly string[], args: string[], env: Record<string, string>) {
    const list = join(dir, "modules.txt");
    const preload = join(dir, "list-modules.mjs");
    writeFileSync(
      preload,
      `import { registerHooks } from "node:module";\nimport { writeFileSync } from "node:fs";\nconst seen = new Set();\n` +
        `registerHooks({ resolve(specifier, context, next) { const r = next(specifier, context); seen.add(r.url); return r; } });\n` +
        `process.on("exit", () => writeFileSync(${JSON.stringify(list)}, [...seen].join("\\n")));\n`,
    );
    const { stdout } = await run(process.execPath, [...flags, "--import", preload, ...args], {
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", ...env },
      timeout: 60_000,
    });
    return { stdout, modules: readFileSync(list, "utf8").split("\n") };
  }

  it("vigil-hub check and vigil-agent backup (in the agent's lite mode) load no server, collector, rule or channel", async () => {
    const dir = tempDir();
    openDatabase(join(dir, "data", "hub.sqlite"), hubMigrations).close();
    const hub = await loadedModules(dir, [], [join(DIST, "hub/main.js"), "check"], { VIGIL_DATA_DIR: join(dir, "data") });
    expect(hub.stdout).toContain("result: ok");
    expect(hub.modules.some((m) => m.endsWith("/dist/shared/sqlite/inspect-database.js"))).toBe(true);
    const daemon =
      /\/node_modules\/(hono|@hono|prom-client|nodemailer|undici)\/|\/dist\/hub\/(run-hub|app|rules\/rules-engine|notify\/notify-service|ingest\/)/;
    expect(hub.modules.filter((m) => daemon.test(m))).toEqual([]);

    const agentDir = join(dir, "agent");
    const agent = start("agent/main.js", [], {
      VIGIL_DATA_DIR: agentDir,
      VIGIL_AGENT_LISTEN: `127.0.0.1:${await freePort()}`,
      VIGIL_HUB_URL: `http://127.0.0.1:${await freePort()}`,
      VIGIL_COLLECT_INTERVAL: "1s",
    });
    await waitFor("the agent's database", () => existsSync(join(agentDir, "agent.sqlite")) || undefined);
    const backup = await loadedModules(dir, AGENT_NODE_FLAGS, [join(DIST, "agent/main.js"), "backup", join(dir, "agent.sqlite.gz")], {
      VIGIL_DATA_DIR: agentDir,
    });
    expect(backup.stdout).toContain(`written to ${join(dir, "agent.sqlite.gz")}`);
    // Collector config schemas are part of the config; their index (collect) and exec (run) files are not.
    const agentDaemon = /\/dist\/agent\/(run-agent|server|transport\/.*|collectors\/(registry|scheduler|[a-z]+\/(index|exec|read)))\.js$/;
    expect(backup.modules.filter((m) => agentDaemon.test(m))).toEqual([]);
    expect(agent.child.exitCode).toBeNull();
  });
});
