import { z } from "zod";
import { type ActionCatalog, type CatalogEntry, catalogEntry } from "../../shared/actions/catalog-summary.ts";
import type { Db } from "../../shared/sqlite/open-database.ts";

export interface StoredCatalog {
  agentId: string;
  reportedAt: number;
  receivedAt: number;
  actions: CatalogEntry[];
}

const storedActions = z.array(catalogEntry);

/** The action catalog each agent last reported (table action_catalogs): one row per agent, replaced whole. */
export class CatalogStore {
  readonly #put;
  readonly #get;

  constructor(db: Db) {
    this.#put = db.prepare(
      `INSERT INTO action_catalogs (agent_id, reported_at, received_at, actions) VALUES (@agentId, @reportedAt, @receivedAt, @actions)
       ON CONFLICT (agent_id) DO UPDATE SET reported_at = excluded.reported_at, received_at = excluded.received_at, actions = excluded.actions`,
    );
    this.#get = db.prepare("SELECT agent_id, reported_at, received_at, actions FROM action_catalogs WHERE agent_id = ?");
  }

  put(catalog: ActionCatalog, receivedAt: number): void {
    this.#put.run({ agentId: catalog.agentId, reportedAt: catalog.reportedAt, receivedAt, actions: JSON.stringify(catalog.actions) });
  }

  get(agentId: string): StoredCatalog | undefined {
    const row = this.#get.get(agentId) as { agent_id: string; reported_at: number; received_at: number; actions: string } | undefined;
    if (!row) return undefined;
    // Parsed again so that a row written by an older hub still reads as the current type.
    const actions = storedActions.safeParse(JSON.parse(row.actions));
    return {
      agentId: row.agent_id,
      reportedAt: row.reported_at,
      receivedAt: row.received_at,
      actions: actions.success ? actions.data : [],
    };
  }
}
