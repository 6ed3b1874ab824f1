import type { Db } from "../../shared/sqlite/open-database.ts";

/** A request taken by a poll: the signed envelope, and which handover this is (1 the first time). */
export interface TakenRequest {
  id: number;
  envelope: unknown;
  attempt: number;
}

/** At most this many acks are read from one poll; an agent sends far fewer (agent/actions/delivery-acks.ts). */
export const MAX_ACKS_PER_POLL = 100;

/**
 * Handing queued requests (table action_requests) to agents' long polls, and learning that they arrived.
 *
 * Writing a poll's answer "succeeds" even when the connection is half-open (an agent host that lost
 * power, a relay whose agent died), so a write proves nothing. An agent that confirms deliveries
 * (it says so on its poll) acks each request it received on its next poll, which it makes at once:
 * until that ack the row keeps its envelope, and a row delivered but not confirmed within
 * `confirmTimeoutMs` goes back to the queue for the next poll. The agent's nonce store makes a second
 * copy harmless (it runs nothing twice), and the agent tells a redelivery from a replay by the attempt
 * number this hub sends with it. An agent that does not confirm (older than this) gets each request
 * once, as before: a redelivery would reach it as a replay and be refused.
 *
 * A request that expires while not confirmed ends `expired`, saying so, so the operator gets an answer.
 */
export class ActionDelivery {
  readonly #db: Db;
  readonly #confirmMs: number;
  readonly #expire;
  readonly #requeue;
  readonly #oldestQueued;
  readonly #deliverKept;
  readonly #deliverOnce;
  readonly #confirm;
  readonly #oldestUnconfirmed;

  constructor(db: Db, o: { confirmTimeoutMs: number }) {
    this.#db = db;
    this.#confirmMs = o.confirmTimeoutMs;
    // A row delivered but unconfirmed is given its confirmation window even past its expiry: the agent
    // may have taken it in its last moment, and its ack is on the way.
    this.#expire = db.prepare(
      `UPDATE action_requests SET status = 'expired', refused_by = 'hub', refusal_code = 'REQUEST_EXPIRED',
         refusal_message = CASE WHEN deliveries = 0 THEN 'the agent did not fetch the request before it expired'
           ELSE 'handed to the agent''s poll ' || deliveries || CASE WHEN deliveries = 1 THEN ' time' ELSE ' times' END
             || ' but not confirmed by the agent before it expired: the answer was lost on the way (is the agent running and reaching the hub?)'
         END,
         finished_at = @now, envelope = NULL
       WHERE (status = 'queued' AND expires_at < @now)
          OR (status = 'delivered' AND envelope IS NOT NULL AND expires_at < @now AND delivered_at <= @now - @confirmMs)`,
    );
    this.#requeue = db.prepare(
      `UPDATE action_requests SET status = 'queued'
       WHERE agent_id = @agentId AND status = 'delivered' AND envelope IS NOT NULL AND delivered_at <= @now - @confirmMs`,
    );
    this.#oldestQueued = db.prepare(
      "SELECT id, envelope, deliveries FROM action_requests WHERE agent_id = ? AND status = 'queued' ORDER BY id LIMIT 1",
    );
    this.#deliverKept = db.prepare(
      "UPDATE action_requests SET status = 'delivered', delivered_at = ?, deliveries = deliveries + 1 WHERE id = ?",
    );
    this.#deliverOnce = db.prepare(
      "UPDATE action_requests SET status = 'delivered', delivered_at = ?, deliveries = deliveries + 1, envelope = NULL WHERE id = ?",
    );
    // Only rows handed over to this agent: an ack names what arrived, it cannot complete anything else.
    // A final row keeps its status (the result came first); an expired one learns it did arrive after all.
    this.#confirm = db.prepare(
      `UPDATE action_requests SET status = CASE WHEN status IN ('queued', 'delivered') THEN 'confirmed' ELSE status END,
         confirmed_at = COALESCE(confirmed_at, @now), envelope = NULL
       WHERE request_id = @requestId AND agent_id = @agentId AND delivered_at IS NOT NULL AND confirmed_at IS NULL`,
    );
    this.#oldestUnconfirmed = db
      .prepare("SELECT MIN(delivered_at) FROM action_requests WHERE agent_id = ? AND status = 'delivered' AND envelope IS NOT NULL")
      .pluck();
  }

  /**
   * When the oldest unconfirmed delivery to `agentId` goes back to the queue (by the `now` clock);
   * undefined when none waits for its ack. A parked poll wakes then, so a request whose answer went
   * nowhere reaches the agent's next poll after the window, not at that poll's timeout (also after a
   * hub restart, which forgets nothing here).
   */
  requeueDueAt(agentId: string): number | undefined {
    const oldest = this.#oldestUnconfirmed.get(agentId) as number | null | undefined;
    return oldest === null || oldest === undefined ? undefined : oldest + this.#confirmMs;
  }

  /** Ends requests past their expiry that no agent has (never fetched, or not confirmed); returns how many. */
  expireStale(now: number): number {
    return this.#expire.run({ now, confirmMs: this.#confirmMs }).changes;
  }

  /**
   * The oldest queued request for `agentId`, marked delivered; undefined when none waits. Unconfirmed
   * deliveries past their window are queued again first. With `confirms` (the poll says its agent acks
   * what it receives) the envelope is kept until the ack; without, the request is handed over once.
   */
  takeNext(agentId: string, now: number, confirms: boolean): TakenRequest | undefined {
    return this.#db.transaction(() => {
      this.#expire.run({ now, confirmMs: this.#confirmMs });
      this.#requeue.run({ agentId, now, confirmMs: this.#confirmMs });
      const row = this.#oldestQueued.get(agentId) as { id: number; envelope: string; deliveries: number } | undefined;
      if (!row) return undefined;
      (confirms ? this.#deliverKept : this.#deliverOnce).run(now, row.id);
      return { id: row.id, envelope: JSON.parse(row.envelope) as unknown, attempt: row.deliveries + 1 };
    })();
  }

  /** The agent's acks: these requests reached it. Returns how many rows learnt it now. */
  confirm(agentId: string, requestIds: readonly string[], now: number): number {
    if (requestIds.length === 0) return 0;
    return this.#db.transaction(() => {
      let changed = 0;
      for (const requestId of requestIds.slice(0, MAX_ACKS_PER_POLL)) changed += this.#confirm.run({ requestId, agentId, now }).changes;
      return changed;
    })();
  }
}
