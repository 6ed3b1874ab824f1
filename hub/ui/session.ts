import type { Context } from "hono";
import type { Secret } from "../../shared/config/secret.ts";
import { ApiError } from "../../shared/http/api-error.ts";
import { adminAuth } from "../auth/admin-auth.ts";
import { bearerToken } from "../auth/tokens.ts";

/** The dashboard's two roles: viewers read, admins also create and expire silences and pin failover groups. */
export type UiRole = "admin" | "viewer" | "anonymous";

export interface SessionOptions {
  /** auth.adminTokens: the admin role. With none, requests from the hub's own machine are admin (as for the admin API). */
  adminTokens: readonly Secret[];
  /** auth.viewerTokens: the viewer role. With none, reading is open to anyone who reaches the hub. */
  viewerTokens: readonly Secret[];
}

export interface Session {
  role: UiRole;
  /** How the role was established: a bearer token, the loopback rule, or nothing. */
  via: "token" | "loopback" | "none";
  canRead: boolean;
  canAdmin: boolean;
}

/**
 * Who is asking, from the `Authorization: Bearer` header. Bearer tokens rather than cookies or basic
 * auth: a browser never attaches them by itself, so another site cannot make a signed-in browser
 * write (no CSRF), and the token never appears in a URL. A token that is neither an admin nor a
 * viewer token is refused (401) rather than treated as absent, so a mistyped token is noticed.
 */
export async function resolveSession(c: Context, o: SessionOptions): Promise<Session> {
  const token = bearerToken(c.req.header("authorization"));
  if (token === null) throw new ApiError(401, "READ_TOKEN_INVALID", "the Authorization header must be 'Bearer <token>'");
  if (token !== undefined) {
    // Every token is compared, so the time taken does not tell which list nearly matched.
    let admin = false;
    let viewer = false;
    for (const t of o.adminTokens) admin = t.equals(token) || admin;
    for (const t of o.viewerTokens) viewer = t.equals(token) || viewer;
    if (admin) return { role: "admin", via: "token", canRead: true, canAdmin: true };
    if (viewer) return { role: "viewer", via: "token", canRead: true, canAdmin: false };
    throw new ApiError(401, "READ_TOKEN_INVALID", "the token is not one of this hub's viewer or admin tokens");
  }
  if (o.adminTokens.length === 0 && (await isLocalRequest(c))) return { role: "admin", via: "loopback", canRead: true, canAdmin: true };
  return { role: "anonymous", via: "none", canRead: o.viewerTokens.length === 0, canAdmin: false };
}

/** The admin API's own loopback rule (admin-auth.ts): a loopback peer and no proxy header. */
async function isLocalRequest(c: Context): Promise<boolean> {
  try {
    await adminAuth({ adminTokens: [] })(c, async () => {});
    return true;
  } catch (err) {
    if (err instanceof ApiError) return false;
    throw err;
  }
}
