import type { AlertEvent } from "../../shared/protocol/alert.ts";
import type { MuteReason } from "../notify/alert-sink.ts";
import type { StoredAlert } from "./alert-store.ts";
import type { AlertHistoryEntry } from "./alerts-api.ts";

/** One notified transition of an evaluation: the event for the notifier, the alert after it, why, and what muted it. */
export interface AlertTransition {
  /** Handed to the notifier after the hook: its annotations may be added to. */
  event: AlertEvent;
  alert: StoredAlert;
  reason: AlertHistoryEntry["reason"] | null;
  mutedBy: MuteReason | null;
}

/**
 * Told of the firing and resolved transitions of each evaluation, inside the engine's transaction and
 * before the notifier gets them (automatic remediation, hub/remediation). It may add annotations to
 * the events, and returns further events to notify in the same submit. What it throws is logged and
 * the transitions are notified without it.
 */
export interface AlertTransitionHook {
  onTransitions(transitions: readonly AlertTransition[], now: number): AlertEvent[];
}
