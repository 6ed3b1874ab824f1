import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, rmdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ExitWatch } from "../../../agent/collectors/units/exit-watch.ts";
import type { UnitStatus } from "../../../agent/collectors/units/unit-status.ts";
import { waitFor } from "../../support/processes.ts";
import { useTempDirs } from "../../support/temp-dir.ts";
import { exitWatchFixture } from "./exit-watch-fixtures.ts";

const tempDir = useTempDirs();
const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups.splice(0).reverse()) c();
});

/** A real `sleep`, killed after the test if still alive. */
function sleeper(): ChildProcess & { pid: number } {
  const child = spawn("sleep", ["60"], { stdio: "ignore" });
  cleanups.push(() => child.kill("SIGKILL"));
  return child as ChildProcess & { pid: number };
}

function running(unit: string, mainPid: number, controlGroup?: string): UnitStatus {
  return { unit, loadState: "loaded", activeState: "active", subState: "running", mainPid, ...(controlGroup ? { controlGroup } : {}) };
}

/** An exit watch whose exits are recorded with when they came; no cgroup roots unless given. */
function watch(options: { pollIntervalMs?: number; procRoot?: string; cgroupRoots?: string[] } = {}) {
  const exits: Array<{ unit: string; at: number }> = [];
  const w = new ExitWatch({
    pollIntervalMs: options.pollIntervalMs ?? 20,
    onExit: (unit) => exits.push({ unit, at: performance.now() }),
    cgroupRoots: options.cgroupRoots ?? [join(tempDir(), "no-cgroups")],
    ...(options.procRoot ? { procRoot: options.procRoot } : {}),
  });
  cleanups.push(() => w.close());
  return { w, exits };
}

describe("ExitWatch through /proc (no cgroup.events)", () => {
  it("reports a real process's death within a few poll intervals", async () => {
    const child = sleeper();
    const { w, exits } = watch({ pollIntervalMs: 20 });
    w.track([running("demo.service", child.pid)]);
    expect(w.watching()).toEqual([{ unit: "demo.service", pid: child.pid, how: "proc" }]);
    await new Promise((r) => setTimeout(r, 100));
    expect(exits).toEqual([]);

    const killedAt = performance.now();
    child.kill("SIGKILL");
    const exit = await waitFor("the exit report", () => exits[0], 2_000, 5);
    expect(exit.unit).toBe("demo.service");
    // 20 ms polls: well under the collector's 1 s minimum interval even on a loaded machine.
    expect(exit.at - killedAt).toBeLessThan(1_000);
    expect(w.watching()).toEqual([]);
    await new Promise((r) => setTimeout(r, 100));
    expect(exits).toHaveLength(1);
  });

  it("reports a main process that became a zombie its parent does not reap", async () => {
    // sh starts `sleep 60` in the background, prints its pid, then becomes `sleep 120`, which never reaps it.
    const parent = spawn("sh", ["-c", "sleep 60 & echo $!; exec sleep 120"], { stdio: ["ignore", "pipe", "ignore"] });
    cleanups.push(() => parent.kill("SIGKILL"));
    const pid = Number(await new Promise<string>((resolve) => parent.stdout?.once("data", (d: Buffer) => resolve(d.toString()))));
    const { w, exits } = watch();
    w.track([running("vllm.service", pid)]);
    expect(w.watching()).toHaveLength(1);
    process.kill(pid, "SIGKILL");
    await waitFor("the exit report", () => exits[0], 2_000, 5);
    expect(readFileSync(`/proc/${pid}/stat`, "latin1")).toMatch(/^\d+ \(sleep\) Z /);
  });

  it("reports the pid reused by another process (another start time) as the watched one's end", async () => {
    const proc = tempDir();
    mkdirSync(join(proc, "25478"));
    const stat = join(proc, "25478", "stat");
    const original = exitWatchFixture("proc-pid-stat-sleep-running-systemd-user-unit-kernel6.18.txt");
    writeFileSync(stat, original);
    const { w, exits } = watch({ procRoot: proc });
    w.track([running("ollama-gpu.service", 25478)]);
    expect(w.watching()).toEqual([{ unit: "ollama-gpu.service", pid: 25478, how: "proc" }]);
    await new Promise((r) => setTimeout(r, 80));
    expect(exits).toEqual([]);
    // Same pid, same state letter, a later start time: another process.
    writeFileSync(stat, original.replace(" 1372079 ", " 1399999 "));
    await waitFor("the exit report", () => exits[0], 2_000, 5);
  });

  it("does not watch a pid that is not alive when first seen (systemd's pid in another PID namespace)", async () => {
    const gone = spawn("true");
    await new Promise((r) => gone.once("exit", r));
    const { w, exits } = watch();
    w.track([running("ollama.service", gone.pid as number)]);
    expect(w.watching()).toEqual([]);
    await new Promise((r) => setTimeout(r, 100));
    expect(exits).toEqual([]);
  });

  it("follows the unit's new main process after a restart, and forgets units no longer listed", async () => {
    const first = sleeper();
    const second = sleeper();
    const other = sleeper();
    const { w, exits } = watch();
    w.track([running("demo.service", first.pid), running("other.service", other.pid)]);
    w.track([running("demo.service", second.pid)]);
    expect(w.watching()).toEqual([{ unit: "demo.service", pid: second.pid, how: "proc" }]);
    first.kill("SIGKILL");
    other.kill("SIGKILL");
    await new Promise((r) => setTimeout(r, 150));
    expect(exits).toEqual([]);
    second.kill("SIGKILL");
    await waitFor("the exit report", () => exits[0], 2_000, 5);
    expect(exits.map((e) => e.unit)).toEqual(["demo.service"]);
  });

  it("asks again while systemd still shows the ended process running, at most 5 times", async () => {
    const child = sleeper();
    const { w, exits } = watch();
    const status = running("demo.service", child.pid);
    w.track([status]);
    child.kill("SIGKILL");
    await waitFor("the exit report", () => exits[0], 2_000, 5);
    // systemctl answered before systemd handled the exit: still active with the dead pid, then deactivating without one.
    w.track([status]);
    w.track([{ ...status, activeState: "deactivating", subState: "stop-sigterm", mainPid: undefined } as UnitStatus]);
    expect(exits).toHaveLength(3);
    for (let i = 0; i < 5; i++) w.track([status]);
    expect(exits).toHaveLength(6);
    // Failed at last: forgotten, nothing more asked.
    w.track([{ unit: "demo.service", loadState: "loaded", activeState: "failed", subState: "failed" }]);
    w.track([{ unit: "demo.service", loadState: "loaded", activeState: "failed", subState: "failed" }]);
    expect(exits).toHaveLength(6);
  });

  it("stops checking once closed, and leaves no file open", async () => {
    const child = sleeper();
    const openFiles = () => readdirSync("/proc/self/fd").length;
    const before = openFiles();
    const { w, exits } = watch();
    w.track([running("demo.service", child.pid)]);
    expect(openFiles()).toBe(before + 1); // its /proc/<pid>/stat, read again in place at each check
    w.close();
    expect(openFiles()).toBe(before);
    child.kill("SIGKILL");
    await new Promise((r) => setTimeout(r, 150));
    w.track([running("demo.service", sleeper().pid)]);
    expect(exits).toEqual([]);
    expect(w.watching()).toEqual([]);
  });
});

