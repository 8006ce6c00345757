// RSA key pairs for tests that need *a* valid key rather than a fresh one. An RSA-3072 key takes
// about half a CPU-second to generate, and each mocha worker needs the same few, so each is made
// once by ssm/seal.ts's newKeyPair and kept, 0600, under node_modules/.cache/rancher-ha/test-keys
// (never in the repository; a fresh clone makes its own). Tests that prove a key is generated still
// generate their own.
import { createPrivateKey, createPublicKey, generateKeyPairSync } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { newKeyPair, RSA_BITS, type KeyPair } from "../ssm/seal";

/** Whose key a pair plays: two roles are two distinct keys, so a key mix-up still fails. */
export type KeyRole = "node" | "runner";

const CACHE = path.join(__dirname, "..", "node_modules", ".cache", "rancher-ha", "test-keys");

const pairs = new Map<KeyRole, KeyPair>();
let small: string | undefined;

/**
 * The PEM kept as `name`, if it is one `accept` takes; else a new one from `make`, kept. Written
 * whole (a rename), so a worker never reads another's half-written key.
 */
export function kept(
  name: string,
  accept: (pem: string) => boolean,
  make: () => string,
  dir = CACHE,
): string {
  const file = path.join(dir, `${name}.pem`);
  try {
    const pem = readFileSync(file, "utf8");
    if (accept(pem)) return pem;
  } catch {
    // None kept yet, or unreadable: make one.
  }
  const pem = make();
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}`;
  writeFileSync(tmp, pem, { mode: 0o600 });
  renameSync(tmp, file);
  return pem;
}

/** Whether `pem` is a private RSA key of `bits` bits. */
function isRsaPrivate(pem: string, bits: number): boolean {
  try {
    const key = createPrivateKey(pem);
    return key.asymmetricKeyType === "rsa" && key.asymmetricKeyDetails?.modulusLength === bits;
  } catch {
    return false;
  }
}

/** A real RSA-3072 pair (ssm/seal.ts's newKeyPair), one per role, kept between runs. */
export function sharedKeyPair(role: KeyRole): KeyPair {
  let pair = pairs.get(role);
  if (!pair) {
    const pem = kept(
      `${role}-rsa-${RSA_BITS}`,
      (p) => isRsaPrivate(p, RSA_BITS),
      () => privatePem(newKeyPair()),
    );
    const privateKey = createPrivateKey(pem);
    const publicPem = createPublicKey(privateKey)
      .export({ type: "spki", format: "pem" })
      .toString();
    pair = { publicPem, privateKey };
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
  small ??= createPublicKey(
    kept(
      "small-rsa-2048",
      (p) => isRsaPrivate(p, 2048),
      () =>
        generateKeyPairSync("rsa", { modulusLength: 2048 })
          .privateKey.export({ type: "pkcs8", format: "pem" })
          .toString(),
    ),
  )
    .export({ type: "spki", format: "pem" })
    .toString();
  return small;
}
