import { afterEach, describe, expect, it } from "vitest";
import { notificationsOverview, testNotificationResult } from "../../../hub/notify/api/schema.ts";
import { useTempDirs } from "../../support/temp-dir.ts";
import { gpuAlert } from "./support/alerts.ts";
import { hubApp } from "./support/hub-app.ts";
import { useReceivers } from "./support/receiver.ts";

const tempDir = useTempDirs();
const startReceiver = useReceivers();
const opened: Array<{ close(): void; notify: { stop(): Promise<void> } }> = [];
afterEach(async () => {
  for (const h of opened.splice(0)) {
    await h.notify.stop();
    h.close();
  }
});

function start(channels: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  const hub = hubApp(tempDir(), {
    notify: { channels, groupWait: "0ms", retry: { initialBackoff: "10ms", maxBackoff: "20ms", maxAttempts: 2 } },
    ...extra,
  });
  opened.push(hub);
  return hub;
}

describe("GET /api/v1/notifications", () => {
  it("shows the queue, pending messages, dead letters and deliveries, in the shape the CLI validates", async () => {
    const ok = await startReceiver();
    const down = await startReceiver({ status: 503, body: "down" });
    const hub = start({ ops: { type: "slack", url: ok.url }, audit: { type: "webhook", url: down.url } });
    hub.notify.notifier.submit([gpuAlert()], "rules");
    const before = notificationsOverview.parse(await (await hub.request("/api/v1/notifications")).json());
    expect(before.queueDepth).toBe(2);
    expect(before.pending.map((p) => p.channel).sort()).toEqual(["audit", "ops"]);
    expect(before.pending[0]?.alerts).toEqual([
      {
        fingerprint: "9f2c4e1a7b3d5e60",
        rule: "GpuTemperatureHigh",
        status: "firing",
        severity: "critical",
        hostId: "gpu-box-1",
        source: "rules",
      },
    ]);
    expect(before.channels).toEqual([
      { name: "ops", type: "slack", sendResolved: true },
      { name: "audit", type: "webhook", sendResolved: true },
    ]);

    hub.notify.start();
    const deadline = Date.now() + 10_000;
    let after = before;
    while (Date.now() < deadline && (after.deadLetters.length === 0 || after.recent.length === 0)) {
      await new Promise((r) => setTimeout(r, 20));
      after = notificationsOverview.parse(await (await hub.request("/api/v1/notifications")).json());
    }
    expect(after.queueDepth).toBe(0);
    expect(after.counts).toEqual({ pending: 0, delivered: 1, dead: 1 });
    expect(after.recent[0]).toMatchObject({ channel: "ops", state: "delivered", attempts: 1, nextAttemptAt: null, lastError: null });
    expect(after.deadLetters[0]).toMatchObject({
      channel: "audit",
      state: "dead",
      attempts: 2,
      lastError: `gave up after 2 attempts: webhook ${down.url} answered 503: down`,
    });
  });

  it("refuses a bad limit naming it", async () => {
    const hub = start({});
    const res = await hub.request("/api/v1/notifications?limit=0");
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: "BAD_QUERY", field: "limit" } });
  });
});

describe("POST /api/v1/notifications/test", () => {
  it("sends a test message straight to the channel and says how it went", async () => {
    const rx = await startReceiver();
    const hub = start({ ops: { type: "slack", url: rx.url } });
    const res = await hub.postJson("/api/v1/notifications/test", { channel: "ops" });
    expect(res.status).toBe(200);
    expect(testNotificationResult.parse(await res.json())).toMatchObject({ channel: "ops", type: "slack", delivered: true, attempts: 1 });
    expect(JSON.parse(rx.accepted[0]?.body ?? "{}").text).toBe("TEST: FIRING: VigilTestNotification");
    expect(hub.notify.outbox.counts()).toEqual({ pending: 0, delivered: 0, dead: 0 });
  });

  it("retries within the window, then answers 502 with the receiver's reason", async () => {
    const rx = await startReceiver({ status: 500, body: "boom" });
    const hub = start({ ops: { type: "slack", url: rx.url } });
    const res = await hub.postJson("/api/v1/notifications/test", { channel: "ops", timeoutMs: 1000 });
    expect(res.status).toBe(502);
    expect(await res.json()).toMatchObject({
      error: {
        code: "NOTIFY_TEST_FAILED",
        field: "channel",
        message: expect.stringMatching(/^channel "ops" \(slack\): Slack answered 500: boom \(after 2 attempts\)$/),
      },
    });
  });

  it("names the configured channels when asked for an unknown one", async () => {
    const hub = start({ ops: { type: "slack", url: "http://127.0.0.1:9/x" } });
    const res = await hub.postJson("/api/v1/notifications/test", { channel: "opz" });
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({
      error: { code: "CHANNEL_NOT_FOUND", message: 'no channel named "opz" in notify.channels (there are: ops)' },
    });
  });

  it("is an admin call: refused from another machine without admin tokens, and without the token when there are some", async () => {
    const hub = start({ ops: { type: "slack", url: "http://127.0.0.1:9/x" } });
    expect((await hub.postJson("/api/v1/notifications/test", { channel: "ops" }, {}, "192.168.1.20")).status).toBe(403);
    const guarded = start({ ops: { type: "slack", url: "http://127.0.0.1:9/x" } }, { auth: { adminTokens: ["adm-1f2e"] } });
    expect((await guarded.postJson("/api/v1/notifications/test", { channel: "ops" })).status).toBe(401);
  });
});
