import { describe, expect, it } from "vitest";
import { HostRegistry } from "../../hub/registry/host-registry.ts";
import { heartbeatIntervalMs, hostStatus } from "../../hub/registry/host-status.ts";
import { HostStatusWatcher, type HostTransition } from "../../hub/registry/status-watcher.ts";
import { errorBody } from "../../shared/api/error-body.ts";
import { hostList, hostSummary } from "../../shared/api/hosts.ts";
import { hostRemoval, issuedAgentToken } from "../../shared/api/agent-tokens.ts";
import { useTempDirs } from "../support/temp-dir.ts";
import { json, makeTestHub, postJson, T0 } from "./registry-helpers.ts";

const tempDir = useTempDirs();

describe("up/down from heartbeat staleness", () => {
  it("is up through three missed intervals, down one millisecond later", () => {
    expect(hostStatus(1000, 1000 + 30_000, 10_000, 3)).toBe("up");
    expect(hostStatus(1000, 1000 + 30_001, 10_000, 3)).toBe("down");
    expect(hostStatus(1000, 1000 + 10_001, 10_000, 1)).toBe("down");
    // An agent clock ahead of the hub's is still up.
    expect(hostStatus(5000, 1000, 10_000, 3)).toBe("up");
  });

  it("uses the longer of push and scrape interval for a pulled host", () => {
    expect(heartbeatIntervalMs(10_000, undefined)).toBe(10_000);
    expect(heartbeatIntervalMs(10_000, 60_000)).toBe(60_000);
    expect(heartbeatIntervalMs(30_000, 15_000)).toBe(30_000);
  });
});

describe("the host registry", () => {
  it("lists pushed hosts with first/last seen, agent version, labels and status", async () => {
    const hub = makeTestHub(tempDir());
    await hub.push({ agentId: "gpu-1", sequence: 4 });
    hub.clock.now = T0 + 5000;
    await hub.push({ agentId: "gpu-1", sequence: 5 });
    const list = hostList.parse(await json(await hub.request("/api/v1/hosts")));
    expect(list.hosts).toEqual([
      {
        id: "gpu-1",
        hostname: "gpu-box.lan",
        labels: { site: "home" },
        agentVersion: "0.1.0",
        bootId: "boot-1",
        firstSeen: T0,
        lastSeen: T0 + 5000,
        pushIntervalMs: 10_000,
        status: "up",
        lastSequence: 5,
        mode: "push",
      },
    ]);
    hub.clock.now = T0 + 5000 + 30_001;
    expect(hostSummary.parse(await json(await hub.request("/api/v1/hosts/gpu-1"))).status).toBe("down");
  });

  it("records a scrape's heartbeat: a row for a host with nothing sealed yet, and last seen never moving back", () => {
    const hub = makeTestHub(tempDir());
    const registry = new HostRegistry({ db: hub.store.db, downAfterMissed: 3, pullIntervals: new Map([["lab-1", 60_000]]) });
    const identity = { agentId: "lab-1", hostname: "lab-1.lan", labels: { rack: "b" }, agentVersion: "0.2.0", bootId: "boot-9" };
    registry.recordHeartbeat(identity, 60_000, T0);
    expect(registry.get("lab-1", T0 + 180_000)).toMatchObject({
      id: "lab-1",
      firstSeen: T0,
      lastSeen: T0,
      pushIntervalMs: 60_000,
      lastSequence: 0,
      status: "up",
      mode: "pull",
    });
    registry.recordHeartbeat({ ...identity, agentVersion: "0.2.1" }, 60_000, T0 - 50_000);
    expect(registry.get("lab-1", T0)).toMatchObject({ lastSeen: T0, agentVersion: "0.2.1" });
    expect(registry.get("lab-1", T0 + 180_001)?.status).toBe("down");
    expect(registry.lastSequence("lab-1")).toBe(0);
    expect(registry.lastSequence("nobody")).toBe(0);
  });
});

