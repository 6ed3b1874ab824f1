import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { freePort, getJson, type RunningProcess, useProcesses, waitFor } from "../support/processes.ts";
import { useTempDirs } from "../support/temp-dir.ts";

const tempDir = useTempDirs();
const start = useProcesses();

const AGENT_ID = "recreated-a";
const TOKEN = "tok-recreated-5e2b";

/** Reads one SQLite file read-only, for a moment (both programs keep theirs open in WAL mode). */
function query<T>(file: string, sql: string, ...params: unknown[]): T[] {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return db
      .prepare(sql)
      .pluck()
      .all(...params) as T[];
  } finally {
    db.close();
  }
}

/** Timestamps of the agent's vigil_load1 samples stored by the hub, from `since` on. */
const hubLoadTimes = (hubDb: string, since: number) =>
  query<number>(
    hubDb,
    `SELECT s.minute * 60000 + s.offset_ms AS t FROM samples s JOIN series ON series.id = s.series_id
     WHERE series.host_id = ? AND series.name = 'vigil_load1' AND t >= ? ORDER BY t`,
    AGENT_ID,
    since,
  );

/** Timestamps of every vigil_load1 sample in the agent's local history (the database is new: all of them). */
const agentLoadTimes = (agentDb: string) =>
  query<number>(
    agentDb,
    "SELECT s.timestamp FROM samples s JOIN series ON series.id = s.series_id WHERE series.name = 'vigil_load1' ORDER BY s.timestamp",
  );

const receivedBatches = (hubDb: string) =>
  query<number>(hubDb, "SELECT COUNT(*) FROM received_batches WHERE agent_id = ?", AGENT_ID)[0] ?? 0;

/**
 * The note of an earlier session: an agent whose database is deleted and made again on a host that has
 * not rebooted (same boot id) used to start its batch sequences at 1 again, so the hub took its first
 * batches for ones it had already stored (push), or kept asking after its old last sequence, which made
 * the agent forget its new batches unsent (pull). Either way, the first minutes of the new database
 * were lost. Each case below pushes or is pulled for a few batches, stops the agent, deletes its
 * database with its WAL and SHM files, starts it again, and checks that every sample it collected from
 * then on, up to the newest one the hub has, is at the hub.
 */
describe("an agent whose database is deleted and re-created on the same boot", () => {
  it("push: the hub stores every sample of the new database, none taken for a duplicate", async () => {
    const dir = tempDir();
    const [hubPort, agentPort] = [await freePort(), await freePort()];
    const hubUrl = `http://127.0.0.1:${hubPort}`;
    start("hub/main.js", [], { VIGIL_HUB_LISTEN: `127.0.0.1:${hubPort}`, VIGIL_DATA_DIR: join(dir, "hub") });
    await waitFor("the hub to be ready", async () => (await getJson(`${hubUrl}/readyz`)).status === 200 || undefined);
    const env = {
      VIGIL_HUB_URL: hubUrl,
      VIGIL_AGENT_LISTEN: `127.0.0.1:${agentPort}`,
      VIGIL_DATA_DIR: join(dir, "agent"),
      VIGIL_AGENT_ID: AGENT_ID,
      VIGIL_PUSH_INTERVAL: "1s",
      VIGIL_COLLECT_INTERVAL: "1s",
    };
    await recreateAndCheck({
      start: () => start("agent/main.js", [], env),
      hubDb: join(dir, "hub", "hub.sqlite"),
      agentDir: join(dir, "agent"),
    });
  }, 90_000);

  it("pull: the hub's next `after=` does not make the new database forget its batches unsent", async () => {
    const dir = tempDir();
    const [hubPort, agentPort] = [await freePort(), await freePort()];
    const env = {
      VIGIL_AGENT_ID: AGENT_ID,
      VIGIL_HUB_MODE: "pull",
      VIGIL_AGENT_TOKEN: TOKEN,
      VIGIL_AGENT_LISTEN: `127.0.0.1:${agentPort}`,
      VIGIL_HUB_URL: `http://127.0.0.1:${hubPort}`,
      VIGIL_DATA_DIR: join(dir, "agent"),
      VIGIL_PUSH_INTERVAL: "1s",
      VIGIL_COLLECT_INTERVAL: "1s",
    };
    const config = join(dir, "hub.yaml");
    writeFileSync(
      config,
      [
        "pull:",
        "  interval: 1s",
        "  timeout: 5s",
        "  agents:",
        `    - { id: ${AGENT_ID}, url: "http://127.0.0.1:${agentPort}", token: { env: AGENT_TOKEN } }`,
        "",
      ].join("\n"),
    );
    start("hub/main.js", ["--config", config], {
      VIGIL_HUB_LISTEN: `127.0.0.1:${hubPort}`,
      VIGIL_DATA_DIR: join(dir, "hub"),
      AGENT_TOKEN: TOKEN,
    });
    await recreateAndCheck({
      start: () => start("agent/main.js", [], env),
      hubDb: join(dir, "hub", "hub.sqlite"),
      agentDir: join(dir, "agent"),
    });
  }, 90_000);
});

async function recreateAndCheck(o: { start: () => RunningProcess; hubDb: string; agentDir: string }): Promise<void> {
  const first = o.start();
  // Enough batches that the new database, numbering from 1 again, would take several seconds to pass them.
  await waitFor("six batches at the hub", () => (receivedBatches(o.hubDb) >= 6 ? true : undefined), 40_000, 200);
  first.child.kill("SIGTERM");
  expect(await first.exited).toBe(0);
  const agentDb = join(o.agentDir, "agent.sqlite");
  for (const suffix of ["", "-wal", "-shm"]) rmSync(`${agentDb}${suffix}`, { force: true });
  const restartedAt = Date.now();

  o.start();
  const atHub = await waitFor(
    "five samples of the new database at the hub",
    () => {
      const times = hubLoadTimes(o.hubDb, restartedAt);
      return times.length >= 5 ? times : undefined;
    },
    40_000,
    200,
  );
  const newest = atHub[atHub.length - 1] as number;
  const collected = agentLoadTimes(agentDb).filter((t) => t <= newest);
  // Every sample the new database collected up to the newest one the hub has, and nothing else.
  expect(atHub).toEqual(collected);
  expect(collected.length).toBeGreaterThanOrEqual(5);
}
