import { afterEach, describe, expect, it } from "vitest";
import { HubActions } from "../../../hub/actions/hub-actions.ts";
import { ephemeralSigningKey } from "../../../hub/actions/signing-key.ts";
import { verifyActionSignature } from "../../../shared/actions/signing.ts";
import { createLogger } from "../../../shared/log/logger.ts";
import type { ActionRequest } from "../../../shared/protocol/action.ts";
import { useTempDirs } from "../../support/temp-dir.ts";
import { BASE_YAML, remediationHarness, T0, UNIT } from "./harness.ts";

const tempDir = useTempDirs();
let close: (() => void) | undefined;
afterEach(() => {
  close?.();
  close = undefined;
});

function harness(yaml = BASE_YAML) {
  const h = remediationHarness(tempDir(), yaml);
  close = () => h.close();
  return h;
}

const LABELS = `{"unit":"${UNIT}"}`;

describe("automatic remediation", () => {
  it("restarts a failed unit as rule:unit-failed, and the notifications say what was done and the result", async () => {
    const h = harness();
    h.unit("active");
    h.unit("failed");
    expect(h.runner.calls).toHaveLength(1);
    const [call] = h.runner.calls;
    expect(call?.op).toEqual({ name: "rule-unit-failed", role: "operator", initiator: "rule:unit-failed" });
    expect(call?.body).toEqual({
      agentId: "gpu-box",
      action: "restart-unit",
      params: { unit: UNIT },
      reason: `automatic remediation by rule unit-failed: ${UNIT} failed on gpu-box`,
      confirm: false,
      dryRun: false,
      waitMs: 600_000,
    });
    expect(h.notified()).toEqual([
      `firing critical unit-failed ${LABELS} | restart-unit unit=${UNIT} on gpu-box: requested automatically (run 1 of 3 per 1h)`,
    ]);
    await h.settle();
    await h.advance(2_000);
    h.unit("active");
    expect(h.notified()[1]).toBe(
      `resolved critical unit-failed ${LABELS} | restart-unit unit=${UNIT} on gpu-box: succeeded (exit 0, 0.42 s) (run 1 of 3 per 1h)`,
    );
    const [run] = h.service.store.list({ limit: 10 });
    expect(run).toMatchObject({
      kind: "run",
      rule: "unit-failed",
      hostId: "gpu-box",
      agentId: "gpu-box",
      action: "restart-unit",
      params: { unit: UNIT },
      status: "succeeded",
      requestId: "00000000-0000-4000-8000-000000000001",
      exitCode: 0,
      durationMs: 420,
      at: T0,
      detail: "succeeded (exit 0, 0.42 s)",
    });
    expect(h.runner.calls).toHaveLength(1);
  });

  it("restarts a unit that keeps dying at most maxRuns times in the window, backing off, then gives up and escalates", async () => {
    const h = harness();
    for (let i = 0; i < 3; i++) {
      h.unit("failed");
      await h.settle();
      await h.advance(61_000); // past the back-off (30 s, then 60 s)
      h.unit("active");
      await h.advance(1_000);
    }
    expect(h.runner.calls).toHaveLength(3);
    h.unit("failed");
    await h.settle();
    expect(h.runner.calls).toHaveLength(3);
    const events = h.sink.events;
    const escalation = events.at(-1);
    expect(escalation).toMatchObject({
      rule: "unit-failed",
      status: "firing",
      severity: "critical",
      hostId: "gpu-box",
      labels: { unit: UNIT, remediation: "gave-up" },
    });
    const why = `restart-unit unit=${UNIT} on gpu-box ran 3 times within 1h (limit 3) and the alert fired again`;
    expect(escalation?.annotations.summary).toBe(`remediation gave up on unit-failed on gpu-box: ${why}; someone has to look`);
    // The alert's own firing notification, in the same submit, says it too.
    expect(events.at(-2)).toMatchObject({ status: "firing", annotations: { remediation: `gave up: ${why}` } });
    expect(h.service.store.list({ limit: 1 })[0]).toMatchObject({ kind: "gave_up", detail: why, resolvedAt: null });

    // Fixed by hand: the alert resolves, and so does the escalation.
    await h.advance(5_000);
    h.unit("active");
    expect(h.notified().slice(-2)).toEqual([
      `resolved critical unit-failed ${LABELS} | gave up: ${why}`,
      `resolved critical unit-failed {"remediation":"gave-up","unit":"${UNIT}"} | gave up: ${why}`,
    ]);
    expect(h.service.store.openEscalations()).toEqual([]);
  });

  it("waits out the back-off when the unit fails again right after a restart, then runs if it still fails", async () => {
    const h = harness();
    h.unit("failed");
    await h.settle();
    await h.advance(5_000);
    h.unit("active");
    await h.advance(5_000);
    h.unit("failed");
    expect(h.runner.calls).toHaveLength(1);
    expect(h.notified().at(-1)).toBe(
      `firing critical unit-failed ${LABELS} | restart-unit unit=${UNIT} on gpu-box: next try at 2026-09-21 14:13:50 UTC (back-off; run 2 of 3 per 1h)`,
    );
    await h.advance(19_000);
    expect(h.runner.calls).toHaveLength(1);
    await h.advance(1_000);
    expect(h.runner.calls).toHaveLength(2);
  });

  it("does not run when the back-off ends after the alert resolved", async () => {
    const h = harness();
    h.unit("failed");
    await h.settle();
    await h.advance(5_000);
    h.unit("active");
    h.unit("failed");
    h.unit("active");
    await h.advance(60_000);
    expect(h.runner.calls).toHaveLength(1);
  });

  it("is paused by a silence, and runs when the silence ends with the alert still firing", async () => {
    const h = harness();
    const silence = h.silences().create(
      {
        kind: "maintenance",
        matchers: { hosts: ["gpu-box"] },
        startsAt: T0,
        endsAt: T0 + 3_600_000,
        comment: "driver upgrade",
        createdBy: "alice",
      },
      T0,
    );
    h.unit("failed");
    await h.advance(120_000);
    h.unit("failed");
    expect(h.runner.calls).toHaveLength(0);
    expect(h.service.store.list({ limit: 5 })).toMatchObject([
      {
        kind: "paused",
        rule: "unit-failed",
        agentId: "gpu-box",
        params: { unit: UNIT },
        detail: `maintenance ${silence.id}: driver upgrade`,
      },
    ]);
    h.silences().expire(silence.id, h.clock.now);
    h.tick();
    expect(h.runner.calls).toHaveLength(1);
    expect(h.notified().at(-1)).toBe(
      `firing critical unit-failed ${LABELS} | restart-unit unit=${UNIT} on gpu-box: requested automatically (run 1 of 3 per 1h)`,
    );
  });

  it("gives up when the condition still holds verifyAfter after a successful run", async () => {
    const h = harness();
    h.unit("failed");
    await h.settle();
    await h.advance(30_000);
    h.unit("failed");
    await h.advance(30_000);
    const escalation = h.sink.events.at(-1);
    expect(escalation?.labels.remediation).toBe("gave-up");
    expect(escalation?.annotations.remediation).toBe(
      `gave up: the condition still held 1m after restart-unit unit=${UNIT} on gpu-box (succeeded (exit 0, 0.42 s))`,
    );
    expect(h.runner.calls).toHaveLength(1);
  });

  it("waits one more verifyAfter when no reading came since the run, then says it cannot tell", async () => {
    const h = harness();
    h.unit("failed");
    await h.settle();
    await h.advance(60_000);
    expect(h.sink.events.filter((e) => e.labels.remediation === "gave-up")).toHaveLength(0);
    await h.advance(60_000);
    expect(h.sink.events.at(-1)?.annotations.remediation).toContain("gave up: no new reading came within 1m after restart-unit");
  });

  it("gives up at once when the action fails or is refused, with the agent's words", async () => {
    const h = harness();
    h.runner.script.push(
      {
        status: "failed",
        exitCode: 1,
        durationMs: 80,
        stderr: "Job for ollama-gpu.service failed because the control process exited\nmore",
      },
      {
        status: "refused",
        refusedBy: "agent",
        refusal: { code: "ADMIN_REQUIRED", message: "restart-unit is a danger action" },
        exitCode: null,
      },
    );
    h.unit("failed");
    await h.settle();
    expect(h.sink.events.at(-1)?.annotations.remediation).toBe(
      `gave up: restart-unit unit=${UNIT} on gpu-box failed (exit 1, 0.08 s): Job for ollama-gpu.service failed because the control process exited`,
    );
    h.unit("failed", "recommender.service");
    await h.settle();
    expect(h.sink.events.at(-1)?.annotations.remediation).toBe(
      "gave up: restart-unit unit=recommender.service on gpu-box refused by the agent: ADMIN_REQUIRED: restart-unit is a danger action " +
        "(the agent's catalog classes restart-unit as danger: correct remediation.actions.restart-unit.risk)",
    );
    expect(h.service.store.list({ limit: 10 }).map((e) => `${e.kind} ${e.status ?? "-"}`)).toEqual([
      "gave_up -",
      "run refused",
      "gave_up -",
      "run failed",
    ]);
  });

  it("keeps counting runs across a hub restart, and keeps a given-up alert given up", async () => {
    const h = harness();
    for (let i = 0; i < 3; i++) {
      h.unit("failed");
      await h.settle();
      await h.advance(61_000);
      h.unit("active");
    }
    h.restart();
    h.unit("failed");
    await h.settle();
    expect(h.runner.calls).toHaveLength(3);
    expect(h.sink.events.at(-1)?.labels.remediation).toBe("gave-up");
    const escalations = h.sink.events.filter((e) => e.labels.remediation === "gave-up").length;
    h.restart();
    await h.advance(120_000);
    h.unit("failed");
    expect(h.runner.calls).toHaveLength(3);
    expect(h.sink.events.filter((e) => e.labels.remediation === "gave-up")).toHaveLength(escalations);
  });

  it("marks a run whose result the hub never got as interrupted, and verifies the alert again after the restart", async () => {
    const h = harness();
    h.runner.hold = true;
    h.unit("failed");
    h.restart();
    expect(h.service.store.list({ limit: 1 })[0]).toMatchObject({ kind: "run", status: "interrupted" });
    expect(h.runner.calls).toHaveLength(1);
    await h.advance(30_000);
    h.unit("failed");
    await h.advance(30_000);
    expect(h.sink.events.at(-1)?.annotations.remediation).toContain("gave up: the condition still held 1m after restart-unit");
  });

  it("gives up when the alert lacks a label the parameters need, without asking any agent", () => {
    const h = harness(`${BASE_YAML}
rules:
  - name: webui-unhealthy
    state: vigil_unit_active_state
    condition: ==
    value: failed
    remediation: { action: restart-unit, params: { unit: "{{labels.container}}" } }
`);
    h.unit("failed");
    // unit-failed runs; webui-unhealthy cannot.
    expect(h.runner.calls.map((c) => c.op.initiator)).toEqual(["rule:unit-failed"]);
    expect(h.sink.events.find((e) => e.rule === "webui-unhealthy" && e.labels.remediation === "gave-up")?.annotations.remediation).toBe(
      "gave up: the request cannot be made: remediation.params.unit needs the label container, which the alert does not have",
    );
  });

  it("does nothing with remediation.enabled: false", () => {
    const h = harness(BASE_YAML.replace("remediation:\n", "remediation:\n  enabled: false\n"));
    h.unit("failed");
    expect(h.runner.calls).toHaveLength(0);
    expect(h.notified()).toEqual([`firing critical unit-failed ${LABELS} | -`]);
    expect(h.service.overview({ limit: 5 }).enabled).toBe(false);
  });
});

