import { describe, expect, it } from "vitest";
import { T0 } from "../registry-helpers.ts";
import { body, call, GPU_BOX_RUNBOOK, text, TOKENS, useMcpHub } from "./harness.ts";

const hub = useMcpHub();

describe("MCP over Streamable HTTP on the hub (real SDK client, 127.0.0.1)", () => {
  it("lists every tool with input and output schemas, and says how to use them", async () => {
    const h = await hub();
    const client = await h.connect();
    expect(client.getInstructions()).toContain("read its runbook");
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual([
      "fleet_overview",
      "host_state",
      "series_history",
      "alerts",
      "failover_groups",
      "actions_audit",
      "list_actions",
      "run_action",
      "pending_request",
    ]);
    const hostState = tools.find((t) => t.name === "host_state");
    expect(hostState?.inputSchema.required).toEqual(["host"]);
    expect(hostState?.outputSchema?.properties).toHaveProperty("gpus");
    expect(tools.find((t) => t.name === "run_action")?.annotations).toMatchObject({ destructiveHint: true, readOnlyHint: false });
    expect(tools.find((t) => t.name === "fleet_overview")?.annotations).toMatchObject({ readOnlyHint: true });
  });

  it("fleet_overview: the host the agent pushed, up, with its runbook, as structured content and text", async () => {
    const h = await hub();
    const result = await call(await h.connect(), "fleet_overview");
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toMatchObject({
      counts: { hosts: 1, up: 1, down: 0, firingAlerts: 0 },
      hosts: [
        {
          id: "gpu-box",
          hostname: "gpu-box.lan",
          status: "up",
          labels: { site: "home" },
          firingAlerts: 0,
          runbook: "vigil://runbook/host/gpu-box",
        },
      ],
      failover: [],
      truncated: false,
    });
    expect(text(result)).toMatch(
      /^1 hosts: 1 up, 0 down; 0 alerts firing, 0 pending\.\n- gpu-box \(gpu-box\.lan\): up, seen \d+ s ago, has runbook/,
    );
  });

  it("host_state: system figures and typed views by catalog key; what was not reported is absent, never 0", async () => {
    const h = await hub();
    const result = await call(await h.connect(), "host_state", { host: "gpu-box" });
    expect(result.isError).toBeFalsy();
    const s = result.structuredContent as Record<string, any>;
    expect(s.host).toMatchObject({ id: "gpu-box", status: "up", agentVersion: "0.1.0" });
    expect(s.system).toEqual({
      cpuUsagePercent: 37.5,
      load1: 0.42,
      memoryUsedPercent: 41.2,
      filesystems: [{ mountpoint: "/", usedPercent: 72.1 }],
    });
    expect(s.gpus.entities).toEqual([
      {
        id: "0",
        labels: { uuid: "GPU-8f3c", name: "NVIDIA GeForce RTX 4090" },
        updatedAt: T0 - 1000,
        values: { temperatureCelsius: 64, utilizationPercent: 97 },
        states: {},
      },
    ]);
    expect(s.pools.entities[0]).toMatchObject({ id: "nvme-fast", values: { poolCapacityPercent: 86 }, states: { poolHealth: "DEGRADED" } });
    expect(s.containers).toEqual({ entities: [], hostWide: [] });
    expect(s.runbook).toBe("vigil://runbook/host/gpu-box");
    expect(text(result)).toContain("CPU 38%, load 0.42, memory 41%, fullest disk / 72%");
    expect(text(result)).toContain("GPUs: 0");

    const detailed = await call(await h.connect(), "host_state", { host: "gpu-box", include: ["gpus"], details: true });
    const d = detailed.structuredContent as Record<string, any>;
    expect(d.pools).toBeUndefined();
    expect(d.gpus.entities[0].details).toEqual([{ key: "clockHertz", labels: { clock: "sm" }, value: 2_520_000_000 }]);
  });

  it("an unknown host is an error with the API's code, and the call is audited with the client's name", async () => {
    const h = await hub();
    const result = await call(await h.connect(TOKENS.laptop), "host_state", { host: "no-such-box" });
    expect(result.isError).toBe(true);
    expect(text(result)).toBe('error HOST_NOT_FOUND: no host with id "no-such-box" has reported to this hub (argument: host)');
    const audit = await body(await fetch(`${h.url}/api/v1/mcp/calls`, { headers: { authorization: `Bearer ${TOKENS.alice}` } }));
    expect(audit.calls[0]).toMatchObject({
      client: "laptop",
      kind: "tool",
      name: "host_state",
      arguments: { host: "no-such-box" },
      outcome: "error",
      code: "HOST_NOT_FOUND",
    });
  });

  it("series_history: step buckets with stats, and the newest 120 points when more would come, saying so", async () => {
    const h = await hub();
    const start = T0 - 300_000;
    const samples = Array.from({ length: 200 }, (_, i) => ({ name: "vigil_load1", timestamp: start + i * 1000, value: i % 10 }));
    expect((await h.push({ agentId: "gpu-box", token: TOKENS.agent, sequence: 2, samples })).status).toBe(200);
    const client = await h.connect();

    const fine = await call(client, "series_history", { name: "vigil_load1", host: "gpu-box", range: "10m", step: "1s" });
    expect(fine.isError).toBeFalsy();
    const s = fine.structuredContent as Record<string, any>;
    expect(s).toMatchObject({ name: "vigil_load1", resolution: "raw", stepSeconds: 1, truncated: true });
    expect(s.series).toHaveLength(1);
    expect(s.series[0].points).toHaveLength(120);
    expect(s.series[0].points.at(-1)).toEqual([T0 - 1000, 0.42, 0.42, 0.42]);
    expect(s.notes[0]).toMatch(/newest 120 of 201 points shown \(ask with a larger step\)/);

    const coarse = await call(client, "series_history", { name: "vigil_load1", host: "gpu-box", range: "10m", step: "1m" });
    const c = coarse.structuredContent as Record<string, any>;
    expect(c.truncated).toBe(false);
    expect(c.series[0].stats).toMatchObject({ min: 0, max: 9, last: 0.42, samples: 201 });
    expect(c.series[0].points.length).toBeLessThanOrEqual(6);
  });

  it("malformed arguments get clear errors naming the argument, and are audited", async () => {
    const h = await hub();
    const client = await h.connect();
    const badHost = await call(client, "host_state", { host: "../etc/passwd" });
    expect(badHost.isError).toBe(true);
    expect(text(badHost)).toMatch(/Input validation error: .*host_state.*letters, digits.* at host/s);

    const missing = await call(client, "series_history", { host: "gpu-box" });
    expect(missing.isError).toBe(true);
    expect(text(missing)).toMatch(/at name/);

    const badStep = await call(client, "series_history", { name: "vigil_load1", step: "fortnight" });
    expect(text(badStep)).toContain('expected a duration such as "30s"');

    const hubRefusal = await call(client, "series_history", { name: "vigil_load1", range: "1d", step: "1s" });
    expect(text(hubRefusal)).toMatch(
      /^error SERIES_QUERY: step: 86400 points per series is over the limit of 11000; use a larger step \(argument: step\)$/,
    );

    const audit = await body(await fetch(`${h.url}/api/v1/mcp/calls?limit=10`, { headers: { authorization: `Bearer ${TOKENS.admin}` } }));
    expect(audit.calls.map((c) => c.code)).toEqual(["SERIES_QUERY", "INVALID_ARGUMENTS", "INVALID_ARGUMENTS", "INVALID_ARGUMENTS"]);
  });

  it("alerts, failover groups and the actions audit answer (empty on a fresh hub)", async () => {
    const h = await hub();
    const client = await h.connect();
    expect((await call(client, "alerts")).structuredContent).toEqual({ alerts: [], history: [], truncated: false, notes: [] });
    expect(text(await call(client, "failover_groups"))).toBe("No failover groups are configured.");
    expect((await call(client, "actions_audit", { host: "gpu-box" })).structuredContent).toEqual({
      actions: [],
      truncated: false,
      notes: [],
    });
  });

  it("runbook notes are resources: listed per host and for the fleet, read as markdown", async () => {
    const h = await hub();
    const client = await h.connect();
    const { resources } = await client.listResources();
    expect(resources.map((r) => r.uri)).toEqual(["vigil://runbook/fleet", "vigil://runbook/host/gpu-box"]);
    const read = await client.readResource({ uri: "vigil://runbook/host/gpu-box" });
    expect(read.contents).toEqual([{ uri: "vigil://runbook/host/gpu-box", mimeType: "text/markdown", text: GPU_BOX_RUNBOOK }]);
    const fleet = await client.readResource({ uri: "vigil://runbook/fleet" });
    expect(fleet.contents[0]).toMatchObject({ text: "Ask before touching ZFS pools." });
    const none = await client.readResource({ uri: "vigil://runbook/host/nas" });
    expect(none.contents[0]).toMatchObject({ text: expect.stringContaining("No runbook notes are configured for nas") });
  });
});

