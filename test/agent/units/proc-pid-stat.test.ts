import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseProcPidStat, stillRunning } from "../../../agent/collectors/units/proc-pid-stat.ts";
import { exitWatchFixture } from "./exit-watch-fixtures.ts";

const RUNNING = exitWatchFixture("proc-pid-stat-sleep-running-systemd-user-unit-kernel6.18.txt");
const ZOMBIE = exitWatchFixture("proc-pid-stat-sleep-zombie-unreaped-kernel6.18.txt");
const PARENS = exitWatchFixture("proc-pid-stat-comm-with-parens-and-space-kernel6.18.txt");

describe("parseProcPidStat", () => {
  it("reads the pid, the state and the start time (field 22) of a running service's main process", () => {
    expect(parseProcPidStat(RUNNING)).toEqual({ pid: 25478, state: "S", startTime: "1372079" });
  });

  it("reads a zombie's state", () => {
    expect(parseProcPidStat(ZOMBIE)).toEqual({ pid: 25915, state: "Z", startTime: "1375081" });
  });

  it("counts fields from the last parenthesis, so a comm holding spaces and parentheses does not shift them", () => {
    expect(parseProcPidStat(PARENS)).toEqual({ pid: 25668, state: "S", startTime: "1374236" });
  });

  it("reads this process's own /proc/self/stat", () => {
    const stat = parseProcPidStat(readFileSync("/proc/self/stat", "latin1"));
    expect(stat?.pid).toBe(process.pid);
    expect(stat?.state).toMatch(/^[RS]$/);
    // Started after boot, and the same each time it is read.
    expect(Number(stat?.startTime)).toBeGreaterThan(0);
    expect(parseProcPidStat(readFileSync(`/proc/${process.pid}/stat`, "latin1"))?.startTime).toBe(stat?.startTime);
  });

  it.each([
    ["empty (the process went away between open and read)", ""],
    ["no comm", "25478 S 1 2 3"],
    ["cut short before field 22", RUNNING.slice(0, 60)],
    ["garbage", "populated 1\nfrozen 0\n"],
  ])("gives undefined for %s", (_, text) => {
    expect(parseProcPidStat(text)).toBeUndefined();
  });
});

describe("stillRunning", () => {
  const running = parseProcPidStat(RUNNING);

  it("is true for the process first seen, still running", () => {
    expect(stillRunning(running, "1372079")).toBe(true);
  });

  it("is false once its stat file is gone (reaped)", () => {
    expect(stillRunning(undefined, "1372079")).toBe(false);
  });

  it("is false for a zombie: it has exited, its parent only has not reaped it", () => {
    expect(stillRunning(parseProcPidStat(ZOMBIE), "1375081")).toBe(false);
  });

  it("is false when the pid now names another process (another start time): the pid was reused", () => {
    const reused = parseProcPidStat(RUNNING.replace(" 1372079 ", " 1399999 "));
    expect(reused).toMatchObject({ pid: 25478, state: "S", startTime: "1399999" });
    expect(stillRunning(reused, "1372079")).toBe(false);
  });
});
