import { createHmac, timingSafeEqual } from "node:crypto";

export const SIGNATURE_HEADER = "x-vigil-signature-256";
export const TIMESTAMP_HEADER = "x-vigil-timestamp";

/**
 * `sha256=<hex>` of HMAC-SHA256(key, "<timestamp>.<body>"), the scheme Stripe and Slack use: the
 * timestamp is signed with the body so a captured request cannot be replayed later unnoticed.
 */
export function signBody(key: string, timestampSeconds: number, body: string): string {
  return `sha256=${createHmac("sha256", key).update(`${timestampSeconds}.${body}`).digest("hex")}`;
}

/** The receiver's side, as docs/notifications.md shows it: constant-time compare of the recomputed signature. */
export function verifySignature(key: string, timestampSeconds: number, body: string, header: string): boolean {
  const expected = Buffer.from(signBody(key, timestampSeconds, body));
  const given = Buffer.from(header);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
