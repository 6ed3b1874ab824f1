import type { Hono } from "hono";
import type { Secret } from "../../shared/config/secret.ts";
import { ApiError } from "../../shared/http/api-error.ts";
import type { Logger } from "../../shared/log/logger.ts";
import type { Db } from "../../shared/sqlite/open-database.ts";
import { adminAuth } from "../auth/admin-auth.ts";
import { readJsonRequest } from "../auth/json-request.ts";
import { AmbiguousSilenceIdError, SilenceStore } from "./silence-store.ts";
import {
  createSilenceRequest,
  MAX_SILENCE_MS,
  type SilenceAnswer,
  type SilenceList,
  type SilenceStatus,
  type SilenceView,
  silenceStatus,
} from "./silences-api.ts";

export interface SilencesRoutesOptions {
  db: Db;
  adminTokens: readonly Secret[];
  logger: Logger;
  now: () => number;
}

/** A silence id or a prefix of one (at least 4 characters), as printed by `vigil silence list`. */
const ID = /^[0-9a-f-]{4,36}$/;

/**
 * Silences and maintenance windows (docs/alerts.md). Reading is open like the rest of the API;
 * creating and expiring need the admin token (admin-auth.ts), since a silence hides alerts.
 * POST /api/v1/silences, GET /api/v1/silences[?state=active,pending,expired|all],
 * GET /api/v1/silences/:id, DELETE /api/v1/silences/:id (ends it now; kept for the record).
 */
export function registerSilencesRoutes(app: Hono, o: SilencesRoutesOptions): void {
  const store = new SilenceStore(o.db);
  const admin = adminAuth({ adminTokens: o.adminTokens });

  app.post("/api/v1/silences", admin, async (c) => {
    const req = await readJsonRequest(c, createSilenceRequest, "SILENCE_SCHEMA");
    const now = o.now();
    const startsAt = req.startsAt ?? now;
    const endsAt = req.endsAt ?? startsAt + (req.duration ?? 0);
    if (endsAt <= now || endsAt <= startsAt) {
      throw new ApiError(400, "SILENCE_SCHEMA", "endsAt: the silence would end before it starts, or is already over", { field: "endsAt" });
    }
    if (endsAt - startsAt > MAX_SILENCE_MS) {
      throw new ApiError(400, "SILENCE_SCHEMA", "endsAt: a silence lasts at most 366 days; disable the rule instead", { field: "endsAt" });
    }
    const silence = store.create(
      { kind: req.kind, matchers: req.matchers, startsAt, endsAt, comment: req.comment, createdBy: req.createdBy ?? null },
      now,
    );
    o.logger.info(`${silence.kind} created`, { id: silence.id, matchers: silence.matchers, startsAt, endsAt, comment: silence.comment });
    return c.json({ silence } satisfies SilenceAnswer, 201);
  });

  app.get("/api/v1/silences", (c) => {
    const statuses = parseStatuses(c.req.query("state"));
    return c.json({ silences: store.list(statuses, o.now()) } satisfies SilenceList);
  });

  app.get("/api/v1/silences/:id", (c) => c.json({ silence: find(store, c.req.param("id"), o.now()) } satisfies SilenceAnswer));

  app.delete("/api/v1/silences/:id", admin, (c) => {
    const now = o.now();
    const found = find(store, c.req.param("id"), now);
    const silence = store.expire(found.id, now) ?? found;
    if (found.status !== "expired") o.logger.info(`${silence.kind} expired`, { id: silence.id });
    return c.json({ silence } satisfies SilenceAnswer);
  });
}

function find(store: SilenceStore, id: string, now: number): SilenceView {
  if (!ID.test(id))
    throw new ApiError(400, "SILENCE_ID", `id: expected a silence id or its first characters (at least 4), got "${id}"`, { field: "id" });
  try {
    const s = store.find(id, now);
    if (!s) throw new ApiError(404, "SILENCE_NOT_FOUND", `no silence has an id starting with "${id}"`, { field: "id" });
    return s;
  } catch (err) {
    if (err instanceof AmbiguousSilenceIdError) throw new ApiError(409, "SILENCE_ID_AMBIGUOUS", err.message, { field: "id" });
    throw err;
  }
}

/** Default: the silences that are or will be in effect. */
function parseStatuses(text: string | undefined): SilenceStatus[] {
  if (text === undefined || text === "") return ["active", "pending"];
  if (text === "all") return [];
  return text.split(",").map((word) => {
    const s = silenceStatus.safeParse(word.trim());
    if (!s.success) {
      throw new ApiError(400, "SILENCES_QUERY", `state: expected active, pending, expired or all (comma-separated), got "${word}"`, {
        field: "state",
      });
    }
    return s.data;
  });
}
