import { describe, expect, it } from "vitest";
import { Secret } from "../../../../shared/config/secret.ts";
import { freePort } from "../../../../shared/net/free-port.ts";
import { SlackChannel } from "../../../../hub/notify/slack/slack-channel.ts";
import { HTTP_STATUS_DECISIONS } from "../../../support/http-status-table.ts";
import { useReceivers } from "../support/receiver.ts";
import { gpuAlert, notificationOf } from "../support/alerts.ts";

const startReceiver = useReceivers();

function slackAt(url: string) {
  const config = { type: "slack" as const, url: new Secret(url, "inline"), maxAlerts: 10, sendResolved: true };
  return new SlackChannel({ name: "ops", config, url: new URL(url), render: { hubUrl: "http://127.0.0.1:9470" } });
}

const opts = (timeoutMs = 5000) => ({ signal: AbortSignal.timeout(timeoutMs), timeoutMs });

describe("the Slack channel", () => {
  it("posts one Block Kit JSON message that the receiver can read", async () => {
    const rx = await startReceiver();
    const result = await slackAt(`${rx.url}/services/T000/B000/XXXX`).send(notificationOf([gpuAlert()]), opts());
    expect(result).toEqual({ kind: "success" });
    expect(rx.accepted).toHaveLength(1);
    const req = rx.accepted[0];
    expect(req?.path).toBe("/services/T000/B000/XXXX");
    expect(req?.headers["content-type"]).toBe("application/json; charset=utf-8");
    const body = JSON.parse(req?.body ?? "");
    expect(Object.keys(body).sort()).toEqual(["blocks", "text"]);
    expect(body.text).toBe("FIRING: GpuTemperatureHigh on gpu-box-1");
    expect(body.blocks.map((b: { type: string }) => b.type)).toEqual(["header", "section", "context", "actions"]);
  });

  it.each(HTTP_STATUS_DECISIONS)("classifies HTTP %i as the shared table says (%s)", async (status, decision) => {
    const rx = await startReceiver({ status, body: status < 300 ? "ok" : "invalid_payload" });
    const result = await slackAt(rx.url).send(notificationOf([gpuAlert()]), opts());
    // An auth refusal is not worth retrying for a notification: a dead letter shows it at once.
    expect(result.kind).toBe(decision === "auth" ? "failure" : decision);
    if (result.kind !== "success") expect(result.reason).toContain(`Slack answered ${status}`);
  });

  it("reads an error in a 200 answer as Slack means it: rate_limited retryable, other codes final", async () => {
    for (const [body, kind] of [
      ["invalid_blocks", "failure"],
      ["channel_is_archived", "failure"],
      ["rate_limited", "retryable"],
      ['{"ok":false,"error":"no_text"}', "failure"],
      ['{"ok":true}', "success"],
      ["", "success"],
    ] as const) {
      const rx = await startReceiver({ status: 200, body });
      const result = await slackAt(rx.url).send(notificationOf([gpuAlert()]), opts());
      expect({ body, kind: result.kind }).toEqual({ body, kind });
    }
  });

  it("passes on Retry-After from a 429", async () => {
    const rx = await startReceiver();
    rx.faults.push({ status: 429, headers: { "retry-after": "7" }, body: "rate_limited" });
    const result = await slackAt(rx.url).send(notificationOf([gpuAlert()]), opts());
    expect(result).toMatchObject({ kind: "retryable", retryAfterMs: 7000, reason: "Slack answered 429: rate_limited" });
  });

  it("makes an unreachable or silent receiver retryable, naming only the URL's origin (its path is the secret)", async () => {
    const port = await freePort();
    const refused = await slackAt(`http://127.0.0.1:${port}/services/T000/B000/SECRETPART`).send(notificationOf([gpuAlert()]), opts());
    expect(refused.kind).toBe("retryable");
    expect(refused.kind !== "success" && refused.reason).toBe(`cannot reach Slack at http://127.0.0.1:${port}: ECONNREFUSED`);

    const rx = await startReceiver();
    rx.faults.push({ hang: true });
    const started = performance.now();
    const silent = await slackAt(`${rx.url}/services/SECRETPART`).send(notificationOf([gpuAlert()]), opts(300));
    expect(silent.kind).toBe("retryable");
    expect(silent.kind !== "success" && silent.reason).toBe(`cannot reach Slack at ${rx.url}: timed out`);
    expect(performance.now() - started).toBeLessThan(5000);
  });
});
