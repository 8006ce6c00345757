import * as assert from "node:assert/strict";
import { ConfigError } from "../components/config";
import { givenSubnetProblems, subnetCidrs, type SubnetClass } from "../components/network";
import { onePerZone, spreadOverZones, zoneLossWarning } from "../components/placement";
import type { MockCloud } from "../plan/mocks";
import type { Plan } from "../plan/run";
import { runPlan } from "../plan/run";
import { byName, FIXTURE_STACKS, ofType, plan, servers, TYPES } from "./helpers";

const S = (n: number) => `subnet-0123456789abcdef${n}`;

/** Each load balancer's subnets, mapped to their zones. */
function lbZones(p: Plan, azOf: (subnetId: string) => string): Record<string, string[]> {
  return Object.fromEntries(
    ofType(p, TYPES.lb).map((lb) => [lb.name, (lb.inputs.subnets as string[]).map(azOf)]),
  );
}

/** A new VPC's public subnets (private ones, for bastion and ssm, have their own tests). */
function publicSubnets(p: Plan) {
  return ofType(p, TYPES.subnet).filter((s) => s.name.includes("-public-"));
}

function newVpcZones(p: Plan): (subnetId: string) => string {
  const azs = new Map(
    ofType(p, TYPES.subnet).map((s) => [`${s.name}-id`, s.inputs.availabilityZone]),
  );
  return (id) => String(azs.get(id));
}

