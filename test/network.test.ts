import * as assert from "node:assert/strict";
import { existingSubnetsProblem, subnetCidrs } from "../components/network";
import { byName, ofType, plan, TYPES } from "./helpers";

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

  it("new VPC: public subnets with a default route through the internet gateway", async () => {
    const p = await plan("dev");
    const subnets = ofType(p, TYPES.subnet);
    assert.deepEqual(
      subnets.map((s) => s.inputs.cidrBlock),
      ["10.20.0.0/18", "10.20.64.0/18", "10.20.128.0/18"],
    );
    for (const s of subnets) assert.equal(s.inputs.mapPublicIpOnLaunch, true);
    const rt = byName(p, "rancher-net-public", "aws:ec2/routeTable:RouteTable");
    assert.deepEqual(rt.inputs.routes, [
      { cidrBlock: "0.0.0.0/0", gatewayId: "rancher-net-igw-id" },
    ]);
    assert.equal(ofType(p, "aws:ec2/routeTableAssociation:RouteTableAssociation").length, 3);
  });

  it("explicit AZs: one subnet per AZ", async () => {
    const p = await plan("dev", ['availabilityZones=["us-east-1d","us-east-1f"]']);
    assert.deepEqual(
      ofType(p, TYPES.subnet).map((s) => s.inputs.availabilityZone),
      ["us-east-1d", "us-east-1f"],
    );
    const azOf = new Map(
      ofType(p, TYPES.subnet).map((s) => [`${s.name}-id`, s.inputs.availabilityZone]),
    );
    assert.deepEqual(
      ofType(p, TYPES.instance).map((i) => azOf.get(i.inputs.subnetId as string)),
      ["us-east-1d", "us-east-1f", "us-east-1d"],
    );
  });

  it("bring your own VPC: no network resources, servers in the given subnets", async () => {
    const subnets = ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"];
    const p = await plan("dev", [
      "vpcId=vpc-0123456789abcdef0",
      `subnetIds=${JSON.stringify(subnets)}`,
    ]);
    assert.equal(ofType(p, "aws:ec2/vpc:Vpc").length, 0);
    assert.equal(ofType(p, TYPES.subnet).length, 0);
    assert.deepEqual(
      ofType(p, TYPES.instance).map((i) => i.inputs.subnetId),
      [subnets[0], subnets[1], subnets[0]],
    );
    assert.deepEqual(
      byName(p, "rancher-sec-nodes", TYPES.sg).inputs.vpcId,
      "vpc-0123456789abcdef0",
    );
  });

  it("refuses given subnets in one AZ or another VPC (checked at deploy)", () => {
    const vpc = "vpc-1";
    assert.equal(
      existingSubnetsProblem(vpc, [
        { id: "a", vpcId: vpc, availabilityZone: "x1a" },
        { id: "b", vpcId: vpc, availabilityZone: "x1b" },
      ]),
      undefined,
    );
    assert.match(
      existingSubnetsProblem(vpc, [
        { id: "a", vpcId: vpc, availabilityZone: "x1a" },
        { id: "b", vpcId: vpc, availabilityZone: "x1a" },
      ])!,
      /rancher-ha:subnetIds: all subnets are in x1a; list subnets in at least two availability zones/,
    );
    assert.match(
      existingSubnetsProblem(vpc, [
        { id: "a", vpcId: "vpc-2", availabilityZone: "x1a" },
        { id: "b", vpcId: vpc, availabilityZone: "x1b" },
      ])!,
      /a not in vpc-1/,
    );
  });
});
