// The pure rules (./rules) as @pulumi/policy policies. Importing this module has no side effects;
// ./index.ts is what serves them as the "rancher-ha" policy pack.
//
// Classes come from deep imports (one module each) so loading and type-checking the pack stays
// cheap: the engine runs it through ts-node with type checking.
import { Certificate } from "@pulumi/aws/acm/certificate";
import { LoadBalancer as AlbLoadBalancer } from "@pulumi/aws/alb/loadBalancer";
import { Listener as AlbListener } from "@pulumi/aws/alb/listener";
import { Instance } from "@pulumi/aws/ec2/instance";
import { SecurityGroup } from "@pulumi/aws/ec2/securityGroup";
import { SecurityGroupRule } from "@pulumi/aws/ec2/securityGroupRule";
import { LoadBalancer } from "@pulumi/aws/lb/loadBalancer";
import { Listener } from "@pulumi/aws/lb/listener";
import { SecurityGroupIngressRule } from "@pulumi/aws/vpc/securityGroupIngressRule";
import { Command as LocalCommand } from "@pulumi/command/local/command";
import { Command as RemoteCommand } from "@pulumi/command/remote/command";
import { Release } from "@pulumi/kubernetes/helm/v3/release";
import {
  Policies,
  PolicyResource,
  ReportViolation,
  ResourceValidation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationArgs,
  StackValidationPolicy,
  UnknownValueError,
  validateResourceOfType,
} from "@pulumi/policy";
import { PolicyResourceShape, Rule, RuleOptions, RULES, TYPES, UNKNOWN } from "./rules";

export const POLICY_PACK_NAME = "rancher-ha";

type Handler = (props: unknown, args: ResourceValidationArgs, report: ReportViolation) => void;

/** validateResourceOfType for every type a rule can name. */
const VALIDATORS: Readonly<Record<string, (h: Handler) => ResourceValidation>> = {
  [TYPES.instance]: (h) => validateResourceOfType(Instance, h),
  [TYPES.securityGroup]: (h) => validateResourceOfType(SecurityGroup, h),
  [TYPES.securityGroupRule]: (h) => validateResourceOfType(SecurityGroupRule, h),
  [TYPES.ingressRule]: (h) => validateResourceOfType(SecurityGroupIngressRule, h),
  [TYPES.lbLoadBalancer]: (h) => validateResourceOfType(LoadBalancer, h),
  [TYPES.albLoadBalancer]: (h) => validateResourceOfType(AlbLoadBalancer, h),
  [TYPES.lbListener]: (h) => validateResourceOfType(Listener, h),
  [TYPES.albListener]: (h) => validateResourceOfType(AlbListener, h),
  [TYPES.certificate]: (h) => validateResourceOfType(Certificate, h),
  [TYPES.helmRelease]: (h) => validateResourceOfType(Release, h),
  [TYPES.remoteCommand]: (h) => validateResourceOfType(RemoteCommand, h),
  [TYPES.localCommand]: (h) => validateResourceOfType(LocalCommand, h),
};

/**
 * A plain copy of the engine's props. The engine hands them over behind a proxy that throws on
 * every value unknown during preview; the copy holds UNKNOWN there instead, so a rule can look
 * at the rest (and skip what it cannot decide yet).
 */
export function toPlain(value: unknown): unknown {
  if (value === null || typeof value !== "object") return value;
  const container = value as Record<string | number, unknown>;
  const read = (key: string | number): unknown => {
    try {
      return toPlain(container[key]);
    } catch (e) {
      if (e instanceof UnknownValueError) return UNKNOWN;
      throw e;
    }
  };
  if (Array.isArray(value)) return Array.from({ length: value.length }, (_, i) => read(i));
  return Object.fromEntries(Object.keys(value).map((k) => [k, read(k)]));
}

/** The resource phase's view: inputs; secrets already unwrapped by the SDK (so unknowable). */
export function shapeFromResourceArgs(args: ResourceValidationArgs): PolicyResourceShape {
  return {
    type: args.type,
    name: args.name,
    urn: args.urn,
    props: toPlain(args.props) as Record<string, unknown>,
    protect: args.opts.protect,
    additionalSecretOutputs: [...args.opts.additionalSecretOutputs],
  };
}

/** The stack phase's view: outputs, with property dependencies as URNs. */
export function shapeFromPolicyResource(r: PolicyResource): PolicyResourceShape {
  return {
    type: r.type,
    name: r.name,
    urn: r.urn,
    props: toPlain(r.props) as Record<string, unknown>,
    protect: r.opts.protect,
    additionalSecretOutputs: [...r.opts.additionalSecretOutputs],
    propertyDependencies: Object.fromEntries(
      Object.entries(r.propertyDependencies).map(([k, deps]) => [k, deps.map((d) => d.urn)]),
    ),
  };
}

function ruleOptions(args: { getConfig<T extends object>(): T }): RuleOptions {
  const config = args.getConfig<{ requireProtection?: unknown; allowPublicServers?: unknown }>();
  return {
    ...(config.requireProtection === true ? { requireProtection: true } : {}),
    ...(config.allowPublicServers === true ? { allowPublicServers: true } : {}),
  };
}

/**
 * validateResourceOfType for each of a rule's types, dispatched on the resource's type: exactly
 * one typed validation runs for a matching resource, and any other resource is reported "not
 * applicable" once (an array of typed validations would report it once per other type).
 */
function validateResourceOfTypes(rule: Rule, handler: Handler): ResourceValidation {
  const byType = new Map<string, ResourceValidation>();
  for (const type of rule.resourceTypes) {
    const make = VALIDATORS[type];
    if (!make) throw new Error(`policy ${rule.name}: no resource class for ${type}`);
    byType.set(type, make(handler));
  }
  const [only] = byType.values();
  if (byType.size === 1 && only) return only;
  return (args, report) => {
    const validation = byType.get(args.type);
    if (!validation) {
      return args.notApplicable(
        `Policy only applies to resources of type ${rule.resourceTypes.join(", ")}`,
      );
    }
    return validation(args, report);
  };
}

/** A policy of this pack: resource checks, and for some rules a stack check too. */
export type PackPolicy = ResourceValidationPolicy &
  Partial<Pick<StackValidationPolicy, "validateStack">>;

/** One rule as an engine policy: per-resource checks and/or a stack check. */
export function toPolicy(rule: Rule): PackPolicy {
  const policy: PackPolicy = {
    name: rule.name,
    description: rule.description,
    enforcementLevel: rule.enforcementLevel,
    ...(rule.configSchema ? { configSchema: rule.configSchema } : {}),
  };
  const { validate } = rule;
  if (validate) {
    const handler: Handler = (_props, args, report) => {
      for (const message of validate(shapeFromResourceArgs(args), ruleOptions(args)))
        report(message);
    };
    policy.validateResource = validateResourceOfTypes(rule, handler);
  }
  const check = rule.validateStack;
  function validateStack(args: StackValidationArgs, report: ReportViolation): void {
    if (!check) return;
    const shapes = args.resources.map(shapeFromPolicyResource);
    for (const { resource, message } of check(shapes, ruleOptions(args))) {
      report(message, resource.urn);
    }
  }
  if (check) policy.validateStack = validateStack;
  return policy;
}

/** Every rule, in the pack's order. */
export const policies: PackPolicy[] = RULES.map(toPolicy);

/** The same list as @pulumi/policy's PolicyPack takes it. */
export const packPolicies: Policies = policies;