describe("HostStatusWatcher", () => {
  it("reports each change once, and nothing for where hosts stood at the first check", async () => {
    const hub = makeTestHub(tempDir());
    await hub.push({ agentId: "a" });
    await hub.push({ agentId: "b" });
    hub.clock.now = T0 + 40_000;
    await hub.push({ agentId: "b", sequence: 2 });
    const seen: HostTransition[] = [];
    const watcher = new HostStatusWatcher({
      list: (now) => hub.services.registry.list(now),
      onChange: (t) => seen.push(t),
      now: () => hub.clock.now,
    });
    expect(watcher.check()).toEqual([]); // a is already down: not announced
    hub.clock.now = T0 + 70_000;
    expect(watcher.check()).toEqual([]);
    hub.clock.now = T0 + 70_001;
    expect(watcher.check()).toEqual([{ hostId: "b", from: "up", to: "down", at: T0 + 70_001, lastSeen: T0 + 40_000 }]);
    expect(watcher.check()).toEqual([]);
    await hub.push({ agentId: "a", sequence: 2 });
    await hub.push({ agentId: "c" });
    expect(watcher.check()).toEqual([{ hostId: "a", from: "down", to: "up", at: T0 + 70_001, lastSeen: T0 + 70_001 }]);
    expect(seen.map((t) => `${t.hostId}:${t.to}`)).toEqual(["b:down", "a:up"]);
    // A host that reports once between two checks and stops is announced down, not missed.
    hub.clock.now = T0 + 80_000;
    await hub.push({ agentId: "d" });
    hub.clock.now = T0 + 120_000;
    expect(watcher.check().map((t) => `${t.hostId}:${t.from}->${t.to}`)).toEqual(["a:up->down", "c:up->down", "d:up->down"]);
  });
});

