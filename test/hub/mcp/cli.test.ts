import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { runCli } from "../../../hub/cli/run.ts";
import { runStdioRelay } from "../../../hub/mcp/cli/stdio-relay.ts";
import { captureIo } from "../../cli/support/capture.ts";
import { waitFor } from "../../support/processes.ts";
import { T0 } from "../registry-helpers.ts";
import { call, TOKENS, useMcpHub } from "./harness.ts";

const hub = useMcpHub();

async function vigil(url: string, token: string, ...argv: string[]) {
  const io = captureIo();
  const code = await runCli(argv, { env: { VIGIL_HUB_URL: url, VIGIL_TOKEN: token }, io, now: () => T0, version: "test" });
  return { code, out: io.stdout(), err: io.stderr() };
}

describe("vigil mcp pending | confirm | deny | log", () => {
  it("lists what assistants asked for, refuses an operator's confirmation, runs an admin's, and shows the audit", async () => {
    const h = await hub();
    await h.reportCatalog();
    expect(await vigil(h.url, TOKENS.alice, "mcp", "pending")).toMatchObject({ code: 0, out: "No danger requests from assistants.\n" });

    const client = await h.connect();
    const ask = async (reason: string) =>
      (
        (await call(client, "run_action", { host: "gpu-box", action: "restart-postgres", reason })).structuredContent as {
          pending: { id: string };
        }
      ).pending.id;
    const first = await ask("minor upgrade");
    const second = await ask("slow checkpoints");

    const listed = await vigil(h.url, TOKENS.alice, "mcp", "pending");
    expect(listed.code).toBe(0);
    const lines = listed.out.split("\n");
    expect(lines[0]).toMatch(/^ID\s+ASKED\s+CLIENT\s+HOST\s+ACTION\s+PARAMS\s+STATUS\s+REASON$/);
    expect(lines.slice(1, 3).map((l) => l.split(/\s{3,}/))).toEqual([
      [second, "just now", "desk", "gpu-box", "restart-postgres", "-", "pending, expires in 10m", "slow checkpoints"],
      [first, "just now", "desk", "gpu-box", "restart-postgres", "-", "pending, expires in 10m", "minor upgrade"],
    ]);
    expect(listed.out).toContain("Confirm with 'vigil mcp confirm <id>', refuse with 'vigil mcp deny <id>'.");

    const byOperator = await vigil(h.url, TOKENS.alice, "mcp", "confirm", first);
    expect(byOperator.code).toBe(1);
    expect(byOperator.err).toMatch(/^error ADMIN_REQUIRED: confirming a danger action needs an admin/);

    const byAdmin = await vigil(h.url, TOKENS.bob, "mcp", "confirm", first, "--wait", "0s");
    expect(byAdmin.out).toContain(`${first}: restart-postgres on gpu-box, asked by mcp:desk`);
    expect(byAdmin.out).toContain("status: confirmed by user:bob");
    expect(byAdmin.out).toMatch(/request [0-9a-f-]{36} by user:bob confirming mcp:desk \(admin\)/);
    // Nothing ran yet (no agent polls in this test): not a success to a script.
    expect(byAdmin.code).toBe(1);

    const denied = await vigil(h.url, TOKENS.alice, "mcp", "deny", second, "--note", "wait for the weekend");
    expect(denied).toMatchObject({ code: 0 });
    expect(denied.out).toContain("status: denied by user:alice (wait for the weekend)");
    expect((await vigil(h.url, TOKENS.alice, "mcp", "pending")).out).toBe("No danger requests from assistants.\n");
    expect(
      (await vigil(h.url, TOKENS.alice, "mcp", "pending", "--all")).out
        .split("\n")
        .slice(1, 3)
        .map((l) => l.split(/\s{3,}/)[6]),
    ).toEqual(["denied by user:alice", "confirmed by user:bob"]);

    const log = await vigil(h.url, TOKENS.alice, "mcp", "log", "--client", "desk");
    expect(log.code).toBe(0);
    const rows = log.out.trim().split("\n");
    expect(rows[0]).toMatch(/^WHEN\s+CLIENT\s+CALL\s+ARGUMENTS\s+OUTCOME\s+LINK$/);
    expect(rows[1]).toContain(`pending   pending ${second}`);
    expect(rows).toHaveLength(3);

    const json = await vigil(h.url, TOKENS.alice, "mcp", "log", "--json", "--limit", "1");
    expect(JSON.parse(json.out)).toMatchObject({ calls: [{ client: "desk", name: "run_action", outcome: "pending", pendingId: second }] });
  });

  it("usage errors exit 2 with the reason", async () => {
    const h = await hub();
    expect(await vigil(h.url, TOKENS.alice, "mcp", "confirm")).toMatchObject({
      code: 2,
      err: expect.stringContaining("needs the request's <id>"),
    });
    expect(await vigil(h.url, TOKENS.alice, "mcp", "launch")).toMatchObject({
      code: 2,
      err: expect.stringContaining('unknown mcp subcommand "launch"'),
    });
    expect(await vigil(h.url, TOKENS.alice, "mcp", "pending", "--status", "maybe")).toMatchObject({ code: 2 });
    expect(await vigil(h.url, TOKENS.alice, "mcp", "log", "--limit", "0")).toMatchObject({ code: 2 });
    expect(await vigil(h.url, TOKENS.alice, "mcp", "log", "XYZ")).toMatchObject({ code: 2 });
  });
});

