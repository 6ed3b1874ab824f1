import { describe, expect, it } from "vitest";
import type { MuteReason, Muter } from "../../../hub/notify/alert-sink.ts";
import { Notifier } from "../../../hub/notify/notifier.ts";
import { OutboxStore } from "../../../hub/notify/outbox/outbox-store.ts";
import { type RouteSpec, Router } from "../../../hub/notify/routing/router.ts";
import { createLogger } from "../../../shared/log/logger.ts";
import type { Db } from "../../../shared/sqlite/open-database.ts";
import { useTempDirs } from "../../support/temp-dir.ts";
import { gpuAlert, T0 } from "./support/alerts.ts";
import { openOutboxDb } from "./support/outbox-db.ts";

const tempDir = useTempDirs();
const GROUP_WAIT = 50;

function setup(o: { db?: Db; dir?: string; routes?: RouteSpec[]; muter?: Muter; sendResolved?: Record<string, boolean> } = {}) {
  const dir = o.dir ?? tempDir();
  const db = o.db ?? openOutboxDb(dir);
  const clock = { now: T0 };
  const lines: string[] = [];
  const outbox = new OutboxStore(db);
  const channelNames = ["slack", "mail"];
  const channels = new Map(channelNames.map((n) => [n, { sendResolved: o.sendResolved?.[n] ?? true }]));
  let wakes = 0;
  const notifier = new Notifier({
    outbox,
    router: new Router(o.routes ?? [], channelNames),
    channels,
    groupWaitMs: GROUP_WAIT,
    muter: o.muter,
    logger: createLogger({ component: "test", level: "debug", write: (l) => lines.push(l) }),
    now: () => clock.now,
    onEnqueued: () => wakes++,
  });
  return { dir, db, clock, outbox, notifier, lines, wakes: () => wakes };
}

const fingerprints = (outbox: OutboxStore, channel: string) =>
  outbox
    .list("pending", 100)
    .filter((r) => r.channel === channel)
    .sort((a, b) => a.id - b.id)
    .map((r) => r.alerts.map((a) => `${a.fingerprint}:${a.status}`));

