// loadBalancerScheme internal (design 10 §10): every load balancer internal, the hostname in a
// private zone, nothing with a public address but the NAT gateways.
import * as assert from "node:assert/strict";
import { estimateCost } from "../plan/estimate/cost";

import { ofType, plan, servers, TYPES } from "./helpers";

const ASSOCIATION = "aws:route53/zoneAssociation:ZoneAssociation";
const ARN = "arn:aws:acm:eu-west-1:123456789012:certificate/12345678-1234-1234-1234-123456789012";

describe("loadBalancerScheme internal", function () {
  this.timeout(180_000);

  it("l4 with ssm: both NLBs internal, the new VPC joined to the private zone before the record", async () => {
    const p = await plan("dev", ["loadBalancerScheme=internal", "nodeAccess=ssm"]);
    for (const lb of ofType(p, TYPES.lb)) assert.equal(lb.inputs.internal, true, lb.name);
    const [association] = ofType(p, ASSOCIATION);
    assert.equal(ofType(p, ASSOCIATION).length, 1);
    assert.equal(association.inputs.vpcId, "rancher-net-vpc-id");
    const [record] = ofType(p, TYPES.record);
    assert.ok(record.dependsOn.includes(association.urn), "resolves in the VPC once associated");
    for (const s of servers(p)) assert.equal(s.inputs.associatePublicIpAddress, false);
    // Public addresses: the NAT gateway's only.
    const cost = estimateCost(p.resources, p.config.region);
    assert.equal(cost.byKind.find((k) => k.kind === "publicIpv4")?.detail, "1 addresses");
  });

  it("l7 with a given certificate: an internal ALB, no certificate or validation record created", async () => {
    const p = await plan("prod", ["loadBalancerScheme=internal", `certificateArn=${ARN}`]);
    const alb = ofType(p, TYPES.lb).find((l) => l.inputs.loadBalancerType === "application")!;
    assert.equal(alb.inputs.internal, true);
    assert.equal(ofType(p, TYPES.cert).length, 0);
    assert.deepEqual(
      ofType(p, TYPES.record).map((r) => r.inputs.type),
      ["A"],
      "only the alias: no ACM validation record in the private zone",
    );
  });

  it("a given VPC's private zone must be associated already: the stack associates nothing", async () => {
    const p = await plan("dev", [
      "loadBalancerScheme=internal",
      "nodeAccess=ssm",
      "vpcId=vpc-0123456789abcdef0",
      'subnetIds=["subnet-0123456789abcdef0","subnet-0123456789abcdef1"]',
    ]);
    assert.equal(ofType(p, ASSOCIATION).length, 0);
    for (const lb of ofType(p, TYPES.lb)) assert.equal(lb.inputs.internal, true, lb.name);
  });
});
