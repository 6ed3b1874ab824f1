import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { Secret } from "../../../../shared/config/secret.ts";
import { verifySignature } from "../../../../hub/notify/webhook/signature.ts";
import { WebhookChannel } from "../../../../hub/notify/webhook/webhook-channel.ts";
import { HTTP_STATUS_DECISIONS } from "../../../support/http-status-table.ts";
import { gpuAlert, notificationOf, T0 } from "../support/alerts.ts";
import { useReceivers } from "../support/receiver.ts";

const startReceiver = useReceivers();
const NOW = T0 + 5000;

function webhookAt(url: string, extra: { signingSecret?: string; headers?: Record<string, string> } = {}) {
  const config = {
    type: "webhook" as const,
    url: new Secret(url, "inline"),
    sendResolved: true,
    headers: Object.fromEntries(Object.entries(extra.headers ?? {}).map(([k, v]) => [k, new Secret(v, "inline")])),
    ...(extra.signingSecret ? { signingSecret: new Secret(extra.signingSecret, "inline") } : {}),
  };
  return new WebhookChannel({ name: "audit", config, url: new URL(url), render: { hubUrl: "https://vigil.example.org" }, now: () => NOW });
}

const opts = { signal: AbortSignal.timeout(5000), timeoutMs: 5000 };

describe("the webhook channel", () => {
  it("posts the documented JSON body, signed with HMAC-SHA256 over timestamp and body, with the configured headers", async () => {
    const rx = await startReceiver({ status: 204, body: "" });
    const channel = webhookAt(`${rx.url}/hooks/vigil`, {
      signingSecret: "s3cret-key",
      headers: { Authorization: "Bearer abc", "X-Team": "gpu" },
    });
    const alerts = [gpuAlert(), gpuAlert({ fingerprint: "b", status: "resolved", endsAt: T0 + 60_000, value: 80 })];
    expect(await channel.send(notificationOf(alerts), opts)).toEqual({ kind: "success" });

    const req = rx.accepted[0];
    if (!req) throw new Error("nothing received");
    expect(req.headers.authorization).toBe("Bearer abc");
    expect(req.headers["x-team"]).toBe("gpu");
    expect(req.headers["x-vigil-delivery"]).toBe("vigil-41");
    expect(req.headers["x-vigil-timestamp"]).toBe(String(NOW / 1000));
    // The receiver's check, written out as docs/notifications.md shows it.
    const expected = `sha256=${createHmac("sha256", "s3cret-key").update(`${req.headers["x-vigil-timestamp"]}.${req.body}`).digest("hex")}`;
    expect(req.headers["x-vigil-signature-256"]).toBe(expected);
    expect(verifySignature("s3cret-key", NOW / 1000, req.body, expected)).toBe(true);
    expect(verifySignature("other-key", NOW / 1000, req.body, expected)).toBe(false);
    expect(verifySignature("s3cret-key", NOW / 1000, req.body.replace("92.5", "12.5"), expected)).toBe(false);

    expect(JSON.parse(req.body)).toEqual({
      version: "1",
      deliveryId: "vigil-41",
      channel: "ops",
      route: "gpu",
      groupKey: "gpu",
      status: "firing",
      title: "FIRING 1, RESOLVED 1: GpuTemperatureHigh on gpu-box-1 and 1 more",
      test: false,
      hubUrl: "https://vigil.example.org",
      alertsUrl: "https://vigil.example.org/api/v1/alerts",
      alerts: [
        {
          fingerprint: "9f2c4e1a7b3d5e60",
          rule: "GpuTemperatureHigh",
          status: "firing",
          severity: "critical",
          source: "rules",
          hostId: "gpu-box-1",
          labels: { gpu: "0", model: "NVIDIA GeForce RTX 4090" },
          annotations: { summary: "GPU 0 on gpu-box-1 is at 92.5 °C" },
          value: 92.5,
          threshold: 90,
          startsAt: "2026-11-23T14:03:11.000Z",
          endsAt: null,
          generatorUrl: null,
        },
        expect.objectContaining({ fingerprint: "b", status: "resolved", value: 80, endsAt: "2026-11-23T14:04:11.000Z" }),
      ],
    });
  });

  it("sends no signature headers without a signing secret", async () => {
    const rx = await startReceiver();
    await webhookAt(rx.url).send(notificationOf([gpuAlert()]), opts);
    expect(rx.accepted[0]?.headers["x-vigil-signature-256"]).toBeUndefined();
    expect(rx.accepted[0]?.headers["x-vigil-timestamp"]).toBeUndefined();
  });

  it.each(HTTP_STATUS_DECISIONS)("classifies HTTP %i as the shared table says (%s)", async (status, decision) => {
    const rx = await startReceiver({ status, body: status < 300 ? "" : '{"error":"nope"}' });
    const result = await webhookAt(rx.url).send(notificationOf([gpuAlert()]), opts);
    expect(result.kind).toBe(decision === "auth" ? "failure" : decision);
    if (result.kind !== "success")
      expect(result.reason).toBe(
        `webhook ${rx.url} answered ${status}: {"error":"nope"}${decision === "auth" ? " (credentials refused)" : ""}`,
      );
  });

  it("honours Retry-After given as an HTTP date", async () => {
    const rx = await startReceiver();
    rx.faults.push({ status: 503, headers: { "retry-after": new Date(NOW + 120_000).toUTCString() } });
    const result = await webhookAt(rx.url).send(notificationOf([gpuAlert()]), opts);
    expect(result).toMatchObject({ kind: "retryable", retryAfterMs: 120_000 });
  });
});
