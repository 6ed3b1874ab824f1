import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadHubConfig } from "../../../hub/config/load.ts";
import { useTempDirs } from "../../support/temp-dir.ts";
import { makeTestHub } from "../registry-helpers.ts";

const tempDir = useTempDirs();

function load(yaml: string) {
  const file = join(tempDir(), "hub.yaml");
  writeFileSync(file, yaml);
  return () => loadHubConfig({ configFile: file, env: {} });
}

const TOOLS_LIST = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" });
const HEADERS = { "content-type": "application/json", accept: "application/json, text/event-stream" };

describe("the mcp section of the hub's config", () => {
  it("defaults: on, no clients, no danger actions, 15 minutes to confirm, 90 days of audit", () => {
    expect(load("{}")().config.mcp).toEqual({
      enabled: true,
      clients: [],
      dangerActions: [],
      confirmTtl: 900_000,
      runbooks: {},
      auditRetention: 90 * 86_400_000,
    });
  });

  it("reads client tokens as secrets that print as [redacted]", () => {
    const { config } = load("mcp:\n  clients: [{ name: desk, token: mcp-secret-token-1 }]\n")();
    expect(config.mcp.clients[0]?.token.reveal()).toBe("mcp-secret-token-1");
    expect(JSON.stringify(config.mcp)).not.toContain("mcp-secret-token-1");
  });

  it("names the file, the path and what was expected", () => {
    expect(load("mcp:\n  clients: [{ name: desk, token: a }, { name: desk, token: b }]\n")).toThrow(
      /hub\.yaml.*mcp\.clients\[1\]\.name: client "desk" is listed twice/s,
    );
    expect(load("mcp:\n  dangerActions: [{ host: db-box, action: Restart_Postgres }]\n")).toThrow(
      /mcp\.dangerActions\[0\]\.action: must be lowercase letters, digits and '-'/,
    );
    expect(load("mcp:\n  runbooks: { gpu-box: 42 }\n")).toThrow(/mcp\.runbooks\.gpu-box/);
    expect(load("mcp:\n  confirmTtl: 5s\n")).toThrow(/mcp\.confirmTtl: expected a duration between 1m and 1d/);
    expect(load("mcp:\n  clientz: []\n")).toThrow(/mcp.*clientz/);
  });
});

describe("who may reach /mcp", () => {
  it("with no client or admin token configured: the hub's own machine only, as 'local'", async () => {
    const h = makeTestHub(tempDir());
    try {
      const local = await h.request("/mcp", { method: "POST", headers: HEADERS, body: TOOLS_LIST });
      expect(local.status).toBe(200);
      const remote = await h.request("/mcp", { method: "POST", headers: HEADERS, body: TOOLS_LIST }, "192.168.1.20");
      expect(remote.status).toBe(403);
      expect(((await remote.json()) as { error: { code: string } }).error.code).toBe("ADMIN_LOOPBACK_ONLY");
      const proxied = await h.request("/mcp", {
        method: "POST",
        headers: { ...HEADERS, "x-forwarded-for": "203.0.113.9" },
        body: TOOLS_LIST,
      });
      expect(proxied.status).toBe(403);

      const call = JSON.stringify({ jsonrpc: "2.0", id: 2, method: "tools/call", params: { name: "alerts", arguments: {} } });
      expect((await h.request("/mcp", { method: "POST", headers: HEADERS, body: call })).status).toBe(200);
      const row = h.store.db.prepare("SELECT client, name, outcome FROM mcp_calls").all();
      expect(row).toEqual([{ client: "local", name: "alerts", outcome: "ok" }]);
    } finally {
      h.store.close();
    }
  });

  it("mcp.enabled: false answers 404 MCP_DISABLED and audits nothing", async () => {
    const h = makeTestHub(tempDir(), { yaml: "mcp: { enabled: false }\n" });
    try {
      const res = await h.request("/mcp", { method: "POST", headers: HEADERS, body: TOOLS_LIST });
      expect(res.status).toBe(404);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("MCP_DISABLED");
      expect(h.store.db.prepare("SELECT count(*) AS n FROM mcp_calls").get()).toEqual({ n: 0 });
    } finally {
      h.store.close();
    }
  });
});
