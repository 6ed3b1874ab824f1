import type { SendResult } from "../../../shared/http/delivery.ts";
import type { Channel } from "../channel.ts";
import type { Notification } from "../notification.ts";

/**
 * One attempt at sending, bounded by `timeoutMs` and cut short by `stop`. A channel should never
 * throw, but one that does (a bug) yields a retryable result instead of losing the message.
 */
export async function attemptSend(channel: Channel, n: Notification, timeoutMs: number, stop: AbortSignal): Promise<SendResult> {
  const signal = AbortSignal.any([stop, AbortSignal.timeout(timeoutMs)]);
  try {
    return await channel.send(n, { signal, timeoutMs });
  } catch (err) {
    return {
      kind: "retryable",
      reason: `channel ${channel.name} failed unexpectedly: ${err instanceof Error ? err.message : String(err)}`,
      error: err,
    };
  }
}
