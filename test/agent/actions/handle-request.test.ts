import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ActionAudit } from "../../../agent/actions/action-audit.ts";
import { ActionCatalog } from "../../../agent/actions/catalog.ts";
import { actionsConfigSchema } from "../../../agent/actions/config.ts";
import { execute } from "../../../agent/actions/execute.ts";
import { ActionHandler } from "../../../agent/actions/handle-request.ts";
import { NonceStore } from "../../../agent/actions/nonce-store.ts";
import { TargetQueue } from "../../../agent/actions/target-queue.ts";
import { AgentStore } from "../../../agent/store/agent-store.ts";
import { formatPublicKey } from "../../../shared/actions/signing.ts";
import { createLogger } from "../../../shared/log/logger.ts";
import { useTempDirs } from "../../support/temp-dir.ts";
import { recordedCalls, recordedSpans, writeArgvRecorder } from "./support/argv-recorder.ts";
import { newKeys, signedEnvelope, T0 } from "./support/requests.ts";

const tempDir = useTempDirs();
const hub = newKeys();

function setup(o: { maxQueued?: number; sleepSeconds?: number } = {}) {
  const dir = tempDir();
  const bin = join(dir, "bin");
  const systemctl = writeArgvRecorder(bin, "systemctl", {
    stdout: "restarted\n",
    times: true,
    ...(o.sleepSeconds ? { sleepSeconds: o.sleepSeconds } : {}),
  });
  const psql = writeArgvRecorder(bin, "pg_ctlcluster");
  const config = actionsConfigSchema.parse({
    hubPublicKey: formatPublicKey(hub.publicKey),
    maxQueuedPerTarget: o.maxQueued ?? 4,
    catalog: {
      "restart-unit": {
        risk: "caution",
        argv: [systemctl, "restart", "{unit}"],
        params: { unit: { type: "enum", values: ["ollama-gpu.service", "ollama-cpu.service"] } },
        target: "unit:{unit}",
      },
      "restart-postgres": { risk: "danger", argv: [psql, "16", "main", "restart"] },
      "list-units": { risk: "safe", argv: [systemctl, "list-units"] },
    },
  });
  const store = new AgentStore(join(dir, "agent.sqlite"));
  const clock = { now: T0 + 1000 };
  const logs: string[] = [];
  const make = (s: AgentStore) =>
    new ActionHandler({
      catalog: new ActionCatalog(config.catalog),
      audit: new ActionAudit(s.db),
      nonces: new NonceStore(s.db, config.maxClockSkew),
      queue: new TargetQueue(config.maxQueuedPerTarget),
      publicKey: hub.publicKey,
      agentId: "gpu-1",
      maxClockSkewMs: config.maxClockSkew,
      maxLifetimeMs: config.maxRequestLifetime,
      path: config.path,
      execute,
      logger: createLogger({ component: "agent", write: (l) => void logs.push(l) }),
      now: () => clock.now,
    });
  const handler = make(store);
  const rows = () =>
    store.db
      .prepare("SELECT request_id, status, refusal_code, argv, exit_code, initiator, reason FROM action_audit ORDER BY id")
      .all() as Array<{
      request_id: string;
      status: string;
      refusal_code: string | null;
      argv: string | null;
      exit_code: number | null;
      initiator: string;
      reason: string | null;
    }>;
  return { dir, store, handler, make, clock, systemctl, psql, rows, logs };
}

