// test/keys.ts: the shared test keys are real, distinct per role, and kept safely between runs.
import * as assert from "node:assert/strict";
import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { nodePublicKey, seal, unseal } from "../ssm/seal";
import { kept, sharedKeyPair, smallPublicPem } from "./keys";

describe("test keys (test/keys.ts)", () => {
  it("are real RSA-3072 pairs, one per role, whose halves belong together", () => {
    const node = sharedKeyPair("node");
    const runner = sharedKeyPair("runner");
    assert.notEqual(node.publicPem, runner.publicPem);
    const sealed = seal(nodePublicKey(node.publicPem), Buffer.from("token"));
    assert.equal(unseal(node.privateKey, sealed).toString(), "token");
    assert.throws(() => nodePublicKey(smallPublicPem()), /not RSA 3072/);
  });

  it("keeps a key 0600 and makes a new one when the kept file is not one it accepts", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "test-keys-"));
    try {
      let made = 0;
      const make = () => `key ${++made}`;
      const accept = (pem: string) => pem.startsWith("key ");
      assert.equal(kept("k", accept, make, dir), "key 1");
      assert.equal(kept("k", accept, make, dir), "key 1", "kept, not made again");
      assert.equal(statSync(path.join(dir, "k.pem")).mode & 0o777, 0o600);
      writeFileSync(path.join(dir, "k.pem"), "half a ke");
      assert.equal(kept("k", accept, make, dir), "key 2");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
