import { CommandUnavailableError } from "../../../shared/process/run-command.ts";
import type { CollectContext, CollectOutcome, Collector } from "../collector.ts";
import type { RuntimeConfig } from "./config.ts";
import { type ContainerStatus, onePerName } from "./container-status.ts";
import { readEngineContainers } from "./engine-runtime.ts";
import { RuntimeUnavailableError } from "./exec.ts";
import { readNerdctlContainers } from "./nerdctl-runtime.ts";
import { runtimeLabel } from "./runtime-label.ts";
import { containerObservations, type RuntimeReading } from "./samples.ts";

/** Share of the cycle's timeout each runtime gets, so that a hung one fails before the cycle does. */
const RUNTIME_SHARE_OF_TIMEOUT = 0.8;

export interface ContainersCollectorOptions {
  runtimes: readonly RuntimeConfig[];
  /** The cycle's timeout (the config's `timeout`), in milliseconds. */
  timeout: number;
  /**
   * Told when a runtime's status or reason changes (not every cycle): the collector's own outcome is
   * "ok" while one runtime of several fails, so this is where that failure gets its words.
   */
  onRuntimeChange?: (change: RuntimeChange) => void;
}

/** A runtime's new status; `reason` says why it is unavailable or failed. */
export interface RuntimeChange {
  runtime: string;
  status: RuntimeReading["status"];
  reason?: string;
}

/**
 * Containers of Docker and Podman (Docker Engine API on a unix socket) and nerdctl (its CLI), with
 * their state, health, restarts, start time and exit code. Runtimes are asked in parallel, each with
 * its own deadline: one that is missing or hung never hides the others' containers, and shows as
 * `vigil_container_runtime_up{runtime} 0`. Unavailable when no configured runtime is there at all;
 * a failed cycle when none answered and at least one failed.
 */
export function createContainersCollector(options: ContainersCollectorOptions): Collector {
  const runtimeTimeoutMs = Math.max(50, Math.floor(options.timeout * RUNTIME_SHARE_OF_TIMEOUT));
  // After its deadline a reader gets this long to fail with its own words (which request was pending)
  // before the backstop gives up on it, still well before the cycle's timeout.
  const graceMs = Math.min(250, Math.floor((options.timeout - runtimeTimeoutMs) / 2));
  const lastSaid = new Map<string, string>();

  const report = (reading: RuntimeReading) => {
    const said = reading.status === "ok" ? "ok" : `${reading.status}: ${reading.reason}`;
    if (lastSaid.get(reading.runtime) === said) return;
    const first = !lastSaid.has(reading.runtime);
    lastSaid.set(reading.runtime, said);
    if (first && reading.status === "ok") return;
    options.onRuntimeChange?.(
      reading.status === "ok"
        ? { runtime: reading.runtime, status: "ok" }
        : { runtime: reading.runtime, status: reading.status, reason: reading.reason },
    );
  };

  return {
    name: "containers",
    async collect(ctx: CollectContext): Promise<CollectOutcome> {
      const readings = await Promise.all(options.runtimes.map((r) => readRuntime(r, ctx.signal, runtimeTimeoutMs, graceMs)));
      for (const reading of readings) report(reading);
      const problems = readings.flatMap((r) => (r.status === "ok" ? [] : [`${r.runtime}: ${r.reason}`]));
      if (readings.every((r) => r.status === "unavailable")) return { kind: "unavailable", reason: problems.join("; ") };
      if (readings.every((r) => r.status !== "ok")) throw new Error(`no container runtime answered: ${problems.join("; ")}`);
      return { kind: "ok", ...containerObservations(readings, ctx.now) };
    },
  };
}

/** One runtime's containers, or why not; never rejects, and settles by its deadline whatever the runtime does. */
async function readRuntime(config: RuntimeConfig, cycle: AbortSignal, timeoutMs: number, graceMs: number): Promise<RuntimeReading> {
  const runtime = runtimeLabel(config);
  // nerdctl's errors already carry the full command; the API's carry only the request.
  const where = config.kind === "nerdctl" ? "" : `${config.socket}: `;
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  const signal = AbortSignal.any([cycle, deadline.signal]);
  try {
    const reading =
      config.kind === "nerdctl"
        ? readNerdctlContainers({ binary: config.binary, namespace: config.namespace }, signal, timeoutMs)
        : readEngineContainers(config.socket, signal);
    const containers: ContainerStatus[] = await untilAborted(reading, signal, graceMs);
    return { runtime, status: "ok", containers: onePerName(containers) };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (err instanceof RuntimeUnavailableError || err instanceof CommandUnavailableError) {
      return { runtime, status: "unavailable", reason: message };
    }
    return { runtime, status: "error", reason: `${where}${message}` };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Settles with `promise`, or rejects with the abort reason `graceMs` after `signal` aborts, whichever
 * comes first: a reader that ignored its signal still cannot hold up the other runtimes.
 */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal, graceMs: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let backstop: NodeJS.Timeout | undefined;
    const onAbort = () => {
      backstop = setTimeout(() => reject(signal.reason instanceof Error ? signal.reason : new Error("aborted")), graceMs);
    };
    if (signal.aborted) onAbort();
    else signal.addEventListener("abort", onAbort, { once: true });
    promise.then(resolve, reject).finally(() => {
      signal.removeEventListener("abort", onAbort);
      clearTimeout(backstop);
    });
  });
}
