// Shared by the policy rule tests: resource shapes, and the tables each rule's tests are written
// as (inputs → every message the rule gives).
import * as assert from "node:assert/strict";
import { PolicyResourceShape, RuleOptions, ruleByName, runRules, TYPES } from "../policy/rules";

export function res(
  type: string,
  name: string,
  props: Record<string, unknown>,
  extra: Partial<PolicyResourceShape> = {},
): PolicyResourceShape {
  return { type, name, urn: `urn:pulumi:test::rancher-ha::${type}::${name}`, props, ...extra };
}

/** Messages of one rule over a whole stack (resource checks and stack checks). */
export function messages(
  rule: string,
  resources: PolicyResourceShape[],
  options: RuleOptions = {},
): { resource: string; message: string }[] {
  return runRules(resources, options, [ruleByName(rule)]).map((f) => ({
    resource: f.resource.name,
    message: f.message,
  }));
}

export function ingressRule(
  name: string,
  port: number,
  cidr: string,
  groupId: string,
  extra: Record<string, unknown> = {},
): PolicyResourceShape {
  const source = cidr.includes(":") ? { cidrIpv6: cidr } : { cidrIpv4: cidr };
  return res(TYPES.ingressRule, name, {
    securityGroupId: groupId,
    ipProtocol: "tcp",
    fromPort: port,
    toPort: port,
    ...source,
    ...extra,
  });
}

export function loadBalancer(
  name: string,
  props: Record<string, unknown>,
  extra: Partial<PolicyResourceShape> = {},
) {
  return res(TYPES.lbLoadBalancer, name, props, extra);
}

/** An internet-facing NLB whose group is sg-lb. */
export const publicNlb = loadBalancer("nlb", {
  loadBalancerType: "network",
  internal: false,
  securityGroups: ["sg-lb"],
});

export type ResourceCase = [
  what: string,
  resource: PolicyResourceShape,
  expected: string[],
  options?: RuleOptions,
];

/** A per-resource rule's table: one resource per row, and every message the rule gives it. */
export function resourceRuleTable(rule: string, cases: ResourceCase[]): void {
  for (const [what, resource, expected, options] of cases) {
    it(`${expected.length === 0 ? "passes" : "rejects"} ${what}`, () => {
      assert.deepEqual(
        messages(rule, [resource], options).map((m) => m.message),
        expected,
      );
    });
  }
}

export type StackCase = [
  what: string,
  resources: PolicyResourceShape[],
  expected: { resource: string; message: string }[],
];

/** A stack rule's table: each row's resources beside `base`, and every finding by resource. */
export function stackRuleTable(
  rule: string,
  base: PolicyResourceShape[],
  cases: StackCase[],
): void {
  for (const [what, resources, expected] of cases) {
    it(`${expected.length === 0 ? "passes" : "rejects"} ${what}`, () => {
      assert.deepEqual(messages(rule, [...base, ...resources]), expected);
    });
  }
}
