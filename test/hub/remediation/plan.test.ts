import { describe, expect, it } from "vitest";
import { describePlan, planRemediation, targetKey } from "../../../hub/remediation/plan.ts";
import type { StoredAlert } from "../../../hub/rules/alert-store.ts";

const T = 1_790_000_000_000;

function alert(o: Partial<StoredAlert> = {}): StoredAlert {
  return {
    fingerprint: "9f2c4e1a7b3d5e60",
    rule: "unit-failed",
    hostId: "gpu-box",
    labels: { unit: "ollama-gpu.service" },
    state: { phase: "firing", severity: "critical", metSince: { critical: T }, firingSince: T, lastNotifiedAt: T, resolvedAt: null },
    value: null,
    threshold: null,
    observedState: "failed",
    observedAt: T,
    evaluatedAt: T,
    annotations: { summary: "unit-failed on gpu-box: failed" },
    mutedBy: null,
    ...o,
  };
}

describe("planRemediation", () => {
  it("fills the parameters from the alert's labels and runs on the alert's host by default", () => {
    const r = planRemediation({ action: "restart-unit", params: { unit: "{{labels.unit}}" } }, alert());
    expect(r).toEqual({
      ok: true,
      plan: {
        agentId: "gpu-box",
        action: "restart-unit",
        params: { unit: "ollama-gpu.service" },
        reason: "automatic remediation by rule unit-failed: unit-failed on gpu-box: failed",
        targetKey: '["gpu-box","restart-unit",[["unit","ollama-gpu.service"]]]',
      },
    });
  });

  it("runs on another host, with literal and numeric parameters and its own reason", () => {
    const r = planRemediation(
      {
        action: "fallback-timer",
        host: "fallback-box",
        params: { verb: "start", seconds: 300, force: false },
        reason: "predictions on {{host}} are {{state}} since {{since}}",
      },
      alert({ rule: "predictions-stale", labels: { probe: "predictions" }, observedState: "stale" }),
    );
    expect(r.ok && r.plan).toEqual({
      agentId: "fallback-box",
      action: "fallback-timer",
      params: { verb: "start", seconds: 300, force: false },
      reason: "predictions on gpu-box are stale since 2026-09-21T14:13:20Z",
      targetKey: '["fallback-box","fallback-timer",[["force",false],["seconds",300],["verb","start"]]]',
    });
  });

  it("refuses to send a placeholder the alert cannot fill, instead of N/A as a unit name", () => {
    expect(planRemediation({ action: "restart-container", params: { container: "{{labels.container}}" } }, alert())).toEqual({
      ok: false,
      error: "remediation.params.container needs the label container, which the alert does not have",
    });
    expect(planRemediation({ action: "x", params: { n: "{{value}}" } }, alert())).toEqual({
      ok: false,
      error: "remediation.params.n needs {{value}}, which the alert does not have",
    });
    expect(planRemediation({ action: "x", host: "{{labels.unit}}", params: {} }, alert({ labels: { unit: "a b" } }))).toEqual({
      ok: false,
      error: 'host rendered as "a b", which is not an agent id',
    });
  });

  it("keys targets by host, action and parameters in name order", () => {
    expect(targetKey("a", "x", { b: "2", a: "1" })).toBe(targetKey("a", "x", { a: "1", b: "2" }));
    expect(targetKey("a", "x", { a: "1" })).not.toBe(targetKey("b", "x", { a: "1" }));
    expect(describePlan({ agentId: "gpu-box", action: "restart-unit", params: { unit: "ollama-gpu.service" } })).toBe(
      "restart-unit unit=ollama-gpu.service on gpu-box",
    );
  });
});
