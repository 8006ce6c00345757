// Input checks at the config boundary: each bad input is one line naming the key, reported once,
// before anything is registered. (The older table of checks is in config.test.ts.)
import * as assert from "node:assert/strict";
import { main } from "../bin/plan";
import { ConfigError, loadConfig } from "../components/config";
import { mockRuntimeStats } from "../plan/mocks";

const CTX = { stack: "t", region: "us-east-1" };
const RAW = {
  "rancher-ha:hostname": "rancher.example.com",
  "rancher-ha:hostedZone": "example.com",
  "rancher-ha:adminCidrs": '["203.0.113.0/24"]',
};

function problemLines(raw: Record<string, string>, ctx = CTX): string[] {
  try {
    loadConfig(raw, ctx);
    return [];
  } catch (e) {
    assert.ok(e instanceof ConfigError, String(e));
    return e.problems.map((p) => `${p.key}: ${p.message}`);
  }
}

/** The plan command on the dev stack with overrides: exit code, output, registrations. */
export async function planWith(overrides: string[]) {
  let out = "";
  let err = "";
  const before = mockRuntimeStats.installs;
  const code = await main(
    ["--stack", "dev", "--json", ...overrides.flatMap((o) => ["--config", o])],
    {
      out: (t) => (out += t),
      err: (t) => (err += t),
    },
  );
  return { code, out, err, registered: mockRuntimeStats.installs - before };
}

describe("config: each problem once", function () {
  this.timeout(60_000);

  it("an unknown key alone is one problem (loadConfig used to report it twice)", () => {
    assert.deepEqual(problemLines({ ...RAW, "rancher-ha:hostnmae": "x" }), [
      'hostnmae: unknown key; did you mean "hostname"? (known keys are listed in Pulumi.yaml)',
    ]);
  });

  it("an unknown key next to a validation problem: each once", () => {
    const lines = problemLines({
      ...RAW,
      "rancher-ha:hostnmae": "x",
      "rancher-ha:serverCount": "4",
    });
    assert.equal(lines.length, 2, lines.join("\n"));
    assert.equal(new Set(lines).size, 2);
  });

  it("the plan command prints a --config typo once", async () => {
    const r = await planWith(["hostnmae=x"]);
    assert.equal(r.code, 1);
    assert.match(r.err, /invalid configuration \(1 problem\)/);
    assert.equal(r.err.split("rancher-ha:hostnmae: unknown key").length - 1, 1, r.err);
    assert.equal(r.registered, 0);
  });
});
