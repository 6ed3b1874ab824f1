import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CommandFailedError, CommandUnavailableError, displayCommand, runCommand } from "../../shared/process/run-command.ts";
import { writeFakeBin } from "../support/fake-bin.ts";
import { useTempDirs } from "../support/temp-dir.ts";

const tempDir = useTempDirs();

describe("runCommand", () => {
  it("passes arguments as they are (no shell): quotes, $ and ; reach the program untouched", async () => {
    const bin = tempDir();
    const tool = writeFakeBin(bin, "tool", [{ stdout: "ok\n" }]);
    const out = await runCommand(tool, ["a b", "$HOME", "x;rm -rf /", "'q'"], { timeoutMs: 5000 });
    expect(out).toEqual({ stdout: "ok\n", stderr: "", exitCode: 0 });
    expect(readFileSync(join(bin, "tool.calls"), "utf8")).toBe("a b $HOME x;rm -rf / 'q'\n");
  });

  it("a missing executable is 'unavailable', naming it", async () => {
    const err = await runCommand(join(tempDir(), "nvidia-smi"), [], { timeoutMs: 5000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CommandUnavailableError);
    expect((err as Error).message).toMatch(/nvidia-smi: not found/);
  });

  it("kills a hung process at the timeout and says so with the full command", async () => {
    const tool = writeFakeBin(tempDir(), "zpool", [{ sleepSeconds: 30 }]);
    const started = performance.now();
    const err = await runCommand(tool, ["status", "-p"], { timeoutMs: 300 }).catch((e: unknown) => e);
    expect(performance.now() - started).toBeLessThan(5000);
    expect(err).toBeInstanceOf(CommandFailedError);
    expect((err as Error).message).toMatch(/zpool status -p: killed after 300 ms \(timeout\)/);
  });

  it("a failing exit names the code and the first stderr line; okExitCodes lets output through", async () => {
    const tool = writeFakeBin(tempDir(), "systemctl", [{ stdout: "none\n", stderr: "Failed to connect to bus\nmore", exitCode: 1 }]);
    const err = await runCommand(tool, ["is-failed"], { timeoutMs: 5000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CommandFailedError);
    expect((err as CommandFailedError).exitCode).toBe(1);
    expect((err as Error).message).toMatch(/systemctl is-failed: exited with 1: Failed to connect to bus$/);
    await expect(runCommand(tool, ["is-failed"], { timeoutMs: 5000, okExitCodes: [0, 1] })).resolves.toMatchObject({
      stdout: "none\n",
      exitCode: 1,
    });
  });

  it("an aborted signal kills the process", async () => {
    const tool = writeFakeBin(tempDir(), "nerdctl", [{ sleepSeconds: 30 }]);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const err = await runCommand(tool, ["ps"], { timeoutMs: 20_000, signal: controller.signal }).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/nerdctl ps: aborted/);
  });

  it("displays arguments that need quoting in quotes", () => {
    expect(displayCommand("nerdctl", ["ps", "-a", "--format", "{{json .}}"])).toBe('nerdctl ps -a --format "{{json .}}"');
  });
});
