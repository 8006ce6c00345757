// The Automation library's offline plan. Settings and operations against a fake engine:
// automation.config/ops.test.ts; the opt-in end-to-end run against AWS: e2e.test.ts.
import * as assert from "node:assert/strict";
import { InvalidConfigError, InvalidStackNameError, planData, planStack } from "../automation";
import { MOCK_SECRET_PREFIX } from "../plan/mocks";
import { MIN, REGION } from "./automation-helpers";

describe("automation: offline plan", function () {
  this.timeout(60_000);

  it("plans exactly the given settings, and hides secrets in plan data", async () => {
    const plan = await planStack(
      "dev",
      { ...MIN, serverCount: 5, bootstrapPassword: "s3cret-password-123" },
      REGION,
    );
    const servers = plan.resources.filter((r) => /^rancher-server-\d+$/.test(r.name));
    assert.equal(servers.length, 5);
    assert.equal(plan.config.hostname, "rancher.example.com", "not the dev stack file's hostname");
    const data = planData(plan);
    const json = JSON.stringify(data);
    assert.ok(!json.includes("s3cret-password-123"), "secret setting hidden");
    assert.ok(!json.includes(MOCK_SECRET_PREFIX), "generated secrets hidden");
    assert.equal(data.config.bootstrapPassword, "[secret]");
    assert.equal(data.counts["aws:ec2/instance:Instance"], 6, "five servers and the bastion");
    assert.match(data.mermaid, /^flowchart LR/);
    assert.ok(
      JSON.stringify(planData(plan, { showSecrets: true })).includes("s3cret-password-123"),
    );
  });

  it("rejects invalid settings with InvalidConfigError", async () => {
    await assert.rejects(
      planStack("dev", { ...MIN, serverCount: 2 }, REGION),
      (e: unknown) => e instanceof InvalidConfigError && /serverCount/.test(e.message),
    );
    await assert.rejects(planStack("../x", MIN, REGION), InvalidStackNameError);
  });
});
