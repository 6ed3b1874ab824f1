import { existsSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { agentIdFromHostname } from "../identity.ts";

/**
 * The agent id the daemon uses (agent/identity.ts): the configured one, else the one kept in its
 * database, else the hostname's. The database is opened read-only, and only when the config names
 * no id, so a job's `run-if-active` usually loads no SQLite at all.
 */
export async function resolveAgentId(configured: string | undefined, dataDir: string): Promise<{ id: string; from: string }> {
  if (configured !== undefined) return { id: configured, from: "config" };
  const file = join(dataDir, "agent.sqlite");
  if (existsSync(file)) {
    try {
      const { default: Database } = await import("better-sqlite3");
      const db = new Database(file, { readonly: true, fileMustExist: true });
      try {
        const id = db.prepare("SELECT value FROM meta WHERE key = 'agent_id'").pluck().get();
        if (typeof id === "string" && id !== "") return { id, from: file };
      } finally {
        db.close();
      }
    } catch {
      // Unreadable by this user, or not an agent database: the hostname decides, as at the daemon's first start.
    }
  }
  return { id: agentIdFromHostname(hostname()), from: "hostname" };
}
