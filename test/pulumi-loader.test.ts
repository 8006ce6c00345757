// `pulumi up` compiles index.ts with Pulumi's own loader (a vendored ts-node 7 driving the
// project's TypeScript, type-checking), not with tsx as the tests do. Prove that path works.
import * as assert from "node:assert/strict";
import { execFile } from "node:child_process";
import * as path from "node:path";
import { promisify } from "node:util";

describe("index.ts under Pulumi's TypeScript loader", function () {
  this.timeout(120_000);

  it("compiles, type-checks and builds the dev stack on the mock runtime", async () => {
    const fixture = path.join(__dirname, "fixtures", "pulumi-loader.js");
    const { stdout } = await promisify(execFile)(process.execPath, [fixture, "dev"], {
      timeout: 110_000,
    });
    const result = JSON.parse(stdout.trim().split("\n").pop()!);
    assert.equal(result.tsnode, "ts-node@7.0.1");
    assert.match(result.typescript, /^5\.9\./);
    assert.equal(result.rancherUrl, "https://rancher-dev.example.com");
    assert.ok(result.registered > 100, `registered ${result.registered}`);
  });
});
