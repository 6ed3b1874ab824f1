import { writeFileSync } from "node:fs";
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { AgentCredentials } from "../../hub/auth/agent-credentials.ts";
import { TokenConflictError, TokenStore } from "../../hub/auth/token-store.ts";
import { AGENT_TOKEN_PREFIX, bearerToken, hashToken, newAgentToken, sameDigest } from "../../hub/auth/tokens.ts";
import { loadHubConfig } from "../../hub/config/load.ts";
import { agentAuth, assertMaySendAs } from "../../hub/ingest/agent-auth.ts";
import { HubStore } from "../../hub/store/hub-store.ts";
import { ConfigError } from "../../shared/config/config-error.ts";
import { Secret } from "../../shared/config/secret.ts";
import { ApiError } from "../../shared/http/api-error.ts";
import { useTempDirs } from "../support/temp-dir.ts";
import { json, makeTestHub, postJson } from "./registry-helpers.ts";

const tempDir = useTempDirs();

describe("agent tokens", () => {
  it("are 256 random bits behind a recognisable prefix", () => {
    const a = newAgentToken();
    const b = newAgentToken();
    expect(a).toMatch(/^vigil_agent_[A-Za-z0-9_-]{43}$/);
    expect(a.startsWith(AGENT_TOKEN_PREFIX)).toBe(true);
    expect(a).not.toBe(b);
  });

  it("are stored as their SHA-256, compared in constant time", () => {
    expect(hashToken("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    expect(sameDigest(hashToken("abc"), hashToken("abc"))).toBe(true);
    expect(sameDigest(hashToken("abc"), hashToken("abd"))).toBe(false);
    expect(sameDigest("", "")).toBe(false);
    expect(sameDigest("ab", "abab")).toBe(false);
  });

  it("are read from a Bearer header only", () => {
    expect(bearerToken(undefined)).toBeUndefined();
    expect(bearerToken("")).toBeUndefined();
    expect(bearerToken("Bearer abc.def")).toBe("abc.def");
    expect(bearerToken("bearer   abc")).toBe("abc");
    expect(bearerToken("Basic dXNlcjpwYXNz")).toBeNull();
    expect(bearerToken("Bearer a b")).toBeNull();
  });
});

describe("TokenStore", () => {
  it("issues one token per agent id, keeps only its digest, finds and revokes it", () => {
    const store = new HubStore(`${tempDir()}/hub.sqlite`);
    const tokens = new TokenStore(store.db);
    const token = tokens.issue("gpu-1", { issuedBy: "admin", now: 1000 });
    expect(tokens.agentFor(token)).toBe("gpu-1");
    expect(tokens.agentFor(`${token}x`)).toBeUndefined();
    expect(tokens.has("gpu-1")).toBe(true);
    expect(() => tokens.issue("gpu-1", { issuedBy: "enrollment", now: 2000 })).toThrow(TokenConflictError);
    const rows = store.db.prepare("SELECT * FROM agent_tokens").all();
    expect(rows).toEqual([{ agent_id: "gpu-1", token_sha256: hashToken(token), issued_by: "admin", hostname: null, issued_at: 1000 }]);
    expect(JSON.stringify(rows)).not.toContain(token);
    expect(tokens.list()).toEqual([{ agentId: "gpu-1", issuedBy: "admin", hostname: null, issuedAt: 1000 }]);
    expect(tokens.revoke("gpu-1")).toBe(true);
    expect(tokens.revoke("gpu-1")).toBe(false);
    expect(tokens.agentFor(token)).toBeUndefined();
    expect(tokens.count()).toBe(0);
    store.close();
  });
});

describe("AgentCredentials", () => {
  const auth = (over: Partial<ConstructorParameters<typeof AgentCredentials>[0]["auth"]> = {}) => ({
    agentTokens: [],
    agents: [],
    enrollmentTokens: [],
    adminTokens: [],
    ...over,
  });

  it("is open only while nothing is configured or issued", () => {
    const store = new HubStore(`${tempDir()}/hub.sqlite`);
    const tokens = new TokenStore(store.db);
    const open = new AgentCredentials({ auth: auth(), tokens });
    expect(open.isOpen()).toBe(true);
    tokens.issue("nas", { issuedBy: "admin", now: 1 });
    expect(open.isOpen()).toBe(false);
    tokens.revoke("nas");
    expect(new AgentCredentials({ auth: auth({ adminTokens: [new Secret("adm", "inline")] }), tokens }).isOpen()).toBe(false);
    store.close();
  });

  it("resolves configured, issued and shared tokens to who they stand for", () => {
    const store = new HubStore(`${tempDir()}/hub.sqlite`);
    const tokens = new TokenStore(store.db);
    const issued = tokens.issue("nas", { issuedBy: "enrollment", hostname: "nas.lan", now: 1 });
    const creds = new AgentCredentials({
      auth: auth({ agents: [{ id: "gpu-1", token: new Secret("tok-gpu-1", "inline") }], agentTokens: [new Secret("shared-1", "inline")] }),
      tokens,
    });
    expect(creds.resolve("tok-gpu-1")).toEqual({ kind: "agent", agentId: "gpu-1" });
    expect(creds.resolve(issued)).toEqual({ kind: "agent", agentId: "nas" });
    expect(creds.resolve("shared-1")).toEqual({ kind: "shared" });
    expect(creds.resolve("tok-gpu-2")).toBeUndefined();
    expect([creds.holdsToken("gpu-1"), creds.holdsToken("nas"), creds.holdsToken("other")]).toEqual([true, true, false]);
    expect([creds.isConfigured("gpu-1"), creds.isConfigured("nas")]).toEqual([true, false]);
    store.close();
  });
});

/** A route that follows the agent-auth contract: middleware first, assertMaySendAs once the body names the agent. */
function contractApp(creds: AgentCredentials) {
  const app = new Hono();
  app.post("/send", agentAuth(creds), async (c) => {
    const { agentId } = (await c.req.json()) as { agentId: string };
    assertMaySendAs(c, agentId);
    return c.json({ ok: true });
  });
  app.onError((err, c) => (err instanceof ApiError ? c.json(err.toBody(), err.status as 401) : c.json({ unexpected: String(err) }, 500)));
  const send = async (agentId: string, token?: string) => {
    const res = await app.request("/send", postJson({ agentId }, token));
    return { status: res.status, code: ((await res.json()) as { error?: { code: string } }).error?.code };
  };
  return send;
}

describe("a token is bound to one agent id", () => {
  it("lets a bound token send as its own id only, and a bound id only with its own token", async () => {
    const store = new HubStore(`${tempDir()}/hub.sqlite`);
    const tokens = new TokenStore(store.db);
    const nasToken = tokens.issue("nas", { issuedBy: "admin", now: 1 });
    const creds = new AgentCredentials({
      auth: {
        agentTokens: [new Secret("shared-1", "inline")],
        agents: [{ id: "gpu-1", token: new Secret("tok-gpu-1", "inline") }],
        enrollmentTokens: [],
        adminTokens: [],
      },
      tokens,
    });
    const send = contractApp(creds);
    expect(await send("gpu-1", "tok-gpu-1")).toEqual({ status: 200, code: undefined });
    expect(await send("nas", nasToken)).toEqual({ status: 200, code: undefined });
    expect(await send("nas", "tok-gpu-1")).toEqual({ status: 403, code: "AGENT_ID_MISMATCH" });
    expect(await send("gpu-1", nasToken)).toEqual({ status: 403, code: "AGENT_ID_MISMATCH" });
    // A shared token still serves ids without a token of their own, never one that has one.
    expect(await send("lab-3", "shared-1")).toEqual({ status: 200, code: undefined });
    expect(await send("gpu-1", "shared-1")).toEqual({ status: 403, code: "AGENT_TOKEN_REQUIRED" });
    expect(await send("gpu-1")).toEqual({ status: 401, code: "AGENT_TOKEN_MISSING" });
    expect(await send("gpu-1", "tok-gpu-9")).toEqual({ status: 401, code: "AGENT_TOKEN_INVALID" });
    store.close();
  });
});

describe("the hub's agent authentication", () => {
  it("accepts tokenless agents on an open hub until the first token is issued", async () => {
    const hub = makeTestHub(tempDir());
    expect((await hub.push({ agentId: "gpu-1", sequence: 1 })).status).toBe(200);
    const issued = await hub.request("/api/v1/hosts", postJson({ id: "gpu-1" }));
    expect(issued.status).toBe(201);
    const { token } = await json<{ token: string }>(issued);
    const refused = await hub.push({ agentId: "gpu-1", sequence: 2 });
    expect(refused.status).toBe(401);
    expect((await json<{ error: { code: string } }>(refused)).error.code).toBe("AGENT_TOKEN_MISSING");
    expect((await hub.push({ agentId: "gpu-1", sequence: 2, token })).status).toBe(200);
    expect((await hub.push({ agentId: "gpu-1", sequence: 3, token: `${token}0` })).status).toBe(401);
    expect(hub.logs.join("\n")).not.toContain(token);
  });

  it("refuses, at ingest, a bound token sending as another agent id, and stores nothing of it", async () => {
    const hub = makeTestHub(tempDir(), { env: { VIGIL_AGENT_TOKENS: "shared-9d2e" } });
    const { token } = await json<{ token: string }>(await hub.request("/api/v1/hosts", postJson({ id: "gpu-1" })));
    const spoof = await hub.push({ agentId: "nas", token });
    expect(spoof.status).toBe(403);
    expect((await json<{ error: { code: string; field: string } }>(spoof)).error).toMatchObject({
      code: "AGENT_ID_MISMATCH",
      field: "payload.host.agentId",
    });
    const shared = await hub.push({ agentId: "gpu-1", token: "shared-9d2e" });
    expect(shared.status).toBe(403);
    expect((await json<{ error: { code: string } }>(shared)).error.code).toBe("AGENT_TOKEN_REQUIRED");
    expect(hub.store.db.prepare("SELECT COUNT(*) FROM received_batches").pluck().get()).toBe(0);
    expect((await hub.push({ agentId: "nas", token: "shared-9d2e" })).status).toBe(200);
    expect((await hub.push({ agentId: "gpu-1", sequence: 2, token })).status).toBe(200);
  });

  it("accepts tokens bound in the config file (auth.agents), from a file, never logging them", async () => {
    const dir = tempDir();
    writeFileSync(`${dir}/gpu-1.token`, "tok-from-file-5b1e\n");
    const hub = makeTestHub(dir, { yaml: "auth:\n  agents:\n    - { id: gpu-1, token: { file: gpu-1.token } }\n" });
    expect((await hub.push({ agentId: "gpu-1", token: "tok-from-file-5b1e" })).status).toBe(200);
    expect((await hub.push({ agentId: "gpu-1", sequence: 2 })).status).toBe(401);
    const issue = await hub.request("/api/v1/hosts/gpu-1/token", { method: "DELETE" });
    expect(issue.status).toBe(409);
    expect((await json<{ error: { code: string } }>(issue)).error.code).toBe("TOKEN_CONFIGURED");
    expect(hub.logs.join("\n")).not.toContain("tok-from-file-5b1e");
  });
});

describe("hub config: auth", () => {
  const load = (yaml: string, env: Record<string, string> = {}) => {
    const dir = tempDir();
    writeFileSync(`${dir}/hub.yaml`, yaml);
    return loadHubConfig({ configFile: `${dir}/hub.yaml`, env });
  };

  it("names a duplicated agent id by its path", () => {
    const run = () => load("auth:\n  agents:\n    - { id: gpu-1, token: a }\n    - { id: gpu-1, token: b }\n");
    expect(run).toThrow(ConfigError);
    expect(run).toThrow('auth.agents[1].id: agent id "gpu-1" is listed twice');
  });

  it("names a bad agent id", () => {
    expect(() => load("auth:\n  agents:\n    - { id: 'bad id', token: a }\n")).toThrow("auth.agents[0].id: must be 1-128 characters");
  });

  it("listens beyond loopback with only admin tokens (agents get theirs from vigil hosts add), or only enrollment tokens", () => {
    const admin = load("listen: 0.0.0.0:9470\n", { VIGIL_ADMIN_TOKENS: "adm-1" }).config;
    expect(admin.auth.adminTokens[0]?.equals("adm-1")).toBe(true);
    const enroll = load("listen: 0.0.0.0:9470\nauth:\n  enrollmentTokens: [enr-1]\n").config;
    expect(enroll.auth.enrollmentTokens).toHaveLength(1);
    expect(() => load("listen: 0.0.0.0:9470\n")).toThrow("set auth.agents, auth.agentTokens, auth.enrollmentTokens or auth.adminTokens");
  });
});
