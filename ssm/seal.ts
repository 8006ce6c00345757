// Ephemeral RSA-OAEP-SHA256 both ways, so a secret crosses SSM only as ciphertext whose private
// key no longer exists: the join token is sealed to a key the node generated for one run
// (scripts/node/node-keys.sh, opened and deleted by open-secret.sh); the kubeconfig is sealed on
// the node (seal.sh) to a key this process generated for one run and never stores.
//
// Format (shared with scripts/node/lib.sh): a header line `rancher-ha-sealed v1 <chunks> <bytes>`,
// then one base64 line per chunk of at most SEAL_CHUNK plaintext bytes. OpenSSL 3 `pkeyutl
// -pkeyopt rsa_padding_mode:oaep -pkeyopt rsa_oaep_md:sha256 -pkeyopt rsa_mgf1_md:sha256` and Node's
// crypto (RSA_PKCS1_OAEP_PADDING, oaepHash sha256, MGF1 with the same hash) interoperate; the tests
// prove it both ways with the real openssl.
import {
  constants,
  createPublicKey,
  generateKeyPairSync,
  privateDecrypt,
  publicEncrypt,
  type KeyObject,
} from "node:crypto";

export const RSA_BITS = 3072;
/** OAEP with SHA-256 on a 3072-bit key: 384 - 2·32 - 2 = 318 bytes per chunk. */
export const SEAL_CHUNK = 318;
export const SEALED_MAGIC = "rancher-ha-sealed v1";

export interface KeyPair {
  /** SPKI PEM: safe to send anywhere. */
  publicPem: string;
  privateKey: KeyObject;
}

/** A fresh key pair for one run; the private key lives only in this process's memory. */
export function newKeyPair(): KeyPair {
  const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: RSA_BITS });
  return { publicPem: publicKey.export({ type: "spki", format: "pem" }).toString(), privateKey };
}

/** Parses a public key a node printed; refuses anything but RSA of at least RSA_BITS. */
export function nodePublicKey(pem: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch {
    throw new Error("the node did not print a public key (node-keys.sh output is not a PEM key)");
  }
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  if (key.asymmetricKeyType !== "rsa" || bits < RSA_BITS) {
    throw new Error(`the node's key is ${key.asymmetricKeyType} ${bits} bits, not RSA ${RSA_BITS}`);
  }
  return key;
}

const OAEP = { padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: "sha256" } as const;

export function seal(publicKey: KeyObject, plaintext: Buffer): string {
  if (plaintext.length === 0) throw new Error("nothing to seal");
  const lines: string[] = [];
  for (let i = 0; i < plaintext.length; i += SEAL_CHUNK) {
    const chunk = plaintext.subarray(i, i + SEAL_CHUNK);
    lines.push(publicEncrypt({ key: publicKey, ...OAEP }, chunk).toString("base64"));
  }
  return [`${SEALED_MAGIC} ${lines.length} ${plaintext.length}`, ...lines].join("\n") + "\n";
}

/** Opens `seal`'s (or seal.sh's) output; throws unless every chunk decrypts and sizes match. */
export function unseal(privateKey: KeyObject, sealed: string): Buffer {
  const lines = sealed.split("\n").filter((l) => l.trim() !== "");
  const header = new RegExp(`^${SEALED_MAGIC} (\\d+) (\\d+)$`).exec(lines[0] ?? "");
  if (!header) throw new Error(`sealed output has no ${SEALED_MAGIC} header`);
  const [count, bytes] = [Number(header[1]), Number(header[2])];
  const chunks = lines.slice(1);
  if (chunks.length !== count) {
    throw new Error(`sealed output has ${chunks.length} chunks, its header says ${count}`);
  }
  const parts = chunks.map((c, i) => {
    try {
      return privateDecrypt({ key: privateKey, ...OAEP }, Buffer.from(c, "base64"));
    } catch {
      throw new Error(`sealed chunk ${i + 1} of ${count} does not decrypt with this run's key`);
    }
  });
  const out = Buffer.concat(parts);
  if (out.length !== bytes) {
    throw new Error(`sealed output holds ${out.length} bytes, its header says ${bytes}`);
  }
  return out;
}
