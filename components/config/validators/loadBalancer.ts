// The load balancer mode, and the keys that belong to the L7 front end (the ALB).
import policies from "../../data/elb-security-policies.json";
import { LOAD_BALANCER_MODES, type LoadBalancerMode } from "../../rke2/render";
import { nearest } from "../nearest";
import { problem, type Finding, type Validator } from "../problems";
import { DEFAULTS, type RancherHaSettings } from "../schema";

const L7_KEYS = ["certificateArn", "sslPolicy", "idleTimeoutSeconds"] as const;
const ACM_ARN = /^arn:aws[a-z-]*:acm:([a-z0-9-]+):(\d{12}):certificate\/[0-9a-f-]{36}$/;

/** The mode the stack asks for (the default when unset; may be invalid: see checkLoadBalancer). */
export function modeOf(s: RancherHaSettings): LoadBalancerMode {
  return s.loadBalancer ?? DEFAULTS.loadBalancer;
}

export const checkLoadBalancer: Validator = (s, ctx) => {
  const out: Finding[] = [];
  const mode: string = modeOf(s);
  if (!(LOAD_BALANCER_MODES as readonly string[]).includes(mode)) {
    out.push(
      problem("loadBalancer", `"${mode}" is not a load balancer mode; use l4 (NLB) or l7 (ALB)`),
    );
  }
  if (mode !== "l7") {
    for (const k of L7_KEYS) {
      if (s[k] !== undefined) {
        out.push(
          problem(k, "applies only to loadBalancer l7; remove it or set loadBalancer to l7"),
        );
      }
    }
    return out;
  }
  if (s.certificateArn !== undefined) {
    const m = ACM_ARN.exec(s.certificateArn);
    if (!m)
      out.push(problem("certificateArn", `"${s.certificateArn}" is not an ACM certificate ARN`));
    else if (ctx.region && m[1] !== ctx.region) {
      out.push(
        problem(
          "certificateArn",
          `is in ${m[1]} but the stack is in ${ctx.region}; an ALB needs a certificate from its own region`,
        ),
      );
    }
  }
  const policyProblem = sslPolicyProblem(s.sslPolicy ?? DEFAULTS.sslPolicy, DEFAULTS.sslPolicy);
  if (policyProblem) out.push(problem("sslPolicy", policyProblem));
  const idle = s.idleTimeoutSeconds ?? DEFAULTS.idleTimeoutSeconds;
  if (!Number.isInteger(idle) || idle < 60 || idle > 4000) {
    out.push(
      problem(
        "idleTimeoutSeconds",
        `${idle} is out of range; use 60 to 4000 (Rancher asks for 1800)`,
      ),
    );
  }
  return out;
};

const POLICIES = policies.policies as Record<string, string>;

/** ALB listener TLS policy: a real policy name, and no TLS below 1.2. */
export function sslPolicyProblem(policy: string, recommended: string): string | undefined {
  const lowest = POLICIES[policy];
  if (lowest === undefined) {
    const near = nearest(policy, Object.keys(POLICIES), 3);
    return `"${policy}" is not an ELB security policy for an ALB${near ? `; did you mean ${near}?` : ""} (the policies are in components/data/elb-security-policies.json; recommended: ${recommended})`;
  }
  if (lowest === "1.0" || lowest === "1.1") {
    return `"${policy}" allows TLS below 1.2 (from TLS ${lowest}); use ${recommended}`;
  }
  return undefined;
}
