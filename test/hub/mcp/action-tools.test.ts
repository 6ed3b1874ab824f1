import { describe, expect, it } from "vitest";
import type { ActionRecord } from "../../../shared/actions/api.ts";
import type { PendingConfirmation, PendingRequest } from "../../../hub/mcp/api-schemas.ts";
import { body, call, text, TOKENS, useMcpHub } from "./harness.ts";

const hub = useMcpHub();

async function api<T>(url: string, token: string, init: RequestInit = {}): Promise<{ status: number; body: T }> {
  const res = await fetch(url, { ...init, headers: { "content-type": "application/json", authorization: `Bearer ${token}` } });
  return { status: res.status, body: (await res.json()) as T };
}

describe("MCP action tools: the whitelist, reasons, and danger actions behind a person", () => {
  it("list_actions: the catalog the agent reported, with risk, a JSON Schema of the parameters and what MCP does with each", async () => {
    const h = await hub();
    const client = await h.connect();
    const before = await call(client, "list_actions", { host: "gpu-box" });
    expect(before.structuredContent).toMatchObject({ host: "gpu-box", reportedAt: null, actions: [] });
    expect(text(before)).toBe("gpu-box has not reported an action catalog: nothing can be run on it.");

    expect((await h.reportCatalog()).status).toBe(200);
    const after = await call(client, "list_actions", { host: "gpu-box" });
    const s = after.structuredContent as { actions: Array<Record<string, unknown>> };
    expect(s.actions.map((a) => [a.name, a.risk, a.viaMcp])).toEqual([
      ["zfs-snapshot", "safe", "runs"],
      ["restart-unit", "caution", "needs_reason"],
      ["restart-postgres", "danger", "needs_confirmation"],
      ["reboot", "danger", "not_allowed"],
    ]);
    expect(s.actions[0]?.paramsSchema).toEqual({
      type: "object",
      properties: {
        dataset: { type: "string", enum: ["nvme-fast/models"] },
        name: { type: "string", pattern: "^(?:vigil-[a-z0-9-]{1,40})$", maxLength: 128, not: { pattern: "^-" } },
      },
      required: ["dataset", "name"],
      additionalProperties: false,
    });
    expect(text(after)).toContain("Read vigil://runbook/host/gpu-box before running anything on gpu-box.");
  });

  it("run_action on a safe action signs a request as user:mcp:<client> with the operator role and queues it for the agent", async () => {
    const h = await hub();
    await h.reportCatalog();
    const result = await call(await h.connect(), "run_action", {
      host: "gpu-box",
      action: "zfs-snapshot",
      params: { dataset: "nvme-fast/models", name: "vigil-before-upgrade" },
      waitSeconds: 0,
    });
    expect(result.isError).toBeFalsy();
    const s = result.structuredContent as { outcome: string; action: { requestId: string; status: string; initiator: string } };
    expect(s.outcome).toBe("running");
    expect(s.action).toMatchObject({ status: "queued", initiator: "user:mcp:desk", host: "gpu-box", action: "zfs-snapshot" });
    const log = await api<{ actions: ActionRecord[] }>(`${h.url}/api/v1/actions?requestId=${s.action.requestId}`, TOKENS.alice);
    expect(log.body.actions[0]).toMatchObject({
      role: "operator",
      confirm: false,
      params: { dataset: "nvme-fast/models", name: "vigil-before-upgrade" },
    });
    const audit = await api<{ calls: Array<Record<string, unknown>> }>(`${h.url}/api/v1/mcp/calls`, TOKENS.alice);
    expect(audit.body.calls[0]).toMatchObject({
      client: "desk",
      name: "run_action",
      outcome: "ok",
      code: "queued",
      requestId: s.action.requestId,
    });
  });

  it("caution needs a reason; an action outside the catalog and a host without one are refused before anything is signed", async () => {
    const h = await hub();
    await h.reportCatalog();
    const client = await h.connect();
    const noReason = await call(client, "run_action", { host: "gpu-box", action: "restart-unit", params: { unit: "ollama-gpu.service" } });
    expect(noReason).toMatchObject({ isError: true });
    expect(noReason.structuredContent).toBeUndefined();
    expect(text(noReason)).toBe(
      "refused REASON_REQUIRED: restart-unit is a caution action: give a reason (it is recorded in the hub's and the host's audit) (argument: reason)",
    );
    const unknown = await call(client, "run_action", { host: "gpu-box", action: "rm-rf" });
    expect(text(unknown)).toBe(
      'refused ACTION_NOT_WHITELISTED: "rm-rf" is not in gpu-box\'s action catalog (it has zfs-snapshot, restart-unit, restart-postgres, reboot) (argument: action)',
    );
    const noCatalog = await call(client, "run_action", { host: "nas", action: "zfs-snapshot" });
    expect(text(noCatalog)).toMatch(/^refused CATALOG_UNKNOWN: nas has not reported an action catalog .* \(argument: host\)$/);

    const withReason = await call(client, "run_action", {
      host: "gpu-box",
      action: "restart-unit",
      params: { unit: "ollama-gpu.service" },
      reason: "model stuck",
      waitSeconds: 0,
    });
    expect(withReason.structuredContent).toMatchObject({ outcome: "running", action: { reason: "model stuck", status: "queued" } });
    const log = await api<{ actions: ActionRecord[] }>(`${h.url}/api/v1/actions`, TOKENS.alice);
    expect(log.body.actions.map((a) => a.action)).toEqual(["restart-unit"]);
    const audit = await api<{ calls: Array<Record<string, unknown>> }>(`${h.url}/api/v1/mcp/calls`, TOKENS.alice);
    expect(audit.body.calls.map((c) => [c.outcome, c.code])).toEqual([
      ["ok", "queued"],
      ["refused", "CATALOG_UNKNOWN"],
      ["refused", "ACTION_NOT_WHITELISTED"],
      ["refused", "REASON_REQUIRED"],
    ]);
  });

  it("a danger action not allowed for MCP is refused and audited, and nothing is signed or queued", async () => {
    const h = await hub();
    await h.reportCatalog();
    const result = await call(await h.connect(), "run_action", { host: "gpu-box", action: "reboot", reason: "kernel update" });
    expect(result.isError).toBe(true);
    expect(text(result)).toBe(
      "refused DANGER_NOT_ALLOWED: reboot on gpu-box is a danger action, and the hub's config does not let assistants ask for it (mcp.dangerActions); a person can run it with 'vigil action run' (argument: action)",
    );
    expect((await api<{ actions: ActionRecord[] }>(`${h.url}/api/v1/actions`, TOKENS.alice)).body.actions).toEqual([]);
    expect((await api<{ pending: PendingRequest[] }>(`${h.url}/api/v1/mcp/pending`, TOKENS.alice)).body.pending).toEqual([]);
    const audit = await api<{ calls: Array<Record<string, unknown>> }>(`${h.url}/api/v1/mcp/calls`, TOKENS.admin);
    expect(audit.body.calls[0]).toMatchObject({
      client: "desk",
      name: "run_action",
      arguments: { host: "gpu-box", action: "reboot", reason: "kernel update" },
      outcome: "refused",
      code: "DANGER_NOT_ALLOWED",
    });
  });

  it("an allowed danger action waits for an admin: operators cannot confirm, the admin's confirmation signs it once, with both names", async () => {
    const h = await hub();
    await h.reportCatalog();
    const client = await h.connect();
    const asked = await call(client, "run_action", { host: "gpu-box", action: "restart-postgres", reason: "minor upgrade 16.4" });
    expect(asked.isError).toBeFalsy();
    const s = asked.structuredContent as { outcome: string; pending: { id: string; confirmWith: string } };
    expect(s.outcome).toBe("pending_confirmation");
    expect(s.pending.id).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    expect(s.pending.confirmWith).toBe(`vigil mcp confirm ${s.pending.id}`);
    expect(text(asked)).toContain("Nothing has run.");
    expect((await api<{ actions: ActionRecord[] }>(`${h.url}/api/v1/actions`, TOKENS.alice)).body.actions).toEqual([]);
    expect((await call(client, "pending_request", { id: s.pending.id })).structuredContent).toMatchObject({
      status: "pending",
      host: "gpu-box",
    });
    // Another assistant does not see it.
    const other = await call(await h.connect(TOKENS.laptop), "pending_request", { id: s.pending.id });
    expect(other.isError).toBe(true);
    expect(text(other)).toMatch(/^error PENDING_NOT_FOUND: /);

    const confirmUrl = `${h.url}/api/v1/mcp/pending/${s.pending.id}/confirm`;
    const byOperator = await api<{ error: { code: string } }>(confirmUrl, TOKENS.alice, { method: "POST", body: "{}" });
    expect(byOperator).toMatchObject({ status: 403, body: { error: { code: "ADMIN_REQUIRED" } } });
    const byAssistant = await api<{ error: { code: string } }>(confirmUrl, TOKENS.desk, { method: "POST", body: "{}" });
    expect(byAssistant).toMatchObject({ status: 401, body: { error: { code: "ACTION_TOKEN_INVALID" } } });

    const confirmed = await api<PendingConfirmation>(confirmUrl, TOKENS.bob, { method: "POST", body: JSON.stringify({ waitMs: 0 }) });
    expect(confirmed.status).toBe(202);
    expect(confirmed.body.pending).toMatchObject({
      status: "confirmed",
      decidedBy: "user:bob",
      requestId: confirmed.body.action.requestId,
    });
    expect(confirmed.body.action).toMatchObject({
      action: "restart-postgres",
      status: "queued",
      confirm: true,
      role: "admin",
      initiator: "user:bob confirming mcp:desk",
      reason: "minor upgrade 16.4",
    });
    const again = await api<{ error: { code: string; message: string } }>(confirmUrl, TOKENS.bob, { method: "POST" });
    expect(again).toMatchObject({
      status: 409,
      body: { error: { code: "PENDING_DECIDED", message: expect.stringContaining("confirmed (by user:bob)") } },
    });
    const seen = await call(client, "pending_request", { id: s.pending.id });
    expect(seen.structuredContent).toMatchObject({ status: "confirmed", action_result: { requestId: confirmed.body.action.requestId } });
  });

  it("a danger request can be denied by an operator with a note the assistant reads, and expires undecided", async () => {
    const h = await hub();
    await h.reportCatalog();
    const client = await h.connect();
    const ask = async () =>
      (
        (await call(client, "run_action", { host: "gpu-box", action: "restart-postgres", reason: "slow queries" })).structuredContent as {
          pending: { id: string };
        }
      ).pending.id;
    const first = await ask();
    const denied = await api<PendingRequest>(`${h.url}/api/v1/mcp/pending/${first.toLowerCase()}/deny`, TOKENS.alice, {
      method: "POST",
      body: JSON.stringify({ note: "not during business hours" }),
    });
    expect(denied).toMatchObject({
      status: 200,
      body: { status: "denied", decidedBy: "user:alice", decisionNote: "not during business hours" },
    });
    expect(text(await call(client, "pending_request", { id: first }))).toBe(
      `${first}: restart-postgres on gpu-box is denied (by user:alice: not during business hours).`,
    );

    const second = await ask();
    h.clock.now += 11 * 60_000;
    const expired = await api<{ error: { code: string } }>(`${h.url}/api/v1/mcp/pending/${second}/confirm`, TOKENS.bob, { method: "POST" });
    expect(expired).toMatchObject({ status: 409, body: { error: { code: "PENDING_DECIDED" } } });
    const list = await api<{ pending: PendingRequest[] }>(`${h.url}/api/v1/mcp/pending?status=expired`, TOKENS.alice);
    expect(list.body.pending.map((p) => p.id)).toEqual([second]);
    expect((await api<{ actions: ActionRecord[] }>(`${h.url}/api/v1/actions`, TOKENS.alice)).body.actions).toEqual([]);
  });

  it("malformed run_action arguments are refused by the schema, naming the argument", async () => {
    const h = await hub();
    await h.reportCatalog();
    const client = await h.connect();
    const nested = await call(client, "run_action", { host: "gpu-box", action: "zfs-snapshot", params: { dataset: { evil: true } } });
    expect(nested.isError).toBe(true);
    expect(text(nested)).toMatch(/expected a string, an integer or a boolean at params\.dataset/);
    const longWait = await call(client, "run_action", { host: "gpu-box", action: "zfs-snapshot", waitSeconds: 3600 });
    expect(text(longWait)).toMatch(/at waitSeconds/);
    const badName = await call(client, "run_action", { host: "gpu-box", action: "Zfs Snapshot" });
    expect(text(badName)).toMatch(/lowercase letters, digits and '-'.* at action/);
    expect((await api<{ actions: ActionRecord[] }>(`${h.url}/api/v1/actions`, TOKENS.alice)).body.actions).toEqual([]);
  });
});

describe("the agents' catalog intake", () => {
  it("takes a catalog only from the agent it names, and refuses a malformed one naming the field", async () => {
    const h = await hub();
    const post = (token: string, payload: unknown) =>
      fetch(`${h.url}/api/v1/agent/actions/catalog`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
        body: JSON.stringify({ protocolVersion: 1, kind: "action_catalog", payload }),
      });
    const asNas = await post(TOKENS.nasAgent, { agentId: "gpu-box", reportedAt: 1, actions: [] });
    expect(asNas.status).toBe(403);
    expect((await body(asNas)).error.code).toBe("AGENT_ID_MISMATCH");
    const bad = await post(TOKENS.agent, {
      agentId: "gpu-box",
      reportedAt: 1,
      actions: [{ name: "x", risk: "reckless", target: "x", timeoutMs: 1 }],
    });
    expect(bad.status).toBe(400);
    expect(await body(bad)).toMatchObject({ error: { code: "CATALOG_SCHEMA", field: "payload.actions[0].risk" } });
    const unknownHost = await fetch(`${h.url}/api/v1/hosts/ghost/actions`);
    expect(unknownHost.status).toBe(404);
  });
});
