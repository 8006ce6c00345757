// The offline plan: the real program evaluated on Pulumi's mock runtime, recorded as data.
import * as pulumi from "@pulumi/pulumi";
import * as settings from "@pulumi/pulumi/runtime/settings";
import { ConfigError, loadConfig, PROJECT, RancherHaConfig } from "../components/config";
import { rancherHaProgram } from "../components/program";
import { serversArePrivate } from "../components/accessModes";
import {
  installRecordingMocks,
  MockCloud,
  MockRoute,
  placeholderMocks,
  RecordedResource,
  SubnetClaim,
} from "./mocks";
import { applyOverrides, readStackConfig } from "./stackFile";
import { Secret } from "./values";

export interface Plan {
  project: string;
  stack: string;
  config: RancherHaConfig;
  warnings: string[];
  resources: RecordedResource[];
  /** Stack outputs; secret ones wrapped in Secret. */
  outputs: Record<string, unknown>;
}

export interface PlanOptions {
  stack: string;
  /** `key=value` overrides on top of the stack file. */
  overrides?: string[];
  /** Directory holding Pulumi.yaml and stacks/ (default: the working directory). */
  projectDir?: string;
  /** Directory holding the `Pulumi.<stack>.yaml` files (default: the project's stackConfigDir). */
  stackDir?: string;
  /** RKE2 version of the previous deployment, when the caller knows it. */
  previousRke2Version?: string;
  /** What the placeholder cloud answers lookups with (zones, given subnets), for tests. */
  cloud?: MockCloud;
}

/** Reads the stack's config as `pulumi up` would and validates it; throws ConfigError. */
export function planConfig(opts: PlanOptions): {
  raw: Record<string, string>;
  config: RancherHaConfig;
  warnings: string[];
} {
  const projectDir = opts.projectDir ?? process.cwd();
  const file = readStackConfig(projectDir, opts.stack, opts.stackDir);
  const raw = applyOverrides(file.values, opts.overrides ?? []);
  const unreadable = file.encrypted.filter((k) => raw[k] === undefined);
  try {
    const { config, warnings } = loadConfig(raw, {
      project: PROJECT,
      stack: opts.stack,
      ...(opts.previousRke2Version ? { previousRke2Version: opts.previousRke2Version } : {}),
    });
    if (unreadable.length > 0) throw new ConfigError([]);
    return { raw, config, warnings };
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    const encrypted = unreadable.map((key) => ({
      key,
      message: "is encrypted in the stack file; pass --config for the offline plan",
    }));
    throw new ConfigError([...e.problems, ...encrypted]);
  }
}

/**
 * What the config says each given subnet is: public subnets route to an internet gateway; the
 * servers' subnets to a NAT gateway when the servers are private, to an internet gateway when
 * they are public. Each list is spread over the zones on its own. The offline plan answers the
 * subnet and route lookups with these claims.
 */
function claimedSubnets(config: RancherHaConfig): Record<string, SubnetClaim> {
  if (config.network.kind !== "existing") return {};
  const servers: MockRoute = serversArePrivate(config.access.mode) ? "nat" : "igw";
  const claim = (route: MockRoute) => (id: string, position: number) =>
    [id, { route, position }] as const;
  return Object.fromEntries([
    ...config.network.subnetIds.map(claim(servers)),
    ...(config.network.publicSubnetIds ?? []).map(claim("igw")),
  ]);
}

let running: Promise<unknown> = Promise.resolve();

/**
 * Evaluates the program for a stack on the mock runtime. Runs are serialised: Pulumi's runtime
 * state is process-global.
 */
export function runPlan(opts: PlanOptions): Promise<Plan> {
  const next = running.then(() => runPlanExclusive(opts));
  running = next.catch(() => undefined);
  return next;
}

async function runPlanExclusive(opts: PlanOptions): Promise<Plan> {
  // Validate first: invalid config registers nothing.
  const { raw, config, warnings } = planConfig(opts);
  const region = config.region;
  const monitor = await installRecordingMocks(
    placeholderMocks(
      region,
      config.network.kind === "existing" ? config.network.vpcId : undefined,
      opts.cloud,
      claimedSubnets(config),
      config.loadBalancerScheme === "internal",
    ),
    PROJECT,
    opts.stack,
    opts.cloud?.previousInputs,
  );
  pulumi.runtime.setAllConfig(raw, []);
  const program = await rancherHaProgram(config);
  const outputs = program.outputs;
  const notices = (await resolveOutput(program.notices)) as string[] | undefined;
  const resolved: Record<string, unknown> = {};
  for (const [k, o] of Object.entries(outputs)) resolved[k] = await resolveOutput(o);
  // Internal to the SDK (not in its typings): drains outstanding registrations.
  await (settings as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs();
  return {
    project: PROJECT,
    stack: opts.stack,
    config,
    warnings: [...warnings, ...program.warnings, ...(notices ?? [])],
    resources: monitor.recorded,
    outputs: resolved,
  };
}

interface OutputInternals {
  promise(withUnknowns?: boolean): Promise<unknown>;
  isSecret: Promise<boolean>;
}

async function resolveOutput(o: pulumi.Output<unknown>): Promise<unknown> {
  const internals = o as unknown as OutputInternals;
  const [value, secret] = await Promise.all([internals.promise(true), internals.isSecret]);
  return secret ? new Secret(value) : value;
}
