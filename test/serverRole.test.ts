// The servers' IAM role (components/serverRole.ts): one role and profile in every access mode,
// AmazonSSMManagedInstanceCore only with ssm, extra inline policies for other features.
import type * as aws from "@pulumi/aws";
import * as assert from "node:assert/strict";
import { ServerRole, SSM_MANAGED_POLICY_ARN } from "../components/serverRole";
import { Secret } from "../plan/values";
import { record } from "./access/record";
import { ofType, plan, TYPES } from "./helpers";

const ROLE = "aws:iam/role:Role";
const PROFILE = "aws:iam/instanceProfile:InstanceProfile";
const ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment";
const INLINE = "aws:iam/rolePolicy:RolePolicy";

describe("server role", function () {
  this.timeout(120_000);

  for (const mode of ["public", "bastion", "ssm"] as const) {
    it(`${mode}: one role trusted by EC2, one profile on every server${mode === "ssm" ? ", SSM's managed policy attached first" : ", nothing attached"}`, async () => {
      const p = await plan("dev", [`nodeAccess=${mode}`]);
      const [role] = ofType(p, ROLE);
      assert.equal(ofType(p, ROLE).length, 1);
      assert.equal(role.type, ROLE);
      assert.deepEqual(JSON.parse(role.inputs.assumeRolePolicy as string).Statement, [
        { Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" },
      ]);
      const profiles = ofType(p, PROFILE);
      assert.equal(profiles.length, 1);
      const servers = ofType(p, TYPES.instance).filter((i) => i.name.startsWith("rancher-server"));
      assert.equal(servers.length, 3);
      for (const s of servers) {
        assert.match(String(s.inputs.iamInstanceProfile), /^rancher-iam-profile-/, s.name);
      }
      const attachments = ofType(p, ATTACHMENT);
      // The only inline policy is the backups' (test/backup/plan.test.ts checks its scope).
      assert.deepEqual(
        ofType(p, INLINE).map((r) => r.name),
        ["rancher-iam-rancher-ha-backups"],
        "no inline policy but the backups'",
      );
      if (mode === "ssm") {
        assert.deepEqual(
          attachments.map((a) => a.inputs.policyArn),
          [SSM_MANAGED_POLICY_ARN],
        );
        for (const s of servers) assert.ok(s.dependsOn.includes(attachments[0].urn), s.name);
      } else {
        assert.equal(attachments.length, 0);
      }
    });
  }

  it("switching modes keeps the role and the profile (same URNs): only the attachment comes and goes", async () => {
    const urns = async (mode: string) =>
      (await plan("dev", [`nodeAccess=${mode}`])).resources
        .filter((r) => r.type === ROLE || r.type === PROFILE)
        .map((r) => r.urn);
    assert.deepEqual(await urns("ssm"), await urns("bastion"));
    assert.deepEqual(await urns("public"), await urns("bastion"));
  });

  it("takes further inline policies by name (e.g. the backups' S3 access)", async () => {
    const document: aws.iam.PolicyDocument = {
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Action: "s3:PutObject", Resource: "arn:aws:s3:::b/*" }],
    };
    const recorded = await record(() => {
      new ServerRole("t-iam", {
        ssm: false,
        policies: [{ name: "backups", document }],
        tags: {},
      });
    });
    const inline = recorded.filter((r) => r.type === INLINE);
    assert.deepEqual(
      inline.map((r) => r.name),
      ["t-iam-backups"],
    );
    const policy = inline[0].inputs.policy;
    assert.deepEqual(
      JSON.parse(String(policy instanceof Secret ? policy.value : policy)),
      document,
    );
    assert.equal(byNameIn(recorded, "t-iam-role").type, ROLE);
  });
});

function byNameIn(rs: { name: string; type: string }[], name: string) {
  const found = rs.filter((r) => r.name === name);
  assert.equal(found.length, 1, name);
  return found[0];
}
