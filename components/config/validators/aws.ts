// The AWS side of the config: `aws:region` and the `aws:` provider keys.
import * as awsProviderConfig from "@pulumi/aws/config/vars";
import regions from "../../data/aws-regions.json";
import { nearest } from "../nearest";
import { problem, type Validator } from "../problems";

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

/** `aws:region` (from the context: it is the provider's key, not the project's). */
export const checkRegion: Validator = (_s, ctx) => {
  if (!ctx.region)
    return [problem("aws:region", "not set; run: pulumi config set aws:region <region>")];
  const p = regionProblem(ctx.region);
  return p ? [problem("aws:region", p)] : [];
};
