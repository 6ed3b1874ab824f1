import type { CollectContext, CollectOutcome, Collector } from "../collector.ts";
import type { ProbeConfig } from "./config.ts";
import { createProbeIo, type ProbeIo } from "./exec.ts";
import { runProbe } from "./run-probe.ts";
import { probeObservations } from "./samples.ts";

export interface ProbesCollectorOptions {
  probes: readonly ProbeConfig[];
  /** Connections, files and commands; default the real ones. */
  io?: ProbeIo;
  /** Wall clock for freshness ages, read when the timestamp is; default Date.now. */
  now?: () => number;
}

/**
 * HTTP, TCP, freshness and Ollama probes from this host. All probes of a cycle run concurrently,
 * each within its own timeout, so one slow target never delays the others; a failing probe is
 * data (vigil_probe_up 0 and vigil_probe_status saying why), never a failed cycle. With no probes
 * configured a cycle is "ok" and empty: nothing to check is not a fault.
 */
export function createProbesCollector(options: ProbesCollectorOptions): Collector {
  const io = options.io ?? createProbeIo();
  const now = options.now ?? Date.now;
  return {
    name: "probes",
    async collect(ctx: CollectContext): Promise<CollectOutcome> {
      const results = await Promise.all(options.probes.map((probe) => runProbe(probe, io, ctx.signal, now)));
      const out: Extract<CollectOutcome, { kind: "ok" }> = { kind: "ok", samples: [], states: [] };
      options.probes.forEach((probe, i) => {
        const result = results[i];
        if (result === undefined) return;
        const obs = probeObservations(probe, result, ctx.now);
        out.samples.push(...obs.samples);
        out.states.push(...obs.states);
      });
      return out;
    },
  };
}
