// With requireProtection: deletion protection on load balancers, Pulumi's protect on what holds
// state.
import { BASTION_ROLE, ROLE_TAG } from "../../components/instanceRoles";
import { LOAD_BALANCERS, type PolicyResourceShape, type Rule, TYPES, UNKNOWN } from "./types";
import { show, str } from "./values";

export const RANCHER_RELEASE_NAME = "rancher";

/**
 * The bastion holds no state and is replaced or removed by design (switching nodeAccess deletes
 * it): protecting it would block that.
 */
export function isBastion(r: PolicyResourceShape): boolean {
  const tags = r.props.tags;
  return (
    r.type === TYPES.instance &&
    typeof tags === "object" &&
    tags !== null &&
    (tags as Record<string, unknown>)[ROLE_TAG] === BASTION_ROLE
  );
}

function isRancherRelease(r: PolicyResourceShape): boolean {
  if (r.type !== TYPES.helmRelease) return false;
  const chart = str(r.props.chart);
  return (
    r.props.name === RANCHER_RELEASE_NAME ||
    chart === RANCHER_RELEASE_NAME ||
    (chart?.endsWith(`/${RANCHER_RELEASE_NAME}`) ?? false)
  );
}

const PROTECTED_WHAT: Readonly<Record<string, string>> = {
  [TYPES.instance]: "an RKE2 server instance",
  [TYPES.lbLoadBalancer]: "a load balancer",
  [TYPES.albLoadBalancer]: "a load balancer",
  [TYPES.certificate]: "an ACM certificate",
  [TYPES.helmRelease]: "the Rancher Helm release",
};

export const lbDeletionProtectionWhenProtected: Rule = {
  name: "lb-deletion-protection-when-protected",
  description:
    "With requireProtection (policy config, default false): load balancers have " +
    "enableDeletionProtection, and server instances (not the bastion), load balancers, ACM " +
    "certificates and the Rancher Helm release carry Pulumi's protect option.",
  enforcementLevel: "mandatory",
  resourceTypes: [
    TYPES.lbLoadBalancer,
    TYPES.albLoadBalancer,
    TYPES.instance,
    TYPES.certificate,
    TYPES.helmRelease,
  ],
  configSchema: {
    properties: {
      requireProtection: {
        type: "boolean",
        default: false,
        description: "The stack is configured with protect: true (rancher-ha:protect).",
      },
    },
  },
  validate(r, options) {
    if (options.requireProtection !== true) return [];
    if (r.type === TYPES.helmRelease && !isRancherRelease(r)) return [];
    if (isBastion(r)) return [];
    const what = PROTECTED_WHAT[r.type] ?? r.type;
    const messages: string[] = [];
    if (LOAD_BALANCERS.includes(r.type)) {
      const enabled = r.props.enableDeletionProtection;
      if (enabled !== true && enabled !== UNKNOWN) {
        messages.push(
          `enableDeletionProtection is ${show(enabled)}: with requireProtection, ${what} must ` +
            "have AWS deletion protection",
        );
      }
    }
    if (r.protect !== true) {
      messages.push(
        `the Pulumi protect option is not set: with requireProtection, ${what} must be ` +
          "protected (protect: true)",
      );
    }
    return messages;
  },
};
