import * as pulumi from "@pulumi/pulumi";
import { ConfigError, loadConfig, RancherHaConfig, ResolvedConfig } from "./config";
import { placeNetwork } from "./network";
import { RancherHa } from "./rancherHa";

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

export interface ProgramResult {
  outputs: Record<string, pulumi.Output<unknown>>;
  /** What the user should know that only the cloud could tell (zones, subnets). */
  warnings: string[];
  /** What only the stack's state can tell (e.g. the ingress controller a cluster keeps). */
  notices: pulumi.Output<string[]>;
}

/**
 * Builds the whole stack from a validated config. Looks up the network's zones and subnets first
 * (invokes, awaited before any resource is registered: the Pulumi Node.js runtime awaits a
 * program that returns a promise, `@pulumi/pulumi` cmd/run/run.js, and so does the Automation
 * API's inline program). Problems found there throw ConfigError, like config problems.
 */
export async function rancherHaProgram(config: RancherHaConfig): Promise<ProgramResult> {
  const placed = await placeNetwork(config.network, config.serverCount, config.access.mode);
  const stack = new RancherHa(STACK_COMPONENT_NAME, config, placed.network);
  return { outputs: stack.outputs(), warnings: placed.warnings, notices: stack.notices };
}

/** What `index.ts` runs: config from the runtime, warnings logged, stack built. */
export async function runFromRuntime(): Promise<Record<string, pulumi.Output<unknown>>> {
  const { config, warnings } = configFromRuntime();
  for (const w of warnings) void pulumi.log.warn(w);
  try {
    const result = await rancherHaProgram(config);
    for (const w of result.warnings) void pulumi.log.warn(w);
    // Logging in an apply registers nothing; it prints once the state is known (preview too).
    result.notices.apply((notices) => notices.forEach((n) => void pulumi.log.warn(n)));
    return result.outputs;
  } catch (e) {
    if (e instanceof ConfigError) throw new pulumi.RunError(e.message);
    throw e;
  }
}
