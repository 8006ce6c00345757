// The policy rules as a set (policy/rules/index.ts), and how a permission is read in each of
// the three shapes AWS resources use (policy/rules/permissions.ts). Each rule's own table is in
// policy.world / policy.nodes / policy.resources.test.ts.
import * as assert from "node:assert/strict";
import {
  ingressPermissions,
  RULE_NAMES,
  RULES,
  ruleByName,
  runRules,
  TYPES,
  UNKNOWN,
  worldOpenings,
} from "../policy/rules";
import { ingressRule, loadBalancer, res } from "./policy-helpers";

describe("policy rules", () => {
  it("declares the eleven mandatory rules, each with a description", () => {
    assert.deepEqual(RULE_NAMES, [
      "no-world-ingress-except-web",
      "admin-ports-restricted",
      "node-ingress-least-privilege",
      "servers-without-public-ip",
      "imdsv2-required",
      "encrypted-root-volume",
      "no-secrets-in-user-data",
      "alb-drops-invalid-headers",
      "modern-tls-policy",
      "lb-deletion-protection-when-protected",
      "remote-commands-no-secret-logging",
    ]);
    for (const rule of RULES) {
      assert.equal(rule.enforcementLevel, "mandatory", rule.name);
      assert.ok(rule.description.length > 20, rule.name);
      assert.ok(rule.validate ?? rule.validateStack, rule.name);
    }
    assert.throws(() => ruleByName("nope"), /no policy rule named "nope"/);
  });

  it("skips values unknown until deployment instead of failing them", () => {
    const pending = [
      res(TYPES.instance, "server", {
        metadataOptions: { httpTokens: UNKNOWN },
        rootBlockDevice: { encrypted: UNKNOWN },
      }),
      res(TYPES.lbListener, "https", { protocol: "HTTPS", sslPolicy: UNKNOWN }),
      loadBalancer("alb", { dropInvalidHeaderFields: UNKNOWN }),
      ingressRule("ports", 22, "0.0.0.0/0", "sg", { fromPort: UNKNOWN, toPort: UNKNOWN }),
    ];
    assert.deepEqual(runRules(pending), []);
  });
});

describe("policy permissions", () => {
  it("reads every world source of a resource", () => {
    const sg = res(TYPES.securityGroup, "sg", {
      ingress: [
        {
          protocol: "-1",
          fromPort: 0,
          toPort: 0,
          cidrBlocks: ["0.0.0.0/0"],
          ipv6CidrBlocks: ["::/0"],
        },
      ],
    });
    assert.deepEqual(worldOpenings(sg), [
      { where: "ingress[0]: ", protocol: "all", fromPort: 0, toPort: 65535, source: "0.0.0.0/0" },
      { where: "ingress[0]: ", protocol: "all", fromPort: 0, toPort: 65535, source: "::/0" },
    ]);
  });

  it("reads every source of a permission", () => {
    const legacy = res(
      TYPES.securityGroupRule,
      "legacy",
      {
        type: "ingress",
        protocol: "6",
        fromPort: 22,
        toPort: 22,
        cidrBlocks: ["10.0.0.0/8", UNKNOWN],
        ipv6CidrBlocks: ["::/0"],
        prefixListIds: ["pl-1"],
        sourceSecurityGroupId: UNKNOWN,
        self: true,
      },
      { propertyDependencies: { sourceSecurityGroupId: ["urn:a::b::bastion"] } },
    );
    assert.deepEqual(
      ingressPermissions(legacy).map((p) => p.source),
      [
        { kind: "cidr", cidr: "10.0.0.0/8" },
        { kind: "cidr", cidr: "::/0" },
        { kind: "prefix-list", id: "pl-1" },
        { kind: "group", keys: ["urn:a::b::bastion"], label: "bastion" },
        { kind: "self" },
      ],
    );
    const fromGroup = res(TYPES.ingressRule, "x", {
      securityGroupId: "sg-nodes",
      ipProtocol: "tcp",
      fromPort: 22,
      toPort: 22,
      referencedSecurityGroupId: "sg-1",
    });
    assert.deepEqual(ingressPermissions(fromGroup)[0], {
      where: "",
      protocol: "tcp",
      fromPort: 22,
      toPort: 22,
      source: { kind: "group", keys: ["sg-1"], label: "sg-1" },
    });
  });
});
