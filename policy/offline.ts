// The policies over the offline plan: the same pure rules the policy pack runs in the engine,
// applied to what `runPlan` recorded. `npm run plan -- --policy` prints these.
import type { Plan } from "../plan/run";
import type { RecordedResource } from "../plan/mocks";
import { Secret, UNKNOWN as PLAN_UNKNOWN } from "../plan/values";
import { PolicyResourceShape, RuleOptions, RULES, runRules, UNKNOWN } from "./rules";

export interface Violation {
  /** The rule's name, e.g. "imdsv2-required". */
  policy: string;
  resourceUrn: string;
  resourceName: string;
  resourceType: string;
  message: string;
}

export interface CheckPlanOptions extends RuleOptions {
  /** Only these rules (by name); default: all. */
  policies?: readonly string[];
}

/** Plan values → rule values: secrets unwrapped, the plan's unknown marker as UNKNOWN. */
function plain(v: unknown): unknown {
  if (v instanceof Secret) return plain(v.value);
  if (v === PLAN_UNKNOWN) return UNKNOWN;
  if (Array.isArray(v)) return v.map(plain);
  if (v !== null && typeof v === "object") {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
  }
  return v;
}

function containsSecret(v: unknown): boolean {
  if (v instanceof Secret) return true;
  if (Array.isArray(v)) return v.some(containsSecret);
  if (v !== null && typeof v === "object") return Object.values(v).some(containsSecret);
  return false;
}

/** One recorded resource as the rules see it (its inputs, as the engine's resource phase would). */
export function toPolicyResource(r: RecordedResource): PolicyResourceShape {
  return {
    type: r.type,
    name: r.name,
    urn: r.urn,
    props: plain(r.inputs) as Record<string, unknown>,
    protect: r.protect,
    additionalSecretOutputs: r.additionalSecretOutputs,
    secretProps: Object.keys(r.inputs).filter((k) => containsSecret(r.inputs[k])),
    propertyDependencies: r.propertyDependencies,
  };
}

/**
 * Runs every policy over a plan's resources. Violations come in rule order, then resource
 * order; an empty list means the plan passes.
 */
export function checkPlan(
  plan: Pick<Plan, "resources">,
  options: CheckPlanOptions = {},
): Violation[] {
  const rules = options.policies ? RULES.filter((r) => options.policies?.includes(r.name)) : RULES;
  const unknownNames = (options.policies ?? []).filter((n) => !RULES.some((r) => r.name === n));
  if (unknownNames.length > 0) throw new Error(`unknown policies: ${unknownNames.join(", ")}`);
  const ruleOptions: RuleOptions = {
    ...(options.requireProtection !== undefined
      ? { requireProtection: options.requireProtection }
      : {}),
    ...(options.allowPublicServers !== undefined
      ? { allowPublicServers: options.allowPublicServers }
      : {}),
  };
  return runRules(plan.resources.map(toPolicyResource), ruleOptions, rules).map((f) => ({
    policy: f.rule.name,
    resourceUrn: f.resource.urn ?? "",
    resourceName: f.resource.name,
    resourceType: f.resource.type,
    message: f.message,
  }));
}

/** One line per violation: `[policy] name (type): message`. */
export function formatViolation(v: Violation): string {
  return `[${v.policy}] ${v.resourceName} (${v.resourceType}): ${v.message}`;
}
