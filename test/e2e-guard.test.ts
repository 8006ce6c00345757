// `npm run test:e2e` is opt-in by running it: with its environment incomplete it must fail,
// listing what is missing — never pass, never skip.
import * as assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { e2eMissing } from "./e2e-env";

describe("npm run test:e2e with an incomplete environment", function () {
  this.timeout(120_000);

  it("fails, listing every missing variable, the credentials and the CLI", async () => {
    const home = mkdtempSync(path.join(tmpdir(), "e2e-home-"));
    try {
      // Only what npm and node need: no AWS_*, no RANCHER_HA_E2E_*, a HOME without ~/.aws.
      const env = {
        PATH: `${path.dirname(process.execPath)}:/usr/bin:/bin`,
        HOME: home,
        npm_config_cache: path.join(home, ".npm"),
      };
      const child = spawn("npm", ["run", "--silent", "test:e2e"], {
        cwd: path.resolve(__dirname, ".."),
        env,
        stdio: ["ignore", "pipe", "pipe"],
      });
      let out = "";
      child.stdout.on("data", (d: Buffer) => (out += d.toString()));
      child.stderr.on("data", (d: Buffer) => (out += d.toString()));
      const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
      assert.notEqual(code, 0, `must fail:\n${out}`);
      assert.match(out, /1 failing/);
      assert.doesNotMatch(out, /pending|SKIPPED/);
      assert.match(
        out,
        /npm run test:e2e needs: RANCHER_HA_E2E_HOSTNAME; RANCHER_HA_E2E_ZONE; RANCHER_HA_E2E_ADMIN_CIDR; AWS_REGION; AWS credentials/,
      );
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });

  it("lists what is missing, and nothing once it is all there", () => {
    const home = mkdtempSync(path.join(tmpdir(), "e2e-home-"));
    try {
      assert.deepEqual(e2eMissing({ HOME: home, PATH: "" }), [
        "RANCHER_HA_E2E_HOSTNAME",
        "RANCHER_HA_E2E_ZONE",
        "RANCHER_HA_E2E_ADMIN_CIDR",
        "AWS_REGION",
        "AWS credentials (AWS_ACCESS_KEY_ID + AWS_SECRET_ACCESS_KEY, AWS_PROFILE, or ~/.aws/credentials)",
        "a Pulumi CLI (v3.186.0 or newer) on PATH",
      ]);
      const complete = {
        HOME: home,
        PATH: "/nowhere",
        RANCHER_HA_E2E_HOSTNAME: "rancher.example.com",
        RANCHER_HA_E2E_ZONE: "example.com",
        RANCHER_HA_E2E_ADMIN_CIDR: "203.0.113.0/24",
        AWS_REGION: "us-east-1",
        AWS_PROFILE: "e2e",
      };
      assert.deepEqual(e2eMissing(complete), ["a Pulumi CLI (v3.186.0 or newer) on PATH"]);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});
