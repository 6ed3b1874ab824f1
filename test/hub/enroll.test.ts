import { describe, expect, it } from "vitest";
import { errorBody } from "../../shared/api/error-body.ts";
import { issuedAgentToken } from "../../shared/api/agent-tokens.ts";
import { useTempDirs } from "../support/temp-dir.ts";
import { makeTestHub, postJson } from "./registry-helpers.ts";

const tempDir = useTempDirs();
const ENROLL = "enr-7d1c-enrollment-secret";

function hub() {
  return makeTestHub(tempDir(), { env: { VIGIL_ENROLLMENT_TOKENS: ENROLL } });
}

async function enroll(h: ReturnType<typeof hub>, body: unknown, token: string | null = ENROLL, peer?: string) {
  const res = await h.request("/api/v1/enroll", postJson(body, token ?? undefined), peer);
  return { status: res.status, body: (await res.json()) as unknown };
}

describe("POST /api/v1/enroll", () => {
  it("answers 201 with a token bound to the agent id, which the agent then pushes with", async () => {
    const h = hub();
    const r = await enroll(h, { agentId: "gpu-box", hostname: "gpu-box.lan" }, ENROLL, "192.168.1.40");
    expect(r.status).toBe(201);
    const { agentId, token } = issuedAgentToken.parse(r.body);
    expect(agentId).toBe("gpu-box");
    expect(token).toMatch(/^vigil_agent_/);
    expect(h.services.tokens.list()).toEqual([
      { agentId: "gpu-box", issuedBy: "enrollment", hostname: "gpu-box.lan", issuedAt: h.clock.now },
    ]);
    expect((await h.push({ agentId: "gpu-box", token })).status).toBe(200);
    // The enrollment token is not an agent token.
    expect((await h.push({ agentId: "gpu-box", sequence: 2, token: ENROLL })).status).toBe(401);
    const logs = h.logs.join("\n");
    expect(logs).toContain('"msg":"agent enrolled"');
    expect(logs).not.toContain(token);
    expect(logs).not.toContain(ENROLL);
  });

  it("answers 409 AGENT_ALREADY_ENROLLED for an id that holds a token, and leaves that token working", async () => {
    const h = hub();
    const first = issuedAgentToken.parse((await enroll(h, { agentId: "gpu-box", hostname: "a" })).body);
    const again = await enroll(h, { agentId: "gpu-box", hostname: "b" });
    expect(again.status).toBe(409);
    expect(errorBody.parse(again.body).error).toMatchObject({ code: "AGENT_ALREADY_ENROLLED", field: "agentId" });
    expect((await h.push({ agentId: "gpu-box", token: first.token })).status).toBe(200);
  });

  it("answers 401 for a missing, wrong or malformed enrollment token", async () => {
    const h = hub();
    const codes = [];
    for (const token of [null, "enr-wrong", `${ENROLL}x`]) {
      const r = await enroll(h, { agentId: "gpu-box", hostname: "a" }, token);
      expect(r.status).toBe(401);
      codes.push(errorBody.parse(r.body).error.code);
    }
    expect(codes).toEqual(["ENROLLMENT_TOKEN_MISSING", "ENROLLMENT_TOKEN_INVALID", "ENROLLMENT_TOKEN_INVALID"]);
    const basic = await h.request("/api/v1/enroll", { method: "POST", body: "{}", headers: { authorization: "Basic eDp5" } });
    expect(basic.status).toBe(401);
    expect(h.services.tokens.count()).toBe(0);
  });

  it("answers 401 ENROLLMENT_DISABLED on a hub without enrollment tokens", async () => {
    const h = makeTestHub(tempDir());
    const r = await enroll(h, { agentId: "gpu-box", hostname: "a" }, "anything");
    expect(r.status).toBe(401);
    expect(errorBody.parse(r.body).error.code).toBe("ENROLLMENT_DISABLED");
  });

  it("answers 400 naming the field of a bad body, and issues nothing", async () => {
    const h = hub();
    const cases: Array<[unknown, string, string]> = [
      [{ hostname: "a" }, "agentId", "is required (expected string)"],
      [{ agentId: "has space", hostname: "a" }, "agentId", "must be 1-128 characters"],
      [{ agentId: "gpu-box", hostname: "" }, "hostname", ""],
      [{ agentId: "gpu-box" }, "hostname", ""],
    ];
    for (const [body, field, message] of cases) {
      const r = await enroll(h, body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      const e = errorBody.parse(r.body).error;
      expect(e.code).toBe("ENROLL_SCHEMA");
      expect(e.field).toBe(field);
      expect(e.message).toContain(`${field}: ${message}`);
    }
    const notJson = await enroll(h, "{agentId:");
    expect(notJson.status).toBe(400);
    expect(errorBody.parse(notJson.body).error.message).toMatch(/^the body is not valid JSON/);
    const big = await enroll(h, { agentId: "gpu-box", hostname: "x".repeat(20_000) });
    expect(big.status).toBe(413);
    expect(h.services.tokens.count()).toBe(0);
  });

  it("gives a different token to each of two agents", async () => {
    const h = hub();
    const a = issuedAgentToken.parse((await enroll(h, { agentId: "a", hostname: "a" })).body);
    const b = issuedAgentToken.parse((await enroll(h, { agentId: "b", hostname: "b" })).body);
    expect(a.token).not.toBe(b.token);
    expect(h.services.credentials.resolve(a.token)).toEqual({ kind: "agent", agentId: "a" });
    expect(h.services.credentials.resolve(b.token)).toEqual({ kind: "agent", agentId: "b" });
  });
});
