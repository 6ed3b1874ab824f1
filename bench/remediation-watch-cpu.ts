/**
 * What the units exit watch costs an idle agent (docs/benchmarks.md, "Automatic remediation"): the
 * agent's CPU time (utime + stime from /proc/<pid>/stat) over a window, with the watch off, through
 * its /proc check at several intervals, and through the unit's cgroup.events. The agent is the
 * remediation stack's (bench/remediation-stack.ts), watching one running unit; its units collection
 * and push run once an hour, so that the window holds the watch and the agent's idle timers only.
 *
 *   npm run build && node_modules/.bin/node dist/bench/remediation-watch-cpu.js [--seconds 60] [--no-cgroup]
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { startRemediationStack } from "./remediation-stack.ts";

/** Clock ticks per second of utime and stime: USER_HZ, 100 on Linux (sysconf(_SC_CLK_TCK)). */
const CLK_TCK = 100;

interface Setting {
  name: string;
  exitCheckInterval: string;
  cgroup?: boolean;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { seconds: { type: "string", default: "60" }, "no-cgroup": { type: "boolean", default: false } },
  });
  const seconds = Number(values.seconds);
  const settings: Setting[] = [
    { name: "exit watch off (exitCheckInterval 0s)", exitCheckInterval: "0s" },
    { name: "/proc check every 100ms (the default)", exitCheckInterval: "100ms" },
    { name: "/proc check every 50ms", exitCheckInterval: "50ms" },
    { name: "/proc check every 10ms", exitCheckInterval: "10ms" },
  ];
  if (!values["no-cgroup"]) settings.push({ name: "cgroup.events (inotify)", exitCheckInterval: "100ms", cgroup: true });
  const result: Record<string, unknown> = { bench: "remediation-watch-cpu", seconds };
  for (const setting of settings) {
    const cpuSeconds = await measure(setting, seconds);
    const percent = (100 * cpuSeconds) / seconds;
    result[setting.name] = { cpuSeconds, percent: Number(percent.toFixed(3)) };
    process.stdout.write(`${setting.name.padEnd(42)} ${cpuSeconds.toFixed(2)} s CPU in ${seconds} s = ${percent.toFixed(3)} %\n`);
  }
  process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
}

/** The agent's CPU seconds over `seconds`, after it has started and seen the unit running. */
async function measure(setting: Setting, seconds: number): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), "vigil-bench-watch-cpu-"));
  const stack = await startRemediationStack({
    dir,
    interval: "1h",
    unitRunningAtStart: true,
    hubLogLevel: "warn",
    exitCheckInterval: setting.exitCheckInterval,
    ...(setting.cgroup ? { cgroup: true } : {}),
  });
  try {
    // Past the agent's start (config child, first collection, first push).
    await sleep(5_000);
    const before = cpuTicks(stack.agentPid);
    await sleep(seconds * 1000);
    const after = cpuTicks(stack.agentPid);
    if (stack.livePid() === undefined) throw new Error("the unit stopped during the measurement");
    return (after - before) / CLK_TCK;
  } finally {
    await stack.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** utime + stime (fields 14 and 15) of a process, in clock ticks. */
function cpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "latin1");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return Number(fields[11]) + Number(fields[12]);
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

await main();
