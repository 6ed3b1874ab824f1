import { gzipSync } from "node:zlib";
import { PROTOCOL_VERSION } from "../../shared/protocol/version.ts";

export interface BatchOptions {
  agentId?: string;
  bootId?: string;
  sequence?: number;
  timestamp?: number;
  samples?: Array<{ name: string; labels?: Record<string, string>; timestamp?: number; value: unknown }>;
  states?: Array<{ name: string; labels?: Record<string, string>; timestamp?: number; state: string }>;
}

/** A sample_batch envelope as an agent would send it (plain object, not validated). */
export function batchEnvelope(o: BatchOptions = {}): Record<string, unknown> {
  const ts = o.timestamp ?? 1_790_000_000_000;
  return {
    protocolVersion: PROTOCOL_VERSION,
    kind: "sample_batch",
    payload: {
      host: {
        agentId: o.agentId ?? "gpu-box",
        hostname: "gpu-box.lan",
        labels: { site: "home" },
        agentVersion: "0.1.0",
        bootId: o.bootId ?? "boot-1",
      },
      sequence: o.sequence ?? 1,
      sealedAt: ts,
      pushIntervalMs: 10_000,
      samples: (o.samples ?? [{ name: "vigil_load1", value: 0.5 }]).map((s) => ({ labels: {}, timestamp: ts, ...s })),
      states: (o.states ?? []).map((s) => ({ labels: {}, timestamp: ts, ...s })),
    },
  };
}

export function gzipJson(value: unknown): Buffer {
  return gzipSync(JSON.stringify(value));
}
