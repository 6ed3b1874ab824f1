import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { LeaseMemory } from "./decide.ts";

/** Where the last answer for a group (and member) is kept: <dataDir>/run-if-active/<group>[@<member>].json. */
export function leaseMemoryFile(dataDir: string, group: string, member: string | undefined): string {
  return join(dataDir, "run-if-active", `${group}${member === undefined ? "" : `@${member}`}.json`);
}

/** The kept answer, or undefined when there is none or it cannot be read (then the hub's next answer replaces it). */
export function readLeaseMemory(file: string): LeaseMemory | undefined {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
  try {
    const m = JSON.parse(text) as Partial<LeaseMemory>;
    const ok =
      typeof m.group === "string" &&
      typeof m.member === "string" &&
      (m.role === "primary" || m.role === "fallback") &&
      (m.unreachable === "primary-runs" || m.unreachable === "none-run") &&
      Number.isInteger(m.epoch) &&
      typeof m.active === "boolean" &&
      (m.lastActiveEpoch === null || Number.isInteger(m.lastActiveEpoch)) &&
      (m.leaseUntil === null || typeof m.leaseUntil === "number") &&
      typeof m.answeredAt === "number";
    return ok ? (m as LeaseMemory) : undefined;
  } catch {
    return undefined;
  }
}

/** Written to a temporary file and renamed over the old one, so a reader never sees half of it. */
export function writeLeaseMemory(file: string, memory: LeaseMemory): void {
  mkdirSync(join(file, ".."), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(temp, `${JSON.stringify(memory)}\n`, { mode: 0o644 });
    renameSync(temp, file);
  } catch (err) {
    rmSync(temp, { force: true });
    throw err;
  }
}
