import { generateKeyPairSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { canonicalJson } from "../../../shared/actions/canonical-json.ts";
import {
  formatPublicKey,
  parsePublicKey,
  signActionRequest,
  signingPayload,
  type UnsignedActionRequest,
  verifyActionSignature,
} from "../../../shared/actions/signing.ts";
import type { ActionRequest } from "../../../shared/protocol/action.ts";
import { newKeys, T0, unsignedRequest } from "./support/requests.ts";

describe("canonicalJson", () => {
  it("sorts keys at every depth and writes no whitespace", () => {
    expect(canonicalJson({ b: 1, a: { d: [true, null, "x"], c: "é\n" } })).toBe('{"a":{"c":"é\\n","d":[true,null,"x"]},"b":1}');
  });

  it("gives one text for objects built in any key order, and leaves out undefined members", () => {
    expect(canonicalJson({ unit: "a", dataset: "b", x: undefined })).toBe(canonicalJson({ dataset: "b", unit: "a" }));
  });

  it("sorts by UTF-16 code units, not by locale", () => {
    expect(canonicalJson({ b: 0, B: 0, ä: 0, a: 0 })).toBe('{"B":0,"a":0,"b":0,"ä":0}');
  });

  it("refuses what could serialise differently elsewhere: floats, NaN, dates, class instances", () => {
    expect(() => canonicalJson({ n: 1.5 })).toThrow("$.n: only safe integers can be signed, not 1.5");
    expect(() => canonicalJson([Number.NaN])).toThrow("$[0]: only safe integers");
    expect(() => canonicalJson({ when: new Date(0) })).toThrow("$.when: object values cannot be signed");
    expect(() => canonicalJson({ big: 2 ** 60 })).toThrow("only safe integers");
  });
});

describe("signing action requests (Ed25519)", () => {
  const keys = newKeys();

  it("signs every field but the signature, behind a domain prefix", () => {
    const r = unsignedRequest({ requestId: "7d7f2a52-5d5e-4a8f-9a57-0e7e3c7f8a10" });
    expect(signingPayload(r).toString("utf8")).toBe(
      "vigil-action-request-v1\n" +
        '{"action":"restart-unit","agentId":"gpu-1","confirm":false,"dryRun":false,"expiresAt":1795435260000,' +
        '"initiator":"user:alice","issuedAt":1795435200000,"params":{"unit":"ollama-gpu.service"},"reason":"model stuck",' +
        '"requestId":"7d7f2a52-5d5e-4a8f-9a57-0e7e3c7f8a10","role":"operator"}',
    );
    expect(T0).toBe(1795435200000);
  });

  it("verifies a request it signed", () => {
    const signed = signActionRequest(unsignedRequest(), keys.privateKey);
    expect(signed.signature.algorithm).toBe("ed25519");
    expect(Buffer.from(signed.signature.value, "base64")).toHaveLength(64);
    expect(verifyActionSignature(signed, keys.publicKey)).toBe(true);
  });

  // Each field changed in a way an attacker would like: the signature must break for every one.
  const changes: Array<[keyof UnsignedActionRequest, (r: ActionRequest) => ActionRequest]> = [
    ["requestId", (r) => ({ ...r, requestId: "00000000-0000-4000-8000-000000000000" })],
    ["agentId", (r) => ({ ...r, agentId: "nas" })],
    ["action", (r) => ({ ...r, action: "restart-postgres" })],
    ["params", (r) => ({ ...r, params: { unit: "postgresql.service" } })],
    ["params", (r) => ({ ...r, params: { ...r.params, extra: "1" } })],
    ["params", (r) => ({ ...r, params: {} })],
    ["reason", (r) => ({ ...r, reason: "other" })],
    ["reason", (r) => ({ ...r, reason: undefined })],
    ["confirm", (r) => ({ ...r, confirm: true })],
    ["initiator", (r) => ({ ...r, initiator: "user:root" })],
    ["role", (r) => ({ ...r, role: "admin" })],
    ["role", (r) => ({ ...r, role: undefined })],
    ["issuedAt", (r) => ({ ...r, issuedAt: r.issuedAt + 1 })],
    ["expiresAt", (r) => ({ ...r, expiresAt: r.expiresAt + 3_600_000 })],
    ["dryRun", (r) => ({ ...r, dryRun: true })],
  ];
  it.each(changes.map(([field, change], i) => [`${field} #${i}`, change] as const))(
    "refuses a request whose %s changed",
    (_name, change) => {
      const signed = signActionRequest(unsignedRequest({ reason: "model stuck", role: "operator" }), keys.privateKey);
      expect(verifyActionSignature(signed, keys.publicKey)).toBe(true);
      expect(verifyActionSignature(change(signed), keys.publicKey)).toBe(false);
    },
  );

  it("covers every field of the wire schema but the signature", () => {
    const covered = new Set(changes.map(([f]) => f));
    const fields = Object.keys(signActionRequest(unsignedRequest(), keys.privateKey)).filter((k) => k !== "signature");
    expect(fields.filter((f) => !covered.has(f as keyof UnsignedActionRequest))).toEqual([]);
  });

  it("refuses another key's signature, a changed signature, a float parameter and another algorithm", () => {
    const signed = signActionRequest(unsignedRequest(), keys.privateKey);
    expect(verifyActionSignature(signed, newKeys().publicKey)).toBe(false);
    const bytes = Buffer.from(signed.signature.value, "base64");
    bytes[0] = (bytes[0] ?? 0) ^ 1;
    expect(verifyActionSignature({ ...signed, signature: { algorithm: "ed25519", value: bytes.toString("base64") } }, keys.publicKey)).toBe(
      false,
    );
    expect(verifyActionSignature({ ...signed, params: { n: 1.5 } }, keys.publicKey)).toBe(false);
    expect(verifyActionSignature({ ...signed, signature: { ...signed.signature, algorithm: "hmac-sha256" } }, keys.publicKey)).toBe(false);
  });
});

describe("public key text", () => {
  it("round-trips as ed25519:<44 base64 characters>", () => {
    const { publicKey } = newKeys();
    const text = formatPublicKey(publicKey);
    expect(text).toMatch(/^ed25519:[A-Za-z0-9+/]{43}=$/);
    expect(formatPublicKey(parsePublicKey(text))).toBe(text);
    expect(formatPublicKey(parsePublicKey(`  ${text}\n`))).toBe(text);
  });

  it("says what is wrong with a bad one", () => {
    expect(() => parsePublicKey("AAAA")).toThrow('expected "ed25519:" followed by the key in base64');
    expect(() => parsePublicKey("ed25519:AAAA")).toThrow("expected the 32-byte Ed25519 public key in base64 (44 characters)");
    expect(() => parsePublicKey(`ed25519:${"A".repeat(43)}!`)).toThrow("32-byte");
    const rsa = generateKeyPairSync("rsa", { modulusLength: 1024 }).publicKey;
    expect(() => formatPublicKey(rsa)).toThrow("not an Ed25519 key");
  });
});
