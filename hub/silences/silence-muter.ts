import type { AlertEvent } from "../../shared/protocol/alert.ts";
import type { Db } from "../../shared/sqlite/open-database.ts";
import type { MuteReason, Muter } from "../notify/alert-sink.ts";
import { compileSilenceMatchers } from "./silence-match.ts";
import { SilenceStore } from "./silence-store.ts";

/**
 * The notifier's and the rules engine's question "is this alert muted now?", answered from the
 * silences table. It reads the table on every call rather than caching: it is asked once per
 * notification (rare) and the table holds a handful of rows, while a cache would have to hear of
 * every change made through the API. A maintenance window wins over a plain silence when both match.
 */
export class SilenceMuter implements Muter {
  readonly #store: SilenceStore;
  readonly #hostLabels;

  constructor(db: Db) {
    this.#store = new SilenceStore(db);
    this.#hostLabels = db.prepare("SELECT labels FROM hosts WHERE id = ?").pluck();
  }

  mutedBy(event: AlertEvent, nowMs: number): MuteReason | undefined {
    const active = this.#store.activeAt(nowMs);
    if (active.length === 0) return undefined;
    let hostLabels: Record<string, string> | undefined;
    for (const s of active) {
      if (s.matchers.hostLabels !== undefined && hostLabels === undefined) hostLabels = this.#labelsOf(event.hostId);
      if (compileSilenceMatchers(s.matchers)(event, hostLabels ?? {})) {
        return { id: s.id, kind: s.kind, ...(s.comment ? { comment: s.comment } : {}) };
      }
    }
    return undefined;
  }

  #labelsOf(hostId: string | null): Record<string, string> {
    if (hostId === null) return {};
    const text = this.#hostLabels.get(hostId) as string | undefined;
    return text === undefined ? {} : (JSON.parse(text) as Record<string, string>);
  }
}
