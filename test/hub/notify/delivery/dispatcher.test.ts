import { describe, expect, it } from "vitest";
import { NotifyService } from "../../../../hub/notify/notify-service.ts";
import { createLogger } from "../../../../shared/log/logger.ts";
import { useTempDirs } from "../../../support/temp-dir.ts";
import { waitFor } from "../../../support/processes.ts";
import { gpuAlert } from "../support/alerts.ts";
import { hubConfigFile } from "../support/config.ts";
import { openOutboxDb } from "../support/outbox-db.ts";
import { useReceivers } from "../support/receiver.ts";

const tempDir = useTempDirs();
const startReceiver = useReceivers();

/** A notify service over a fresh (or given) database, one Slack channel at `url`, fast retries. */
function service(dir: string, url: string, retry: Record<string, unknown> = {}) {
  const { config, file } = hubConfigFile(dir, {
    notify: {
      channels: { ops: { type: "slack", url } },
      groupWait: "0ms",
      timeout: "1s",
      retry: { maxAttempts: 20, initialBackoff: "20ms", maxBackoff: "100ms", ...retry },
    },
  });
  const lines: string[] = [];
  const logger = createLogger({ component: "notify", level: "info", write: (l) => lines.push(l) });
  const db = openOutboxDb(dir);
  const notify = new NotifyService({ db, config, configSource: file, logger });
  return { notify, db, lines };
}

const alertNo = (i: number) => gpuAlert({ fingerprint: `fp-${i}`, hostId: `gpu-box-${i}` });
const deliveredHosts = (rx: { accepted: Array<{ body: string }> }) =>
  rx.accepted.flatMap((r) =>
    (JSON.parse(r.body).blocks as Array<{ type: string; fields?: Array<{ text: string }> }>)
      .filter((b) => b.type === "section")
      .map((b) => /\|(gpu-box-\d+)>/.exec(b.fields?.[1]?.text ?? "")?.[1]),
  );

