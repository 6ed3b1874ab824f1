import { describe, expect, it } from "vitest";
import type { ActionLog, ActionPublicKey, ActionRecord } from "../../../shared/actions/api.ts";
import { parsePublicKey, verifyActionSignature } from "../../../shared/actions/signing.ts";
import type { ActionRequest, ActionResult } from "../../../shared/protocol/action.ts";
import { wrap } from "../../../shared/protocol/envelope.ts";
import { useTempDirs } from "../../support/temp-dir.ts";
import { json, makeTestHub, postJson, T0 } from "../registry-helpers.ts";

const tempDir = useTempDirs();

const YAML = `
auth:
  adminTokens: [adm-token-5e1f]
  agents:
    - { id: gpu-box, token: agent-gpu-token-77 }
    - { id: nas, token: agent-nas-token-88 }
actions:
  pollTimeout: 1s
  operators:
    - { name: alice, token: op-alice-token-3c, role: operator }
`;

function hub(yaml = YAML) {
  const h = makeTestHub(tempDir(), { yaml });
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
  const run = (body: Record<string, unknown>, token = "op-alice-token-3c", peer?: string) =>
    h.request("/api/v1/actions", { ...postJson(body, token) }, peer);
  const next = (agentId: string, token: string) => h.request(`/api/v1/agent/actions/next?agentId=${agentId}`, { headers: bearer(token) });
  const result = (r: ActionResult, token: string, path = r.requestId) =>
    h.request(`/api/v1/agent/actions/${path}/result`, { ...postJson(wrap("action_result", r), token) });
  const log = async (query = "", token = "op-alice-token-3c") =>
    (await json<ActionLog>(await h.request(`/api/v1/actions${query}`, { headers: bearer(token) }))).actions;
  return { ...h, run, next, result, log };
}

function resultFor(req: ActionRequest, o: Partial<ActionResult> = {}): ActionResult {
  return {
    requestId: req.requestId,
    agentId: req.agentId,
    action: req.action,
    status: "succeeded",
    argv: ["/usr/bin/systemctl", "restart", "ollama-gpu.service"],
    exitCode: 0,
    stdout: "",
    stderr: "",
    outputTruncated: false,
    startedAt: T0,
    durationMs: 412.5,
    ...o,
  };
}

async function delivered(res: Response): Promise<ActionRequest> {
  expect(res.status).toBe(200);
  return (await json<{ payload: ActionRequest }>(res)).payload;
}

