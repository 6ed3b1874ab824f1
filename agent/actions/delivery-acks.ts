/** At most this many acks ride on one poll (the hub reads up to 100: hub/actions/action-delivery.ts). */
const ACKS_PER_POLL = 50;
/** Acked ids are remembered until their request expired this long ago (beyond any clock skew allowed). */
const REMEMBER_AFTER_EXPIRY_MS = 10 * 60_000;
const MAX_REMEMBERED = 10_000;

/**
 * The agent's side of delivery confirmation (docs/actions.md, delivery). Each request id a poll
 * brings is acked on the next poll; once a poll carrying the ack has been answered, the hub has it
 * and never hands that request over again. So a request that arrives again marked as a redelivery
 * but already acked did not come from the hub's redelivery: it is treated as the replay it is.
 * In memory: after a restart, what was not acked yet is handed over again by the hub, and the agent
 * recognises it by its nonce store and audit.
 */
export class DeliveryAcks {
  /** Received, not yet acked by an answered poll: id -> the request's expiry. */
  readonly #pending = new Map<string, number>();
  /** Acked by an answered poll. */
  readonly #acked = new Map<string, number>();

  /** A poll brought this request. */
  received(requestId: string, expiresAt: number): void {
    if (!this.#acked.has(requestId)) this.#pending.set(requestId, expiresAt);
  }

  /** The ids to ack on the next poll. */
  toSend(): string[] {
    return [...this.#pending.keys()].slice(0, ACKS_PER_POLL);
  }

  /** The poll that carried `ids` was answered (200 or 204): the hub has recorded them. */
  answered(ids: readonly string[], now: number): void {
    for (const id of ids) {
      const expiresAt = this.#pending.get(id);
      if (expiresAt === undefined) continue;
      this.#pending.delete(id);
      this.#acked.set(id, expiresAt);
    }
    this.#forget(now);
  }

  /** Whether the hub was told this request arrived. */
  acked(requestId: string): boolean {
    return this.#acked.has(requestId);
  }

  #forget(now: number): void {
    for (const [id, expiresAt] of this.#acked) {
      if (expiresAt + REMEMBER_AFTER_EXPIRY_MS < now || this.#acked.size > MAX_REMEMBERED) this.#acked.delete(id);
    }
  }
}
