import { gunzipSync, gzipSync } from "node:zlib";
import type { Db } from "../../shared/sqlite/open-database.ts";

/** Batches read and rewritten at a time, so a full outbox is never held in memory at once. */
const CHUNK = 100;

/**
 * Gives every batch in the outbox a new sequence from `first` on, in their order, rewriting the
 * sequence inside each sealed body too (the body is what is sent). `first` must be above every
 * sequence in the outbox, so no new number meets an old one. Returns the sequence after the last one
 * given. Call inside a transaction.
 */
export function renumberOutbox(db: Db, first: number): number {
  const page = db.prepare(`SELECT sequence, body FROM outbox WHERE sequence < ? ORDER BY sequence LIMIT ${CHUNK}`);
  const update = db.prepare("UPDATE outbox SET sequence = ?, body = ?, body_bytes = ? WHERE sequence = ?");
  let next = first;
  for (;;) {
    const rows = page.all(first) as Array<{ sequence: number; body: Buffer }>;
    if (rows.length === 0) return next;
    for (const row of rows) {
      const envelope = JSON.parse(gunzipSync(row.body).toString("utf8")) as { payload: { sequence: number } };
      envelope.payload.sequence = next;
      const body = gzipSync(JSON.stringify(envelope));
      update.run(next, body, body.length, row.sequence);
      next++;
    }
  }
}
