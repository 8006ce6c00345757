// Application load balancers drop headers with invalid names.
import { LOAD_BALANCERS, type PolicyResourceShape, type Rule, UNKNOWN } from "./types";
import { show } from "./values";

function isApplicationLb(r: PolicyResourceShape): boolean {
  // The provider's default type is "application".
  const t = r.props.loadBalancerType;
  return t === undefined || t === "application";
}

export const albDropsInvalidHeaders: Rule = {
  name: "alb-drops-invalid-headers",
  description:
    "Application load balancers drop HTTP headers with invalid names (dropInvalidHeaderFields), " +
    "so forged variants of X-Forwarded-* never reach the ingress controller.",
  enforcementLevel: "mandatory",
  resourceTypes: LOAD_BALANCERS,
  validate(r) {
    if (!isApplicationLb(r)) return [];
    const drop = r.props.dropInvalidHeaderFields;
    if (drop === true || drop === UNKNOWN) return [];
    return [
      `dropInvalidHeaderFields is ${show(drop)}: an application load balancer must set ` +
        "dropInvalidHeaderFields: true",
    ];
  },
};
