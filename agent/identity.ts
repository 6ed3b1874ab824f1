import { readFileSync } from "node:fs";
import { hostname } from "node:os";
import type { HostIdentity } from "../shared/protocol/identity.ts";
import type { AgentStore } from "./store/agent-store.ts";

/** Turns a hostname into a valid agent id (letters, digits, '.', '_', '-'). */
export function agentIdFromHostname(name: string): string {
  const cleaned = name
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, "-")
    .replace(/^[^a-z0-9]+/, "")
    .slice(0, 128);
  return cleaned === "" ? "host" : cleaned;
}

/** The kernel's boot id; a random one per process where the kernel has none to give. */
export function readBootId(file = "/proc/sys/kernel/random/boot_id"): string {
  try {
    const id = readFileSync(file, "utf8").trim();
    if (id !== "") return id;
  } catch {
    // Not Linux, or /proc hidden: fall through.
  }
  // node:crypto only on this rare path: an ES-module import would load it at every start (docs/benchmarks.md).
  return `process-${process.getBuiltinModule("node:crypto").randomUUID()}`;
}

/**
 * The agent's identity. The id is the configured one, else the one kept in the database from an
 * earlier start, else derived from the hostname and then kept, so it survives hostname changes.
 */
export function resolveIdentity(
  store: AgentStore,
  opts: { configuredId: string | undefined; labels: Record<string, string>; version: string },
): HostIdentity {
  let id = opts.configuredId ?? store.getMeta("agent_id");
  if (id === undefined) id = agentIdFromHostname(hostname());
  if (store.getMeta("agent_id") !== id) store.setMeta("agent_id", id);
  return { agentId: id, hostname: hostname(), labels: opts.labels, agentVersion: opts.version, bootId: readBootId() };
}
