// The example stacks in stacks/ are the user's to edit (README Quick start): the tests plan their
// own fixture stacks (test/fixtures/stacks), and here only prove that the examples plan — as they
// are, and after the edits the Quick start asks for.
import * as assert from "node:assert/strict";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { parseDocument } from "yaml";
import { main } from "../bin/plan";
import { runPlan } from "../plan/run";
import { listStacks, stackConfigDir } from "../plan/stackFile";
import { REPO_DIR, TYPES } from "./helpers";

interface PlannedResource {
  type: string;
  name: string;
  inputs: Record<string, any>;
}

describe("example stacks (stacks/)", function () {
  this.timeout(120_000);
  let scratch: string;
  before(() => {
    scratch = mkdtempSync(path.join(tmpdir(), "rancher-ha-examples-"));
  });
  after(() => rmSync(scratch, { recursive: true, force: true }));

  it("every shipped example stack plans as it is", async () => {
    const stacks = listStacks(REPO_DIR);
    assert.ok(stacks.includes("dev") && stacks.includes("prod"), stacks.join(", "));
    for (const stack of stacks) {
      const p = await runPlan({ stack, projectDir: REPO_DIR });
      assert.ok(p.resources.length > 100, `${stack}: ${p.resources.length} resources`);
    }
  });

  it("dev still plans after the Quick start's edits: hostname, zone, region, admin range", async () => {
    // A copy of the project as a user has it, with stacks/Pulumi.dev.yaml edited the way
    // `pulumi config set` writes it.
    const project = path.join(scratch, "project");
    mkdirSync(project);
    copyFileSync(path.join(REPO_DIR, "Pulumi.yaml"), path.join(project, "Pulumi.yaml"));
    const stacks = stackConfigDir(project);
    mkdirSync(stacks, { recursive: true });
    const example = path.join(stackConfigDir(REPO_DIR), "Pulumi.dev.yaml");
    const doc = parseDocument(readFileSync(example, "utf8"));
    doc.setIn(["config", "aws:region"], "eu-central-1");
    doc.setIn(["config", "rancher-ha:hostname"], "rancher.team-a.example.org");
    doc.setIn(["config", "rancher-ha:hostedZone"], "example.org");
    doc.setIn(["config", "rancher-ha:adminCidrs", 0], "192.0.2.10/32");
    writeFileSync(path.join(stacks, "Pulumi.dev.yaml"), doc.toString());

    let out = "";
    let err = "";
    const code = await main(
      ["--stack", "dev", "--json"],
      { out: (t) => (out += t), err: (t) => (err += t) },
      project,
    );
    assert.equal(code, 0, err);
    const plan = JSON.parse(out) as {
      outputs: Record<string, unknown>;
      resources: PlannedResource[];
    };
    assert.equal(plan.outputs.rancherUrl, "https://rancher.team-a.example.org");
    const of = (type: string) => plan.resources.filter((r) => r.type === type);
    assert.deepEqual(
      of(TYPES.record).map((r) => r.inputs.name as unknown),
      ["rancher.team-a.example.org"],
    );
    const subnets = of(TYPES.subnet);
    assert.ok(subnets.length >= 2);
    for (const s of subnets) assert.match(s.inputs.availabilityZone, /^eu-central-1[a-z]$/);
    // SSH from admin networks (to the bastion; the servers take it from the bastion's group).
    const ssh = of(TYPES.ingress).filter(
      (r) => r.inputs.fromPort === 22 && !r.inputs.referencedSecurityGroupId,
    );
    assert.ok(ssh.length > 0);
    for (const r of ssh) assert.equal(r.inputs.cidrIpv4, "192.0.2.10/32");
  });
});
