import type { MiddlewareHandler } from "hono";

/**
 * Scripts and styles only from the hub itself, never inline: a label an agent reports (a container
 * name, a unit description) can then never run as script, even if some page put it in the DOM as
 * HTML by mistake. Styles set from script through element.style (uPlot sizes its canvas that way)
 * are not inline styles in CSP's sense and stay allowed.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

/** Headers for every dashboard response: the CSP, no framing, no MIME sniffing, no referrer. */
export function uiSecurityHeaders(): MiddlewareHandler {
  return async function uiSecurityHeadersMiddleware(c, next) {
    await next();
    c.header("Content-Security-Policy", CONTENT_SECURITY_POLICY);
    c.header("X-Content-Type-Options", "nosniff");
    c.header("X-Frame-Options", "DENY");
    c.header("Referrer-Policy", "no-referrer");
  };
}
