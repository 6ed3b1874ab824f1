import { describe, expect, it } from "vitest";
import { decideMcpAction } from "../../../hub/mcp/action-policy.ts";
import { callOutcome, callsIn } from "../../../hub/mcp/call-outcome.ts";
import { newPendingId } from "../../../hub/mcp/pending-store.ts";
import { paramsJsonSchema, viaMcpOf } from "../../../hub/mcp/tools/list-actions.ts";
import type { CatalogEntry } from "../../../shared/actions/catalog-summary.ts";

const CATALOG: CatalogEntry[] = [
  { name: "zpool-scrub", risk: "safe", params: {}, target: "pool:nvme-fast", timeoutMs: 60_000 },
  { name: "restart-unit", risk: "caution", params: {}, target: "unit", timeoutMs: 60_000 },
  { name: "restart-postgres", risk: "danger", params: {}, target: "restart-postgres", timeoutMs: 300_000 },
];

describe("decideMcpAction: MCP only narrows what the agent would accept", () => {
  const allow = [{ host: "db-box", action: "restart-postgres" }];

  it("safe runs; caution runs with a reason; danger waits for a person only where mcp.dangerActions lists it", () => {
    expect(decideMcpAction({ host: "db-box", action: "zpool-scrub" }, CATALOG, allow)).toMatchObject({ kind: "run" });
    expect(decideMcpAction({ host: "db-box", action: "restart-unit", reason: "stuck" }, CATALOG, allow)).toMatchObject({ kind: "run" });
    expect(decideMcpAction({ host: "db-box", action: "restart-postgres", reason: "upgrade" }, CATALOG, allow)).toMatchObject({
      kind: "confirm",
    });
    expect(decideMcpAction({ host: "gpu-box", action: "restart-postgres", reason: "upgrade" }, CATALOG, allow)).toMatchObject({
      kind: "refuse",
      code: "DANGER_NOT_ALLOWED",
    });
    // A line without a host allows the action on every host.
    expect(
      decideMcpAction({ host: "gpu-box", action: "restart-postgres", reason: "upgrade" }, CATALOG, [{ action: "restart-postgres" }]).kind,
    ).toBe("confirm");
  });

  it("a reason of blanks is no reason, for caution and danger alike; the danger check comes after it", () => {
    for (const action of ["restart-unit", "restart-postgres"]) {
      expect(decideMcpAction({ host: "db-box", action, reason: "   " }, CATALOG, allow)).toEqual({
        kind: "refuse",
        code: "REASON_REQUIRED",
        message: expect.stringMatching(/is a (caution|danger) action: give a reason/),
        field: "reason",
      });
    }
  });

  it("without a reported catalog nothing runs; an action outside it is named with what the host has", () => {
    expect(decideMcpAction({ host: "nas", action: "zpool-scrub" }, undefined, allow)).toMatchObject({
      kind: "refuse",
      code: "CATALOG_UNKNOWN",
      field: "host",
    });
    expect(decideMcpAction({ host: "nas", action: "zpool-scrub" }, [], allow)).toMatchObject({
      code: "ACTION_NOT_WHITELISTED",
      message: '"zpool-scrub" is not in nas\'s action catalog (it has none)',
    });
  });

  it("list_actions says the same as run_action does", () => {
    const [safe, caution, danger] = CATALOG as [CatalogEntry, CatalogEntry, CatalogEntry];
    expect([safe, caution, danger].map((e) => viaMcpOf("db-box", e, allow))).toEqual(["runs", "needs_reason", "needs_confirmation"]);
    expect(viaMcpOf("gpu-box", danger, allow)).toBe("not_allowed");
  });
});

describe("paramsJsonSchema", () => {
  it("describes enum, string (anchored pattern, no leading dash unless allowed) and integer parameters; all required", () => {
    expect(
      paramsJsonSchema({
        unit: { type: "enum", values: ["ollama.service"] },
        model: { type: "string", pattern: "[a-z0-9:.-]+", maxLength: 64, allowLeadingDash: false },
        flag: { type: "string", pattern: "-[a-z]", maxLength: 2, allowLeadingDash: true },
        watts: { type: "integer", min: 100, max: 450 },
      }),
    ).toEqual({
      type: "object",
      properties: {
        unit: { type: "string", enum: ["ollama.service"] },
        model: { type: "string", pattern: "^(?:[a-z0-9:.-]+)$", maxLength: 64, not: { pattern: "^-" } },
        flag: { type: "string", pattern: "^(?:-[a-z])$", maxLength: 2 },
        watts: { type: "integer", minimum: 100, maximum: 450 },
      },
      required: ["unit", "model", "flag", "watts"],
      additionalProperties: false,
    });
  });
});

describe("the audit's reading of an MCP exchange", () => {
  it("finds tool calls and resource reads in a message or a batch, and nothing else", () => {
    const body = [
      { jsonrpc: "2.0", id: 1, method: "tools/call", params: { name: "host_state", arguments: { host: "gpu-box" } } },
      { jsonrpc: "2.0", id: "r", method: "resources/read", params: { uri: "vigil://runbook/fleet" } },
      { jsonrpc: "2.0", id: 2, method: "tools/list" },
      { jsonrpc: "2.0", method: "notifications/initialized" },
      "garbage",
    ];
    expect(callsIn(body)).toEqual([
      { id: 1, kind: "tool", name: "host_state", arguments: { host: "gpu-box" } },
      { id: "r", kind: "resource", name: "vigil://runbook/fleet", arguments: {} },
    ]);
    expect(callsIn(body[0])).toHaveLength(1);
  });

  it("tells ok, the tool's own refusals, the SDK's argument errors, JSON-RPC errors and a missing answer apart", () => {
    const ok = { jsonrpc: "2.0", id: 1, result: { content: [{ type: "text", text: "fine" }], structuredContent: {} } };
    expect(callOutcome(1, ok, undefined)).toMatchObject({ outcome: "ok" });
    expect(callOutcome(1, [ok], { outcome: "pending", pendingId: "7KQ2-M9XD" })).toMatchObject({
      outcome: "pending",
      pendingId: "7KQ2-M9XD",
    });
    const refused = { jsonrpc: "2.0", id: 1, result: { content: [{ type: "text", text: "refused X" }], isError: true } };
    expect(callOutcome(1, refused, { outcome: "refused", code: "DANGER_NOT_ALLOWED", message: "no" })).toEqual({
      outcome: "refused",
      code: "DANGER_NOT_ALLOWED",
      message: "no",
      requestId: undefined,
      pendingId: undefined,
    });
    const invalid = {
      jsonrpc: "2.0",
      id: 1,
      result: {
        content: [{ type: "text", text: "MCP error -32602: Input validation error: Invalid arguments for tool x" }],
        isError: true,
      },
    };
    expect(callOutcome(1, invalid, undefined)).toMatchObject({ outcome: "error", code: "INVALID_ARGUMENTS" });
    expect(callOutcome(1, { jsonrpc: "2.0", id: 1, error: { code: -32602, message: "Tool nope not found" } }, undefined)).toMatchObject({
      outcome: "error",
      code: "INVALID_PARAMS",
      message: "Tool nope not found",
    });
    expect(callOutcome(2, ok, undefined)).toMatchObject({ outcome: "error", code: "NO_ANSWER" });
  });
});

describe("pending ids", () => {
  it("are two groups of four characters of Crockford's base32, different each time", () => {
    const ids = Array.from({ length: 200 }, newPendingId);
    for (const id of ids) expect(id).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
    expect(new Set(ids).size).toBe(200);
  });
});
