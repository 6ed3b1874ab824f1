import { join } from "node:path";
import { notificationsMigration } from "../../../../hub/notify/outbox/migration.ts";
import { type Db, openDatabase } from "../../../../shared/sqlite/open-database.ts";

/** A database with only the notification tables, as the hub's migration creates them. */
export function openOutboxDb(dir: string): Db {
  return openDatabase(join(dir, "notify.sqlite"), [{ version: 1, ...notificationsMigration }]);
}
