// nodeAccess × loadBalancer: what each of the six combinations builds (NAT, bastion, instance
// profile, who may open 22, public IPs), and what switching modes or adding an admin range
// touches. Plans on the mock runtime (plan/mocks.ts).
import * as assert from "node:assert/strict";
import { publicHost } from "../components/nodeAccess";
import { SSM_MANAGED_POLICY_ARN } from "../components/serverRole";
import type { RecordedResource } from "../plan/mocks";
import type { Plan } from "../plan/run";
import { byName, ofType, plan, servers, TYPES, unwrap } from "./helpers";

const NAT = "aws:ec2/natGateway:NatGateway";
const PROFILE = "aws:iam/instanceProfile:InstanceProfile";
const ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment";
const ADMIN = "203.0.113.0/24";

/** Every ingress permission covering port 22: `<group> <- <source>`. */
function sshRules(p: Plan): string[] {
  return ofType(p, TYPES.ingress)
    .filter((r) => {
      const from = r.inputs.fromPort as number;
      const to = r.inputs.toPort as number;
      return (
        r.inputs.ipProtocol === "-1" || (from <= 22 && 22 <= to && r.inputs.ipProtocol === "tcp")
      );
    })
    .map(
      (r) =>
        `${String(r.inputs.securityGroupId)} <- ${String(r.inputs.cidrIpv4 ?? r.inputs.cidrIpv6 ?? r.inputs.referencedSecurityGroupId)}`,
    )
    .sort();
}

const bastionOf = (p: Plan): RecordedResource | undefined =>
  ofType(p, TYPES.instance).find((r) => r.name === "rancher-bastion");

describe("nodeAccess × loadBalancer: what each combination builds", function () {
  this.timeout(180_000);

  for (const lb of ["l4", "l7"] as const) {
    describe(lb, () => {
      it("bastion: private servers, one NAT gateway, a hardened bastion that alone takes SSH from admins", async () => {
        const p = await plan("dev", [`loadBalancer=${lb}`, "nodeAccess=bastion"]);
        assert.equal(ofType(p, NAT).length, 1);
        for (const s of servers(p)) assert.equal(s.inputs.associatePublicIpAddress, false, s.name);
        assert.deepEqual(sshRules(p), [
          `rancher-bastion-sg-id <- ${ADMIN}`,
          "rancher-sec-nodes-id <- rancher-bastion-sg-id",
        ]);
        const b = bastionOf(p)!;
        assert.equal(b.inputs.instanceType, "t3.micro");
        assert.equal(b.inputs.subnetId, "rancher-net-public-1-id");
        assert.equal(b.inputs.associatePublicIpAddress, true);
        assert.deepEqual(b.inputs.metadataOptions, {
          httpEndpoint: "enabled",
          httpTokens: "required",
          httpPutResponseHopLimit: 1,
        });
        assert.equal((b.inputs.rootBlockDevice as { encrypted: boolean }).encrypted, true);
        assert.equal(b.inputs.userData, undefined, "no user data");
        assert.equal(b.inputs.iamInstanceProfile, undefined, "no instance profile");
        assert.deepEqual(b.inputs.vpcSecurityGroupIds, ["rancher-bastion-sg-id"]);
        assert.equal(b.inputs.keyName, servers(p)[0].inputs.keyName, "one key for both hops");
        assert.ok(b.ignoreChanges.includes("ami"), "a newer image never replaces it");
        // Out: SSH to the servers' group only, and 80/443 for its own updates.
        const egress = ofType(p, TYPES.egress).filter(
          (r) => r.inputs.securityGroupId === "rancher-bastion-sg-id",
        );
        assert.deepEqual(
          egress
            .map(
              (r) =>
                `${String(r.inputs.fromPort)} ${String(r.inputs.referencedSecurityGroupId ?? r.inputs.cidrIpv4)}`,
            )
            .sort(),
          ["22 rancher-sec-nodes-id", "443 0.0.0.0/0", "80 0.0.0.0/0"],
        );
        assert.equal(p.outputs.bastionHost, "198.51.100.100");
        assert.equal(ofType(p, PROFILE).length, 1);
        assert.equal(ofType(p, ATTACHMENT).length, 0);
      });

      it("ssm: private servers, one NAT gateway, no bastion, no port 22 anywhere, SSM's policy", async () => {
        const p = await plan("dev", [`loadBalancer=${lb}`, "nodeAccess=ssm"]);
        assert.equal(ofType(p, NAT).length, 1);
        assert.equal(bastionOf(p), undefined);
        for (const s of servers(p)) assert.equal(s.inputs.associatePublicIpAddress, false, s.name);
        assert.deepEqual(sshRules(p), []);
        assert.deepEqual(
          ofType(p, ATTACHMENT).map((a) => a.inputs.policyArn),
          [SSM_MANAGED_POLICY_ARN],
        );
        assert.equal(p.outputs.bastionHost, undefined);
      });

      it("public: servers with public IPs and SSH from admins, no NAT gateway, no bastion", async () => {
        const p = await plan("dev", [`loadBalancer=${lb}`, "nodeAccess=public"]);
        assert.equal(ofType(p, NAT).length, 0);
        assert.equal(bastionOf(p), undefined);
        for (const s of servers(p)) assert.equal(s.inputs.associatePublicIpAddress, true, s.name);
        assert.deepEqual(sshRules(p), [`rancher-sec-nodes-id <- ${ADMIN}`]);
        assert.equal(ofType(p, ATTACHMENT).length, 0);
        assert.ok(p.warnings.some((w) => w.startsWith("rancher-ha:nodeAccess is public")));
      });
    });
  }

  it("internal scheme with a bastion: the bastion has no public IP and sits with the servers", async () => {
    const p = await plan("dev", ["loadBalancerScheme=internal"]);
    const b = bastionOf(p)!;
    assert.equal(b.inputs.associatePublicIpAddress, false);
    assert.equal(b.inputs.subnetId, "rancher-net-private-1-id");
    assert.equal(p.outputs.bastionHost, "10.0.0.100", "reached over the admins' VPN");
  });
});

