import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

/** Agent tokens the hub issues start with this, so secret scanners and people recognise one in a paste. */
export const AGENT_TOKEN_PREFIX = "vigil_agent_";

/** 32 random bytes (256 bits), base64url: `vigil_agent_` + 43 characters. */
export function newAgentToken(): string {
  return AGENT_TOKEN_PREFIX + randomBytes(32).toString("base64url");
}

/**
 * The stored form of a token: its SHA-256, hex. A fast hash is enough here because the tokens are
 * 256-bit random values, not passwords: there is no dictionary to try, so the slowness of bcrypt or
 * scrypt would buy nothing and would cost CPU on every ingest request. A stolen database gives
 * digests from which no token can be recovered.
 */
export function hashToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

/** Compares two hex digests in constant time. */
export function sameDigest(a: string, b: string): boolean {
  const x = Buffer.from(a, "hex");
  const y = Buffer.from(b, "hex");
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}

/** The token of an `Authorization: Bearer <token>` header; undefined when absent, null when malformed. */
export function bearerToken(header: string | undefined): string | undefined | null {
  if (header === undefined || header === "") return undefined;
  const m = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
  return m ? (m[1] as string) : null;
}