describe("automatic remediation through the hub's action service", () => {
  it("is signed and audited like a manual request, with initiator rule:<name> and the operator role", async () => {
    const key = ephemeralSigningKey();
    let actions!: HubActions;
    const h = remediationHarness(tempDir(), BASE_YAML, (db) => {
      actions = new HubActions({
        db,
        key,
        timing: { requestTtl: 120_000, resultWait: 8_000, pollTimeout: 1_000 },
        hostKnown: (id) => id === "gpu-box",
        logger: createLogger({ component: "actions", write: () => {} }),
        now: () => h.clock.now,
      });
      return actions;
    });
    close = () => h.close();
    h.unit("failed");
    // The agent's long poll takes the signed request.
    const envelope = (await actions.next("gpu-box")) as { payload: ActionRequest };
    const request = envelope.payload;
    expect(verifyActionSignature(request, key.publicKey)).toBe(true);
    expect(request).toMatchObject({
      agentId: "gpu-box",
      action: "restart-unit",
      params: { unit: UNIT },
      initiator: "rule:unit-failed",
      role: "operator",
      confirm: false,
      reason: `automatic remediation by rule unit-failed: ${UNIT} failed on gpu-box`,
    });
    actions.recordResult("gpu-box", {
      requestId: request.requestId,
      agentId: "gpu-box",
      action: "restart-unit",
      status: "succeeded",
      argv: ["/usr/bin/systemctl", "restart", UNIT],
      exitCode: 0,
      stdout: "",
      stderr: "",
      outputTruncated: false,
      startedAt: h.clock.now,
      durationMs: 35,
    });
    await h.settle();
    const [audit] = actions.list({ limit: 5 });
    expect(audit).toMatchObject({ requestId: request.requestId, initiator: "rule:unit-failed", role: "operator", status: "succeeded" });
    expect(h.service.store.list({ limit: 1 })[0]).toMatchObject({ kind: "run", requestId: request.requestId, status: "succeeded" });
  });

  it("records the hub's refusal of an unknown host as the run's outcome, and gives up", async () => {
    const h = remediationHarness(
      tempDir(),
      BASE_YAML.replace(
        '{ action: restart-unit, params: { unit: "{{labels.unit}}" } }',
        '{ action: restart-unit, host: spare-box, params: { unit: "{{labels.unit}}" } }',
      ),
      (db) =>
        new HubActions({
          db,
          key: ephemeralSigningKey(),
          timing: { requestTtl: 120_000, resultWait: 8_000, pollTimeout: 1_000 },
          hostKnown: () => false,
          logger: createLogger({ component: "actions", write: () => {} }),
        }),
    );
    close = () => h.close();
    h.unit("failed");
    await h.settle();
    expect(h.service.store.list({ limit: 2 })).toMatchObject([
      { kind: "gave_up" },
      { kind: "run", agentId: "spare-box", status: "refused", detail: expect.stringContaining("refused by the hub: HOST_NOT_FOUND") },
    ]);
  });
});
