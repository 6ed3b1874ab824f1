/** GET /api/v1/session: the role the request's token has, and what the dashboard needs to know of the hub. */
export interface SessionAnswer {
  role: "admin" | "viewer" | "anonymous";
  via: "token" | "loopback" | "none";
  canRead: boolean;
  canAdmin: boolean;
  viewerTokensConfigured: boolean;
  adminTokensConfigured: boolean;
  refreshIntervalMs: number;
  version: string;
}
