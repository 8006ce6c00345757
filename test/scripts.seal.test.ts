// One-run keys and sealing on the node, with the real OpenSSL, against the runner's side in
// ssm/seal.ts (Node's crypto): both directions must interoperate byte for byte.
import * as assert from "node:assert/strict";
import { createPublicKey, randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { nodePublicKey, seal, SEAL_CHUNK, unseal } from "../ssm/seal";
import { privatePem, sharedKeyPair, smallPublicPem } from "./keys";
import {
  KUBECONFIG_FIXTURE,
  Sandbox,
  TOKEN,
  expectFailure,
  expectOk,
  explain,
} from "./sandbox/sandbox";

const PARAMS = '"$HOME/rancher-ha/params.env"';
const RUN = "/run/rancher-ha";
const nonce = () => randomBytes(16).toString("hex");

describe("scripts: node-keys.sh, open-secret.sh, seal.sh (real OpenSSL)", () => {
  let sb: Sandbox;
  beforeEach(() => (sb = new Sandbox()));
  afterEach(() => sb.cleanup());

  const keys = (id: string) => sb.run("node-keys", { args: [PARAMS, id] });
  const open = (id: string, sealed: string) =>
    sb.run("open-secret", { args: [PARAMS, id], stdin: sealed });
  const runFiles = () => fs.readdirSync(sb.rootPath(RUN)).sort();
  // A key as node-keys.sh leaves it (PKCS#8 PEM, 0600, in the 0700 run dir), without the second
  // of CPU its generation costs: for the tests that need a node key, not its making (the first
  // node-keys.sh test and the first open-secret.sh test make theirs).
  const plantKey = (id: string) => {
    sb.write(`${RUN}/${id}.key`, privatePem(sharedKeyPair("node")), 0o600);
    fs.chmodSync(sb.rootPath(RUN), 0o700);
  };

  describe("node-keys.sh", () => {
    it("prints an RSA-3072 public key; the private key stays in the tmpfs run dir, 0600", async () => {
      const id = nonce();
      const r = await keys(id);
      expectOk(r);
      const pub = createPublicKey(r.stdout);
      assert.equal(pub.asymmetricKeyType, "rsa");
      assert.equal(pub.asymmetricKeyDetails?.modulusLength, 3072);
      assert.doesNotMatch(r.stdout, /PRIVATE/);
      assert.deepEqual(runFiles(), [`${id}.key`]);
      assert.equal(sb.mode(`${RUN}/${id}.key`), 0o600);
      assert.equal(sb.mode(RUN), 0o700);
      assert.doesNotMatch(r.stderr, /PRIVATE/);
      // The format plantKey writes for the tests below.
      assert.match(sb.read(`${RUN}/${id}.key`), /^-----BEGIN PRIVATE KEY-----\n/);
    });

    it("is idempotent per nonce: the same id prints the same key, another id a new one", async () => {
      const id = nonce();
      plantKey(id);
      const first = await keys(id);
      expectOk(first);
      assert.equal(
        first.stdout,
        sharedKeyPair("node").publicPem,
        "the existing key, not a new one",
      );
      const otherId = nonce();
      const other = await keys(otherId);
      expectOk(other);
      assert.notEqual(other.stdout, first.stdout);
      const again = await keys(otherId);
      expectOk(again);
      assert.equal(again.stdout, other.stdout, "a key it generated is printed again");
      assert.equal((await keys(id)).stdout, first.stdout);
    });

    it("removes keys nobody used within an hour", async () => {
      sb.write(`${RUN}/${"0".repeat(32)}.key`, "stale", 0o600);
      fs.utimesSync(sb.rootPath(`${RUN}/${"0".repeat(32)}.key`), new Date(0), new Date(0));
      const id = nonce();
      plantKey(id); // a fresh key, which stays
      expectOk(await keys(id));
      assert.deepEqual(runFiles(), [`${id}.key`]);
    });

    it("refuses an id that is not 32 hex digits (it becomes a file name)", async () => {
      expectFailure(await keys("../../etc/passwd"), /not a one-run key id/);
      expectFailure(await keys("ABC"), /not a one-run key id/);
    });
  });

  describe("open-secret.sh", () => {
    it("opens what the runner sealed to the node key, prints it, and deletes the key", async () => {
      const id = nonce();
      const k = await keys(id);
      const r = await open(id, seal(nodePublicKey(k.stdout), Buffer.from(TOKEN)));
      expectOk(r);
      assert.equal(r.stdout, TOKEN);
      assert.ok(!r.stderr.includes(TOKEN), explain(r));
      assert.deepEqual(runFiles(), [], "key and work files are gone");
      // A sealed text opens once.
      const twice = await open(id, seal(nodePublicKey(k.stdout), Buffer.from(TOKEN)));
      expectFailure(
        twice,
        /one-run key [0-9a-f]{32} does not exist \(used already, or never generated\)/,
      );
      assert.equal(twice.stdout, "");
    });

    it("opens a multi-chunk secret", async () => {
      const id = nonce();
      plantKey(id);
      const k = await keys(id);
      const secret = randomBytes(SEAL_CHUNK * 3 + 5).toString("base64");
      const r = await open(id, seal(nodePublicKey(k.stdout), Buffer.from(secret)));
      expectOk(r);
      assert.equal(r.stdout, secret);
    });

    it("prints nothing and deletes the key when a chunk was tampered with", async () => {
      const id = nonce();
      plantKey(id);
      const k = await keys(id);
      const lines = seal(nodePublicKey(k.stdout), Buffer.from(TOKEN.repeat(10))).split("\n");
      const bad = Buffer.from(lines[2], "base64");
      bad[10] ^= 1;
      lines[2] = bad.toString("base64");
      const r = await open(id, lines.join("\n"));
      expectFailure(r, /chunk 2 does not decrypt with one-run key/);
      assert.equal(r.stdout, "");
      assert.deepEqual(runFiles(), []);
    });

    it("refuses a text without the header, or with chunks missing", async () => {
      const id = nonce();
      plantKey(id);
      const k = await keys(id);
      expectFailure(await open(id, "hello\n"), /stdin is not a sealed text/);
      const id2 = nonce();
      plantKey(id2);
      const k2 = await keys(id2);
      const lines = seal(nodePublicKey(k2.stdout), Buffer.from(TOKEN.repeat(10))).split("\n");
      const r = await open(id2, [lines[0], lines[1]].join("\n") + "\n");
      expectFailure(r, /sealed text has 1 chunks, its header says 2/);
      assert.equal(r.stdout, "");
      assert.ok(k.stdout.length > 0);
    });
  });

  describe("seal.sh", () => {
    const sealOnNode = (pem: string, stdin: string) => {
      fs.writeFileSync(path.join(sb.home, "recipient.pem"), pem);
      return sb.run("seal", { args: [PARAMS, '"$HOME/recipient.pem"'], stdin });
    };

    it("seals stdin to the runner's one-run key; the runner opens it byte for byte", async () => {
      const kp = sharedKeyPair("runner");
      const r = await sealOnNode(kp.publicPem, KUBECONFIG_FIXTURE);
      expectOk(r);
      assert.equal(unseal(kp.privateKey, r.stdout).toString("utf8"), KUBECONFIG_FIXTURE);
      const lines = r.stdout.trim().split("\n");
      assert.equal(lines.length, 1 + Math.ceil(Buffer.byteLength(KUBECONFIG_FIXTURE) / SEAL_CHUNK));
      assert.ok(!r.stdout.includes("client-key-data"), "no plaintext on stdout");
      assert.ok(!r.stderr.includes("client-key-data"), "no plaintext on stderr");
      assert.deepEqual(runFiles(), [], "the plaintext copy in the run dir is removed");
    });

    it("stays within SSM's 24,000-character stdout for a 10 KB secret", async () => {
      const kp = sharedKeyPair("runner");
      const text = randomBytes(7500).toString("base64");
      const r = await sealOnNode(kp.publicPem, text);
      expectOk(r);
      assert.ok(r.stdout.length < 24_000, `${r.stdout.length} characters`);
      assert.equal(unseal(kp.privateKey, r.stdout).toString("utf8"), text);
    });

    it("refuses empty input (the command before it failed) and keys under 3072 bits", async () => {
      const kp = sharedKeyPair("runner");
      expectFailure(await sealOnNode(kp.publicPem, ""), /nothing to seal on stdin/);
      const r = await sealOnNode(smallPublicPem(), "secret");
      expectFailure(r, /is a 2048-bit key; at least 3072 bits are required/);
      assert.equal(r.stdout, "");
    });
  });
});