describe("admin API: vigil hosts add / revoke / remove", () => {
  it("accepts admin calls without a token only from loopback, not through a proxy", async () => {
    const hub = makeTestHub(tempDir());
    const fromLan = await hub.request("/api/v1/hosts", postJson({ id: "gpu-1" }), "192.168.1.20");
    expect(fromLan.status).toBe(403);
    expect((await json<{ error: { code: string } }>(fromLan)).error.code).toBe("ADMIN_LOOPBACK_ONLY");
    const proxied = await hub.request(
      "/api/v1/hosts",
      { ...postJson({ id: "gpu-1" }), headers: { "content-type": "application/json", "x-forwarded-for": "203.0.113.9" } },
      "127.0.0.1",
    );
    expect(proxied.status).toBe(403);
    expect((await hub.request("/api/v1/hosts", postJson({ id: "gpu-1" }), "::ffff:127.0.0.1")).status).toBe(201);
    expect((await hub.request("/api/v1/hosts", postJson({ id: "gpu-2" }), "::1")).status).toBe(201);
    expect(hub.services.tokens.list().map((t) => t.agentId)).toEqual(["gpu-1", "gpu-2"]);
  });

  it("with auth.adminTokens, wants one of them from anywhere", async () => {
    const hub = makeTestHub(tempDir(), { env: { VIGIL_ADMIN_TOKENS: "adm-1f9e,adm-2c4d" } });
    const codes = [];
    for (const token of [undefined, "adm-nope"]) {
      const res = await hub.request("/api/v1/hosts", postJson({ id: "gpu-1" }, token), "127.0.0.1");
      expect(res.status).toBe(401);
      codes.push((await json<{ error: { code: string } }>(res)).error.code);
    }
    expect(codes).toEqual(["ADMIN_TOKEN_MISSING", "ADMIN_TOKEN_INVALID"]);
    const ok = await hub.request("/api/v1/hosts", postJson({ id: "gpu-1" }, "adm-2c4d"), "198.51.100.7");
    expect(ok.status).toBe(201);
    const { token } = issuedAgentToken.parse(await json(ok));
    expect((await hub.push({ agentId: "gpu-1", token })).status).toBe(200);
    expect(hub.logs.join("\n")).not.toMatch(/adm-2c4d|vigil_agent_/);
  });

  it("refuses a second token for an id (409), a bad id (400), an unknown one (404)", async () => {
    const hub = makeTestHub(tempDir());
    expect((await hub.request("/api/v1/hosts", postJson({ id: "gpu-1" }))).status).toBe(201);
    const again = await hub.request("/api/v1/hosts", postJson({ id: "gpu-1" }));
    expect(again.status).toBe(409);
    expect(errorBody.parse(await json(again)).error.code).toBe("AGENT_ALREADY_ENROLLED");
    const bad = errorBody.parse(await json(await hub.request("/api/v1/hosts", postJson({ id: "../etc" }))));
    expect(bad.error).toMatchObject({ code: "HOST_ADD_SCHEMA", field: "id" });
    const revokeNone = await hub.request("/api/v1/hosts/ghost/token", { method: "DELETE" });
    expect(revokeNone.status).toBe(404);
    expect(errorBody.parse(await json(revokeNone)).error.code).toBe("TOKEN_NOT_FOUND");
    const removeNone = await hub.request("/api/v1/hosts/ghost", { method: "DELETE" });
    expect(removeNone.status).toBe(404);
    expect(errorBody.parse(await json(removeNone)).error.code).toBe("HOST_NOT_FOUND");
  });

  it("revokes a token: the agent can no longer push, and the id can be given a new one", async () => {
    const hub = makeTestHub(tempDir());
    const first = issuedAgentToken.parse(await json(await hub.request("/api/v1/hosts", postJson({ id: "gpu-1" }))));
    const revoked = await hub.request("/api/v1/hosts/gpu-1/token", { method: "DELETE" });
    expect(hostRemoval.parse(await json(revoked))).toEqual({ id: "gpu-1", hostRemoved: false, tokenRevoked: true });
    // No token left anywhere: the hub is open again (loopback), so check the old token through the credentials.
    expect(hub.services.credentials.resolve(first.token)).toBeUndefined();
    const second = issuedAgentToken.parse(await json(await hub.request("/api/v1/hosts", postJson({ id: "gpu-1" }))));
    expect(second.token).not.toBe(first.token);
    expect((await hub.push({ agentId: "gpu-1", token: first.token })).status).toBe(401);
    expect((await hub.push({ agentId: "gpu-1", token: second.token })).status).toBe(200);
  });

  it("removes a host with everything stored for it, and nothing of another host", async () => {
    const hub = makeTestHub(tempDir());
    const states = [{ name: "vigil_zfs_pool_health", labels: { pool: "tank" }, state: "ONLINE" }];
    const samples = [{ name: "vigil_load1", value: 1.5 }];
    await hub.push({ agentId: "old-box", samples, states });
    await hub.push({ agentId: "keep-box", samples, states });
    const count = (table: string, where = "") => hub.store.db.prepare(`SELECT COUNT(*) FROM ${table} ${where}`).pluck().get() as number;
    expect([count("series"), count("samples"), count("latest"), count("states"), count("received_batches")]).toEqual([2, 2, 2, 2, 2]);

    const res = await hub.request("/api/v1/hosts/old-box", { method: "DELETE" });
    expect(hostRemoval.parse(await json(res))).toEqual({ id: "old-box", hostRemoved: true, tokenRevoked: false });
    expect([count("series"), count("samples"), count("latest"), count("states"), count("received_batches")]).toEqual([1, 1, 1, 1, 1]);
    expect(count("series", "WHERE host_id = 'keep-box'")).toBe(1);
    expect(hostList.parse(await json(await hub.request("/api/v1/hosts"))).hosts.map((h) => h.id)).toEqual(["keep-box"]);
    expect((await hub.request("/api/v1/hosts/old-box")).status).toBe(404);
  });
});
