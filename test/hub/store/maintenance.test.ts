import { describe, expect, it } from "vitest";
import { StorageMaintenance } from "../../../hub/store/maintenance.ts";
import { createLogger } from "../../../shared/log/logger.ts";
import { waitFor } from "../../support/processes.ts";

/** A job with `work` steps to do; records the order of steps in `log`. */
function job(name: string, work: number, log: string[]) {
  let left = work;
  return {
    name,
    step: () => {
      if (left === 0) return false;
      left--;
      log.push(name);
      return true;
    },
  };
}

describe("StorageMaintenance", () => {
  it("lets the jobs take turns, so a long backlog in one does not hold the other back", () => {
    const log: string[] = [];
    const m = new StorageMaintenance({
      jobs: [job("rollup", 5, log), job("retention", 2, log)],
      logger: createLogger({ component: "t", write: () => {} }),
    });
    expect(m.runUntilIdle(0)).toBe(7);
    expect(log).toEqual(["rollup", "retention", "rollup", "retention", "rollup", "rollup", "rollup"]);
  });

  it("runs steps on its own until idle, logs a failing step once per error, keeps going, and stops", async () => {
    const lines: string[] = [];
    const log: string[] = [];
    let failures = 3;
    const flaky = {
      name: "rollup",
      step: () => {
        if (failures-- > 0) throw new Error("database is locked");
        return false;
      },
    };
    const m = new StorageMaintenance({
      jobs: [flaky, job("retention", 20, log)],
      logger: createLogger({ component: "t", write: (l) => void lines.push(l) }),
      idleMs: 10,
    });
    m.start();
    await waitFor("the retention steps to run", () => log.length === 20 || undefined, 10_000, 10);
    await waitFor("the failures to pass", () => failures < 0 || undefined, 10_000, 10);
    m.stop();
    const errors = lines.filter((l) => l.includes("storage maintenance step failed"));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain('"job":"rollup"');
  });
});
