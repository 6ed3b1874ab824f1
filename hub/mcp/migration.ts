import type { Migration } from "../../shared/sqlite/open-database.ts";

/**
 * The hub's schema step for the MCP server; its version is set in hub/store/migrations.ts.
 * - action_catalogs: the catalog summary each agent last reported (shared/actions/catalog-summary.ts).
 * - mcp_calls: the audit of every tool call and resource read through MCP, with the client's name.
 * - mcp_pending: danger actions an assistant asked for, waiting for a person to confirm or deny them.
 */
export const mcpMigration: Omit<Migration, "version"> = {
  description: "MCP: agents' action catalogs, the audit of MCP calls, danger requests waiting for confirmation",
  up(db) {
    db.exec(`
      CREATE TABLE action_catalogs (
        agent_id TEXT PRIMARY KEY,
        reported_at INTEGER NOT NULL,
        received_at INTEGER NOT NULL,
        actions TEXT NOT NULL CHECK (json_valid(actions))
      ) STRICT;
      CREATE TABLE mcp_calls (
        id INTEGER PRIMARY KEY,
        at INTEGER NOT NULL,
        client TEXT NOT NULL,
        -- 'tool' or 'resource'
        kind TEXT NOT NULL,
        -- the tool's name or the resource's URI
        name TEXT NOT NULL,
        arguments TEXT NOT NULL CHECK (json_valid(arguments)),
        -- 'ok', 'error', 'refused', 'pending'; 'started' until the answer is sent
        outcome TEXT NOT NULL,
        code TEXT,
        message TEXT,
        -- the action request or the pending request the call made
        request_id TEXT,
        pending_id TEXT,
        duration_ms REAL
      ) STRICT;
      CREATE INDEX mcp_calls_by_time ON mcp_calls (at);
      CREATE INDEX mcp_calls_by_client ON mcp_calls (client, id);
      CREATE TABLE mcp_pending (
        id TEXT PRIMARY KEY,
        client TEXT NOT NULL,
        agent_id TEXT NOT NULL,
        action TEXT NOT NULL,
        params TEXT NOT NULL CHECK (json_valid(params)),
        reason TEXT NOT NULL,
        dry_run INTEGER NOT NULL,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        -- 'pending', 'confirmed', 'denied', 'expired'
        status TEXT NOT NULL,
        decided_by TEXT,
        decided_at INTEGER,
        decision_note TEXT,
        request_id TEXT
      ) STRICT;
      CREATE INDEX mcp_pending_by_status ON mcp_pending (status, expires_at);
    `);
  },
};
