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
import { silentLogger } from "../../../shared/log/logger.ts";
import { waitFor } from "../../support/processes.ts";
import { useTempDirs } from "../../support/temp-dir.ts";
import { recordedCalls, writeArgvRecorder } from "./support/argv-recorder.ts";
import { newKeys, signedEnvelope, T0 } from "./support/requests.ts";

const tempDir = useTempDirs();
const hub = newKeys();

/** A handler over a real agent store, whose one command records its calls and prints to both streams. */
function setup(o: { sleepSeconds?: number } = {}) {
  const dir = tempDir();
  const systemctl = writeArgvRecorder(join(dir, "bin"), "systemctl", {
    stdout: "restarted\n",
    stderr: "warning: unit file changed\n",
    exitCode: 3,
    ...(o.sleepSeconds ? { sleepSeconds: o.sleepSeconds } : {}),
  });
  const config = actionsConfigSchema.parse({
    hubPublicKey: formatPublicKey(hub.publicKey),
    catalog: {
      "restart-unit": {
        risk: "caution",
        argv: [systemctl, "restart", "{unit}"],
        params: { unit: { type: "enum", values: ["ollama-gpu.service"] } },
      },
    },
  });
  const clock = { now: T0 + 1000 };
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
      logger: silentLogger,
      now: () => clock.now,
    });
  const store = new AgentStore(join(dir, "agent.sqlite"));
  const audit = () => store.db.prepare("SELECT status, refusal_code AS code FROM action_audit ORDER BY id").all();
  return { dir, store, handler: make(store), make, clock, systemctl, audit };
}

describe("a request the hub hands over again", () => {
  it("is new to an agent that never got it, and runs once", async () => {
    const t = setup();
    const env = signedEnvelope(hub.privateKey);
    expect(t.handler.redelivered(env)).toEqual({ kind: "new" });
    expect((await t.handler.handle(env)).status).toBe("failed");
    expect(recordedCalls(t.systemctl)).toHaveLength(1);
    t.store.close();
  });

  it("is answered with the result it had, field for field, not run again and not refused as a replay, also after a restart", async () => {
    const t = setup();
    const env = signedEnvelope(hub.privateKey);
    const first = await t.handler.handle(env);
    expect(first).toMatchObject({ status: "failed", exitCode: 3, stdout: "restarted\n", stderr: "warning: unit file changed\n" });
    t.clock.now += 5000;
    expect(t.handler.redelivered(env)).toEqual({ kind: "finished", result: first });
    t.store.close();

    const reopened = new AgentStore(join(t.dir, "agent.sqlite"));
    expect(t.make(reopened).redelivered(env)).toEqual({ kind: "finished", result: first });
    expect(recordedCalls(t.systemctl)).toHaveLength(1);
    expect(reopened.db.prepare("SELECT status FROM action_audit").all()).toEqual([{ status: "failed" }]);
    reopened.close();
  });

  it("is answered with its refusal or its dry run as first reported", async () => {
    const t = setup();
    const refused = signedEnvelope(hub.privateKey, { params: { unit: "sshd.service" } });
    const dry = signedEnvelope(hub.privateKey, { dryRun: true });
    const refusal = await t.handler.handle(refused);
    const dryRun = await t.handler.handle(dry);
    expect(refusal.refusal?.code).toBe("PARAM_INVALID");
    expect(dryRun.status).toBe("dry_run");
    t.clock.now += 5000;
    expect(t.handler.redelivered(refused)).toEqual({ kind: "finished", result: refusal });
    expect(t.handler.redelivered(dry)).toEqual({ kind: "finished", result: dryRun });
    expect(recordedCalls(t.systemctl)).toEqual([]);
    t.store.close();
  });

  it("is answered with its result after it expired, since the hub lacks that result, not with REQUEST_EXPIRED", async () => {
    const t = setup();
    const env = signedEnvelope(hub.privateKey, { expiresAt: T0 + 60_000 });
    const first = await t.handler.handle(env);
    t.clock.now = T0 + 60_500;
    expect(t.handler.redelivered(env)).toEqual({ kind: "finished", result: first });
    t.store.close();
  });

  it("is not run again while its audit row is open (running, or left so by an agent that stopped mid-run)", async () => {
    const t = setup({ sleepSeconds: 0.5 });
    const env = signedEnvelope(hub.privateKey);
    const running = t.handler.handle(env);
    await waitFor("the command to start", () => recordedCalls(t.systemctl).length === 1 || undefined, 5000);
    expect(t.handler.redelivered(env)).toEqual({ kind: "unfinished", status: "running" });
    await running;
    expect(recordedCalls(t.systemctl)).toHaveLength(1);
    t.store.close();
  });

  it("is new when its signature is not the hub's, so the handler refuses and audits it as usual", async () => {
    const t = setup();
    const requestId = "5b0b1d1e-7f0c-4d55-9f5e-2d8c6c1f0a11";
    await t.handler.handle(signedEnvelope(hub.privateKey, { requestId }));
    const forged = signedEnvelope(newKeys().privateKey, { requestId });
    expect(t.handler.redelivered(forged)).toEqual({ kind: "new" });
    expect((await t.handler.handle(forged)).refusal?.code).toBe("SIGNATURE_INVALID");
    expect(t.audit()).toEqual([
      { status: "failed", code: null },
      { status: "refused", code: "SIGNATURE_INVALID" },
    ]);
    t.store.close();
  });
});
