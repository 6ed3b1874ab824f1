/**
 * The `traceparent` an action request envelope carries, read before the request is verified so that
 * refusals are traced too. Only its type is checked here; the tracing backend checks its format and
 * starts a new trace for a malformed one. Nothing else is taken from an unverified request.
 */
export function traceparentOf(envelope: unknown): string | undefined {
  if (envelope === null || typeof envelope !== "object") return undefined;
  const payload = (envelope as { payload?: unknown }).payload;
  if (payload === null || typeof payload !== "object") return undefined;
  const value = (payload as { traceparent?: unknown }).traceparent;
  return typeof value === "string" && value.length <= 256 ? value : undefined;
}
