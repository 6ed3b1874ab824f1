import { describe, expect, it } from "vitest";
import { emailKeys, slackKeys, SUMMARY_TEMPLATE, webhookKeys } from "../../../bench/soak/parse-deliveries.ts";
import { buildEmailMessage } from "../../../hub/notify/email/email-message.ts";
import type { NotifiedAlert, Notification } from "../../../hub/notify/notification.ts";
import { buildSlackMessage } from "../../../hub/notify/slack/slack-message.ts";
import { buildWebhookBody } from "../../../hub/notify/webhook/webhook-body.ts";

/** An alert as the hub's rule engine hands it to the notifier, its summary rendered from the soak's template. */
function alert(host: string, status: "firing" | "resolved", rule = "soak-gpu-hot"): NotifiedAlert {
  return {
    fingerprint: `fp-${host}`,
    rule,
    status,
    severity: "critical",
    hostId: host,
    labels: { gpu: "0", uuid: "GPU-00000000-5c1e-4f2a-9b1d-7e0a3c4d5e6f", name: "NVIDIA GeForce RTX 4090" },
    value: status === "firing" ? 95 : 63.5,
    threshold: 90,
    startsAt: Date.UTC(2026, 10, 23, 14, 3, 11),
    endsAt: status === "resolved" ? Date.UTC(2026, 10, 23, 14, 3, 41) : null,
    annotations: { summary: SUMMARY_TEMPLATE.replace("{{host}}", host).replace("{{labels.gpu}}", "0") },
    source: "rules",
  };
}

const notification = (alerts: NotifiedAlert[]): Notification => ({
  id: 41,
  channel: "x",
  route: "soak-rules",
  groupKey: "soak-rules",
  alerts,
  test: false,
  createdAt: 0,
});
const ctx = { hubUrl: "http://127.0.0.1:9470" };
const grouped = notification([alert("bench-00005", "resolved"), alert("bench-00010", "firing")]);

describe("the transitions in what each channel delivered, rendered by the hub's own builders", () => {
  it("reads Slack's Block Kit sections", () => {
    expect(slackKeys(JSON.stringify(buildSlackMessage(grouped, ctx, 15)))).toEqual([
      "bench-00010/gpu0/firing",
      "bench-00005/gpu0/resolved",
    ]);
  });

  it("reads the email's text part", () => {
    expect(emailKeys(buildEmailMessage(grouped, ctx, "[vigil]").text)).toEqual(["bench-00010/gpu0/firing", "bench-00005/gpu0/resolved"]);
  });

  it("reads the webhook's JSON, other rules kept under their name", () => {
    const body = buildWebhookBody(notification([alert("bench-00005", "firing"), alert("bench-00007", "firing", "host-down")]), ctx);
    expect(webhookKeys(JSON.stringify(body))).toEqual(["bench-00005/gpu0/firing", "host-down:bench-00007/gpu0/firing"]);
  });

  it("finds nothing in a message without the soak's alerts", () => {
    expect(slackKeys(JSON.stringify(buildSlackMessage(notification([alert("b", "firing", "other")]), ctx, 15)))).toEqual([]);
    expect(emailKeys("FIRING: something else")).toEqual([]);
  });
});
