import { canonicalLabels } from "../../shared/labels.ts";
import type { StateRecord } from "../../shared/protocol/samples.ts";

/**
 * Remembers the last value of every state (name and labels) and says whether a collection changed
 * one: the agent then pushes at once (Pusher.nudge) instead of at the end of the interval, so a
 * failed unit or a degraded pool reaches the hub's rules within milliseconds of being seen.
 * A state seen for the first time counts as a change only when others of its name were seen
 * before (a unit newly failed), not at start, when every state is new.
 */
/** Beyond this many remembered states (containers come and go), forget them all and start over. */
const MAX_REMEMBERED = 20_000;

export class StateChangeWatch {
  readonly #last = new Map<string, string>();
  readonly #namesSeen = new Set<string>();

  changed(states: readonly StateRecord[]): boolean {
    if (this.#last.size > MAX_REMEMBERED) this.#last.clear();
    let changed = false;
    const newNames = new Set<string>();
    for (const record of states) {
      const key = `${record.name}${canonicalLabels(record.labels)}`;
      const before = this.#last.get(key);
      if (before === undefined ? this.#namesSeen.has(record.name) : before !== record.state) changed = true;
      this.#last.set(key, record.state);
      if (!this.#namesSeen.has(record.name)) newNames.add(record.name);
    }
    for (const name of newNames) this.#namesSeen.add(name);
    return changed;
  }
}
