import { afterEach, describe, expect, it } from "vitest";
import { alertDetail, alertList } from "../../../hub/rules/alerts-api.ts";
import { alertFingerprint } from "../../../hub/rules/fingerprint.ts";
import { useTempDirs } from "../../support/temp-dir.ts";
import { MIN, type RulesHarness, rulesHarness, T0 } from "./rules-harness.ts";

const tempDir = useTempDirs();
let h: RulesHarness | undefined;
afterEach(() => {
  h?.close();
  h = undefined;
});

/** nvme-fast DEGRADED (firing), memory at 85 % for 5 minutes (pending), a unit that failed and recovered (resolved). */
function scenario(): RulesHarness {
  const t = rulesHarness(tempDir(), "");
  h = t;
  const round = (unit: string) =>
    t.push({
      samples: [{ name: "vigil_memory_used_percent", value: 85 }],
      states: [
        { name: "vigil_zfs_pool_health", labels: { pool: "nvme-fast" }, state: "DEGRADED" },
        { name: "vigil_unit_active_state", labels: { unit: "postgresql.service" }, state: unit },
      ],
    });
  round("failed");
  t.at(5);
  round("active");
  return t;
}

async function get(t: RulesHarness, path: string) {
  const res = await t.request(path);
  return { status: res.status, body: (await res.json()) as unknown };
}

describe("GET /api/v1/alerts", () => {
  it("lists firing, then pending, then resolved alerts, with the newest transitions", async () => {
    const t = scenario();
    const { status, body } = await get(t, "/api/v1/alerts");
    expect(status).toBe(200);
    const list = alertList.parse(body);
    expect(list.alerts.map((a) => `${a.state} ${a.rule}`)).toEqual([
      "firing pool-not-online",
      "pending memory-usage",
      "resolved unit-failed",
    ]);
    expect(list.alerts[0]).toEqual({
      fingerprint: alertFingerprint("pool-not-online", "gpu-box", { pool: "nvme-fast" }),
      rule: "pool-not-online",
      state: "firing",
      severity: "critical",
      hostId: "gpu-box",
      labels: { pool: "nvme-fast" },
      value: null,
      threshold: null,
      observedState: "DEGRADED",
      pendingSince: T0,
      firingSince: T0,
      resolvedAt: null,
      lastNotifiedAt: T0,
      observedAt: T0 + 5 * MIN,
      annotations: {
        summary: "ZFS pool nvme-fast on gpu-box is DEGRADED",
        description: "ZFS pool nvme-fast on gpu-box is DEGRADED since 2026-09-21T14:13:20Z; see zpool status nvme-fast.",
      },
      mutedBy: null,
    });
    expect(list.alerts[1]).toMatchObject({ severity: "warning", value: 85, threshold: 80, pendingSince: T0, firingSince: null });
    expect(list.alerts[2]).toMatchObject({ resolvedAt: T0 + 5 * MIN, observedState: "active", pendingSince: null });
    expect(list.history.map((e) => `${e.rule} ${e.from}->${e.to}`)).toEqual([
      "unit-failed firing->resolved",
      "unit-failed inactive->firing",
      "pool-not-online inactive->firing",
      "memory-usage inactive->pending",
    ]);
  });

  it("filters by state, host and rule, and bounds the history", async () => {
    const t = scenario();
    const rules = async (q: string) => alertList.parse((await get(t, `/api/v1/alerts?${q}`)).body).alerts.map((a) => a.rule);
    expect(await rules("state=active")).toEqual(["pool-not-online", "memory-usage"]);
    expect(await rules("state=resolved,pending")).toEqual(["memory-usage", "unit-failed"]);
    expect(await rules("host=gpu-box&rule=unit-failed")).toEqual(["unit-failed"]);
    expect(await rules("host=nas")).toEqual([]);
    expect(alertList.parse((await get(t, "/api/v1/alerts?history=1")).body).history).toHaveLength(1);
    expect(alertList.parse((await get(t, "/api/v1/alerts?history=0")).body).history).toEqual([]);
  });

  it("refuses a bad query naming the parameter", async () => {
    const t = scenario();
    expect(await get(t, "/api/v1/alerts?state=burning")).toEqual({
      status: 400,
      body: {
        error: {
          code: "ALERTS_QUERY",
          message: 'state: expected pending, firing, resolved, active, all (comma-separated), got "burning"',
          field: "state",
        },
      },
    });
    expect((await get(t, "/api/v1/alerts?history=5000")).status).toBe(400);
  });
});

describe("GET /api/v1/alerts/:fingerprint", () => {
  it("answers one alert with its whole history, and 404 for an unknown fingerprint", async () => {
    const t = scenario();
    const fp = alertFingerprint("unit-failed", "gpu-box", { unit: "postgresql.service" });
    const detail = alertDetail.parse((await get(t, `/api/v1/alerts/${fp}`)).body);
    expect(detail.alert.state).toBe("resolved");
    expect(detail.history.map((e) => [e.reason, e.notification, e.at])).toEqual([
      ["resolved", "resolved", T0 + 5 * MIN],
      ["fired", "firing", T0],
    ]);
    const missing = await get(t, "/api/v1/alerts/0000000000000000");
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ error: { code: "ALERT_NOT_FOUND", field: "fingerprint" } });
  });
});
