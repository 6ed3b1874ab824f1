import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { verifySignature } from "../../../hub/notify/webhook/signature.ts";
import { freePort, getJson, useProcesses, waitFor } from "../../support/processes.ts";
import { useTempDirs } from "../../support/temp-dir.ts";
import { useReceivers } from "./support/receiver.ts";
import { useSmtpServers } from "./support/smtp.ts";

/**
 * The built hub (dist/hub/main.js) as a real process, its channels pointed at receivers on
 * 127.0.0.1: a Slack-like one, a webhook one that checks signatures, and a real SMTP server.
 * Alerts come in through the Alertmanager intake, fed with real Alertmanager payloads.
 */

const tempDir = useTempDirs();
const start = useProcesses();
const startReceiver = useReceivers();
const startSmtp = useSmtpServers();
const FIXTURES = join(import.meta.dirname, "../../fixtures/alertmanager-slack");
const PAYLOADS = [
  "alertmanager-webhook-v4-firing-1-alert-no-fingerprint-2019.json",
  "alertmanager-webhook-noversion-firing-2-alerts-empty-fingerprint-2016.json",
  "alertmanager-webhook-v4-firing-1-alert-msteams-trimmed.json",
  "alertmanager-webhook-v4-resolved-1-alert-fingerprint-truncatedAlerts-2022.json",
];
const SIGNING_KEY = "e2e-signing-key-77";

async function startHub(dir: string, notify: Record<string, unknown>, port?: number) {
  const hubPort = port ?? (await freePort());
  const file = join(dir, "hub.yaml");
  writeFileSync(file, stringify({ listen: `127.0.0.1:${hubPort}`, dataDir: join(dir, "data"), notify }));
  const hub = start("hub/main.js", ["--config", file], {});
  const url = `http://127.0.0.1:${hubPort}`;
  await waitFor("the hub to be ready", async () => (await getJson(`${url}/readyz`)).status === 200 || undefined, 20_000);
  return { hub, url, port: hubPort };
}

async function post(url: string, body: string): Promise<{ status: number; body: Record<string, number> }> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body,
    signal: AbortSignal.timeout(5000),
  });
  return { status: res.status, body: (await res.json()) as Record<string, number> };
}

/** Every alert a receiver accepted, as "rule|fingerprint|status", from Slack or webhook bodies. */
function alertsIn(rx: { accepted: Array<{ body: string }> }, kind: "slack" | "webhook"): string[] {
  return rx.accepted.flatMap((r) => {
    const body = JSON.parse(r.body);
    if (kind === "webhook")
      return body.alerts.map((a: { rule: string; fingerprint: string; status: string }) => `${a.rule}|${a.fingerprint}|${a.status}`);
    return body.blocks
      .filter((b: { type: string }) => b.type === "section")
      .map((b: { text: { text: string } }) => /\*(\w+)\* (firing|resolved)/.exec(b.text.text)?.slice(1, 3).join("|"));
  });
}

