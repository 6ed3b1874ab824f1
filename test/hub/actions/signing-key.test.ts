import { generateKeyPairSync } from "node:crypto";
import { chmodSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadOrCreateSigningKey, SigningKeyError } from "../../../hub/actions/signing-key.ts";
import { formatPublicKey } from "../../../shared/actions/signing.ts";
import { useTempDirs } from "../../support/temp-dir.ts";

const tempDir = useTempDirs();

describe("the hub's action signing key", () => {
  it("is created at first start, mode 0600, and the same key is read at the next", () => {
    const file = join(tempDir(), "data", "action-signing.key");
    const first = loadOrCreateSigningKey(file);
    expect(first.created).toBe(true);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, "utf8")).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    const second = loadOrCreateSigningKey(file);
    expect(second.created).toBe(false);
    expect(formatPublicKey(second.publicKey)).toBe(formatPublicKey(first.publicKey));
  });

  it("is refused when others may read it", () => {
    const file = join(tempDir(), "action-signing.key");
    loadOrCreateSigningKey(file);
    chmodSync(file, 0o644);
    expect(() => loadOrCreateSigningKey(file)).toThrow(SigningKeyError);
    expect(() => loadOrCreateSigningKey(file)).toThrow(
      `${file}: the action signing key is readable by others (mode 0644); run: chmod 600 ${file}`,
    );
  });

  it("is refused when it is not an Ed25519 private key", () => {
    const dir = tempDir();
    const rsa = join(dir, "rsa.key");
    const pem = generateKeyPairSync("rsa", { modulusLength: 1024 }).privateKey.export({ format: "pem", type: "pkcs8" }).toString();
    writeFileSync(rsa, pem, { mode: 0o600 });
    expect(() => loadOrCreateSigningKey(rsa)).toThrow(`${rsa}: expected an Ed25519 key, found rsa`);
    const junk = join(dir, "junk.key");
    writeFileSync(junk, "not a key", { mode: 0o600 });
    expect(() => loadOrCreateSigningKey(junk)).toThrow(`${junk}: not a private key in PEM`);
  });
});
