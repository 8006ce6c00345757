// What every rule works on: plain resource shapes, the rule interface, the resource types.

/** A value only known after deployment (the engine's preview unknowns, the plan's placeholders). */
export const UNKNOWN: unique symbol = Symbol.for("rancher-ha.policy.unknown");

/** What every rule looks at: a resource's type, name, inputs (or outputs) and options. */
export interface PolicyResourceShape {
  type: string;
  name: string;
  urn?: string;
  /** Inputs (resource phase) or outputs (stack phase), secrets unwrapped, unknowns as UNKNOWN. */
  props: Record<string, unknown>;
  /** The Pulumi `protect` resource option. */
  protect?: boolean;
  /** The `additionalSecretOutputs` resource option. */
  additionalSecretOutputs?: string[];
  /**
   * Top-level inputs known to be secret. Undefined when the caller cannot tell: the policy
   * engine unwraps secrets before a policy sees them.
   */
  secretProps?: string[];
  /** URNs each property depends on: links rules to groups and groups to load balancers. */
  propertyDependencies?: Record<string, string[]>;
}

/** Options a stack gives the policies (the pack's policy config, or checkPlan's options). */
export interface RuleOptions {
  /** Require deletion protection and Pulumi `protect` on stateful resources. Default false. */
  requireProtection?: boolean;
  /** Servers may have public IPs (rancher-ha:nodeAccess public). Default false. */
  allowPublicServers?: boolean;
}

export interface StackFinding {
  resource: PolicyResourceShape;
  message: string;
}

/** The subset of a JSON schema a policy's config is described with (as @pulumi/policy takes it). */
export interface RuleConfigSchema {
  properties: Record<string, { type: "boolean"; default: boolean; description: string }>;
}

export interface Rule {
  name: string;
  description: string;
  enforcementLevel: "mandatory";
  /** Resource types `validate` applies to. */
  resourceTypes: readonly string[];
  /** Per-resource check: messages for one resource of one of `resourceTypes`. */
  validate?: (resource: PolicyResourceShape, options: RuleOptions) => string[];
  /** Whole-stack check, for what needs other resources (which group belongs to which LB). */
  validateStack?: (
    resources: readonly PolicyResourceShape[],
    options: RuleOptions,
  ) => StackFinding[];
  configSchema?: RuleConfigSchema;
}

export const TYPES = {
  instance: "aws:ec2/instance:Instance",
  securityGroup: "aws:ec2/securityGroup:SecurityGroup",
  securityGroupRule: "aws:ec2/securityGroupRule:SecurityGroupRule",
  ingressRule: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
  lbLoadBalancer: "aws:lb/loadBalancer:LoadBalancer",
  albLoadBalancer: "aws:alb/loadBalancer:LoadBalancer",
  lbListener: "aws:lb/listener:Listener",
  albListener: "aws:alb/listener:Listener",
  certificate: "aws:acm/certificate:Certificate",
  helmRelease: "kubernetes:helm.sh/v3:Release",
  remoteCommand: "command:remote:Command",
  localCommand: "command:local:Command",
} as const;

export const LOAD_BALANCERS: readonly string[] = [TYPES.lbLoadBalancer, TYPES.albLoadBalancer];
export const LISTENERS: readonly string[] = [TYPES.lbListener, TYPES.albListener];
export const INGRESS_TYPES: readonly string[] = [
  TYPES.ingressRule,
  TYPES.securityGroupRule,
  TYPES.securityGroup,
];