describe("the notifier (AlertSink)", () => {
  it("writes one message per channel for alerts submitted together, due at the end of the group window", () => {
    const s = setup();
    const out = s.notifier.submit([gpuAlert({ fingerprint: "a" }), gpuAlert({ fingerprint: "b", hostId: "gpu-box-2" })], "rules");
    expect(out).toEqual({ enqueued: 4, messages: 2, duplicates: 0, muted: 0, resolvedSkipped: 0, unrouted: 0 });
    expect(fingerprints(s.outbox, "slack")).toEqual([["a:firing", "b:firing"]]);
    expect(fingerprints(s.outbox, "mail")).toEqual([["a:firing", "b:firing"]]);
    const [row] = s.outbox.list("pending", 10);
    expect(row).toMatchObject({ state: "pending", attempts: 0, createdAt: T0, nextAttemptAt: T0 + GROUP_WAIT, alertCount: 2 });
    expect(row?.alerts[0]).toEqual({ ...gpuAlert({ fingerprint: "a" }), source: "rules" });
    expect(s.wakes()).toBe(1);
    expect(s.outbox.queueDepth()).toBe(2);
  });

  it("lets a later submit join a message while its window is open, and starts a new one after", () => {
    const s = setup();
    s.notifier.submit([gpuAlert({ fingerprint: "a" })], "rules");
    s.clock.now += GROUP_WAIT - 1;
    s.notifier.submit([gpuAlert({ fingerprint: "b" })], "rules");
    s.clock.now += 1;
    s.notifier.submit([gpuAlert({ fingerprint: "c" })], "rules");
    expect(fingerprints(s.outbox, "slack")).toEqual([["a:firing", "b:firing"], ["c:firing"]]);
  });

  it("keeps groupBy groups and routes apart", () => {
    const s = setup({ routes: [{ name: "by-host", match: { labels: {} }, channels: ["slack"], groupBy: ["host"], continue: false }] });
    s.notifier.submit(
      [
        gpuAlert({ fingerprint: "a", labels: { host: "x" } }),
        gpuAlert({ fingerprint: "b", labels: { host: "y" } }),
        gpuAlert({ fingerprint: "c", labels: { host: "x" } }),
      ],
      "rules",
    );
    expect(fingerprints(s.outbox, "slack")).toEqual([["a:firing", "c:firing"], ["b:firing"]]);
    expect(
      s.outbox
        .list("pending", 10)
        .map((r) => r.groupKey)
        .sort(),
    ).toEqual(['by-host{host="x"}', 'by-host{host="y"}']);
  });

  it("sends an Alertmanager alert's transition once, even when it is submitted again after a restart", () => {
    const s = setup();
    const am = gpuAlert({ source: "alertmanager" });
    s.notifier.submitAlerts([am]);
    expect(s.notifier.submitAlerts([am])).toMatchObject({ enqueued: 0, duplicates: 2 });
    s.db.close();

    const again = setup({ dir: s.dir, db: openOutboxDb(s.dir) });
    expect(again.notifier.submitAlerts([am])).toMatchObject({ enqueued: 0, duplicates: 2, messages: 0 });
    expect(again.wakes()).toBe(0);
    expect(again.notifier.submitAlerts([{ ...am, status: "resolved", endsAt: T0 + 1000 }])).toMatchObject({ enqueued: 2 });
    // A new episode of the same alert (a new startsAt) is a new transition.
    expect(again.notifier.submitAlerts([{ ...am, startsAt: T0 + 5000 }])).toMatchObject({ enqueued: 2 });
    again.db.close();
  });

  it("sends the rules engine's escalations and repeats, which carry the first firing's startsAt, but a transition twice in one call once", () => {
    const s = setup();
    s.notifier.submit([gpuAlert({ severity: "warning" })], "rules");
    expect(s.notifier.submit([gpuAlert({ severity: "critical" })], "rules")).toMatchObject({ enqueued: 2, duplicates: 0 });
    s.clock.now += 4 * 3_600_000;
    expect(s.notifier.submit([gpuAlert({ severity: "critical" })], "rules")).toMatchObject({ enqueued: 2, duplicates: 0 });
    expect(s.notifier.submit([gpuAlert(), gpuAlert()], "rules")).toMatchObject({ enqueued: 2, duplicates: 2 });
  });

  it("holds back muted alerts and their resolution, records why, and sends a firing submitted again once unmuted", () => {
    const reason: MuteReason = { id: "sil-1", kind: "maintenance", comment: "driver upgrade" };
    let active = true;
    const s = setup({ muter: { mutedBy: () => (active ? reason : undefined) } });
    expect(s.notifier.submit([gpuAlert()], "rules")).toMatchObject({ enqueued: 0, muted: 2 });
    expect(s.outbox.queueDepth()).toBe(0);
    expect(s.notifier.keys.recentMuted(10)).toEqual([
      { channel: "slack", alert: { ...gpuAlert(), source: "rules" }, mutedBy: reason, at: T0 },
      { channel: "mail", alert: { ...gpuAlert(), source: "rules" }, mutedBy: reason, at: T0 },
    ]);
    active = false;
    // Nobody was told it fired, so nobody is told it resolved.
    expect(s.notifier.submit([gpuAlert({ status: "resolved", endsAt: T0 + 1 })], "rules")).toMatchObject({ enqueued: 0, muted: 2 });
    expect(s.notifier.submit([gpuAlert()], "rules")).toMatchObject({ enqueued: 2, muted: 0, duplicates: 0 });
  });

  it("skips resolved alerts for a channel with sendResolved: false", () => {
    const s = setup({ sendResolved: { mail: false } });
    s.notifier.submit([gpuAlert()], "rules");
    expect(s.notifier.submit([gpuAlert({ status: "resolved", endsAt: T0 + 1 })], "rules")).toMatchObject({
      enqueued: 1,
      resolvedSkipped: 1,
    });
  });

  it("counts and logs an alert no route matches", () => {
    const s = setup({ routes: [{ match: { severity: ["info"], labels: {} }, channels: ["slack"], groupBy: [], continue: false }] });
    expect(s.notifier.submit([gpuAlert()], "rules")).toMatchObject({ enqueued: 0, unrouted: 1 });
    expect(s.lines.join("")).toContain('"msg":"alert matched no route; nobody is notified","rule":"GpuTemperatureHigh"');
  });
});