describe("the hub's notifications, end to end", () => {
  it("delivers Alertmanager's alerts to Slack, a signed webhook and email, each alert once", async () => {
    const dir = tempDir();
    const slack = await startReceiver();
    const hook = await startReceiver({ status: 204, body: "" });
    const smtp = await startSmtp();
    const { url } = await startHub(dir, {
      channels: {
        chat: { type: "slack", url: `${slack.url}/services/T1/B1/e2e-slack-token` },
        audit: { type: "webhook", url: `${hook.url}/vigil`, signingSecret: SIGNING_KEY },
        oncall: {
          type: "email",
          smtp: { host: "127.0.0.1", port: smtp.port, security: "plain" },
          from: "vigil@example.org",
          to: ["oncall@example.org"],
        },
      },
    });
    for (const name of PAYLOADS) {
      const res = await post(`${url}/api/v1/alertmanager`, readFileSync(join(FIXTURES, name), "utf8"));
      expect(res.status).toBe(200);
    }
    const total = 5; // 1 + 2 + 1 + 1 alerts in the four payloads
    await waitFor("every alert on every channel", () =>
      alertsIn(slack, "slack").length === total && alertsIn(hook, "webhook").length === total && smtp.received.length >= 1
        ? true
        : undefined,
    );
    expect(alertsIn(slack, "slack").sort()).toEqual([
      "Deployment|resolved",
      "FooAlert|firing",
      "InstanceDown|firing",
      "InstanceDown|firing",
      "high_memory_load|firing",
    ]);
    const hooked = alertsIn(hook, "webhook");
    expect(new Set(hooked).size).toBe(total);
    expect(hooked).toContain("Deployment|fbab788ec4c1018b|resolved");
    for (const r of hook.accepted) {
      expect(verifySignature(SIGNING_KEY, Number(r.headers["x-vigil-timestamp"]), r.body, String(r.headers["x-vigil-signature-256"]))).toBe(
        true,
      );
    }
    await waitFor("every alert by email", () => {
      const texts = smtp.received.map((m) => m.mail.text ?? "").join("\n");
      return (texts.match(/^\[(FIRING|RESOLVED)\] /gm) ?? []).length === total ? true : undefined;
    });

    // Alertmanager repeating a notification (its repeat_interval) sends nothing twice.
    const again = await post(`${url}/api/v1/alertmanager`, readFileSync(join(FIXTURES, PAYLOADS[1] as string), "utf8"));
    expect(again.body).toMatchObject({ received: 2, enqueued: 0, duplicates: 6 });
    const overview = (await getJson<{ queueDepth: number; counts: Record<string, number> }>(`${url}/api/v1/notifications`)).body;
    expect(overview.queueDepth).toBe(0);
    expect(overview.counts.dead).toBe(0);
  });

  it("still delivers, exactly once, what was pending when the hub was killed with SIGKILL", async () => {
    const dir = tempDir();
    const hook = await startReceiver();
    // Failing while the hub runs: every attempt is answered 500.
    for (let i = 0; i < 1000; i++) hook.faults.push({ status: 500, body: "down for maintenance" });
    const notify = {
      channels: { audit: { type: "webhook", url: hook.url } },
      retry: { initialBackoff: "50ms", maxBackoff: "200ms", maxAttempts: 100 },
    };
    const first = await startHub(dir, notify);
    for (const name of PAYLOADS)
      expect((await post(`${first.url}/api/v1/alertmanager`, readFileSync(join(FIXTURES, name), "utf8"))).status).toBe(200);
    await waitFor("attempts to have failed", () => (hook.state.requests >= 4 ? true : undefined));
    first.hub.child.kill("SIGKILL");
    await first.hub.exited;

    const db = new Database(join(dir, "data", "hub.sqlite"), { readonly: true });
    const pending = db.prepare("SELECT SUM(alert_count) FROM notification_outbox WHERE state = 'pending'").pluck().get();
    db.close();
    expect(pending).toBe(5);
    expect(hook.accepted).toHaveLength(0);

    hook.faults.splice(0);
    const second = await startHub(dir, notify, first.port);
    await waitFor("the backlog delivered after the restart", async () =>
      (await getJson<{ queueDepth: number }>(`${second.url}/api/v1/notifications`)).body.queueDepth === 0 ? true : undefined,
    );
    const delivered = alertsIn(hook, "webhook");
    expect(delivered).toHaveLength(5);
    expect(new Set(delivered).size).toBe(5);
    // Sent again by Alertmanager after the restart: still not twice.
    const again = await post(`${second.url}/api/v1/alertmanager`, readFileSync(join(FIXTURES, PAYLOADS[0] as string), "utf8"));
    expect(again.body).toMatchObject({ enqueued: 0, duplicates: 1 });
    // The outage was one warning in the first hub's log (the reason never changed), not one per retry.
    expect(first.hub.output().match(/notification delivery failed/g)).toHaveLength(1);
  });

  it("holds back alerts a silence covers and shows why; vigil test-notify reaches the channel", async () => {
    const dir = tempDir();
    const slack = await startReceiver();
    const { url } = await startHub(dir, { channels: { chat: { type: "slack", url: slack.url } } });
    const silence = await fetch(`${url}/api/v1/silences`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ matchers: { rules: ["FooAlert"] }, duration: "1h", comment: "planned work on x.y.z" }),
    });
    expect(silence.status).toBeLessThan(300);
    const silenceId = ((await silence.json()) as { silence: { id: string } }).silence.id;
    const res = await post(`${url}/api/v1/alertmanager`, readFileSync(join(FIXTURES, PAYLOADS[0] as string), "utf8"));
    expect(res.body).toMatchObject({ enqueued: 0, muted: 1 });
    const overview = (
      await getJson<{ muted: Array<{ alert: { rule: string }; mutedBy: { id: string; comment: string } }> }>(`${url}/api/v1/notifications`)
    ).body;
    expect(overview.muted).toEqual([
      expect.objectContaining({
        alert: expect.objectContaining({ rule: "FooAlert" }),
        mutedBy: { id: silenceId, kind: "silence", comment: "planned work on x.y.z" },
      }),
    ]);

    const cli = start("hub/cli/main.js", ["test-notify", "chat"], { VIGIL_HUB_URL: url });
    expect(await cli.exited).toBe(0);
    expect(cli.output()).toMatch(/^test message delivered to chat \(slack\) in \d+ ms\n$/);
    expect(slack.accepted).toHaveLength(1);
    expect(JSON.parse(slack.accepted[0]?.body ?? "{}").text).toBe("TEST: FIRING: VigilTestNotification");
  });
});