describe("the dispatcher", () => {
  it("delivers every alert exactly once through 500s, a 429 with Retry-After and timeouts, then recovery", async () => {
    const rx = await startReceiver();
    rx.faults.push(
      { status: 500 },
      { status: 503 },
      { hang: true },
      { status: 429, headers: { "retry-after": "1" }, body: "rate_limited" },
      { hang: true },
      { status: 502 },
    );
    const { notify, lines } = service(tempDir(), `${rx.url}/services/T/B/X`);
    notify.start();
    // Ten alert transitions submitted apart: ten messages, delivered one at a time to the channel.
    for (let i = 0; i < 10; i++) notify.notifier.submit([alertNo(i)], "rules");
    await waitFor("all ten messages delivered", () => (notify.outbox.counts().delivered === 10 ? true : undefined), 20_000, 50);
    await notify.stop();

    expect(deliveredHosts(rx).sort()).toEqual(Array.from({ length: 10 }, (_, i) => `gpu-box-${i}`).sort());
    expect(rx.state.requests).toBe(16);
    expect(notify.queueDepth()).toBe(0);
    expect(notify.outbox.counts()).toEqual({ pending: 0, delivered: 10, dead: 0 });
    // One log line per change of reason (here every fault differs from the one before), and one when it recovered.
    const warned = lines.filter((l) => l.includes("notification delivery failed")).map((l) => JSON.parse(l).reason);
    expect(warned).toEqual([
      "Slack answered 500: fault 500",
      "Slack answered 503: fault 503",
      `cannot reach Slack at ${rx.url}: timed out`,
      "Slack answered 429: rate_limited",
      `cannot reach Slack at ${rx.url}: timed out`,
      "Slack answered 502: fault 502",
    ]);
    expect(lines.filter((l) => l.includes("notification delivery recovered"))).toHaveLength(1);
  });

  it("waits at least what Retry-After asks before trying again", async () => {
    const rx = await startReceiver();
    rx.faults.push({ status: 429, headers: { "retry-after": "1" }, body: "rate_limited" });
    const { notify } = service(tempDir(), rx.url);
    notify.start();
    const submitted = performance.now();
    notify.notifier.submit([alertNo(1)], "rules");
    await waitFor("the retried message", () => rx.accepted[0], 10_000, 20);
    await notify.stop();
    expect((rx.accepted[0]?.at ?? 0) - submitted).toBeGreaterThanOrEqual(990);
  });

  it("dead-letters after maxAttempts, and at once on a permanent failure, keeping the reason", async () => {
    const rx = await startReceiver({ status: 503, body: "maintenance" });
    const { notify, lines } = service(tempDir(), rx.url, { maxAttempts: 3 });
    notify.start();
    notify.notifier.submit([alertNo(1)], "rules");
    await waitFor("a dead letter", () => notify.outbox.list("dead", 5)[0], 10_000, 20);
    const [dead] = notify.outbox.list("dead", 5);
    expect(dead).toMatchObject({ attempts: 3, lastError: `gave up after 3 attempts: Slack answered 503: maintenance`, alertCount: 1 });
    expect(rx.state.requests).toBe(3);
    expect(lines.filter((l) => l.includes("dead-lettered"))).toHaveLength(1);
    // Two failures with the same reason before it died: one warning.
    expect(lines.filter((l) => l.includes("notification delivery failed"))).toHaveLength(1);

    const gone = await startReceiver({ status: 404, body: "no_service" });
    const other = service(tempDir(), gone.url);
    other.notify.start();
    other.notify.notifier.submit([alertNo(2)], "rules");
    await waitFor("a dead letter", () => other.notify.outbox.list("dead", 5)[0], 10_000, 20);
    expect(other.notify.outbox.list("dead", 5)[0]).toMatchObject({ attempts: 1, lastError: "Slack answered 404: no_service" });
    await Promise.all([notify.stop(), other.notify.stop()]);
  });

  it("picks up after a restart what the previous run left pending, without counting an attempt cut short by the stop", async () => {
    const dir = tempDir();
    const rx = await startReceiver();
    rx.faults.push({ hang: true });
    const first = service(dir, rx.url);
    first.notify.start();
    first.notify.notifier.submit([alertNo(1), alertNo(2)], "rules");
    await waitFor("the attempt to be under way", () => (rx.state.requests === 1 ? true : undefined), 5000, 10);
    await first.notify.stop();
    expect(first.notify.outbox.list("pending", 5)).toMatchObject([{ attempts: 0, alertCount: 2 }]);
    first.db.close();

    const second = service(dir, rx.url);
    second.notify.start();
    await waitFor("delivery after the restart", () => (second.notify.outbox.counts().delivered === 1 ? true : undefined), 10_000, 20);
    await second.notify.stop();
    expect(deliveredHosts(rx).sort()).toEqual(["gpu-box-1", "gpu-box-2"]);
    second.db.close();
  });

  it("serves channels independently: one hanging receiver does not hold up another", async () => {
    const slow = await startReceiver();
    const fast = await startReceiver();
    slow.faults.push({ hang: true });
    const dir = tempDir();
    const { config, file } = hubConfigFile(dir, {
      notify: {
        channels: { slow: { type: "slack", url: slow.url }, fast: { type: "webhook", url: fast.url } },
        groupWait: "0ms",
        timeout: "5s",
      },
    });
    const notify = new NotifyService({
      db: openOutboxDb(dir),
      config,
      configSource: file,
      logger: createLogger({ component: "t", write: () => {} }),
    });
    notify.start();
    const t = performance.now();
    notify.notifier.submit([alertNo(1)], "rules");
    await waitFor("the fast channel's message", () => fast.accepted[0], 4000, 10);
    expect(performance.now() - t).toBeLessThan(2000);
    await notify.stop();
  });
});
