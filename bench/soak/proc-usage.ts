/**
 * Peak RSS and CPU time of a process that is killed and restarted: sampled from /proc every second,
 * CPU summed over incarnations (the last sample of each counts; what a killed one used after it is lost,
 * at most one second).
 */
import { readFileSync } from "node:fs";

const TICK_MS = 10; // USER_HZ is 100 on Linux

/** VmRSS in kB and utime+stime in ms from /proc/<pid>/status and /proc/<pid>/stat text. */
export function parseProcUsage(status: string, stat: string): { rssKb: number; cpuMs: number } {
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN);
  // The command name may contain spaces and parentheses: fields are counted after the last ")".
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return { rssKb, cpuMs: (Number(fields[11]) + Number(fields[12])) * TICK_MS };
}

export class UsageSampler {
  peakRssKb = 0;
  /** Highest CPU use over one sampling second, in % of one core. */
  peakCpuPercent = 0;
  #last: { pid: number; cpuMs: number; at: number } | undefined;
  #cpuMsByPid = new Map<number, number>();
  #timer: NodeJS.Timeout | undefined;
  #startedAt = 0;
  #stoppedAt = 0;

  start(pid: () => number | undefined): void {
    this.#startedAt = Date.now();
    this.#timer = setInterval(() => this.sample(pid()), 1000);
  }

  sample(pid: number | undefined): void {
    if (pid === undefined) return;
    try {
      const u = parseProcUsage(readFileSync(`/proc/${pid}/status`, "utf8"), readFileSync(`/proc/${pid}/stat`, "utf8"));
      const at = Date.now();
      if (u.rssKb > this.peakRssKb) this.peakRssKb = u.rssKb;
      if (this.#last?.pid === pid && at > this.#last.at) {
        this.peakCpuPercent = Math.max(this.peakCpuPercent, (100 * (u.cpuMs - this.#last.cpuMs)) / (at - this.#last.at));
      }
      this.#last = { pid, cpuMs: u.cpuMs, at };
      this.#cpuMsByPid.set(pid, u.cpuMs);
    } catch {
      // Gone between the check and the read: killed on purpose, or exiting.
    }
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#stoppedAt = Date.now();
  }

  cpuMs(): number {
    let total = 0;
    for (const v of this.#cpuMsByPid.values()) total += v;
    return total;
  }

  /** Average CPU over the sampled time, in % of one core. */
  cpuPercent(): number {
    const wall = (this.#stoppedAt || Date.now()) - this.#startedAt;
    return wall > 0 ? (100 * this.cpuMs()) / wall : 0;
  }
}