describe("action API on the hub", () => {
  it("hands a queued request to the agent's poll, signed over what the operator asked, and returns the agent's result", async () => {
    const h = hub();
    expect((await h.push({ agentId: "gpu-box", token: "agent-gpu-token-77" })).status).toBe(200);
    const key = await json<ActionPublicKey>(await h.request("/api/v1/actions/public-key"));
    expect(key.algorithm).toBe("ed25519");

    const poll = h.next("gpu-box", "agent-gpu-token-77");
    const t0 = performance.now();
    const asked = h.run({
      agentId: "gpu-box",
      action: "restart-unit",
      params: { unit: "ollama-gpu.service" },
      reason: "stuck",
      waitMs: 10_000,
    });
    const req = await delivered(await poll);
    // The poll was parked before the request existed and was answered as soon as it was queued.
    expect(performance.now() - t0).toBeLessThan(500);
    expect(req).toMatchObject({
      agentId: "gpu-box",
      action: "restart-unit",
      params: { unit: "ollama-gpu.service" },
      reason: "stuck",
      confirm: false,
      dryRun: false,
      initiator: "user:alice",
      role: "operator",
      issuedAt: T0,
      expiresAt: T0 + 120_000,
    });
    expect(verifyActionSignature(req, parsePublicKey(key.publicKey))).toBe(true);

    expect((await h.result(resultFor(req, { stdout: "done\n" }), "agent-gpu-token-77")).status).toBe(200);
    const res = await asked;
    expect(res.status).toBe(200);
    const record = await json<ActionRecord>(res);
    expect(record).toMatchObject({
      requestId: req.requestId,
      status: "succeeded",
      argv: ["/usr/bin/systemctl", "restart", "ollama-gpu.service"],
      exitCode: 0,
      stdout: "done\n",
      durationMs: 412.5,
      deliveredAt: T0,
      finishedAt: T0,
      refusedBy: null,
    });
    expect(await h.log()).toEqual([record]);
    expect(await h.log("?agentId=nas")).toEqual([]);
    expect(await h.log(`?requestId=${req.requestId}`)).toEqual([record]);
    h.store.close();
  });

  it("signs the role of the token: operators as operator, auth.adminTokens as admin", async () => {
    const h = hub();
    await h.push({ agentId: "gpu-box", token: "agent-gpu-token-77" });
    await h.run({ agentId: "gpu-box", action: "restart-postgres", confirm: true, reason: "upgrade", waitMs: 0 }, "adm-token-5e1f");
    const req = await delivered(await h.next("gpu-box", "agent-gpu-token-77"));
    expect(req).toMatchObject({ initiator: "user:admin", role: "admin", confirm: true });
    h.store.close();
  });

  it("refuses callers without a good token, and an open hub accepts only its own machine", async () => {
    const h = hub();
    const body = { agentId: "gpu-box", action: "restart-unit" };
    const none = await h.request("/api/v1/actions", { method: "POST", body: JSON.stringify(body) });
    expect([none.status, (await json<{ error: { code: string } }>(none)).error.code]).toEqual([401, "ACTION_TOKEN_MISSING"]);
    const bad = await h.run(body, "op-wrong");
    expect([bad.status, (await json<{ error: { code: string } }>(bad)).error.code]).toEqual([401, "ACTION_TOKEN_INVALID"]);
    const agentToken = await h.run(body, "agent-gpu-token-77");
    expect(agentToken.status).toBe(401);
    expect((await h.request("/api/v1/actions")).status).toBe(401);
    h.store.close();

    const open = hub("actions: { pollTimeout: 1s }\n");
    await open.push({ agentId: "gpu-box" });
    const remote = await open.run({ ...body, waitMs: 0 }, "", "192.168.1.20");
    expect([remote.status, (await json<{ error: { code: string } }>(remote)).error.code]).toEqual([403, "ADMIN_LOOPBACK_ONLY"]);
    const local = await open.run({ ...body, waitMs: 0 }, "");
    expect(local.status).toBe(202);
    expect(await json<ActionRecord>(local)).toMatchObject({ initiator: "user:local", role: "admin", status: "queued" });
    open.store.close();
  });

  it("refuses a host it does not know itself, and audits the refusal", async () => {
    const h = hub();
    const res = await h.run({ agentId: "toaster", action: "restart-unit", params: { unit: "x" } });
    expect(res.status).toBe(404);
    expect((await json<{ error: { code: string; field: string } }>(res)).error).toMatchObject({ code: "HOST_NOT_FOUND", field: "agentId" });
    expect(await h.log()).toMatchObject([
      { agentId: "toaster", status: "refused", refusedBy: "hub", refusal: { code: "HOST_NOT_FOUND" }, initiator: "user:alice" },
    ]);
    h.store.close();
  });

  it("refuses a malformed request with the field named, before anything is signed", async () => {
    const h = hub();
    await h.push({ agentId: "gpu-box", token: "agent-gpu-token-77" });
    const res = await h.run({ agentId: "gpu-box", action: "restart-unit", params: { unit: 1.5 } });
    expect(res.status).toBe(400);
    expect((await json<{ error: { code: string; field: string } }>(res)).error).toMatchObject({
      code: "ACTION_REQUEST_SCHEMA",
      field: "params.unit",
    });
    expect(await h.log()).toEqual([]);
    h.store.close();
  });

  it("answers 202 while the agent has not fetched the request, saying it never asked", async () => {
    const h = hub();
    await h.push({ agentId: "gpu-box", token: "agent-gpu-token-77" });
    const res = await h.run({ agentId: "gpu-box", action: "restart-unit", waitMs: 0 });
    expect(res.status).toBe(202);
    expect(await json<ActionRecord>(res)).toMatchObject({
      status: "queued",
      note: "gpu-box has not asked for action requests since the hub started: does its config list actions (actions.catalog, actions.hubPublicKey)?",
    });
    h.store.close();
  });

  it("expires a request nobody fetched in time, and never delivers it", async () => {
    const h = hub();
    await h.push({ agentId: "gpu-box", token: "agent-gpu-token-77" });
    await h.run({ agentId: "gpu-box", action: "restart-unit", ttlMs: 1000, waitMs: 0 });
    h.clock.now += 1001;
    expect((await h.next("gpu-box", "agent-gpu-token-77")).status).toBe(204);
    expect(await h.log()).toMatchObject([
      {
        status: "expired",
        refusedBy: "hub",
        refusal: { code: "REQUEST_EXPIRED", message: "the agent did not fetch the request before it expired" },
      },
    ]);
    h.store.close();
  });

  it("answers an idle poll with 204 after actions.pollTimeout", async () => {
    const h = hub();
    const t0 = performance.now();
    expect((await h.next("gpu-box", "agent-gpu-token-77")).status).toBe(204);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(950);
    h.store.close();
  });

  it("lets an agent poll and report only as itself", async () => {
    const h = hub();
    await h.push({ agentId: "gpu-box", token: "agent-gpu-token-77" });
    const unauth = await h.request("/api/v1/agent/actions/next?agentId=gpu-box");
    expect(unauth.status).toBe(401);
    const other = await h.next("gpu-box", "agent-nas-token-88");
    expect([other.status, (await json<{ error: { code: string } }>(other)).error.code]).toEqual([403, "AGENT_ID_MISMATCH"]);
    expect((await h.request("/api/v1/agent/actions/next", { headers: { authorization: "Bearer agent-gpu-token-77" } })).status).toBe(400);

    await h.run({ agentId: "gpu-box", action: "restart-unit", waitMs: 0 });
    const req = await delivered(await h.next("gpu-box", "agent-gpu-token-77"));
    const asNas = await h.result({ ...resultFor(req), agentId: "nas" }, "agent-nas-token-88");
    expect([asNas.status, (await json<{ error: { code: string } }>(asNas)).error.code]).toEqual([403, "ACTION_NOT_YOURS"]);
    const wrongPath = await h.result(resultFor(req), "agent-gpu-token-77", "3f0b1d1e-7f0c-4d55-9f5e-2d8c6c1f0a11");
    expect(wrongPath.status).toBe(400);
    expect(await h.log()).toMatchObject([{ status: "delivered" }]);
    h.store.close();
  });

  it("keeps a second result for one request (the agent refusing a replay) as a row of its own", async () => {
    const h = hub();
    await h.push({ agentId: "gpu-box", token: "agent-gpu-token-77" });
    await h.run({ agentId: "gpu-box", action: "restart-unit", params: { unit: "ollama-gpu.service" }, waitMs: 0 });
    const req = await delivered(await h.next("gpu-box", "agent-gpu-token-77"));
    await h.result(resultFor(req), "agent-gpu-token-77");
    const replay = resultFor(req, {
      status: "refused",
      refusal: { code: "REQUEST_REPLAYED", message: "received before" },
      argv: [],
      exitCode: null,
    });
    expect((await h.result(replay, "agent-gpu-token-77")).status).toBe(200);
    const [second, first] = await h.log();
    expect(first).toMatchObject({ status: "succeeded", refusal: null, note: null });
    expect(second).toMatchObject({
      requestId: req.requestId,
      status: "refused",
      refusedBy: "agent",
      refusal: { code: "REQUEST_REPLAYED" },
      initiator: "user:alice",
      params: { unit: "ollama-gpu.service" },
      note: `another result for request ${req.requestId} (row ${first?.id}): the agent received it again`,
    });
    h.store.close();
  });
});
