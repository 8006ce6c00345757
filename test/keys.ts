// RSA key pairs for tests that need *a* valid key rather than a fresh one. An RSA-3072 key takes
// about half a CPU-second to generate (a second with the openssl command), so each is made on
// first use and shared by every test of the process (a mocha worker runs many files); nothing is
// written to the repository. Tests that prove a key is generated still generate their own.
import { generateKeyPairSync } from "node:crypto";
import { newKeyPair, type KeyPair } from "../ssm/seal";

/** Whose key a pair plays: two roles are two distinct keys, so a key mix-up still fails. */
export type KeyRole = "node" | "runner";

const pairs = new Map<KeyRole, KeyPair>();
let small: string | undefined;

/** A real RSA-3072 pair, made by ssm/seal.ts's newKeyPair once per process and role. */
export function sharedKeyPair(role: KeyRole): KeyPair {
  let pair = pairs.get(role);
  if (!pair) {
    pair = newKeyPair();
    pairs.set(role, pair);
  }
  return pair;
}

/**
 * The private half as an unencrypted PKCS#8 PEM: the file `openssl genpkey` writes, so the key
 * node-keys.sh would have left in the run directory (test/scripts.seal.test.ts checks the format).
 */
export function privatePem(pair: KeyPair): string {
  return pair.privateKey.export({ type: "pkcs8", format: "pem" }).toString();
}

/** The public half (SPKI PEM) of an RSA-2048 key: under the 3072 bits both sides require. */
export function smallPublicPem(): string {
  small ??= generateKeyPairSync("rsa", { modulusLength: 2048 })
    .publicKey.export({ type: "spki", format: "pem" })
    .toString();
  return small;
}
