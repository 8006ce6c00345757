// The AWS side of the config: region, the `aws:` provider keys, the ALB TLS policy.
import * as awsProviderConfig from "@pulumi/aws/config/vars";
import policies from "../data/elb-security-policies.json";
import regions from "../data/aws-regions.json";
import { nearest } from "./nearest";

export const AWS_REGIONS: readonly string[] = regions.regions;

export function regionProblem(region: string): string | undefined {
  if (AWS_REGIONS.includes(region)) return undefined;
  const near = nearest(region, AWS_REGIONS, 2);
  return `"${region}" is not an AWS region${near ? `; did you mean ${near}?` : ""} (e.g. us-east-1; the known regions are in components/data/aws-regions.json)`;
}

/** The AWS provider's config keys (`aws:<key>`), from the installed @pulumi/aws. */
export const AWS_PROVIDER_KEYS: readonly string[] = Object.keys(awsProviderConfig);

/**
 * `aws:` keys that are not provider keys but one or two edits from one (`aws:regoin`): almost
 * always typos that silently leave the real key unset. Other unknown keys are left alone.
 */
export function awsKeyProblems(raw: Readonly<Record<string, string>>): [string, string][] {
  const out: [string, string][] = [];
  for (const full of Object.keys(raw)) {
    if (!full.startsWith("aws:")) continue;
    const key = full.slice("aws:".length);
    if (AWS_PROVIDER_KEYS.includes(key)) continue;
    const near = nearest(key, AWS_PROVIDER_KEYS, 2);
    if (near) {
      out.push([
        full,
        `is not an AWS provider setting; did you mean "aws:${near}"? (pulumi config rm ${full}, then set aws:${near})`,
      ]);
    }
  }
  return out;
}

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
