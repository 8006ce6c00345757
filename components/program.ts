import * as pulumi from "@pulumi/pulumi";
import { ConfigError, loadConfig, RancherHaConfig, ResolvedConfig } from "./config";
import { RancherHa } from "./stack";

/** The logical name of the top component (AWS names derive from it). */
export const STACK_COMPONENT_NAME = "rancher";

/**
 * Reads this stack's configuration from the Pulumi runtime and validates it. Invalid config
 * becomes a RunError: Pulumi prints its message (every problem) without a stack trace.
 */
export function configFromRuntime(): ResolvedConfig {
  const raw = pulumi.runtime.allConfig();
  try {
    return loadConfig(raw, {
      project: pulumi.getProject(),
      stack: pulumi.getStack(),
      ...(raw["aws:region"] !== undefined ? { region: raw["aws:region"] } : {}),
    });
  } catch (e) {
    if (e instanceof ConfigError) throw new pulumi.RunError(e.message);
    throw e;
  }
}

/** Builds the whole stack from a validated config and returns the stack outputs. */
export function rancherHaProgram(config: RancherHaConfig): Record<string, pulumi.Output<unknown>> {
  return new RancherHa(STACK_COMPONENT_NAME, config).outputs();
}

/** What `index.ts` runs: config from the runtime, warnings logged, stack built. */
export function runFromRuntime(): Record<string, pulumi.Output<unknown>> {
  const { config, warnings } = configFromRuntime();
  for (const w of warnings) void pulumi.log.warn(w);
  return rancherHaProgram(config);
}
