import { afterEach, describe, expect, it, vi } from "vitest";
import { alertDetail, alertList } from "../../../hub/rules/alerts-api.ts";
import { useTempDirs } from "../../support/temp-dir.ts";
import { type RulesHarness, rulesHarness } from "../rules/rules-harness.ts";

const tempDir = useTempDirs();
let h: RulesHarness | undefined;
afterEach(() => {
  h?.close();
  h = undefined;
});

/**
 * The hub's RSS grew by kilobytes per GET /api/v1/alerts (107 -> 328 MiB over 8,000 requests): each
 * request prepared its two statements anew. A statement holds native memory V8 does not count, and its
 * small wrapper is freed only by a full collection, which a hub with a small heap seldom runs; so the
 * statements piled up between collections and the allocator kept the high-water mark
 * (bench/hub-alerts-memory.ts: +2.3 to 3.1 KiB per request before, flat after). What must stay true is
 * the cause, not an RSS figure: after the first request of each filter shape, answering prepares nothing.
 */
describe("GET /api/v1/alerts under a steady stream", () => {
  /** Two hosts: a pool DEGRADED (firing) on each, memory at 85 % (pending) on gpu-box. */
  function twoHosts(): RulesHarness {
    const t = rulesHarness(tempDir(), "");
    h = t;
    for (const agentId of ["gpu-box", "cpu-box"]) {
      t.push(
        {
          samples: [{ name: "vigil_memory_used_percent", value: agentId === "gpu-box" ? 85 : 20 }],
          states: [{ name: "vigil_zfs_pool_health", labels: { pool: "nvme-fast" }, state: "DEGRADED" }],
        },
        { agentId },
      );
    }
    return t;
  }

  const PATHS = [
    "/api/v1/alerts",
    "/api/v1/alerts?state=active&history=0",
    "/api/v1/alerts?state=firing&host=gpu-box",
    "/api/v1/alerts?host=cpu-box&rule=pool-not-online&history=5",
    "/api/v1/alerts?state=pending,firing,resolved&history=1000",
  ];

  it("prepares no statement per request once each filter shape was asked once, and still answers each filter right", async () => {
    const t = twoHosts();
    const answer = async (path: string) => {
      const res = await t.request(path);
      expect(res.status).toBe(200);
      return alertList.parse(await res.json());
    };
    const first = await Promise.all(PATHS.map(answer));
    const fingerprint = first[0]?.alerts[0]?.fingerprint as string;
    expect((await t.request(`/api/v1/alerts/${fingerprint}`)).status).toBe(200);

    const prepare = vi.spyOn(t.store.db, "prepare");
    for (let i = 0; i < 2000; i++) {
      const path = PATHS[i % PATHS.length] as string;
      const list = await answer(path);
      // Cached statements bound with this request's values: the same answer as the first time.
      if (i < PATHS.length) expect(list).toEqual(first[i]);
    }
    const detail = alertDetail.parse(await (await t.request(`/api/v1/alerts/${fingerprint}?history=3`)).json());
    expect(detail.alert.fingerprint).toBe(fingerprint);
    expect(prepare).not.toHaveBeenCalled();
    prepare.mockRestore();

    // The filters select what they say, so the statements are not one shape answering for another.
    const [all, active, firingGpu, cpuPool] = first;
    expect(all?.alerts.map((a) => `${a.state} ${a.rule} ${a.hostId}`)).toEqual([
      "firing pool-not-online gpu-box",
      "firing pool-not-online cpu-box",
      "pending memory-usage gpu-box",
    ]);
    expect(all?.history.length).toBe(3);
    expect(active?.alerts).toHaveLength(3);
    expect(active?.history).toEqual([]);
    expect(firingGpu?.alerts.map((a) => `${a.state} ${a.rule} ${a.hostId}`)).toEqual(["firing pool-not-online gpu-box"]);
    expect(cpuPool?.alerts.map((a) => a.hostId)).toEqual(["cpu-box"]);
    expect(cpuPool?.history.map((e) => [e.hostId, e.rule])).toEqual([["cpu-box", "pool-not-online"]]);
  });
});
