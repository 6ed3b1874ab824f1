import { afterEach, describe, expect, it } from "vitest";
import { runCli } from "../../../hub/cli/run.ts";
import { listen, type RunningServer } from "../../../shared/http/serve.ts";
import { useTempDirs } from "../../support/temp-dir.ts";
import { captureIo } from "../../cli/support/capture.ts";
import { gpuAlert, T0 } from "./support/alerts.ts";
import { hubApp } from "./support/hub-app.ts";
import { useReceivers } from "./support/receiver.ts";

const tempDir = useTempDirs();
const startReceiver = useReceivers();
let running: { server: RunningServer; close(): void } | undefined;
afterEach(async () => {
  await running?.server.close();
  running?.close();
  running = undefined;
});

async function serve(notify: Record<string, unknown>) {
  const hub = hubApp(tempDir(), { notify });
  // The CLI reaches the hub over HTTP, so requests come from loopback like an operator on the hub's machine.
  const server = await listen(hub.app, "127.0.0.1", 0);
  running = { server, close: hub.close };
  return { hub, url: server.url };
}

async function vigil(url: string, argv: string[]) {
  const io = captureIo();
  const code = await runCli(argv, { env: { VIGIL_HUB_URL: url }, io, now: () => T0 + 60_000, version: "test" });
  return { code, stdout: io.stdout(), stderr: io.stderr() };
}

describe("vigil notifications", () => {
  it("lists pending messages, dead letters, deliveries and muted alerts", async () => {
    const { hub, url } = await serve({
      channels: { chat: { type: "slack", url: "http://127.0.0.1:9/x" }, audit: { type: "webhook", url: "http://127.0.0.1:9/y" } },
    });
    const { outbox, keys } = hub.notify;
    const alert = { ...gpuAlert(), source: "rules" as const };
    const pending = outbox.insert({
      channel: "audit",
      route: null,
      groupKey: "all",
      alerts: [alert, { ...alert, fingerprint: "b" }],
      now: T0,
      dueAt: T0,
    });
    outbox.markRetry(pending, 3, T0 + 90_000, "webhook http://127.0.0.1:9 answered 503: down", T0 + 30_000);
    const dead = outbox.insert({ channel: "chat", route: null, groupKey: "all", alerts: [alert], now: T0, dueAt: T0 });
    outbox.markDead(dead, 1, "Slack answered 404: no_service", T0 + 1000);
    const sent = outbox.insert({
      channel: "chat",
      route: null,
      groupKey: "all",
      alerts: [{ ...alert, status: "resolved", endsAt: T0 }],
      now: T0,
      dueAt: T0,
    });
    outbox.markDelivered(sent, 2, T0 + 5000);
    keys.recordMuted(
      "chat",
      "x",
      { ...alert, rule: "ZpoolDegraded", hostId: "nas" },
      { id: "sil-7", kind: "maintenance", comment: "disk swap" },
      T0 + 2000,
    );

    const r = await vigil(url, ["notifications"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      [
        "Queue: 1 pending, 1 dead letter, 1 delivered (kept for the retention period).",
        "Channels: chat (slack), audit (webhook).",
        "",
        "Pending:",
        "ID   CHANNEL   ALERTS                                             ATTEMPTS   NEXT TRY   LAST ERROR",
        `${pending}    audit     GpuTemperatureHigh firing on gpu-box-1 (+1 more)   3          in 30s     webhook http://127.0.0.1:9 answered 503: down`,
        "",
        "Dead letters (not sent again):",
        "ID   CHANNEL   ALERTS                                   ATTEMPTS   GAVE UP   REASON",
        `${dead}    chat      GpuTemperatureHigh firing on gpu-box-1   1          59s ago   Slack answered 404: no_service`,
        "",
        "Recently delivered:",
        "ID   CHANNEL   ALERTS                                     ATTEMPTS   DELIVERED",
        `${sent}    chat      GpuTemperatureHigh resolved on gpu-box-1   2          55s ago`,
        "",
        "Muted (not sent):",
        "CHANNEL   ALERT                         MUTED BY                       WHEN",
        "chat      ZpoolDegraded firing on nas   maintenance sil-7: disk swap   58s ago",
        "",
      ].join("\n"),
    );
  });

  it("says so when there is nothing", async () => {
    const { url } = await serve({});
    const r = await vigil(url, ["notifications"]);
    expect(r.stdout).toBe(
      [
        "Queue: 0 pending, 0 dead letters, 0 delivered (kept for the retention period).",
        "Channels: none configured (see notify.channels).",
        "",
        "Pending: none",
        "",
        "Dead letters (not sent again): none",
        "",
        "Recently delivered: none",
        "",
        "Muted (not sent): none",
        "",
      ].join("\n"),
    );
  });
});

describe("vigil test-notify", () => {
  it("reports delivery, and the receiver's refusal as an error with exit code 1", async () => {
    const ok = await startReceiver();
    const gone = await startReceiver({ status: 404, body: "no_service" });
    const { url } = await serve({ channels: { chat: { type: "slack", url: ok.url }, old: { type: "slack", url: gone.url } } });
    const sent = await vigil(url, ["test-notify", "chat"]);
    expect(sent).toMatchObject({ code: 0, stderr: "" });
    expect(sent.stdout).toMatch(/^test message delivered to chat \(slack\) in \d+ ms\n$/);

    const refused = await vigil(url, ["test-notify", "old"]);
    expect(refused).toEqual({
      code: 1,
      stdout: "",
      stderr: 'error NOTIFY_TEST_FAILED: channel "old" (slack): Slack answered 404: no_service (field: channel)\n',
    });
    const unknown = await vigil(url, ["test-notify", "nope"]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('no channel named "nope" in notify.channels (there are: chat, old)');
  });
});
