import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ActionAudit } from "../../../agent/actions/action-audit.ts";
import { ActionLink } from "../../../agent/actions/action-link.ts";
import { ActionCatalog } from "../../../agent/actions/catalog.ts";
import { actionsConfigSchema } from "../../../agent/actions/config.ts";
import { execute } from "../../../agent/actions/execute.ts";
import { ActionHandler } from "../../../agent/actions/handle-request.ts";
import { NonceStore } from "../../../agent/actions/nonce-store.ts";
import { TargetQueue } from "../../../agent/actions/target-queue.ts";
import { AgentStore } from "../../../agent/store/agent-store.ts";
import { runCli } from "../../../hub/cli/run.ts";
import { parsePublicKey } from "../../../shared/actions/signing.ts";
import { Secret } from "../../../shared/config/secret.ts";
import { listen, type RunningServer } from "../../../shared/http/serve.ts";
import { createLogger } from "../../../shared/log/logger.ts";
import { recordedCalls, writeArgvRecorder } from "../../agent/actions/support/argv-recorder.ts";
import { captureIo } from "../../cli/support/capture.ts";
import { useTempDirs } from "../../support/temp-dir.ts";
import { makeTestHub, T0 } from "../registry-helpers.ts";

const tempDir = useTempDirs();
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const YAML = `
auth:
  adminTokens: [adm-token-5e1f]
  agents: [{ id: gpu-box, token: agent-gpu-token-77 }]
actions:
  operators: [{ name: alice, token: op-alice-token-3c }]
`;

/** The real hub app on 127.0.0.1 and an in-process agent side (handler + long-poll link) running recorder executables. */
async function loop() {
  const dir = tempDir();
  const h = makeTestHub(dir, { yaml: YAML });
  cleanups.push(() => h.store.close());
  await h.push({ agentId: "gpu-box", token: "agent-gpu-token-77" });
  const server: RunningServer = await listen(h.app, "127.0.0.1", 0);
  cleanups.push(() => server.close());
  const publicKey = (await (await fetch(`${server.url}/api/v1/actions/public-key`)).json()) as { publicKey: string };
  const systemctl = writeArgvRecorder(join(dir, "bin"), "systemctl", { stdout: "restarted ollama-gpu.service\n" });
  const config = actionsConfigSchema.parse({
    hubPublicKey: publicKey.publicKey,
    catalog: {
      "restart-unit": {
        risk: "caution",
        argv: [systemctl, "restart", "{unit}"],
        params: { unit: { type: "enum", values: ["ollama-gpu.service"] } },
      },
    },
  });
  const store = new AgentStore(join(dir, "agent.sqlite"));
  cleanups.push(() => store.close());
  const logger = createLogger({ component: "agent", write: () => {} });
  const handler = new ActionHandler({
    catalog: new ActionCatalog(config.catalog),
    audit: new ActionAudit(store.db),
    nonces: new NonceStore(store.db, config.maxClockSkew),
    queue: new TargetQueue(config.maxQueuedPerTarget),
    publicKey: parsePublicKey(publicKey.publicKey),
    agentId: "gpu-box",
    maxClockSkewMs: config.maxClockSkew,
    maxLifetimeMs: config.maxRequestLifetime,
    path: config.path,
    execute,
    logger,
    now: () => h.clock.now,
  });
  const link = new ActionLink({
    hubUrl: server.url,
    agentId: "gpu-box",
    token: () => new Secret("agent-gpu-token-77", "test"),
    handler,
    logger,
    backoff: { initialMs: 50, maxMs: 500 },
    requestTimeoutMs: 5000,
  });
  link.start();
  // Before the server closes: a held poll would keep close() waiting.
  cleanups.push(() => link.stop());
  const vigil = async (...argv: string[]) => {
    const io = captureIo();
    const code = await runCli(argv, {
      env: { VIGIL_HUB_URL: server.url, VIGIL_TOKEN: "op-alice-token-3c" },
      io,
      now: () => T0 + 5000,
      version: "9.9.9",
    });
    return { code, stdout: io.stdout(), stderr: io.stderr() };
  };
  return { vigil, systemctl, store, link };
}

