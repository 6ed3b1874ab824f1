import { afterEach, describe, expect, it } from "vitest";
import type { SilenceAnswer, SilenceList } from "../../../hub/silences/silences-api.ts";
import { SilenceMuter } from "../../../hub/silences/silence-muter.ts";
import type { AlertEvent } from "../../../shared/protocol/alert.ts";
import { useTempDirs } from "../../support/temp-dir.ts";
import { MIN, type RulesHarness, rulesHarness, T0 } from "../rules/rules-harness.ts";

const tempDir = useTempDirs();
let h: RulesHarness | undefined;
afterEach(() => {
  h?.close();
  h = undefined;
});
function harness(yaml = ""): RulesHarness {
  h = rulesHarness(tempDir(), yaml);
  return h;
}

const post = (body: unknown, token?: string): RequestInit => ({
  method: "POST",
  body: JSON.stringify(body),
  headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
});

async function create(t: RulesHarness, body: unknown): Promise<SilenceAnswer["silence"]> {
  const res = await t.request("/api/v1/silences", post(body));
  expect(res.status).toBe(201);
  return ((await res.json()) as SilenceAnswer).silence;
}

const event = (over: Partial<AlertEvent> = {}): AlertEvent => ({
  fingerprint: "0123456789abcdef",
  rule: "pool-not-online",
  status: "firing",
  severity: "critical",
  hostId: "nas",
  labels: { pool: "sata-bulk" },
  value: null,
  threshold: null,
  startsAt: T0,
  endsAt: null,
  annotations: {},
  ...over,
});

describe("POST /api/v1/silences", () => {
  it("creates a silence with a duration, and a maintenance window starting later", async () => {
    const t = harness();
    const s = await create(t, {
      matchers: { hosts: ["nas"], rules: ["pool-not-online"] },
      duration: "2h",
      comment: "replacing a disk",
      createdBy: "ana",
    });
    expect(s).toMatchObject({
      kind: "silence",
      matchers: { hosts: ["nas"], rules: ["pool-not-online"] },
      startsAt: T0,
      endsAt: T0 + 120 * MIN,
      comment: "replacing a disk",
      createdBy: "ana",
      createdAt: T0,
      expiredAt: null,
      status: "active",
    });
    expect(s.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-/);
    const m = await create(t, {
      kind: "maintenance",
      matchers: { hostLabels: { site: "lab" } },
      startsAt: T0 + 60 * MIN,
      endsAt: T0 + 180 * MIN,
      comment: "driver upgrade",
    });
    expect(m).toMatchObject({ kind: "maintenance", status: "pending", createdBy: null });
  });

  it.each([
    [{ matchers: {}, duration: "1h", comment: "x" }, "matchers", "expected at least one of hosts, rules, labels or hostLabels"],
    [{ matchers: { hosts: ["nas"] }, comment: "x" }, "endsAt", "expected exactly one of endsAt and duration"],
    [
      { matchers: { hosts: ["nas"] }, duration: "1h", endsAt: T0 + 1, comment: "x" },
      "endsAt",
      "expected exactly one of endsAt and duration",
    ],
    [{ matchers: { hosts: ["nas"] }, duration: "1h", comment: "  " }, "comment", "is required: say why"],
    [{ matchers: { hosts: ["nas"] }, endsAt: T0 - 1, comment: "x" }, "endsAt", "already over"],
    [{ matchers: { hosts: ["nas"] }, duration: "400d", comment: "x" }, "duration", "expected a duration between 1m and 366d"],
    [{ matchers: { rules: ["Not A Rule!"] }, duration: "1h", comment: "x" }, "matchers.rules[0]", "expected 1-100 letters"],
  ])("refuses %j naming the field", async (body, field, message) => {
    const t = harness();
    const res = await t.request("/api/v1/silences", post(body));
    expect(res.status).toBe(400);
    const err = ((await res.json()) as { error: { code: string; field: string; message: string } }).error;
    expect(err.code).toBe("SILENCE_SCHEMA");
    expect(err.field).toBe(field);
    expect(err.message).toContain(message);
    expect(t.silences().list([], t.clock.now)).toEqual([]);
  });

  it("needs the admin token when the hub has admin tokens, and loopback otherwise", async () => {
    const t = harness("auth:\n  adminTokens: [s3cret-admin-token]");
    const body = { matchers: { hosts: ["nas"] }, duration: "1h", comment: "x" };
    expect((await t.request("/api/v1/silences", post(body))).status).toBe(401);
    expect((await t.request("/api/v1/silences", post(body, "wrong"))).status).toBe(401);
    expect((await t.request("/api/v1/silences", post(body, "s3cret-admin-token"))).status).toBe(201);
    const open = harness();
    expect((await open.request("/api/v1/silences", post(body), "192.168.1.20")).status).toBe(403);
  });
});