describe("the stdio relay of `vigil mcp`", () => {
  function streams() {
    const stdin = new PassThrough();
    const stdout = new PassThrough();
    let written = "";
    stdout.on("data", (d: Buffer) => {
      written += d.toString();
    });
    return {
      stdin,
      stdout,
      lines: () =>
        written
          .split("\n")
          .filter((l) => l !== "")
          .map((l) => JSON.parse(l) as Record<string, unknown>),
    };
  }

  it("posts each request, writes the answer back, drops notifications, and ends when stdin ends", async () => {
    const s = streams();
    const posted: unknown[] = [];
    const logs: string[] = [];
    const done = runStdioRelay({
      stdin: s.stdin,
      stdout: s.stdout,
      post: async (m) => {
        posted.push(m);
        return { jsonrpc: "2.0", id: (m as { id: number }).id, result: { echoed: (m as { method: string }).method } };
      },
      log: (l) => logs.push(l),
    });
    s.stdin.write(
      `${JSON.stringify({ jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "t", version: "1" } } })}\n`,
    );
    s.stdin.write(`${JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" })}\n`);
    s.stdin.write(`${JSON.stringify({ jsonrpc: "2.0", id: 2, method: "tools/list" })}\n`);
    s.stdin.write("this is not json\n");
    s.stdin.end();
    await done;
    expect(posted.map((m) => (m as { method: string }).method)).toEqual(["initialize", "tools/list"]);
    expect(s.lines()).toEqual([
      { jsonrpc: "2.0", id: 1, result: { echoed: "initialize" } },
      { jsonrpc: "2.0", id: 2, result: { echoed: "tools/list" } },
    ]);
    expect(logs.join("\n")).toMatch(/vigil mcp: .*JSON/);
  });

  it("answers a JSON-RPC error with the reason when the hub cannot be asked", async () => {
    const s = streams();
    const done = runStdioRelay({
      stdin: s.stdin,
      stdout: s.stdout,
      post: async () => {
        throw new Error("cannot reach the hub at http://127.0.0.1:9 (connection refused): is vigil-hub running?");
      },
      log: () => {},
    });
    s.stdin.write(`${JSON.stringify({ jsonrpc: "2.0", id: "a", method: "tools/list" })}\n`);
    await waitFor("the error answer", () => (s.lines().length === 1 ? true : undefined), 5000, 20);
    s.stdin.end();
    await done;
    expect(s.lines()).toEqual([
      {
        jsonrpc: "2.0",
        id: "a",
        error: { code: -32000, message: "cannot reach the hub at http://127.0.0.1:9 (connection refused): is vigil-hub running?" },
      },
    ]);
  });
});
