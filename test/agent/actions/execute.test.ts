import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULT_ACTION_PATH } from "../../../agent/actions/config.ts";
import { execute } from "../../../agent/actions/execute.ts";
import { waitFor } from "../../support/processes.ts";
import { useTempDirs } from "../../support/temp-dir.ts";
import { recordedCalls, sleeperPid, writeArgvRecorder } from "./support/argv-recorder.ts";

const tempDir = useTempDirs();
const base = { timeoutMs: 10_000, maxOutputBytes: 64 * 1024, path: DEFAULT_ACTION_PATH };

/** Running, as opposed to gone or a zombie (killed, waiting for a reaper that may be slow in a container). */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return false;
  }
}

describe("execute", () => {
  it("passes each argument through as it is, with no shell to read it", async () => {
    const bin = writeArgvRecorder(tempDir(), "systemctl", { stdout: "ok\n" });
    const hostile = ["restart", "a b", "$(reboot)", "`id`", "x; rm -rf /", "*", "'\"", "--", "é🦙"];
    const r = await execute([bin, ...hostile], base);
    expect(r).toMatchObject({ status: "succeeded", exitCode: 0, stdout: "ok\n", stderr: "", outputTruncated: false });
    expect(recordedCalls(bin)).toEqual([hostile]);
  });

  it("reports a non-zero exit with its output", async () => {
    const bin = writeArgvRecorder(tempDir(), "zpool", { stderr: "cannot scrub 'tank': no such pool\n", exitCode: 1 });
    const r = await execute([bin, "scrub", "tank"], base);
    expect(r).toMatchObject({ status: "failed", exitCode: 1, stdout: "", stderr: "cannot scrub 'tank': no such pool\n" });
    expect(r.durationMs).toBeGreaterThan(0);
  });

  it("gives the command only PATH and LANG: nothing of the agent's environment", async () => {
    process.env.VIGIL_AGENT_TOKEN_TEST = "tok-must-not-leak";
    try {
      const r = await execute(["/usr/bin/env"], base);
      expect(r.stdout.trim().split("\n").sort()).toEqual(["LANG=C.UTF-8", `PATH=${DEFAULT_ACTION_PATH}`]);
    } finally {
      delete process.env.VIGIL_AGENT_TOKEN_TEST;
    }
  });

  it("runs in / with stdin closed", async () => {
    const r = await execute(["/bin/pwd"], base);
    expect(r.stdout).toBe("/\n");
    const cat = await execute(["/bin/cat"], base);
    expect(cat).toMatchObject({ status: "succeeded", stdout: "" });
  });

  it("keeps the first maxOutputBytes of each stream and says it cut the rest", async () => {
    const r = await execute(["/usr/bin/seq", "1", "100000"], { ...base, maxOutputBytes: 1000 });
    expect(r.status).toBe("succeeded");
    expect(Buffer.byteLength(r.stdout)).toBe(1000);
    expect(r.stdout.startsWith("1\n2\n3\n")).toBe(true);
    expect(r.outputTruncated).toBe(true);
  });

  it("kills a hanging command and its children at the timeout", async () => {
    const bin = writeArgvRecorder(tempDir(), "hang", { sleepSeconds: 60 });
    const t0 = performance.now();
    const r = await execute([bin], { ...base, timeoutMs: 700 });
    const took = performance.now() - t0;
    expect(r.status).toBe("timed_out");
    expect(r.exitCode).toBeNull();
    expect(r.stderr).toBe("vigil: killed (SIGKILL) after the 700 ms timeout");
    expect(took).toBeGreaterThanOrEqual(690);
    expect(took).toBeLessThan(5000);
    // The sleeping grandchild (what sudo -> systemctl would be) went with the process group.
    const pid = sleeperPid(bin);
    expect(pid).toBeGreaterThan(0);
    await waitFor("the grandchild to be gone", () => !alive(pid as number) || undefined, 5000);
  });

  it("reports a program that does not exist as a failed run, without throwing", async () => {
    const r = await execute([join(tempDir(), "no-such-tool"), "x"], base);
    expect(r).toMatchObject({ status: "failed", exitCode: null, stdout: "" });
    expect(r.stderr).toMatch(/^vigil: cannot run .*no-such-tool: not found$/);
  });
});
