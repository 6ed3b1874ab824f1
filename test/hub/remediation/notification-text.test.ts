import { describe, expect, it } from "vitest";
import { buildEmailMessage } from "../../../hub/notify/email/email-message.ts";
import type { Notification } from "../../../hub/notify/notification.ts";
import { buildSlackMessage } from "../../../hub/notify/slack/slack-message.ts";
import { escalationEvent } from "../../../hub/remediation/escalation.ts";

const T = 1_790_000_000_000;
const REMEDIATION = "restart-unit unit=ollama-gpu.service on gpu-box: succeeded (exit 0, 0.42 s) (run 1 of 3 per 1h)";

function notification(annotations: Record<string, string>): Notification {
  return {
    id: 7,
    channel: "ops",
    route: null,
    groupKey: "",
    test: false,
    createdAt: T,
    alerts: [
      {
        fingerprint: "9f2c4e1a7b3d5e60",
        rule: "unit-failed",
        status: "resolved",
        severity: "critical",
        hostId: "gpu-box",
        labels: { unit: "ollama-gpu.service" },
        value: null,
        threshold: null,
        startsAt: T,
        endsAt: T + 2_000,
        annotations,
        source: "rules",
      },
    ],
  };
}

describe("what the channels say about remediation", () => {
  it("shows the remediation line in Slack and in both parts of an email", () => {
    const n = notification({ summary: "ollama-gpu.service failed on gpu-box", remediation: REMEDIATION });
    const slack = buildSlackMessage(n, { hubUrl: undefined }, 10);
    expect(JSON.stringify(slack.blocks[1])).toContain(`\\n*Remediation:* ${REMEDIATION}`);
    const email = buildEmailMessage(n, { hubUrl: undefined }, "[vigil]");
    expect(email.text).toContain(`  ollama-gpu.service failed on gpu-box\n  remediation: ${REMEDIATION}\n  host: gpu-box`);
    expect(email.html).toContain(`padding-right: 12px">Remediation</td><td>${REMEDIATION}</td></tr>`);
  });

  it("says nothing of remediation for an alert without it", () => {
    const n = notification({ summary: "ollama-gpu.service failed on gpu-box" });
    expect(JSON.stringify(buildSlackMessage(n, { hubUrl: undefined }, 10))).not.toContain("Remediation");
    expect(buildEmailMessage(n, { hubUrl: undefined }, "").text).not.toContain("remediation");
  });

  it("makes the escalation a critical alert of its own, with a stable fingerprint per alert", () => {
    const alert = {
      fingerprint: "9f2c4e1a7b3d5e60",
      rule: "unit-failed",
      hostId: "gpu-box",
      labels: { unit: "x.service" },
      value: null,
      threshold: null,
    };
    const firing = escalationEvent(alert, { status: "firing", startsAt: T, endsAt: null, why: "it failed" });
    const resolved = escalationEvent(alert, { status: "resolved", startsAt: T, endsAt: T + 9_000, why: "it failed" });
    expect(firing.fingerprint).toMatch(/^[0-9a-f]{16}$/);
    expect(firing.fingerprint).not.toBe(alert.fingerprint);
    expect(resolved.fingerprint).toBe(firing.fingerprint);
    expect(resolved).toMatchObject({
      status: "resolved",
      severity: "critical",
      labels: { remediation: "gave-up", unit: "x.service" },
      endsAt: T + 9_000,
      annotations: {
        summary: "unit-failed on gpu-box resolved after remediation had given up (it failed)",
        remediation: "gave up: it failed",
      },
    });
  });
});