describe("network", function () {
  this.timeout(120_000);

  it("splits the VPC CIDR into per-AZ subnets", () => {
    assert.deepEqual(subnetCidrs("10.20.0.0/16", 3), [
      "10.20.0.0/18",
      "10.20.64.0/18",
      "10.20.128.0/18",
    ]);
    assert.deepEqual(subnetCidrs("192.168.4.0/24", 2), ["192.168.4.0/26", "192.168.4.64/26"]);
  });

  it("new VPC, public servers: public subnets with a default route through the internet gateway", async () => {
    const p = await plan("dev", ["nodeAccess=public"]);
    const subnets = ofType(p, TYPES.subnet);
    assert.deepEqual(
      subnets.map((s) => s.inputs.cidrBlock),
      ["10.20.0.0/18", "10.20.64.0/18", "10.20.128.0/18"],
    );
    // The servers ask for their public address; the subnets give none to anything else.
    for (const s of subnets) assert.equal(s.inputs.mapPublicIpOnLaunch, false);
    for (const server of ofType(p, "aws:ec2/instance:Instance")) {
      assert.equal(server.inputs.associatePublicIpAddress, true, server.name);
    }
    const rt = byName(p, "rancher-net-public", "aws:ec2/routeTable:RouteTable");
    assert.deepEqual(rt.inputs.routes, [
      { cidrBlock: "0.0.0.0/0", gatewayId: "rancher-net-igw-id" },
    ]);
    assert.equal(ofType(p, "aws:ec2/routeTableAssociation:RouteTableAssociation").length, 3);
  });

  it("explicit AZs: one subnet per AZ", async () => {
    const p = await plan("dev", ['availabilityZones=["us-east-1d","us-east-1f"]']);
    assert.deepEqual(
      publicSubnets(p).map((s) => s.inputs.availabilityZone),
      ["us-east-1d", "us-east-1f"],
    );
    const azOf = new Map(
      ofType(p, TYPES.subnet).map((s) => [`${s.name}-id`, s.inputs.availabilityZone]),
    );
    assert.deepEqual(
      servers(p).map((i) => azOf.get(i.inputs.subnetId as string)),
      ["us-east-1d", "us-east-1f", "us-east-1d"],
    );
  });

  it("bring your own VPC: no network resources, servers in the given subnets", async () => {
    const subnets = ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"];
    const p = await plan("dev", [
      "nodeAccess=public",
      "vpcId=vpc-0123456789abcdef0",
      `subnetIds=${JSON.stringify(subnets)}`,
    ]);
    assert.equal(ofType(p, "aws:ec2/vpc:Vpc").length, 0);
    assert.equal(ofType(p, TYPES.subnet).length, 0);
    assert.deepEqual(
      servers(p).map((i) => i.inputs.subnetId),
      [subnets[0], subnets[1], subnets[0]],
    );
    assert.deepEqual(
      byName(p, "rancher-sec-nodes", TYPES.sg).inputs.vpcId,
      "vpc-0123456789abcdef0",
    );
  });

  it("refuses given subnets in one AZ or another VPC (checked at deploy)", () => {
    const vpc = "vpc-1";
    const igw: SubnetClass = { kind: "public", target: "igw-1" };
    const given = (id: string, availabilityZone: string, vpcId = vpc) => ({
      id,
      vpcId,
      availabilityZone,
      class: igw,
    });
    const check = (servers: ReturnType<typeof given>[]) =>
      givenSubnetProblems({ vpcId: vpc, servers, privateServers: false });
    assert.deepEqual(check([given("a", "x1a"), given("b", "x1b")]), []);
    assert.deepEqual(check([given("a", "x1a"), given("b", "x1a")]), [
      ["subnetIds", "all subnets are in x1a; list subnets in at least two availability zones"],
    ]);
    assert.deepEqual(check([given("a", "x1a", "vpc-2"), given("b", "x1b")]), [
      ["subnetIds", "a not in vpc-1; list subnets of rancher-ha:vpcId"],
    ]);
  });

  describe("availability zones (one subnet per zone for every load balancer)", () => {
    it("sizes a new VPC to a two-zone region (us-west-1): two subnets, LBs in both, a warning", async () => {
      const p = await plan("dev", ["aws:region=us-west-1"]);
      assert.deepEqual(
        publicSubnets(p).map((s) => [s.inputs.availabilityZone, s.inputs.cidrBlock]),
        [
          ["us-west-1b", "10.20.0.0/18"],
          ["us-west-1c", "10.20.64.0/18"],
        ],
      );
      const azOf = newVpcZones(p);
      for (const [lb, zones] of Object.entries(lbZones(p, azOf))) {
        assert.deepEqual(zones, ["us-west-1b", "us-west-1c"], `${lb}: one subnet per zone`);
      }
      assert.deepEqual(
        servers(p).map((i) => azOf(i.inputs.subnetId as string)),
        ["us-west-1b", "us-west-1c", "us-west-1b"],
      );
      const warning = p.warnings.find((w) => w.startsWith("aws:region:"));
      assert.ok(warning, p.warnings.join("\n"));
      assert.match(warning, /3 servers can only be spread over 2 availability zones/);
      assert.match(warning, /us-west-1b: servers 1, 3; us-west-1c: server 2/);
      assert.match(warning, /etcd needs 2 of 3 members: losing us-west-1b takes 2 of the 3/);
      assert.match(warning, /loses quorum/);
    });

    it("the same in L7: the ALB gets one subnet per zone", async () => {
      const p = await plan("dev", ["aws:region=us-west-1", "loadBalancer=l7"]);
      const zones = lbZones(p, newVpcZones(p));
      assert.deepEqual(zones["rancher-l7-alb"], ["us-west-1b", "us-west-1c"]);
    });

    it("never puts a subnet in a Local Zone (opt-in-status filter), and takes at most three", async () => {
      const p = await plan("dev", ["aws:region=us-west-2"]);
      assert.deepEqual(
        publicSubnets(p).map((s) => s.inputs.availabilityZone),
        ["us-west-2a", "us-west-2b", "us-west-2c"],
      );
      assert.deepEqual(p.warnings, [], "three zones: no quorum warning");
    });

    it("lets a test choose the zones; a region with one zone is a config error naming aws:region", async () => {
      const cloud: MockCloud = { zones: ["us-east-1a", "us-east-1b"] };
      const two = await plan("dev", [], cloud);
      assert.equal(publicSubnets(two).length, 2);
      await assert.rejects(
        runPlan({ stack: "dev", stackDir: FIXTURE_STACKS, cloud: { zones: ["us-east-1a"] } }),
        (e: unknown) =>
          e instanceof ConfigError &&
          /aws:region: offers only us-east-1a as available availability zone; a load balancer needs two/.test(
            e.message,
          ),
      );
    });

    it("explicit zones are used as given, and two of them warn at config time", async () => {
      const p = await plan("dev", ['availabilityZones=["us-east-1d","us-east-1f"]']);
      assert.equal(publicSubnets(p).length, 2);
      const warnings = p.warnings.filter((w) => /availability zone/.test(w));
      assert.equal(warnings.length, 1, "warned once");
      assert.match(warnings[0], /^rancher-ha:availabilityZones: the 3 servers can only be spread/);
    });

    it("given subnets sharing a zone: LBs get one per zone (first listed), servers spread over all", async () => {
      const cloud: MockCloud = {
        subnets: {
          [S(0)]: { availabilityZone: "us-east-1a", cidrBlock: "10.0.0.0/24" },
          [S(1)]: { availabilityZone: "us-east-1a", cidrBlock: "10.0.1.0/24" },
          [S(2)]: { availabilityZone: "us-east-1b", cidrBlock: "10.0.2.0/24" },
          [S(3)]: { availabilityZone: "us-east-1b", cidrBlock: "10.0.3.0/24" },
        },
      };
      const p = await plan(
        "dev",
        [
          "nodeAccess=public",
          "vpcId=vpc-0123456789abcdef0",
          `subnetIds=${JSON.stringify([S(0), S(1), S(2), S(3)])}`,
        ],
        cloud,
      );
      const azOf = (id: string) => cloud.subnets![id].availabilityZone;
      for (const lb of ofType(p, TYPES.lb)) {
        assert.deepEqual(lb.inputs.subnets, [S(0), S(2)], `${lb.name}: first listed per zone`);
      }
      assert.deepEqual(
        servers(p).map((i) => i.inputs.subnetId),
        [S(0), S(2), S(1)],
        "a different zone each time while there is one; every subnet may hold a server",
      );
      assert.deepEqual(
        servers(p).map((i) => azOf(i.inputs.subnetId as string)),
        ["us-east-1a", "us-east-1b", "us-east-1a"],
      );
      assert.ok(p.warnings.some((w) => w.startsWith("rancher-ha:subnetIds: the 3 servers")));
    });

    it("given subnets in another VPC or one zone are refused before anything is registered", async () => {
      const subnets = [S(0), S(1)];
      const overrides = [
        "nodeAccess=public",
        "vpcId=vpc-0123456789abcdef0",
        `subnetIds=${JSON.stringify(subnets)}`,
      ];
      await assert.rejects(
        runPlan({
          stack: "dev",
          stackDir: FIXTURE_STACKS,
          overrides,
          cloud: {
            subnets: {
              [S(0)]: { availabilityZone: "us-east-1a", cidrBlock: "10.0.0.0/24" },
              [S(1)]: { availabilityZone: "us-east-1a", cidrBlock: "10.0.1.0/24" },
            },
          },
        }),
        (e: unknown) =>
          e instanceof ConfigError &&
          e.message.includes("rancher-ha:subnetIds: all subnets are in us-east-1a"),
      );
    });

    it("picks and spreads deterministically; warns only where a zone holds a majority", () => {
      const subnets = [
        { id: "a1", availabilityZone: "a" },
        { id: "b1", availabilityZone: "b" },
        { id: "a2", availabilityZone: "a" },
        { id: "c1", availabilityZone: "c" },
      ];
      assert.deepEqual(
        onePerZone(subnets).map((s) => s.id),
        ["a1", "b1", "c1"],
      );
      assert.deepEqual(
        spreadOverZones(subnets).map((s) => s.id),
        ["a1", "b1", "c1", "a2"],
      );
      assert.equal(zoneLossWarning("k", ["a", "b", "c"]), undefined);
      assert.equal(zoneLossWarning("k", ["a", "b", "c", "a", "b"]), undefined, "5 over 3 zones");
      assert.equal(zoneLossWarning("k", ["a"]), undefined, "1 server: no HA to lose");
      const five = zoneLossWarning("k", ["a", "b", "a", "b", "a"])!;
      assert.match(five, /etcd needs 3 of 5 members: losing a takes 3 of the 5 etcd members, so/);
      assert.ok(!five.includes("losing b"), "losing the zone with 2 of 5 keeps quorum");
    });
  });
});
