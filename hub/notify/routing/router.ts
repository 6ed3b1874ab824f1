import type { AlertSeverity } from "../../../shared/protocol/alert.ts";
import type { AlertSource } from "../alert-sink.ts";
import type { NotifiedAlert } from "../notification.ts";

/** A route as the router needs it (the `notify.routes` entries after loading). */
export interface RouteSpec {
  name?: string | undefined;
  match: {
    severity?: readonly AlertSeverity[] | undefined;
    rules?: readonly string[] | undefined;
    labels: Readonly<Record<string, string>>;
    source?: AlertSource | undefined;
  };
  channels: readonly string[];
  groupBy: readonly string[];
  continue: boolean;
}

/** Where one alert goes: a channel, the route that sent it there, and the group it joins. */
export interface RouteTarget {
  route: string | null;
  channel: string;
  /** Alerts with the same channel and group key, submitted within the group window, share one message. */
  groupKey: string;
}

/**
 * Decides, per alert, which channels get it. Routes are tried in order and the first that matches
 * wins, unless it says `continue`. With no routes configured every alert goes to every channel.
 * An alert reaches a channel at most once even when several matching routes name it.
 */
export class Router {
  readonly #routes: readonly RouteSpec[];
  readonly #allChannels: readonly string[];

  constructor(routes: readonly RouteSpec[], channels: readonly string[]) {
    this.#routes = routes;
    this.#allChannels = channels;
  }

  targets(alert: NotifiedAlert): RouteTarget[] {
    if (this.#routes.length === 0) return this.#allChannels.map((channel) => ({ route: null, channel, groupKey: "all" }));
    const out: RouteTarget[] = [];
    const seen = new Set<string>();
    for (const [i, r] of this.#routes.entries()) {
      if (!matches(r, alert)) continue;
      const route = r.name ?? `routes[${i}]`;
      const groupKey = `${route}${groupLabels(r.groupBy, alert.labels)}`;
      for (const channel of r.channels) {
        if (seen.has(channel)) continue;
        seen.add(channel);
        out.push({ route, channel, groupKey });
      }
      if (!r.continue) break;
    }
    return out;
  }
}

export function matches(r: RouteSpec, alert: NotifiedAlert): boolean {
  const m = r.match;
  if (m.severity !== undefined && !m.severity.includes(alert.severity)) return false;
  if (m.rules !== undefined && !m.rules.includes(alert.rule)) return false;
  if (m.source !== undefined && m.source !== alert.source) return false;
  for (const [name, value] of Object.entries(m.labels)) if (alert.labels[name] !== value) return false;
  return true;
}

/** `{host="gpu-1",pool="tank"}` from the groupBy labels (absent ones as ""), or "" when there are none. */
function groupLabels(groupBy: readonly string[], labels: Readonly<Record<string, string>>): string {
  if (groupBy.length === 0) return "";
  return `{${groupBy.map((name) => `${name}=${JSON.stringify(labels[name] ?? "")}`).join(",")}}`;
}
