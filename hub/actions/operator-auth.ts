import type { Context } from "hono";
import type { Secret } from "../../shared/config/secret.ts";
import { ApiError } from "../../shared/http/api-error.ts";
import { adminAuth } from "../auth/admin-auth.ts";
import { bearerToken } from "../auth/tokens.ts";

export type OperatorRole = "admin" | "operator";

/** Who asks for an action: the name recorded as initiator `user:<name>`, and the role signed into the request. */
export interface Operator {
  name: string;
  role: OperatorRole;
  /** Recorded instead of `user:<name>` for requests the hub makes itself (`rule:<name>`: automatic remediation). Never from a token. */
  initiator?: string;
}

export interface OperatorAuthOptions {
  /** auth.adminTokens: each acts as an admin named "admin". */
  adminTokens: readonly Secret[];
  /** actions.operators */
  operators: ReadonlyArray<{ name: string; token: Secret; role: OperatorRole }>;
}

/**
 * The operator behind an action call. A bearer token must be one of actions.operators or
 * auth.adminTokens; every token is compared, so timing does not tell which one nearly matched. With
 * no token of either kind configured, the call is accepted only from the hub's own machine, exactly
 * as the admin API does (auth/admin-auth.ts decides that), as "local" with the admin role.
 */
export async function authenticateOperator(c: Context, o: OperatorAuthOptions): Promise<Operator> {
  if (o.adminTokens.length + o.operators.length === 0) {
    await adminAuth({ adminTokens: [] })(c, async () => {});
    return { name: "local", role: "admin" };
  }
  const token = bearerToken(c.req.header("authorization"));
  if (token === undefined) {
    throw new ApiError(
      401,
      "ACTION_TOKEN_MISSING",
      "actions need an operator or admin token (actions.operators, auth.adminTokens): send 'Authorization: Bearer <token>'",
    );
  }
  if (token === null) throw new ApiError(401, "ACTION_TOKEN_INVALID", "the Authorization header must be 'Bearer <token>'");
  let found: Operator | undefined;
  for (const op of o.operators) if (op.token.equals(token) && !found) found = { name: op.name, role: op.role };
  for (const t of o.adminTokens) if (t.equals(token) && !found) found = { name: "admin", role: "admin" };
  if (!found) throw new ApiError(401, "ACTION_TOKEN_INVALID", "the token is not one of this hub's operator or admin tokens");
  return found;
}
