/**
 * Links from messages back to the hub. They point at the HTTP API until the dashboard exists; when
 * it does, only this file changes.
 */

/** The hub's base URL for links: publicUrl, else the listen address unless it is a wildcard nobody can open. */
export function hubBaseUrl(publicUrl: string | undefined, listen: { host: string; port: number }): string | undefined {
  if (publicUrl !== undefined) return publicUrl.replace(/\/+$/, "");
  if (listen.host === "0.0.0.0" || listen.host === "::") return undefined;
  const host = listen.host.includes(":") ? `[${listen.host}]` : listen.host;
  return `http://${host}:${listen.port}`;
}

/** Where to look at one host. */
export function hostLink(base: string, hostId: string): string {
  return `${base}/api/v1/hosts/${encodeURIComponent(hostId)}`;
}

/** Where to look at the alerts. */
export function alertsLink(base: string): string {
  return `${base}/api/v1/alerts`;
}