describe("vigil action, against the real hub app with an agent polling it", () => {
  it("runs an action end to end and prints the argv, the outcome and the output", async () => {
    const t = await loop();
    const r = await t.vigil("action", "run", "gpu-box", "restart-unit", "unit=ollama-gpu.service", "--reason", "model stuck");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const lines = r.stdout.split("\n");
    expect(lines[0]).toMatch(/^restart-unit on gpu-box: succeeded \(exit 0, \d+(ms|s)\)$/);
    expect(lines[1]).toMatch(/^request [0-9a-f-]{36} by user:alice \(operator\)$/);
    expect(lines.slice(2)).toEqual([
      `argv: ${t.systemctl} restart ollama-gpu.service`,
      "--- stdout ---",
      "restarted ollama-gpu.service",
      "",
    ]);
    expect(recordedCalls(t.systemctl)).toEqual([["restart", "ollama-gpu.service"]]);

    const log = await t.vigil("action", "log", "gpu-box");
    expect(log.code).toBe(0);
    expect(log.stdout).toMatch(
      /^WHEN +HOST +ACTION +PARAMS +BY +OUTCOME +REQUEST\n5s ago +gpu-box +restart-unit +unit=ollama-gpu.service +user:alice +succeeded \(exit 0, .*\) +[0-9a-f-]{36}\n$/,
    );
  });

  it("prints the agent's refusal and exits 1; a dry run shows the argv and runs nothing", async () => {
    const t = await loop();
    const refused = await t.vigil("action", "run", "gpu-box", "restart-unit", "-p", "unit=sshd.service", "--reason", "x");
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain("restart-unit on gpu-box: refused by agent: PARAM_INVALID\n");
    expect(refused.stdout).toContain('PARAM_INVALID: unit: "sshd.service" is not one of the allowed values (ollama-gpu.service)\n');

    const noReason = await t.vigil("action", "run", "gpu-box", "restart-unit", "-p", "unit=ollama-gpu.service");
    expect(noReason.code).toBe(1);
    expect(noReason.stdout).toContain("REASON_REQUIRED: restart-unit is a caution action: give a reason, which is recorded in the audit");

    const dry = await t.vigil(
      "action",
      "run",
      "gpu-box",
      "restart-unit",
      "-p",
      "unit=ollama-gpu.service",
      "--reason",
      "check",
      "--dry-run",
    );
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain("restart-unit on gpu-box: dry_run\n");
    expect(dry.stdout).toContain(`would run: ${t.systemctl} restart ollama-gpu.service\n`);
    expect(recordedCalls(t.systemctl)).toEqual([]);
    // Every one of them is in the agent's audit too.
    const agentRows = t.store.db.prepare("SELECT status, refusal_code FROM action_audit ORDER BY id").all();
    expect(agentRows).toEqual([
      { status: "refused", refusal_code: "PARAM_INVALID" },
      { status: "refused", refusal_code: "REASON_REQUIRED" },
      { status: "dry_run", refusal_code: null },
    ]);
  });

  it("prints the hub's public key, and says what is wrong with a command line", async () => {
    const t = await loop();
    const key = await t.vigil("action", "key");
    expect(key).toMatchObject({ code: 0, stderr: "" });
    expect(key.stdout).toMatch(/^ed25519:[A-Za-z0-9+/]{43}=\n$/);
    expect(await t.vigil("action", "run", "gpu-box")).toMatchObject({
      code: 2,
      stderr: "vigil: \"action run\" needs <host> and <action>\nRun 'vigil help action' for usage.\n",
    });
    expect((await t.vigil("action", "run", "gpu-box", "restart-unit", "-p", "unit")).stderr).toContain(
      'vigil: parameter "unit": expected key=value',
    );
    expect((await t.vigil("action", "run", "gpu-box", "restart-unit", "-p", "a=1", "-p", "a=2")).stderr).toContain(
      'parameter "a" is given twice',
    );
    expect((await t.vigil("action", "run", "gpu-box", "restart-unit", "-p", "a=1", "a=2")).stderr).toContain(
      'parameter "a" is given twice',
    );
    expect((await t.vigil("action", "log", "gpu-box", "x", "unit=y")).stderr).toContain('unexpected argument "unit=y" for "action log"');
    expect((await t.vigil("action", "undo")).stderr).toContain('unknown action subcommand "undo" (expected run, log or key)');
    expect((await t.vigil("action", "run", "toaster", "restart-unit")).stderr).toBe(
      'error HOST_NOT_FOUND: no host with id "toaster" has reported to this hub or holds a token (field: agentId)\n',
    );
  });
});
