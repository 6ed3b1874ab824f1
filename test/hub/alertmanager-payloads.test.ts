import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { alertmanagerFingerprint } from "../../hub/alertmanager/fingerprint.ts";
import { alertmanagerPayload, parseRfc3339 } from "../../hub/alertmanager/payload.ts";
import { severityOf, toAlerts } from "../../hub/alertmanager/to-alerts.ts";

const FIXTURES = join(import.meta.dirname, "../fixtures/alertmanager-slack");
const RECEIVED_AT = Date.UTC(2026, 10, 23, 12, 0, 0);

function fixture(name: string): unknown {
  return JSON.parse(readFileSync(join(FIXTURES, name), "utf8"));
}

function alertsOf(name: string) {
  const payload = alertmanagerPayload.parse(fixture(name));
  const converted = toAlerts(payload, RECEIVED_AT);
  if (!converted.ok) throw new Error(JSON.stringify(converted.issues));
  return converted.alerts;
}

describe("Alertmanager webhook payloads (real ones)", () => {
  it("computes Alertmanager's own fingerprint from the labels (FNV-1a, as prometheus/common does)", () => {
    const payload = fixture("alertmanager-webhook-v4-resolved-1-alert-fingerprint-truncatedAlerts-2022.json") as {
      alerts: Array<{ labels: Record<string, string>; fingerprint: string }>;
    };
    const [alert] = payload.alerts;
    expect(alert?.fingerprint).toBe("fbab788ec4c1018b");
    expect(alertmanagerFingerprint(alert?.labels ?? {})).toBe("fbab788ec4c1018b");
  });

  it("reads a resolved v4 alert from a 2022 Kubernetes Alertmanager", () => {
    expect(alertsOf("alertmanager-webhook-v4-resolved-1-alert-fingerprint-truncatedAlerts-2022.json")).toEqual([
      expect.objectContaining({
        fingerprint: "fbab788ec4c1018b",
        rule: "Deployment",
        status: "resolved",
        severity: "warning",
        hostId: null,
        value: null,
        threshold: null,
        startsAt: Date.parse("2022-07-29T11:13:27.300Z"),
        endsAt: Date.parse("2022-07-29T11:17:27.300Z"),
        annotations: {
          description: "Deployment Replicas mismatch, desired value does not match..",
          summary: "Kubernetes Deployment Replicas Mismatch",
        },
        source: "alertmanager",
        generatorUrl: expect.stringMatching(/^\/metrics\/viewer\/graph\?g0\.expr=kube_deployment_spec_replicas/),
      }),
    ]);
  });

  it("reads a 2019 firing alert without fingerprint, with nanosecond time and Go's zero endsAt", () => {
    const [alert] = alertsOf("alertmanager-webhook-v4-firing-1-alert-no-fingerprint-2019.json");
    expect(alert).toEqual({
      fingerprint: alertmanagerFingerprint({ alertname: "FooAlert", node: "x.y.z" }),
      rule: "FooAlert",
      status: "firing",
      severity: "warning",
      hostId: null,
      labels: { alertname: "FooAlert", node: "x.y.z" },
      value: null,
      threshold: null,
      startsAt: Date.parse("2019-04-05T17:43:18.465Z"),
      endsAt: null,
      annotations: { runbook: "http://x.y.z", summary: "foo has happened" },
      source: "alertmanager",
    });
  });

  it("reads a 2016 payload without version and with empty fingerprints as two distinct alerts", () => {
    const alerts = alertsOf("alertmanager-webhook-noversion-firing-2-alerts-empty-fingerprint-2016.json");
    expect(alerts.map((a) => [a.labels.instance, a.status, a.startsAt])).toEqual([
      ["localhost:1234", "firing", Date.parse("2016-04-07T16:08:52Z")],
      ["localhost:5678", "firing", Date.parse("2016-04-07T16:08:52Z")],
    ]);
    expect(alerts[0]?.fingerprint).toMatch(/^[0-9a-f]{16}$/);
    expect(alerts[0]?.fingerprint).not.toBe(alerts[1]?.fingerprint);
  });

  it("gives alerts without a status the payload's, and maps the severity label", () => {
    const [alert] = alertsOf("alertmanager-webhook-v4-firing-1-alert-msteams-trimmed.json");
    expect(alert).toMatchObject({
      status: "firing",
      severity: "warning",
      rule: "high_memory_load",
      startsAt: Date.parse("2018-03-07T11:33:21.873Z"),
    });
    expect(alert?.generatorUrl).toBeUndefined();
    expect(["critical", "Error", "PAGE", "info", "none", "Warning", "weird", undefined].map(severityOf)).toEqual([
      "critical",
      "critical",
      "critical",
      "info",
      "info",
      "warning",
      "warning",
      "warning",
    ]);
  });

  it("refuses another payload version and bad times, naming the field", () => {
    const payload = fixture("alertmanager-webhook-v4-firing-1-alert-no-fingerprint-2019.json") as Record<string, unknown>;
    const v3 = alertmanagerPayload.safeParse({ ...payload, version: "3" });
    expect(v3.success).toBe(false);
    expect(v3.error?.issues[0]).toMatchObject({
      path: ["version"],
      message: 'expected "4" (the Alertmanager webhook payload version this hub reads)',
    });
    expect(parseRfc3339("yesterday")).toBeUndefined();
    expect(parseRfc3339("0001-01-01T00:00:00Z")).toBeNull();
    expect(parseRfc3339("2024-05-01T12:00:00.123456789+02:00")).toBe(Date.parse("2024-05-01T10:00:00.123Z"));
  });

  it("refuses a label name Vigil cannot carry, naming the alert and the label", () => {
    const payload = alertmanagerPayload.parse({
      status: "firing",
      receiver: "x",
      alerts: [{ labels: { "bad-name": "1" }, startsAt: "2024-05-01T12:00:00Z" }],
    });
    const converted = toAlerts(payload, RECEIVED_AT);
    expect(converted).toEqual({
      ok: false,
      issues: [{ path: "alerts[0].labels.bad-name", message: 'Invalid key in record, got the string "bad-name"' }],
    });
  });
});
