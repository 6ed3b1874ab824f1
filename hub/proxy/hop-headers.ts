import type { IncomingHttpHeaders } from "node:http";
import type { Secret } from "../../shared/config/secret.ts";

/**
 * Headers that describe one connection rather than the message (RFC 9110 section 7.6.1), plus the
 * ones the proxy sets itself: never passed from one side to the other.
 */
const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "proxy-authenticate",
  "proxy-authorization",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
  "host",
]);

/** Names listed in a Connection header are hop-by-hop too. */
function connectionTokens(value: string | null | undefined): Set<string> {
  return new Set(
    (value ?? "")
      .split(",")
      .map((t) => t.trim().toLowerCase())
      .filter((t) => t !== ""),
  );
}

/**
 * The headers sent to the member: the client's, without hop-by-hop ones and without its
 * Authorization when that was the proxy's own token, then the member's configured headers (API
 * keys), which win. The body passes unchanged, so Content-Length stays true and is kept.
 */
export function upstreamRequestHeaders(
  incoming: Headers,
  member: Readonly<Record<string, Secret>>,
  o: { dropAuthorization: boolean; forwardedFor: string | undefined },
): Record<string, string> {
  const extra = connectionTokens(incoming.get("connection"));
  const out: Record<string, string> = {};
  incoming.forEach((value, name) => {
    if (HOP_BY_HOP.has(name) || extra.has(name)) return;
    if (name === "authorization" && o.dropAuthorization) return;
    out[name] = value;
  });
  if (o.forwardedFor !== undefined)
    out["x-forwarded-for"] = out["x-forwarded-for"] ? `${out["x-forwarded-for"]}, ${o.forwardedFor}` : o.forwardedFor;
  for (const [name, value] of Object.entries(member)) out[name.toLowerCase()] = value.reveal();
  return out;
}

/** The member's response headers for the client, without hop-by-hop ones (the client's connection frames the body). */
export function clientResponseHeaders(upstream: IncomingHttpHeaders): Headers {
  const extra = connectionTokens(typeof upstream.connection === "string" ? upstream.connection : undefined);
  const out = new Headers();
  for (const [name, value] of Object.entries(upstream)) {
    if (value === undefined || HOP_BY_HOP.has(name) || extra.has(name)) continue;
    for (const v of Array.isArray(value) ? value : [value]) out.append(name, v);
  }
  return out;
}
