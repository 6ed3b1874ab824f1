import type { Hono } from "hono";
import { ApiError } from "../../shared/http/api-error.ts";
import type { Db } from "../../shared/sqlite/open-database.ts";
import { AlertStore } from "./alert-store.ts";
import { type AlertDetail, type AlertList, type AlertPhaseView, alertPhase } from "./alerts-api.ts";

export interface AlertsRoutesOptions {
  db: Db;
}

const DEFAULT_HISTORY = 50;
const MAX_HISTORY = 1000;
const STATE_WORDS = [...alertPhase.options, "active", "all"] as const;

/**
 * GET /api/v1/alerts: alerts that are pending, firing or resolved in the last days, and the newest
 * transitions. `?state=firing,pending` (or `active`, `all`), `?host=`, `?rule=`, `?history=N` (0-1000).
 * GET /api/v1/alerts/:fingerprint: one alert and its history.
 */
export function registerAlertsRoutes(app: Hono, o: AlertsRoutesOptions): void {
  const store = new AlertStore(o.db);

  app.get("/api/v1/alerts", (c) => {
    const states = parseStates(c.req.query("state"));
    const hostId = c.req.query("host") || undefined;
    const rule = c.req.query("rule") || undefined;
    const limit = parseLimit(c.req.query("history"));
    const alerts = store.list({ states, ...(hostId ? { hostId } : {}), ...(rule ? { rule } : {}) });
    const history = limit === 0 ? [] : store.history({ limit, ...(hostId ? { hostId } : {}), ...(rule ? { rule } : {}) });
    return c.json({ alerts, history } satisfies AlertList);
  });

  app.get("/api/v1/alerts/:fingerprint", (c) => {
    const fingerprint = c.req.param("fingerprint");
    const alert = store.get(fingerprint);
    if (!alert) {
      throw new ApiError(404, "ALERT_NOT_FOUND", `no pending, firing or recently resolved alert has the fingerprint "${fingerprint}"`, {
        field: "fingerprint",
      });
    }
    const history = store.history({ fingerprint, limit: parseLimit(c.req.query("history")) });
    return c.json({ alert, history } satisfies AlertDetail);
  });
}

function parseStates(text: string | undefined): AlertPhaseView[] {
  if (text === undefined || text === "" || text === "all") return [];
  const out = new Set<AlertPhaseView>();
  for (const word of text.split(",").map((w) => w.trim())) {
    if (word === "active") {
      out.add("pending");
      out.add("firing");
    } else if (word === "all") {
      return [];
    } else {
      const phase = alertPhase.safeParse(word);
      if (!phase.success) {
        throw new ApiError(400, "ALERTS_QUERY", `state: expected ${STATE_WORDS.join(", ")} (comma-separated), got "${word}"`, {
          field: "state",
        });
      }
      out.add(phase.data);
    }
  }
  return [...out];
}

function parseLimit(text: string | undefined): number {
  if (text === undefined || text === "") return DEFAULT_HISTORY;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0 || n > MAX_HISTORY) {
    throw new ApiError(400, "ALERTS_QUERY", `history: expected a whole number from 0 to ${MAX_HISTORY}, got "${text}"`, {
      field: "history",
    });
  }
  return n;
}