describe("GET and DELETE /api/v1/silences", () => {
  it("lists active and pending by default, expires by id prefix, and keeps the expired one for the record", async () => {
    const t = harness();
    const a = await create(t, { matchers: { hosts: ["nas"] }, duration: "1h", comment: "a" });
    const b = await create(t, { matchers: { hosts: ["gpu-box"] }, startsAt: T0 + 10 * MIN, duration: "1h", comment: "b" });
    const list = async (q = "") => ((await (await t.request(`/api/v1/silences${q}`)).json()) as SilenceList).silences.map((s) => s.comment);
    expect(await list()).toEqual(["b", "a"]);
    t.at(5);
    const del = await t.request(`/api/v1/silences/${a.id.slice(0, 8)}`, { method: "DELETE" });
    expect(del.status).toBe(200);
    expect(((await del.json()) as SilenceAnswer).silence).toMatchObject({
      id: a.id,
      status: "expired",
      endsAt: T0 + 5 * MIN,
      expiredAt: T0 + 5 * MIN,
    });
    expect(await list()).toEqual(["b"]);
    expect(await list("?state=expired")).toEqual(["a"]);
    expect(await list("?state=all")).toEqual(["b", "a"]);
    expect((await t.request(`/api/v1/silences/${b.id}`)).status).toBe(200);
    expect((await t.request("/api/v1/silences/ffffffff")).status).toBe(404);
    expect((await t.request("/api/v1/silences/not-an-id!")).status).toBe(400);
    expect((await t.request("/api/v1/silences?state=soon")).status).toBe(400);
  });
});

describe("the muter", () => {
  it("mutes what an active silence covers, from its start to its end, maintenance windows first", async () => {
    const t = harness();
    t.push({ samples: [{ name: "vigil_load1", value: 1 }] }, { agentId: "nas", labels: { site: "lab" } });
    const muter = new SilenceMuter(t.store.db);
    const s = await create(t, { matchers: { rules: ["pool-not-online"] }, startsAt: T0 + MIN, duration: "1h", comment: "disk swap" });
    const m = await create(t, {
      kind: "maintenance",
      matchers: { hostLabels: { site: "lab" } },
      startsAt: T0 + 30 * MIN,
      duration: "1h",
      comment: "lab move",
    });
    expect(muter.mutedBy(event(), T0)).toBeUndefined();
    expect(muter.mutedBy(event(), T0 + MIN)).toEqual({ id: s.id, kind: "silence", comment: "disk swap" });
    expect(muter.mutedBy(event({ rule: "pool-capacity" }), T0 + MIN)).toBeUndefined();
    expect(muter.mutedBy(event({ rule: "pool-capacity" }), T0 + 30 * MIN)).toEqual({ id: m.id, kind: "maintenance", comment: "lab move" });
    expect(muter.mutedBy(event(), T0 + 30 * MIN)?.kind).toBe("maintenance");
    expect(muter.mutedBy(event({ hostId: "gpu-box" }), T0 + 30 * MIN)?.id).toBe(s.id);
    expect(muter.mutedBy(event({ hostId: "gpu-box", rule: "x" }), T0 + 30 * MIN)).toBeUndefined();
    expect(muter.mutedBy(event(), T0 + 91 * MIN)).toBeUndefined();
  });

  it("a muted firing alert is recorded as muted, and notified when the silence ends with it still firing", async () => {
    const t = harness();
    const s = await create(t, { matchers: { hosts: ["gpu-box"], labels: { pool: "sata-bulk" } }, duration: "30m", comment: "resilvering" });
    const poolState = (state: string) => ({ states: [{ name: "vigil_zfs_pool_health", labels: { pool: "sata-bulk" }, state }] });
    t.push(poolState("DEGRADED"));
    // The event still goes to the notifier, which asks the same muter and holds it back.
    expect(t.sink.lines()).toEqual(['firing critical pool-not-online gpu-box {"pool":"sata-bulk"}']);
    const res = await t.request("/api/v1/alerts?state=firing");
    const body = (await res.json()) as { alerts: Array<{ mutedBy: unknown }>; history: Array<{ reason: string; mutedBy: unknown }> };
    expect(body.alerts[0]?.mutedBy).toEqual({ id: s.id, kind: "silence", comment: "resilvering" });
    expect(body.history[0]).toMatchObject({ reason: "fired", mutedBy: { id: s.id } });
    for (let m = 1; m <= 30; m += 5) {
      t.at(m);
      t.push(poolState("DEGRADED"));
      t.tick();
    }
    expect(t.sink.events).toHaveLength(1);
    t.at(30);
    t.push(poolState("DEGRADED"));
    t.tick();
    expect(t.sink.events).toHaveLength(2);
    expect(t.sink.events[1]).toMatchObject({ status: "firing", startsAt: T0 });
    expect(t.alerts().history({ limit: 1 })[0]).toMatchObject({ reason: "unmuted", notification: "firing", mutedBy: null });
    t.at(31);
    t.push(poolState("DEGRADED"));
    t.tick();
    expect(t.sink.events).toHaveLength(2);
  });
});
