import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createLogger } from "../../shared/log/logger.ts";
import { notifyReady } from "../../shared/systemd/notify-ready.ts";
import { writeFakeBin } from "../support/fake-bin.ts";
import { waitFor } from "../support/processes.ts";
import { useTempDirs } from "../support/temp-dir.ts";

const tempDir = useTempDirs();
const stops: Array<() => void> = [];
afterEach(() => {
  for (const stop of stops.splice(0)) stop();
});

function logger() {
  const lines: string[] = [];
  return { lines, log: createLogger({ component: "test", write: (l) => lines.push(l) }) };
}

/**
 * What systemd listens on: a unix datagram socket. systemd-socket-activate (from the systemd
 * package) creates it and hands it to `cat` as fd 3; each read of a datagram socket is one
 * message, so stdout holds what was sent (test-only shell: product code never uses one).
 */
async function notifySocket(dir: string): Promise<{ path: string; received: () => string }> {
  const path = join(dir, "notify.sock");
  const child = spawn("systemd-socket-activate", ["--datagram", "-l", path, "/bin/sh", "-c", "exec cat <&3"], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout.on("data", (d: Buffer) => {
    out += d.toString();
  });
  stops.push(() => child.kill("SIGKILL"));
  await waitFor("the notify socket", () => existsSync(path) || undefined, 10_000, 20);
  return { path, received: () => out };
}

describe("notifyReady", () => {
  it("does nothing when systemd did not start the program (no NOTIFY_SOCKET)", async () => {
    const bin = tempDir();
    const fake = writeFakeBin(bin, "systemd-notify", [{ exitCode: 0 }]);
    const { lines, log } = logger();
    expect(await notifyReady({ env: { PATH: bin }, logger: log, status: "listening", systemdNotify: fake })).toBe(false);
    expect(existsSync(join(bin, "systemd-notify.calls"))).toBe(false);
    expect(lines).toEqual([]);
  });

  it("sends READY=1 and the status line to systemd's socket through systemd-notify", async () => {
    const socket = await notifySocket(tempDir());
    const { lines, log } = logger();
    const started = performance.now();
    const sent = await notifyReady({
      env: { NOTIFY_SOCKET: socket.path, PATH: "/usr/bin:/bin" },
      logger: log,
      status: "listening on\nhttp://127.0.0.1:9470",
    });
    const ms = performance.now() - started;
    expect(sent).toBe(true);
    await waitFor("the notification", () => socket.received().includes("BARRIER=1") || undefined, 10_000, 20);
    // One line of status (a newline would end it early), then the barrier systemd-notify waits on.
    expect(socket.received()).toBe("READY=1\nSTATUS=listening on http://127.0.0.1:9470BARRIER=1");
    expect(lines).toEqual([]);
    console.log(`notifyReady took ${ms.toFixed(1)} ms`);
  });

  it("logs, never throws, when systemd-notify is missing: systemd's start timeout then says the rest", async () => {
    const { lines, log } = logger();
    const sent = await notifyReady({
      env: { NOTIFY_SOCKET: "/run/systemd/notify", PATH: tempDir() },
      logger: log,
      status: "listening",
      systemdNotify: "systemd-notify",
    });
    expect(sent).toBe(false);
    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0] ?? "{}") as Record<string, string>;
    expect(line).toMatchObject({ level: "error", notifySocket: "/run/systemd/notify" });
    expect(line.msg).toMatch(/could not tell systemd that the service is ready/);
    expect(line.error).toMatch(/^systemd-notify: not found/);
  });

  it("logs systemd-notify's own reason when the socket is gone", async () => {
    const { lines, log } = logger();
    const dir = tempDir();
    const sent = await notifyReady({ env: { NOTIFY_SOCKET: join(dir, "gone.sock"), PATH: "/usr/bin:/bin" }, logger: log, status: "x" });
    expect(sent).toBe(false);
    const line = JSON.parse(lines[0] ?? "{}") as Record<string, string>;
    expect(line.error).toMatch(/^systemd-notify --ready --status=x: exited with 1: .*No such file or directory/);
  });
});
