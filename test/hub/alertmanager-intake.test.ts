import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { useTempDirs } from "../support/temp-dir.ts";
import { hubApp } from "./notify/support/hub-app.ts";

const tempDir = useTempDirs();
const FIXTURES = join(import.meta.dirname, "../fixtures/alertmanager-slack");
const read = (name: string) => readFileSync(join(FIXTURES, name), "utf8");
const V4_FIRING = "alertmanager-webhook-v4-firing-1-alert-no-fingerprint-2019.json";
const NO_VERSION = "alertmanager-webhook-noversion-firing-2-alerts-empty-fingerprint-2016.json";

const opened: Array<{ close(): void }> = [];
afterEach(() => {
  for (const h of opened.splice(0)) h.close();
});

function start(notify: Record<string, unknown> = {}) {
  const hub = hubApp(tempDir(), { notify: { channels: { ops: { type: "slack", url: "http://127.0.0.1:9/hook" } }, ...notify } });
  opened.push(hub);
  return hub;
}

describe("POST /api/v1/alertmanager", () => {
  it("takes a real v4 payload into the outbox and answers what became of it", async () => {
    const hub = start();
    const res = await hub.postJson("/api/v1/alertmanager", read(V4_FIRING));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ received: 1, enqueued: 1, messages: 1, duplicates: 0, muted: 0, resolvedSkipped: 0, unrouted: 0 });
    const [row] = hub.notify.outbox.list("pending", 5);
    expect(row).toMatchObject({ channel: "ops", alertCount: 1 });
    expect(row?.alerts[0]).toMatchObject({ rule: "FooAlert", source: "alertmanager", status: "firing" });
  });

  it("groups a payload's alerts into one message and does not send them again when Alertmanager repeats itself", async () => {
    const hub = start();
    expect(await (await hub.postJson("/api/v1/alertmanager", read(NO_VERSION))).json()).toMatchObject({
      received: 2,
      enqueued: 2,
      messages: 1,
    });
    expect(await (await hub.postJson("/api/v1/alertmanager", read(NO_VERSION))).json()).toMatchObject({
      received: 2,
      enqueued: 0,
      duplicates: 2,
    });
    expect(hub.notify.queueDepth()).toBe(1);
  });

  it("routes by source and labels like the hub's own alerts", async () => {
    const hub = hubApp(tempDir(), {
      notify: {
        channels: { ops: { type: "slack", url: "http://127.0.0.1:9/a" }, k8s: { type: "webhook", url: "http://127.0.0.1:9/b" } },
        routes: [{ match: { source: "alertmanager", labels: { job: "broken" } }, channels: ["k8s"] }, { channels: ["ops"] }],
      },
    });
    opened.push(hub);
    await hub.postJson("/api/v1/alertmanager", read(NO_VERSION));
    await hub.postJson("/api/v1/alertmanager", read(V4_FIRING));
    expect(
      hub.notify.outbox
        .list("pending", 5)
        .map((r) => [r.channel, r.alertCount])
        .sort(),
    ).toEqual([
      ["k8s", 2],
      ["ops", 1],
    ]);
  });

  it("answers 400 naming the field for a payload it cannot read, and stores nothing", async () => {
    const hub = start();
    const v3 = await hub.postJson("/api/v1/alertmanager", { ...JSON.parse(read(V4_FIRING)), version: "3" });
    expect(v3.status).toBe(400);
    expect(await v3.json()).toMatchObject({ error: { code: "ALERTMANAGER_SCHEMA", field: "version" } });
    const badTime = JSON.parse(read(V4_FIRING));
    badTime.alerts[0].startsAt = "last tuesday";
    expect(await (await hub.postJson("/api/v1/alertmanager", badTime)).json()).toMatchObject({
      error: { code: "ALERTMANAGER_SCHEMA", field: "alerts[0].startsAt", message: expect.stringContaining("expected an RFC 3339 time") },
    });
    const notJson = await hub.postJson("/api/v1/alertmanager", "{not json");
    expect(notJson.status).toBe(400);
    expect(await notJson.json()).toMatchObject({ error: { code: "ALERTMANAGER_BAD_JSON" } });
    expect(hub.notify.outbox.counts()).toEqual({ pending: 0, delivered: 0, dead: 0 });
  });

  it("refuses a body over maxBodyBytes with 413", async () => {
    const hub = start({ alertmanager: { maxBodyBytes: 1024 } });
    const big = JSON.parse(read(V4_FIRING));
    big.alerts[0].annotations.description = "x".repeat(2000);
    const res = await hub.postJson("/api/v1/alertmanager", big);
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ error: { code: "ALERTMANAGER_TOO_LARGE" } });
  });

  it("accepts only loopback peers without tokens, and only a configured bearer token with them", async () => {
    const open = start();
    const remote = await open.postJson("/api/v1/alertmanager", read(V4_FIRING), {}, "10.0.0.7");
    expect(remote.status).toBe(403);
    expect(await remote.json()).toMatchObject({ error: { code: "ALERTMANAGER_LOOPBACK_ONLY" } });
    const proxied = await open.postJson("/api/v1/alertmanager", read(V4_FIRING), { "x-forwarded-for": "10.0.0.7" });
    expect(proxied.status).toBe(403);

    const guarded = start({ alertmanager: { tokens: ["am-token-5c1e"] } });
    expect((await guarded.postJson("/api/v1/alertmanager", read(V4_FIRING))).status).toBe(401);
    expect((await guarded.postJson("/api/v1/alertmanager", read(V4_FIRING), { authorization: "Bearer wrong" })).status).toBe(401);
    expect(
      (await guarded.postJson("/api/v1/alertmanager", read(V4_FIRING), { authorization: "Bearer am-token-5c1e" }, "10.0.0.7")).status,
    ).toBe(200);
    expect(guarded.lines.join("")).not.toContain("am-token-5c1e");
  });
});