describe("/mcp authentication and transport", () => {
  it("needs an MCP client (or admin) token: none, an operator's or an agent's is refused with 401", async () => {
    const h = await hub();
    const post = (token?: string) =>
      fetch(`${h.url}/mcp`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          accept: "application/json, text/event-stream",
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }),
      });
    for (const [token, code] of [
      [undefined, "MCP_TOKEN_MISSING"],
      [TOKENS.alice, "MCP_TOKEN_INVALID"],
      [TOKENS.agent, "MCP_TOKEN_INVALID"],
    ] as const) {
      const res = await post(token);
      expect(res.status).toBe(401);
      expect((await body(res)).error.code).toBe(code);
    }
    await expect(h.connect("wrong-token")).rejects.toThrow(/MCP_TOKEN_INVALID/);
    const asAdmin = await post(TOKENS.admin);
    expect(asAdmin.status).toBe(200);
  });

  it("answers JSON to a client that accepts JSON only (the vigil mcp relay), 405 to GET, and a JSON-RPC parse error to garbage", async () => {
    const h = await hub();
    const headers = { "content-type": "application/json", accept: "application/json", authorization: `Bearer ${TOKENS.desk}` };
    const res = await fetch(`${h.url}/mcp`, {
      method: "POST",
      headers,
      body: JSON.stringify({ jsonrpc: "2.0", id: 7, method: "tools/call", params: { name: "fleet_overview", arguments: {} } }),
    });
    expect(res.status).toBe(200);
    expect(await body(res)).toMatchObject({ jsonrpc: "2.0", id: 7, result: { structuredContent: { counts: { hosts: 1 } } } });

    const get = await fetch(`${h.url}/mcp`, { headers });
    expect(get.status).toBe(405);
    expect(get.headers.get("allow")).toBe("POST");

    const garbage = await fetch(`${h.url}/mcp`, { method: "POST", headers, body: "{not json" });
    expect(garbage.status).toBe(400);
    expect((await body<{ error: { code: number } }>(garbage)).error.code).toBe(-32700);
  });
});
