import { describe, expect, it } from "vitest";
import { isLoopback } from "../../agent/auth/require-token.ts";
import { Secret } from "../../shared/config/secret.ts";
import { useTempDirs } from "../support/temp-dir.ts";
import { agentApp, TOKEN } from "./agent-app-fixture.ts";

const tempDir = useTempDirs();
const PATHS = ["/readyz", "/metrics", "/api/v1/snapshot", "/api/v1/samples?after=0"];

async function statuses(a: Awaited<ReturnType<typeof agentApp>>, headers: Record<string, string> = {}) {
  const out: Record<string, number> = {};
  for (const p of ["/healthz", ...PATHS]) out[p] = (await a.get(p, headers)).status;
  return out;
}

describe("the agent's endpoints and its token", () => {
  it("on loopback with a token: the pull endpoints need it, /readyz and /metrics do not", async () => {
    const a = await agentApp(tempDir(), { token: TOKEN, loopback: true });
    expect(await statuses(a)).toEqual({
      "/healthz": 200,
      "/readyz": 200,
      "/metrics": 200,
      "/api/v1/snapshot": 401,
      "/api/v1/samples?after=0": 401,
    });
    expect(await statuses(a, a.bearer())).toEqual({
      "/healthz": 200,
      "/readyz": 200,
      "/metrics": 200,
      "/api/v1/snapshot": 200,
      "/api/v1/samples?after=0": 200,
    });
    a.store.close();
  });

  it("beyond loopback: every endpoint but /healthz needs the token", async () => {
    const a = await agentApp(tempDir(), { token: TOKEN, loopback: false });
    expect(await statuses(a)).toEqual({
      "/healthz": 200,
      "/readyz": 401,
      "/metrics": 401,
      "/api/v1/snapshot": 401,
      "/api/v1/samples?after=0": 401,
    });
    expect(await statuses(a, a.bearer("agent-token-wrong-0000"))).toEqual({
      "/healthz": 200,
      "/readyz": 401,
      "/metrics": 401,
      "/api/v1/snapshot": 401,
      "/api/v1/samples?after=0": 401,
    });
    expect(await statuses(a, a.bearer())).toEqual({
      "/healthz": 200,
      "/readyz": 200,
      "/metrics": 200,
      "/api/v1/snapshot": 200,
      "/api/v1/samples?after=0": 200,
    });
    a.store.close();
  });

  it("says which problem it is, in the shared error shape, without echoing the token", async () => {
    const a = await agentApp(tempDir(), { token: TOKEN, loopback: false });
    const missing = await a.get("/metrics");
    expect(missing.headers.get("www-authenticate")).toContain("Bearer");
    expect((await missing.json()) as unknown).toMatchObject({ error: { code: "AGENT_TOKEN_MISSING" } });
    const wrong = await a.get("/metrics", { authorization: "Bearer agent-token-wrong-0000" });
    const text = await wrong.text();
    expect(JSON.parse(text)).toMatchObject({ error: { code: "AGENT_TOKEN_INVALID" } });
    expect(text).not.toContain("agent-token-wrong-0000");
    expect((await a.get("/metrics", { authorization: `Basic ${TOKEN}` })).status).toBe(401);
    a.store.close();
  });

  it("on loopback without any token (a local hub with no tokens): everything is open", async () => {
    const a = await agentApp(tempDir(), { token: undefined, loopback: true });
    expect(await statuses(a)).toEqual({
      "/healthz": 200,
      "/readyz": 200,
      "/metrics": 200,
      "/api/v1/snapshot": 200,
      "/api/v1/samples?after=0": 200,
    });
    a.store.close();
  });

  it("while enrollment is under way, what needs the token answers 503 with Retry-After, then opens to the issued token", async () => {
    const a = await agentApp(tempDir(), { token: undefined, pending: true, loopback: false });
    const res = await a.get("/api/v1/snapshot");
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe("5");
    expect((await res.json()) as unknown).toMatchObject({ error: { code: "AGENT_NOT_ENROLLED" } });
    expect((await a.get("/healthz")).status).toBe(200);
    a.credentials.enrolled(new Secret(TOKEN, "enrollment"));
    expect((await a.get("/api/v1/snapshot", a.bearer())).status).toBe(200);
    expect((await a.get("/api/v1/snapshot")).status).toBe(401);
    a.store.close();
  });

  it("knows loopback addresses", () => {
    expect(["127.0.0.1", "127.3.2.1", "::1", "[::1]", "localhost"].every(isLoopback)).toBe(true);
    expect(["0.0.0.0", "::", "192.168.1.20", "10.0.0.5", "gpu-box.lan", "127.0.0.1.example.com"].some(isLoopback)).toBe(false);
  });
});
