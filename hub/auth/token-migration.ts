import type { Migration } from "../../shared/sqlite/open-database.ts";

/**
 * The hub's schema step for agent tokens issued by the hub (`vigil hosts add`, enrollment), one per
 * agent id, stored as SHA-256 digests only. Its place (version) in the list is set in hub/store/migrations.ts.
 */
export const agentTokensMigration: Omit<Migration, "version"> = {
  description: "agent tokens issued by the hub (hashed), one per agent id",
  up(db) {
    db.exec(`
      CREATE TABLE agent_tokens (
        agent_id TEXT PRIMARY KEY,
        token_sha256 TEXT NOT NULL UNIQUE,
        -- 'admin' (vigil hosts add) or 'enrollment' (POST /api/v1/enroll)
        issued_by TEXT NOT NULL,
        hostname TEXT,
        issued_at INTEGER NOT NULL
      ) STRICT;
    `);
  },
};
