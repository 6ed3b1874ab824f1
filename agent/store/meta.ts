import type { Db } from "../../shared/sqlite/open-database.ts";

/**
 * The `meta` table: small named values that must survive restarts (the agent id, the next batch
 * sequence, counters such as batches dropped from the outbox). Values are text; counters are
 * integers kept as text and read back as numbers.
 */
export class MetaTable {
  readonly #get;
  readonly #set;
  readonly #add;

  constructor(db: Db) {
    this.#get = db.prepare("SELECT value FROM meta WHERE key = ?").pluck();
    this.#set = db.prepare("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value");
    this.#add = db.prepare(
      `INSERT INTO meta (key, value) VALUES (@key, CAST(@by AS TEXT))
       ON CONFLICT (key) DO UPDATE SET value = CAST(CAST(meta.value AS INTEGER) + @by AS TEXT)`,
    );
  }

  get(key: string): string | undefined {
    return this.#get.get(key) as string | undefined;
  }

  set(key: string, value: string): void {
    this.#set.run(key, value);
  }

  /** A persisted counter; 0 when never incremented. */
  counter(key: string): number {
    return Number(this.get(key) ?? "0");
  }

  addToCounter(key: string, by: number): void {
    if (by !== 0) this.#add.run({ key, by });
  }
}
