import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from "node:crypto";
import { mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

/** The hub's action signing key: the private half signs requests, agents hold the public half. */
export interface SigningKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
}

/** The key file is unusable: unreadable, not an Ed25519 key, or readable by others than its owner. */
export class SigningKeyError extends Error {
  override readonly name = "SigningKeyError";
}

/**
 * Reads the hub's Ed25519 signing key, creating it at first start (PKCS#8 PEM, mode 0600, created
 * exclusively so two starts cannot race to write different keys). A key file readable by group or
 * others is refused, as ssh refuses such a private key: whoever reads it can have every agent run
 * every action in its catalog.
 */
export function loadOrCreateSigningKey(file: string): SigningKey & { created: boolean } {
  let created = false;
  let pem: string;
  try {
    pem = readFileSync(file, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT")
      throw new SigningKeyError(`${file}: cannot read the action signing key: ${(err as Error).message}`);
    const { privateKey } = generateKeyPairSync("ed25519");
    pem = privateKey.export({ format: "pem", type: "pkcs8" }).toString();
    mkdirSync(dirname(file), { recursive: true });
    try {
      writeFileSync(file, pem, { mode: 0o600, flag: "wx" });
      created = true;
    } catch (writeErr) {
      if ((writeErr as NodeJS.ErrnoException).code !== "EEXIST") {
        throw new SigningKeyError(`${file}: cannot create the action signing key: ${(writeErr as Error).message}`);
      }
      pem = readFileSync(file, "utf8");
    }
  }
  const mode = statSync(file).mode & 0o777;
  if ((mode & 0o077) !== 0) {
    throw new SigningKeyError(
      `${file}: the action signing key is readable by others (mode ${mode.toString(8).padStart(4, "0")}); run: chmod 600 ${file}`,
    );
  }
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(pem);
  } catch (err) {
    throw new SigningKeyError(`${file}: not a private key in PEM: ${(err as Error).message}`);
  }
  if (privateKey.asymmetricKeyType !== "ed25519") {
    throw new SigningKeyError(`${file}: expected an Ed25519 key, found ${privateKey.asymmetricKeyType ?? "an unknown type"}`);
  }
  return { privateKey, publicKey: createPublicKey(privateKey), created };
}

/** A key that lives only in memory: for hub apps built in tests, which have no data directory to keep it in. */
export function ephemeralSigningKey(): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  return { privateKey, publicKey };
}
