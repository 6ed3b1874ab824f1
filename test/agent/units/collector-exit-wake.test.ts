import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import type { Observations } from "../../../agent/collectors/collector.ts";
import { CollectorScheduler } from "../../../agent/collectors/scheduler.ts";
import { createUnitsCollector } from "../../../agent/collectors/units/index.ts";
import { processAlive, unitPid, writeFakeSystemctl } from "../../../bench/remediation-fake-systemctl.ts";
import { createLogger } from "../../../shared/log/logger.ts";
import { waitFor } from "../../support/processes.ts";
import { useTempDirs } from "../../support/temp-dir.ts";

const tempDir = useTempDirs();
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const UNIT = "demo.service";

/**
 * The units collector on the scheduler, at a 60 s interval, over the systemctl stand-in (a real
 * `sleep` per unit; `show` prints MainPID as systemd does). Each collection's active state is kept.
 */
async function setup(exitCheckInterval: number) {
  const dir = tempDir();
  const stateDir = join(dir, "units");
  const systemctl = writeFakeSystemctl(join(dir, "bin"), stateDir);
  await promisify(execFile)(systemctl, ["start", UNIT]);
  cleanups.push(() => {
    const pid = unitPid(stateDir, UNIT);
    if (processAlive(pid)) process.kill(pid as number, "SIGKILL");
  });
  const collections: Array<{ at: number; state: string | undefined }> = [];
  const collector = createUnitsCollector({ units: [UNIT], reportFailed: false, systemctl, timeout: 5_000, exitCheckInterval });
  const scheduler = new CollectorScheduler({
    collectors: [{ collector, intervalMs: 60_000, timeoutMs: 5_000 }],
    sink: (obs: Observations) => {
      const state = obs.states.find((s) => s.name === "vigil_unit_active_state")?.state;
      collections.push({ at: performance.now(), state });
    },
    logger: createLogger({ component: "agent", write: () => {} }),
  });
  cleanups.push(() => scheduler.stop());
  scheduler.start();
  await waitFor("the first collection", () => collections[0], 10_000, 5);
  const pid = unitPid(stateDir, UNIT) as number;
  return { collections, pid };
}

describe("units collector woken by a watched unit's exit", () => {
  it("collects the unit as failed right after its main process is killed, not at its 60 s interval", async () => {
    const { collections, pid } = await setup(50);
    expect(collections[0]?.state).toBe("active");
    const killedAt = performance.now();
    process.kill(pid, "SIGKILL");
    const seen = await waitFor("a collection after the kill", () => collections[1], 10_000, 5);
    expect(seen.state).toBe("failed");
    // A 50 ms check, the stand-in's sh and a loaded machine: far under the interval.
    expect(seen.at - killedAt).toBeLessThan(3_000);
    process.stdout.write(`units collector: kill -> collected as failed in ${Math.round(seen.at - killedAt)} ms\n`);
  });

  it("waits for the interval when the exit watch is off (exitCheckInterval 0)", async () => {
    const { collections, pid } = await setup(0);
    process.kill(pid, "SIGKILL");
    await new Promise((r) => setTimeout(r, 1_000));
    expect(collections).toHaveLength(1);
  });
});