describe("nodeAccess: what a change touches on a running stack", function () {
  this.timeout(180_000);
  /** URN → inputs of the resources of some types. */
  const state = (p: Plan, types: string[]) =>
    new Map(p.resources.filter((r) => types.includes(r.type)).map((r) => [r.urn, r.inputs]));

  it("switching nodeAccess keeps the load balancers, listeners, targets and the DNS record as they are", async () => {
    const kept = [TYPES.lb, TYPES.listener, TYPES.targetGroup, TYPES.record, TYPES.cert];
    for (const lb of ["l4", "l7"]) {
      const modes = await Promise.all(
        ["public", "bastion", "ssm"].map((m) =>
          plan("dev", [`loadBalancer=${lb}`, `nodeAccess=${m}`]),
        ),
      );
      const [pub, ...others] = modes.map((p) => state(p, kept));
      for (const other of others) assert.deepEqual(other, pub, lb);
    }
  });

  it("adding an admin range adds rules only, and changes no other resource", async () => {
    for (const mode of ["bastion", "public", "ssm"]) {
      const before = await plan("dev", [`nodeAccess=${mode}`]);
      const after = await plan("dev", [
        `nodeAccess=${mode}`,
        `adminCidrs=${JSON.stringify([ADMIN, "198.51.100.0/24"])}`,
      ]);
      const old = new Map(before.resources.map((r) => [r.urn, r]));
      const added = after.resources.filter((r) => !old.has(r.urn));
      assert.ok(added.length > 0, mode);
      for (const r of added) assert.equal(r.type, TYPES.ingress, `${mode}: ${r.name}`);
      for (const r of after.resources) {
        const was = old.get(r.urn);
        if (!was || !r.custom) continue;
        assert.deepEqual(r.inputs, was.inputs, `${mode}: ${r.name} unchanged`);
      }
    }
  });

  it("the bastion's own SSH rules are named by range, like every admin rule", async () => {
    const p = await plan("dev");
    const rule = byName(p, "rancher-bastion-ssh-admin-203-0-113-0-24", TYPES.ingress);
    assert.equal(rule.inputs.cidrIpv4, ADMIN);
    assert.equal(rule.inputs.securityGroupId, "rancher-bastion-sg-id");
  });
});

describe("nodeAccess: back to public from private servers", () => {
  it("is refused at deploy, naming the key, when a server has no public IP", () => {
    // Servers created private keep no public IP (ignoreChanges) until replaced.
    assert.throws(
      () => publicHost("rancher-server-2", ""),
      /^Error: rancher-ha:nodeAccess: public needs servers with public IPs; rancher-server-2 has none/,
    );
    assert.equal(publicHost("rancher-server-2", "198.51.100.12"), "198.51.100.12");
  });
});

describe("nodeAccess: how the node steps reach the servers", function () {
  this.timeout(180_000);

  it("bastion: every remote step dials a server's private IP through the bastion's public IP", async () => {
    const p = await plan("dev");
    const remote = ofType(p, TYPES.command).concat(ofType(p, TYPES.copy));
    assert.ok(remote.length > 10);
    const privateIps = new Set(servers(p).map((_, i) => `10.0.0.${11 + i}`));
    for (const r of remote) {
      const conn = unwrap(r.inputs.connection) as {
        host: string;
        proxy?: { host: string; user: string };
      };
      assert.ok(privateIps.has(conn.host), `${r.name} dials ${conn.host}`);
      assert.equal(conn.proxy?.host, "198.51.100.100", `${r.name} goes through the bastion`);
      assert.equal(conn.proxy?.user, "ubuntu");
    }
  });

  it("ssm: no remote command at all; every node step is a local command of the SSM runner", async () => {
    const p = await plan("dev", ["nodeAccess=ssm"]);
    assert.equal(ofType(p, TYPES.command).length + ofType(p, TYPES.copy).length, 0);
    const local = ofType(p, "command:local:Command");
    assert.ok(local.length > 10);
    for (const r of local) assert.match(String(r.inputs.create), /ssm-step/, r.name);
  });
});
