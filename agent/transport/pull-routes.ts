import type { ErrorBody } from "../../shared/api/error-body.ts";
import type { Logger } from "../../shared/log/logger.ts";
import type { Envelope } from "../../shared/protocol/envelope.ts";
import type { HostIdentity } from "../../shared/protocol/identity.ts";
import { MAX_PULL_BATCHES } from "../../shared/protocol/limits.ts";
import { PROTOCOL_VERSION } from "../../shared/protocol/version.ts";
import type { CollectorScheduler } from "../collectors/scheduler.ts";
import { jsonReply, type Router } from "../http/router.ts";
import type { AgentStore } from "../store/agent-store.ts";
import { respondText } from "./respond.ts";
import type { BatchSealer } from "./sealer.ts";

export interface PullRoutesOptions {
  store: AgentStore;
  scheduler: CollectorScheduler;
  sealer: BatchSealer;
  host: HostIdentity;
  /**
   * Pull mode: a request seals what is pending first, so the hub gets the freshest data, and `after`
   * acknowledges. In push mode the pages are read-only, so nothing but the hub's ingest acknowledgement
   * ever removes a batch the pusher has yet to deliver.
   */
  pullMode: boolean;
  /** Series older than this are left out of the snapshot (they stopped reporting). */
  staleAfterMs: number;
  counters: { pullBatchesServed: number };
  /** Where a renumbering of the outbox by a hub's `after` is said (see acknowledge); without one it is not logged. */
  logger?: Logger;
  now?: () => number;
}

const JSON_TYPE = "application/json; charset=utf-8";

/**
 * The endpoints a hub in pull mode scrapes (contract: shared/protocol/pull.ts). `after=N` acknowledges
 * every batch up to N, which then leaves the outbox; the batches returned are the payloads push would
 * send, so the hub stores them through the same idempotent path.
 */
export function registerPullRoutes(app: Router, o: PullRoutesOptions): void {
  const now = o.now ?? Date.now;

  app.get("/api/v1/samples", async (req) => {
    const after = integerParam(req.query.get("after") ?? undefined, 0, 0);
    const limit = integerParam(req.query.get("limit") ?? undefined, MAX_PULL_BATCHES, 1);
    if (after === null) return jsonReply(400, badQuery("after", "must be a whole number of at least 0 (the last sequence stored)"));
    if (limit === null) return jsonReply(400, badQuery("limit", `must be a whole number from 1 to ${MAX_PULL_BATCHES}`));
    if (o.pullMode) {
      o.sealer.seal({ heartbeat: false });
      acknowledge(o, after);
    }
    const page = o.store.outbox.batchesAfter(after, Math.min(limit, MAX_PULL_BATCHES));
    o.counters.pullBatchesServed += page.batches.length;
    // Built without wrap(): each batch was validated against the same schema when it was sealed,
    // and revalidating up to 100 batches per request would cost more than everything else here.
    const envelope = { protocolVersion: PROTOCOL_VERSION, kind: "sample_page", payload: { host: o.host, ...page } };
    return respondText(req, JSON.stringify(envelope), JSON_TYPE);
  });

  app.get("/api/v1/snapshot", async (req) => {
    const takenAt = now();
    const since = takenAt - o.staleAfterMs;
    // Built without wrap() (which would keep zod loaded in the agent): the samples and states were
    // checked against the wire rules when collected, and the rest is the agent's own bookkeeping.
    const envelope: Envelope<"agent_snapshot"> = {
      protocolVersion: PROTOCOL_VERSION,
      kind: "agent_snapshot",
      payload: {
        host: o.host,
        takenAt,
        collectors: o.scheduler.statuses().map((s) => ({
          name: s.name,
          state: s.state,
          ...(s.detail !== undefined ? { detail: s.detail.slice(0, 2000) } : {}),
          lastRunAt: s.lastRunAt,
        })),
        samples: o.store.latest.samples(since),
        states: o.store.latest.states(since),
      },
    };
    return respondText(req, JSON.stringify(envelope), JSON_TYPE);
  });
}

/**
 * Acknowledges up to `after`. When the hub is past every sequence this database issued (it remembers an
 * earlier database of this agent), Outbox.acknowledgeUpTo renumbers the waiting batches after `after`
 * instead of deleting them unsent; that is said once, with both ranges, as it means this agent's
 * database was made again or restored. The next request is then below the next sequence, so it is
 * said once per such event, not per request.
 */
function acknowledge(o: PullRoutesOptions, after: number): void {
  const range = (r: [number, number] | null) => (r === null ? null : `${r[0]}..${r[1]}`);
  o.store.outbox.acknowledgeUpTo(after, (r) =>
    o.logger?.warn("a pulling hub asked past every batch this database numbered: the waiting batches were renumbered after it", {
      hubAfter: after,
      batches: r.batches,
      oldRange: range(r.oldRange),
      newRange: range(r.newRange),
      previousNextSequence: r.previousNext,
      nextSequence: r.next,
    }),
  );
}

/** The value of an optional whole-number query parameter; null when present but not one, or below `min`. */
function integerParam(text: string | undefined, fallback: number, min: number): number | null {
  if (text === undefined || text === "") return fallback;
  if (!/^\d{1,15}$/.test(text)) return null;
  const n = Number(text);
  return n >= min ? n : null;
}

function badQuery(field: string, message: string): ErrorBody {
  return { error: { code: "PULL_BAD_QUERY", message: `${field} ${message}`, field } };
}
