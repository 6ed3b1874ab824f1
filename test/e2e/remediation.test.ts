import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { restartCalls } from "../../bench/remediation-fake-systemctl.ts";
import { type RemediationStack, type RemediationStackOptions, startRemediationStack } from "../../bench/remediation-stack.ts";
import type { RemediationOverview } from "../../hub/remediation/api.ts";
import type { ActionLog } from "../../shared/actions/api.ts";
import { DIST, waitFor } from "../support/processes.ts";
import { useTempDirs } from "../support/temp-dir.ts";

const tempDir = useTempDirs();
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

interface WebhookAlert {
  rule: string;
  status: string;
  severity: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

/** A webhook receiver on 127.0.0.1 keeping every alert of every message. */
async function receiver(): Promise<{ url: string; alerts: WebhookAlert[] }> {
  const alerts: WebhookAlert[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      alerts.push(...(JSON.parse(Buffer.concat(chunks).toString("utf8")) as { alerts: WebhookAlert[] }).alerts);
      res.end("ok");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  cleanups.push(() => new Promise<void>((done) => server.close(() => done())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, alerts };
}

async function stack(o: Omit<RemediationStackOptions, "dir"> = {}): Promise<RemediationStack & { alerts: WebhookAlert[] }> {
  const hook = await receiver();
  const s = await startRemediationStack({ dir: tempDir(), webhookUrl: hook.url, ...o });
  cleanups.push(() => s.stop());
  await s.startUnit();
  await waitFor("the hub to see the unit active", async () => (await s.hubState()) === "active" || undefined, 20_000);
  return { ...s, alerts: hook.alerts };
}

async function overview(s: RemediationStack): Promise<RemediationOverview> {
  return (await (await fetch(`${s.hubUrl}/api/v1/remediation`)).json()) as RemediationOverview;
}

function kill(s: RemediationStack): number {
  const pid = s.livePid();
  if (pid === undefined) throw new Error("the unit is not running");
  process.kill(pid, "SIGKILL");
  return pid;
}

describe("automatic remediation, built hub and agent, a real process under a systemctl stand-in", () => {
  it("restarts a unit that dies, audited as rule:unit-failed on both ends, and the notifications say so", async () => {
    const s = await stack();
    const old = kill(s);
    const killedAt = performance.now();
    const pid = await waitFor(
      "a new unit process",
      () => (s.livePid() !== undefined && s.livePid() !== old ? s.livePid() : undefined),
      15_000,
    );
    const restartMs = Math.round(performance.now() - killedAt);
    expect(pid).not.toBe(old);
    expect(restartCalls(s.stateDir, s.unit)).toBe(2); // the test's start, then the automatic one

    const audit = (await (await fetch(`${s.hubUrl}/api/v1/actions?limit=10`)).json()) as ActionLog;
    expect(audit.actions).toHaveLength(1);
    expect(audit.actions[0]).toMatchObject({
      agentId: "box-a",
      action: "restart-unit",
      params: { unit: "demo.service" },
      initiator: "rule:unit-failed",
      role: "operator",
      status: "succeeded",
      exitCode: 0,
      argv: [s.systemctl, "restart", "demo.service"],
    });
    const db = new Database(join(s.stateDir, "..", "agent", "agent.sqlite"), { readonly: true });
    try {
      expect(db.prepare("SELECT initiator, status FROM action_audit").all()).toEqual([
        { initiator: "rule:unit-failed", status: "succeeded" },
      ]);
    } finally {
      db.close();
    }
    await waitFor("the resolved notification", () => s.alerts.find((a) => a.status === "resolved"), 15_000);
    const firing = s.alerts.find((a) => a.status === "firing");
    expect(firing).toMatchObject({ rule: "unit-failed", severity: "critical", labels: { unit: "demo.service" } });
    expect(firing?.annotations.remediation).toBe("restart-unit unit=demo.service on box-a: requested automatically (run 1 of 3 per 1h)");
    expect(s.alerts.find((a) => a.status === "resolved")?.annotations.remediation).toMatch(
      /^restart-unit unit=demo\.service on box-a: succeeded \(exit 0, \d\.\d\d s\) \(run 1 of 3 per 1h\)$/,
    );
    const o = await overview(s);
    expect(o.entries).toMatchObject([
      { kind: "run", rule: "unit-failed", agentId: "box-a", status: "succeeded", requestId: audit.actions[0]?.requestId },
    ]);
    process.stdout.write(`remediation e2e: kill -> new process alive in ${restartMs} ms\n`);
  }, 60_000);

  it("restarts a unit within seconds when its units collection runs only every 60 s: the agent collects on the exit", async () => {
    // The agent's first collection sees the unit running; the next regular one would come a minute later.
    const s = await startRemediationStack({ dir: tempDir(), unitsInterval: "60s", unitRunningAtStart: true });
    cleanups.push(() => s.stop());
    await waitFor("the hub to see the unit active", async () => (await s.hubState()) === "active" || undefined, 20_000);
    const old = kill(s);
    const killedAt = performance.now();
    await waitFor("a new unit process", () => (s.livePid() !== undefined && s.livePid() !== old ? s.livePid() : undefined), 30_000);
    expect(performance.now() - killedAt).toBeLessThan(15_000);
  }, 60_000);

  it("restarts a unit that keeps dying at most maxRuns times, then escalates once with a critical notification", async () => {
    const s = await stack({ limits: "maxRuns: 2, backoff: 1s, verifyAfter: 20s" });
    // From now on every start of the unit lives 3.5 s: long enough for a collection to see it active.
    writeFileSync(join(s.stateDir, `${s.unit}.lifetime`), "3.5");
    kill(s);
    const gaveUp = await waitFor(
      "the escalation",
      () => s.alerts.find((a) => a.status === "firing" && a.labels.remediation === "gave-up"),
      40_000,
    );
    expect(gaveUp).toMatchObject({ rule: "unit-failed", severity: "critical", labels: { unit: "demo.service", remediation: "gave-up" } });
    expect(gaveUp.annotations.summary).toBe(
      "remediation gave up on unit-failed on box-a: restart-unit unit=demo.service on box-a ran 2 times within 1h (limit 2) " +
        "and the alert fired again; someone has to look",
    );
    // Nothing more is tried: the test's start plus two automatic restarts.
    await new Promise((r) => setTimeout(r, 4_000));
    expect(restartCalls(s.stateDir, s.unit)).toBe(3);
    const o = await overview(s);
    expect(o.entries.map((e) => `${e.kind} ${e.status ?? ""}`.trim())).toEqual(["gave_up", "run succeeded", "run succeeded"]);
    expect(s.alerts.filter((a) => a.labels.remediation === "gave-up")).toHaveLength(1);
  }, 90_000);

  it("is paused by a silence, and restarts the unit once the silence is expired", async () => {
    const s = await stack();
    const res = await fetch(`${s.hubUrl}/api/v1/silences`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ matchers: { rules: ["unit-failed"] }, duration: "1h", comment: "working on demo" }),
    });
    expect(res.status).toBe(201);
    const { silence } = (await res.json()) as { silence: { id: string } };
    const old = kill(s);
    await waitFor("the paused entry", async () => (await overview(s)).entries.find((e) => e.kind === "paused"), 15_000);
    await new Promise((r) => setTimeout(r, 3_000));
    expect(s.livePid()).toBeUndefined();
    expect(restartCalls(s.stateDir, s.unit)).toBe(1);
    expect((await fetch(`${s.hubUrl}/api/v1/silences/${silence.id}`, { method: "DELETE" })).status).toBe(200);
    // The rules' absence timer (5 s) notices the silence ended with the alert still firing.
    await waitFor("the restart after the silence", () => (s.livePid() !== old ? s.livePid() : undefined), 20_000);
    expect((await overview(s)).entries.map((e) => e.kind)).toEqual(["run", "paused"]);
  }, 60_000);
});

describe("a danger action configured as remediation", () => {
  it("stops the hub at startup, naming the file, the rule and the reason", async () => {
    const dir = tempDir();
    const file = join(dir, "hub.yaml");
    writeFileSync(
      file,
      `listen: 127.0.0.1:0
dataDir: ${join(dir, "hub")}
remediation:
  actions:
    restart-postgres: { risk: danger }
rules:
  - name: postgres-failed
    state: vigil_unit_active_state
    labels: { unit: postgresql@16-main.service }
    condition: ==
    value: failed
    remediation: { action: restart-postgres }
`,
    );
    const child = spawn(process.execPath, [join(DIST, "hub", "main.js"), "--config", file], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d: Buffer) => void (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => void (out += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    expect(code).not.toBe(0);
    expect(out).toContain(
      `${file}: rules[0].remediation.action: "restart-postgres" is a danger action (remediation.actions.restart-postgres.risk): ` +
        "remediation never runs danger actions",
    );
  }, 30_000);
});