describe("ExitWatch through cgroup.events", () => {
  it("watches a unit whose cgroup.events reads populated 1, without polling, and reports populated 0", async () => {
    const root = tempDir();
    const group = join(root, "app.slice", "ollama-gpu.service");
    mkdirSync(group, { recursive: true });
    const events = join(group, "cgroup.events");
    writeFileSync(events, exitWatchFixture("cgroup-events-populated-1-systemd252-unit-kernel6.18.txt"));
    // The pid is this process: with a cgroup to watch, /proc is not read at all.
    const { w, exits } = watch({ cgroupRoots: [join(root, "missing"), root], procRoot: join(root, "no-proc") });
    w.track([running("ollama-gpu.service", process.pid, "/app.slice/ollama-gpu.service")]);
    expect(w.watching()).toEqual([{ unit: "ollama-gpu.service", pid: process.pid, how: "cgroup" }]);
    writeFileSync(events, exitWatchFixture("cgroup-events-populated-1-systemd252-unit-kernel6.18.txt").replace("frozen 0", "frozen 1"));
    await new Promise((r) => setTimeout(r, 100));
    expect(exits).toEqual([]);

    writeFileSync(events, exitWatchFixture("cgroup-events-populated-0-empty-cgroup-kernel6.18.txt"));
    await waitFor("the exit report", () => exits[0], 2_000, 5);
    expect(w.watching()).toEqual([]);
  });

  it("falls back to /proc when the unit's cgroup.events already reads populated 0", () => {
    const root = tempDir();
    mkdirSync(join(root, "demo.service"));
    writeFileSync(join(root, "demo.service", "cgroup.events"), exitWatchFixture("cgroup-events-populated-0-empty-cgroup-kernel6.18.txt"));
    const child = sleeper();
    const { w } = watch({ cgroupRoots: [root] });
    w.track([running("demo.service", child.pid, "/demo.service")]);
    expect(w.watching()).toEqual([{ unit: "demo.service", pid: child.pid, how: "proc" }]);
  });

  /** The cgroup v2 mount, when this process may make cgroups there (root on a cgroup2 host). */
  const cgroup2 = (() => {
    const mount = readFileSync("/proc/self/mounts", "utf8")
      .split("\n")
      .map((l) => l.split(" "))
      .find((f) => f[2] === "cgroup2")?.[1];
    if (mount === undefined) return undefined;
    const probe = join(mount, `vigil-probe-${process.pid}`);
    try {
      mkdirSync(probe);
      rmdirSync(probe);
      return mount;
    } catch {
      return undefined;
    }
  })();

  it.skipIf(cgroup2 === undefined)("reports a real cgroup emptied by its only process's death (needs root and cgroup v2)", async () => {
    const mount = cgroup2 as string;
    const name = `/vigil-test-${process.pid}-${Date.now()}`;
    mkdirSync(join(mount, name));
    cleanups.push(() => rmdirSync(join(mount, name)));
    const child = sleeper();
    writeFileSync(join(mount, name, "cgroup.procs"), String(child.pid));
    const { w, exits } = watch({ cgroupRoots: [mount] });
    w.track([running("demo.service", child.pid, name)]);
    expect(w.watching()).toEqual([{ unit: "demo.service", pid: child.pid, how: "cgroup" }]);
    const killedAt = performance.now();
    child.kill("SIGKILL");
    const exit = await waitFor("the exit report", () => exits[0], 2_000, 2);
    expect(exit.at - killedAt).toBeLessThan(1_000);
    await new Promise((r) => (child.exitCode !== null || child.signalCode !== null ? r(undefined) : child.once("exit", r)));
  });
});
