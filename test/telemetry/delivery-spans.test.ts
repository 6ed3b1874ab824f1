import { describe, expect, it } from "vitest";
import { NotifyService } from "../../hub/notify/notify-service.ts";
import { createLogger } from "../../shared/log/logger.ts";
import { waitFor } from "../support/processes.ts";
import { useTempDirs } from "../support/temp-dir.ts";
import { gpuAlert } from "../hub/notify/support/alerts.ts";
import { hubConfigFile } from "../hub/notify/support/config.ts";
import { openOutboxDb } from "../hub/notify/support/outbox-db.ts";
import { useReceivers } from "../hub/notify/support/receiver.ts";
import { useInProcessTracing } from "./support/in-process-tracing.ts";

const tracing = useInProcessTracing();
const tempDir = useTempDirs();
const startReceiver = useReceivers();

describe("notification delivery spans", () => {
  it("one span per attempt with the channel, the attempt number, the receiver's status and the outcome", async () => {
    const t = tracing();
    const rx = await startReceiver();
    rx.faults.push({ status: 503, body: "upstream down" });
    const dir = tempDir();
    const { config, file } = hubConfigFile(dir, {
      notify: {
        channels: { ops: { type: "slack", url: `${rx.url}/services/T/B/X` } },
        groupWait: "0ms",
        timeout: "1s",
        retry: { maxAttempts: 5, initialBackoff: "20ms", maxBackoff: "50ms" },
      },
    });
    const logger = createLogger({ component: "notify", write: () => {} });
    const notify = new NotifyService({ db: openOutboxDb(dir), config, configSource: file, logger });
    notify.start();
    notify.notifier.submit([gpuAlert({ fingerprint: "fp-1", hostId: "gpu-box" })], "rules");
    await waitFor("the message delivered", () => (notify.outbox.counts().delivered === 1 ? true : undefined), 10_000, 20);
    await notify.stop();

    const spans = t.exporter.spans;
    await t.finish();
    const attempts = spans.filter((s) => s.name === "deliver notification");
    expect(attempts.map((s) => s.attributes)).toEqual([
      expect.objectContaining({
        "vigil.notify.channel": "ops",
        "vigil.notify.attempt": 1,
        "vigil.notify.alerts": 1,
        "vigil.notify.outcome": "retry",
        "http.response.status_code": 503,
        "error.type": "retryable",
      }),
      expect.objectContaining({
        "vigil.notify.channel": "ops",
        "vigil.notify.attempt": 2,
        "vigil.notify.outcome": "delivered",
        "http.response.status_code": 200,
      }),
    ]);
    expect(attempts[0]?.status).toMatchObject({ code: 2, message: expect.stringContaining("503") });
    expect(attempts[1]?.status.code).toBe(0);
    expect(attempts[0]?.attributes["vigil.notify.outbox_id"]).toBe(attempts[1]?.attributes["vigil.notify.outbox_id"]);
    // Each attempt is a trace of its own.
    expect(attempts.every((s) => s.parentSpanContext === undefined)).toBe(true);
  });
});