describe("ActionHandler", () => {
  it("runs a signed, whitelisted request and records it before and after", async () => {
    const t = setup();
    const env = signedEnvelope(hub.privateKey, { reason: "model stuck" });
    const r = await t.handler.handle(env);
    expect(r).toMatchObject({
      agentId: "gpu-1",
      action: "restart-unit",
      status: "succeeded",
      argv: [t.systemctl, "restart", "ollama-gpu.service"],
      exitCode: 0,
      stdout: "restarted\n",
    });
    expect(recordedCalls(t.systemctl)).toEqual([["restart", "ollama-gpu.service"]]);
    expect(t.rows()).toEqual([
      {
        request_id: (env as { payload: { requestId: string } }).payload.requestId,
        status: "succeeded",
        refusal_code: null,
        argv: JSON.stringify([t.systemctl, "restart", "ollama-gpu.service"]),
        exit_code: 0,
        initiator: "user:alice",
        reason: "model stuck",
      },
    ]);
    t.store.close();
  });

  const refusals: Array<[string, (t: ReturnType<typeof setup>) => unknown, string]> = [
    [
      "unsigned",
      () => {
        const e = signedEnvelope(hub.privateKey) as { payload: Record<string, unknown> };
        delete e.payload.signature;
        return e;
      },
      "SIGNATURE_MISSING",
    ],
    ["signed by another key", () => signedEnvelope(newKeys().privateKey), "SIGNATURE_INVALID"],
    [
      "changed after signing",
      () => {
        const e = signedEnvelope(hub.privateKey) as { payload: { params: Record<string, string> } };
        e.payload.params.unit = "ollama-cpu.service";
        return e;
      },
      "SIGNATURE_INVALID",
    ],
    [
      "signed with HMAC",
      () => {
        const e = signedEnvelope(hub.privateKey) as { payload: { signature: { algorithm: string } } };
        e.payload.signature.algorithm = "hmac-sha256";
        return e;
      },
      "SIGNATURE_INVALID",
    ],
    ["for another agent", () => signedEnvelope(hub.privateKey, { agentId: "nas" }), "REQUEST_INVALID"],
    ["not an action request", () => ({ protocolVersion: 1, kind: "sample_batch", payload: { signature: {} } }), "REQUEST_INVALID"],
    ["unreadable", () => undefined, "REQUEST_INVALID"],
    ["valid for two days", () => signedEnvelope(hub.privateKey, { expiresAt: T0 + 2 * 86_400_000 }), "REQUEST_INVALID"],
    ["expired", () => signedEnvelope(hub.privateKey, { issuedAt: T0 - 120_000, expiresAt: T0 - 60_000 }), "REQUEST_EXPIRED"],
    [
      "issued in the agent's future",
      () => signedEnvelope(hub.privateKey, { issuedAt: T0 + 120_000, expiresAt: T0 + 180_000 }),
      "AGENT_CLOCK_SKEW",
    ],
    ["not whitelisted", () => signedEnvelope(hub.privateKey, { action: "rm-rf", params: {} }), "ACTION_NOT_WHITELISTED"],
    ["with a bad parameter", () => signedEnvelope(hub.privateKey, { params: { unit: "ollama-gpu.service; reboot" } }), "PARAM_INVALID"],
    ["caution without a reason", () => signedEnvelope(hub.privateKey, { reason: undefined }), "REASON_REQUIRED"],
    [
      "danger without confirm",
      () => signedEnvelope(hub.privateKey, { action: "restart-postgres", params: {}, role: "admin", reason: "upgrade" }),
      "CONFIRM_REQUIRED",
    ],
    [
      "danger by an operator",
      () => signedEnvelope(hub.privateKey, { action: "restart-postgres", params: {}, role: "operator", confirm: true, reason: "upgrade" }),
      "ADMIN_REQUIRED",
    ],
    [
      "danger without a reason",
      () => signedEnvelope(hub.privateKey, { action: "restart-postgres", params: {}, role: "admin", confirm: true, reason: undefined }),
      "REASON_REQUIRED",
    ],
  ];
  it.each(refusals)("refuses a request %s, runs nothing, and audits it", async (_what, make, code) => {
    const t = setup();
    const r = await t.handler.handle(make(t));
    expect(r.status).toBe("refused");
    expect(r.refusal?.code).toBe(code);
    expect(recordedCalls(t.systemctl)).toEqual([]);
    expect(recordedCalls(t.psql)).toEqual([]);
    expect(t.rows().map((row) => [row.status, row.refusal_code])).toEqual([["refused", code]]);
    expect(t.logs.join("")).toContain(`"code":"${code}"`);
    t.store.close();
  });

  it("refuses a replayed request, also after a restart, with a row of its own", async () => {
    const t = setup();
    const env = signedEnvelope(hub.privateKey);
    expect((await t.handler.handle(env)).status).toBe("succeeded");
    expect((await t.handler.handle(env)).refusal?.code).toBe("REQUEST_REPLAYED");
    t.store.close();
    const reopened = new AgentStore(join(t.dir, "agent.sqlite"));
    const after = await t.make(reopened).handle(env);
    expect(after.refusal).toEqual({ code: "REQUEST_REPLAYED", message: expect.stringContaining("was received before") });
    const statuses = reopened.db.prepare("SELECT status, refusal_code FROM action_audit ORDER BY id").all();
    expect(statuses).toEqual([
      { status: "succeeded", refusal_code: null },
      { status: "refused", refusal_code: "REQUEST_REPLAYED" },
      { status: "refused", refusal_code: "REQUEST_REPLAYED" },
    ]);
    expect(recordedCalls(t.systemctl)).toHaveLength(1);
    reopened.close();
  });

  it("does not let a forged request use up a request id", async () => {
    const t = setup();
    const requestId = "5b0b1d1e-7f0c-4d55-9f5e-2d8c6c1f0a11";
    expect((await t.handler.handle(signedEnvelope(newKeys().privateKey, { requestId }))).refusal?.code).toBe("SIGNATURE_INVALID");
    expect((await t.handler.handle(signedEnvelope(hub.privateKey, { requestId }))).status).toBe("succeeded");
    t.store.close();
  });

  it("answers a dry run with the argv it would run, running nothing", async () => {
    const t = setup();
    const r = await t.handler.handle(signedEnvelope(hub.privateKey, { dryRun: true, params: { unit: "ollama-cpu.service" } }));
    expect(r).toMatchObject({ status: "dry_run", argv: [t.systemctl, "restart", "ollama-cpu.service"], exitCode: null });
    expect(recordedCalls(t.systemctl)).toEqual([]);
    expect(t.rows().map((row) => row.status)).toEqual(["dry_run"]);
    t.store.close();
  });

  it("serialises requests for one target and turns away the ones past maxQueuedPerTarget", async () => {
    const t = setup({ maxQueued: 1, sleepSeconds: 0.3 });
    const envs = [0, 1, 2].map(() => signedEnvelope(hub.privateKey));
    const results = await Promise.all(envs.map((e) => t.handler.handle(e)));
    expect(results.map((r) => r.status)).toEqual(["succeeded", "succeeded", "refused"]);
    expect(results[2]?.refusal?.code).toBe("TARGET_BUSY");
    const [a, b] = recordedSpans(t.systemctl);
    expect(b?.[0]).toBeGreaterThanOrEqual(a?.[1] ?? Number.POSITIVE_INFINITY);
    expect(t.rows().map((row) => [row.status, row.refusal_code])).toEqual([
      ["succeeded", null],
      ["succeeded", null],
      ["refused", "TARGET_BUSY"],
    ]);
    t.store.close();
  });
});
