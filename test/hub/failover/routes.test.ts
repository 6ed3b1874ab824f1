import { afterEach, describe, expect, it } from "vitest";
import { groupList, groupStatus } from "../../../hub/failover/api.ts";
import { useTempDirs } from "../../support/temp-dir.ts";
import { type FailoverHarness, failoverHarness, GROUPS_YAML, T0 } from "./harness.ts";

const tempDir = useTempDirs();
const open: FailoverHarness[] = [];
afterEach(() => {
  for (const h of open.splice(0)) h.close();
});

const ADMIN = "adm-failover-1";
const TOKEN_A = "agent-a-token-1";
const TOKEN_B = "agent-b-token-2";
const YAML = `auth:
  adminTokens: [${ADMIN}]
  agents: [{ id: box-a, token: ${TOKEN_A} }, { id: box-b, token: ${TOKEN_B} }]
${GROUPS_YAML}`;

function harness(): FailoverHarness {
  const h = failoverHarness(tempDir(), YAML);
  open.push(h);
  return h;
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const pin = (body: unknown, token?: string): RequestInit => ({
  method: "POST",
  body: JSON.stringify(body),
  headers: { "content-type": "application/json", ...(token ? bearer(token) : {}) },
});

describe("GET /api/v1/failover", () => {
  it("lists every group without history, and one group with it", async () => {
    const h = harness();
    const list = groupList.parse(await (await h.request("/api/v1/failover")).json());
    expect(list.groups.map((g) => [g.group, g.active, g.epoch, g.history])).toEqual([
      ["ollama", "ollama-gpu", 1, undefined],
      ["predictions", "job-a", 1, undefined],
    ]);
    const one = groupStatus.parse(await (await h.request("/api/v1/failover/predictions?history=5")).json());
    expect(one).toMatchObject({
      group: "predictions",
      activeHost: "box-a",
      failback: "auto",
      unreachable: "primary-runs",
      leaseMs: 60_000,
      proxy: false,
      history: [{ epoch: 1, cause: "initial", to: "job-a" }],
    });
    expect(one.members.map((m) => [m.name, m.host, m.kind, m.job, m.role, m.url])).toEqual([
      ["job-a", "box-a", "job", "predictions", "primary", null],
      ["job-b", "box-b", "job", "predictions-fallback", "fallback", null],
    ]);
  });

  it("answers 404 naming an unknown group and 400 for a bad history count", async () => {
    const h = harness();
    const res = await h.request("/api/v1/failover/ollamma");
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({
      error: { code: "FAILOVER_GROUP_NOT_FOUND", message: 'no failover group "ollamma" in the hub\'s config', field: "group" },
    });
    expect((await h.request("/api/v1/failover/ollama?history=-1")).status).toBe(400);
  });
});

describe("pins over the API", () => {
  it("need the admin token", async () => {
    const h = harness();
    const res = await h.request("/api/v1/failover/ollama/pin", pin({ member: "ollama-cpu", durationMs: 60_000 }));
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("ADMIN_TOKEN_MISSING");
    expect((await h.request("/api/v1/failover/ollama/pin", { method: "DELETE", headers: bearer(TOKEN_A) })).status).toBe(401);
    expect(h.failover.status("ollama").epoch).toBe(1);
  });

  it("switch at once for the time given, and end at the unpin", async () => {
    const h = harness();
    const res = await h.request(
      "/api/v1/failover/ollama/pin",
      pin({ member: "ollama-cpu", durationMs: 7_200_000, reason: "driver upgrade", by: "ana" }, ADMIN),
    );
    expect(res.status).toBe(200);
    expect(groupStatus.parse(await res.json())).toMatchObject({
      active: "ollama-cpu",
      epoch: 2,
      pin: { member: "ollama-cpu", until: T0 + 7_200_000, by: "ana", reason: "driver upgrade" },
    });
    const unpinned = await h.request("/api/v1/failover/ollama/pin", { method: "DELETE", headers: bearer(ADMIN) });
    // The primary has not held yet (never checked): the group stays where it is until it has.
    expect(groupStatus.parse(await unpinned.json())).toMatchObject({ active: "ollama-cpu", epoch: 2, pin: null });
  });

  it("refuse a body without an end, or naming a member the group lacks, with the field", async () => {
    const h = harness();
    const noEnd = await h.request("/api/v1/failover/ollama/pin", pin({ member: "ollama-cpu" }, ADMIN));
    expect(noEnd.status).toBe(400);
    expect(await noEnd.json()).toMatchObject({
      error: {
        code: "FAILOVER_PIN_SCHEMA",
        field: "until",
        message: "invalid request body: until: give one of until and durationMs: a pin always ends",
      },
    });
    const unknown = await h.request("/api/v1/failover/ollama/pin", pin({ member: "ollama-tpu", durationMs: 1000 }, ADMIN));
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toMatchObject({ error: { code: "FAILOVER_MEMBER_UNKNOWN", field: "member" } });
  });
});

describe("GET /api/v1/failover/:group/lease", () => {
  it("answers the host its bound token names, with or without ?agent=", async () => {
    const h = harness();
    const a = await h.request("/api/v1/failover/predictions/lease", { headers: bearer(TOKEN_A) });
    expect(await a.json()).toMatchObject({ agentId: "box-a", member: "job-a", active: true, epoch: 1, leaseExpiresAt: T0 + 60_000 });
    const b = await h.request("/api/v1/failover/predictions/lease?agent=box-b", { headers: bearer(TOKEN_B) });
    expect(await b.json()).toMatchObject({ agentId: "box-b", member: "job-b", active: false });
  });

  it("refuses a token asking for another host, no token, and a host outside the group", async () => {
    const h = harness();
    const other = await h.request("/api/v1/failover/predictions/lease?agent=box-b", { headers: bearer(TOKEN_A) });
    expect(other.status).toBe(403);
    expect(await other.json()).toMatchObject({ error: { code: "AGENT_ID_MISMATCH", field: "agent" } });
    expect((await h.request("/api/v1/failover/predictions/lease?agent=box-a")).status).toBe(401);
    const outsider = await h.request("/api/v1/failover/ollama/lease", { headers: bearer(TOKEN_A) });
    expect(outsider.status).toBe(404);
    expect(await outsider.json()).toMatchObject({
      error: { code: "FAILOVER_NOT_A_MEMBER", message: 'host "box-a" has no member in failover group ollama' },
    });
  });
});
