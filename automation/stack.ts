// openStack: validated settings → a Pulumi stack of this project, driven through the
// Automation API. The stack lives in the project directory (Pulumi.yaml, stacks/), so a stack
// made here can be used with the Pulumi CLI and vice versa.
import * as path from "node:path";
import type { ConfigMap, EngineEvent, OpMap, OutputMap } from "@pulumi/pulumi/automation";
import {
  ConfigError,
  PROJECT,
  RancherHaSettings,
  resolveConfig,
  ResolvedConfig,
  SettingKey,
} from "../components/config";
import { SECRET_TEXT } from "../plan/values";
import {
  automationEngine,
  Engine,
  EngineOpOptions,
  EngineStack,
  EngineStackSummary,
  PulumiCommandLike,
  WorkspaceArgs,
} from "./engine";
import {
  InvalidConfigError,
  InvalidStackNameError,
  mapEngineError,
  MIN_PULUMI_CLI_VERSION,
  PulumiCliTooOldError,
  OperationCancelledError,
  OperationKind,
  STACK_NAME_PATTERN,
} from "./errors";
import { declaredDefaults, storedSettings, syncStackConfig } from "./stackConfig";

/** The repository root: Pulumi.yaml, stacks/, index.ts. */
export const PROJECT_DIR = path.resolve(__dirname, "..");

export interface StackOptions {
  /**
   * State backend URL (`file://…`, `s3://…`, `https://api.pulumi.com`…). Default: none set, so
   * the CLI uses what it is logged in to (`pulumi login`, or $PULUMI_BACKEND_URL) — the same
   * stacks `pulumi up` sees.
   */
  backendUrl?: string;
  /** Secrets provider for a new stack (default: the backend's, passphrase for file). */
  secretsProvider?: string;
  /** Passphrase of the passphrase secrets provider (else $PULUMI_CONFIG_PASSPHRASE[_FILE]). */
  passphrase?: string;
  /** Project directory (default: the repository root). */
  workDir?: string;
  /** Extra environment for the CLI (AWS credentials, AWS_PROFILE…). */
  envVars?: Record<string, string>;
  /** A Pulumi CLI to use instead of the one on PATH. */
  pulumiCommand?: WorkspaceArgs["pulumiCommand"];
  /** Download the CLI when there is none (PulumiCommand.install). Never done otherwise. */
  installCli?: boolean;
  /** "local" (default): the CLI runs index.ts; "inline": runFromRuntime() in this process. */
  program?: "local" | "inline";
  /** The engine boundary; tests pass a fake. */
  engine?: Engine;
  /**
   * Keys whose values already live in the stack's config (e.g. `secure:` values in the stack
   * file): read back (decrypted) through the engine for validation, never rewritten or removed.
   */
  keepStoredKeys?: SettingKey[];
}

export interface OpenStackArgs {
  stackName: string;
  settings: RancherHaSettings;
  /** `aws:region` */
  region: string;
  options?: StackOptions;
}

export interface OperationOptions {
  onOutput?: (out: string) => void;
  onEvent?: (event: EngineEvent) => void;
  signal?: AbortSignal;
}

export interface OperationResult {
  operation: OperationKind;
  stackName: string;
  /** Resource changes by kind (create, update, delete, replace, same…). */
  changes: OpMap;
  durationMs: number;
  /** Stack outputs after `up` (secret ones flagged; render with plainOutputs). */
  outputs?: OutputMap;
}

/** Plain output values; secret ones replaced by "[secret]" unless showSecrets. */
export function plainOutputs(outputs: OutputMap, showSecrets = false): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(outputs).sort()) {
    const o = outputs[key];
    out[key] = o.secret && !showSecrets ? SECRET_TEXT : (o.value as unknown);
  }
  return out;
}

export function validateStackName(stackName: string): void {
  if (!STACK_NAME_PATTERN.test(stackName)) throw new InvalidStackNameError(stackName);
}

/** Validates settings as `pulumi up` will; throws InvalidConfigError listing every problem. */
export function validateSettings(
  stackName: string,
  settings: RancherHaSettings,
  region: string,
  previousRke2Version?: string,
): ResolvedConfig {
  try {
    return resolveConfig(settings, {
      stack: stackName,
      region,
      ...(previousRke2Version ? { previousRke2Version } : {}),
    });
  } catch (e) {
    if (e instanceof ConfigError) throw new InvalidConfigError(e.problems);
    throw e;
  }
}

function workspaceEnv(options: StackOptions): Record<string, string> {
  const env: Record<string, string> = { ...(options.envVars ?? {}) };
  // Only when asked: a backend of our own choosing would hold other stacks than the CLI's
  // (`pulumi up -s dev` and `npm run deploy -- --stack dev` must be the same deployment).
  if (options.backendUrl !== undefined) env.PULUMI_BACKEND_URL = options.backendUrl;
  if (options.passphrase !== undefined) env.PULUMI_CONFIG_PASSPHRASE = options.passphrase;
  env.PULUMI_SKIP_UPDATE_CHECK = env.PULUMI_SKIP_UPDATE_CHECK ?? "true";
  return env;
}

/** Refuses a CLI older than MIN_PULUMI_CLI_VERSION (an unreadable version is let through). */
export function checkCliVersion(cli: PulumiCommandLike): void {
  if (cli.version && cli.version.compare(MIN_PULUMI_CLI_VERSION) < 0) {
    throw new PulumiCliTooOldError(cli.version.version);
  }
}

/** The workspace of a stack (resolves and checks the CLI); shared with the restore command. */
export async function workspaceArgs(
  stackName: string,
  options: StackOptions,
): Promise<WorkspaceArgs> {
  const engine = options.engine ?? automationEngine;
  const workDir = path.resolve(options.workDir ?? PROJECT_DIR);
  let pulumiCommand = options.pulumiCommand;
  if (!pulumiCommand) {
    try {
      pulumiCommand = await engine.pulumiCommand({ install: options.installCli === true });
    } catch (e) {
      throw mapEngineError(e, { stackName, operation: "select" });
    }
  }
  checkCliVersion(pulumiCommand);
  return {
    stackName,
    workDir,
    program: options.program ?? "local",
    pulumiCommand,
    envVars: workspaceEnv(options),
    ...(options.secretsProvider ? { secretsProvider: options.secretsProvider } : {}),
  };
}

/**
 * Validates the settings (before the engine is touched), then creates or selects the stack and
 * stores the settings and region as its config.
 */
export async function openStack(args: OpenStackArgs): Promise<RancherHaStack> {
  const options = args.options ?? {};
  const keep = options.keepStoredKeys ?? [];
  validateStackName(args.stackName);
  // Validate first; with stored keys, after reading them (the engine is only read from).
  if (keep.length === 0) validateSettings(args.stackName, args.settings, args.region);
  const engine = options.engine ?? automationEngine;
  const ws = await workspaceArgs(args.stackName, options);
  let stack: EngineStack;
  try {
    stack = await engine.createOrSelectStack(ws);
  } catch (e) {
    throw mapEngineError(e, { stackName: args.stackName, operation: "select" });
  }
  try {
    let current: ConfigMap | undefined;
    let settings = args.settings;
    if (keep.length > 0) {
      current = await stack.getAllConfig();
      settings = { ...storedSettings(current, keep), ...args.settings };
      validateSettings(args.stackName, settings, args.region);
    }
    // RKE2 upgrades one minor at a time and never back: the deployed version (an output) makes
    // a skip or a downgrade a config error before anything runs.
    const previous = await deployedRke2Version(stack);
    if (previous) validateSettings(args.stackName, settings, args.region, previous);
    await syncStackConfig(stack, args.settings, args.region, {
      defaults: declaredDefaults(ws.workDir),
      keep,
      ...(current ? { current } : {}),
    });
    return new RancherHaStack(args.stackName, stack, settings, args.region);
  } catch (e) {
    throw mapEngineError(e, { stackName: args.stackName, operation: "config" });
  }
}

/** The RKE2 version the last update deployed, from the stack's `rke2Version` output. */
async function deployedRke2Version(stack: EngineStack): Promise<string | undefined> {
  const value: unknown = (await stack.outputs()).rke2Version?.value;
  return typeof value === "string" ? value : undefined;
}

/** Outputs of an existing stack, without touching its config. */
export async function stackOutputs(args: {
  stackName: string;
  showSecrets?: boolean;
  options?: StackOptions;
}): Promise<Record<string, unknown>> {
  validateStackName(args.stackName);
  const options = args.options ?? {};
  const engine = options.engine ?? automationEngine;
  const ws = await workspaceArgs(args.stackName, options);
  try {
    const stack = await engine.selectStack(ws);
    return plainOutputs(await stack.outputs(), args.showSecrets === true);
  } catch (e) {
    throw mapEngineError(e, { stackName: args.stackName, operation: "outputs" });
  }
}

/** The project's stacks in the backend, by name (what `pulumi stack ls` shows). */
export async function listStacks(options: StackOptions = {}): Promise<EngineStackSummary[]> {
  const engine = options.engine ?? automationEngine;
  const ws = await workspaceArgs("", options);
  try {
    return (await engine.listStacks(ws)).sort((a, b) => a.name.localeCompare(b.name));
  } catch (e) {
    throw mapEngineError(e, { stackName: `${PROJECT} (all stacks)` });
  }
}

/** A stack of this project with its config in place: run operations, read outputs. */
export class RancherHaStack {
  constructor(
    public readonly name: string,
    private readonly stack: EngineStack,
    public readonly settings: RancherHaSettings,
    public readonly region: string,
  ) {}

  preview(opts: OperationOptions = {}): Promise<OperationResult> {
    return this.run("preview", opts, async (o) => ({
      changes: (await this.stack.preview(o)).changeSummary,
    }));
  }

  up(opts: OperationOptions = {}): Promise<OperationResult> {
    return this.run("up", opts, async (o) => {
      const r = await this.stack.up(o);
      return { changes: r.summary.resourceChanges ?? {}, outputs: r.outputs };
    });
  }

  refresh(opts: OperationOptions = {}): Promise<OperationResult> {
    return this.run("refresh", opts, async (o) => ({
      changes: (await this.stack.refresh(o)).summary.resourceChanges ?? {},
    }));
  }

  destroy(opts: OperationOptions = {}): Promise<OperationResult> {
    return this.run("destroy", opts, async (o) => ({
      changes: (await this.stack.destroy(o)).summary.resourceChanges ?? {},
    }));
  }

  /** Output values; secret ones shown only with showSecrets. */
  async outputs(opts: { showSecrets?: boolean } = {}): Promise<Record<string, unknown>> {
    try {
      return plainOutputs(await this.stack.outputs(), opts.showSecrets === true);
    } catch (e) {
      throw mapEngineError(e, { stackName: this.name, operation: "outputs" });
    }
  }

  private async run(
    operation: OperationKind,
    opts: OperationOptions,
    body: (o: EngineOpOptions) => Promise<{ changes: OpMap; outputs?: OutputMap }>,
  ): Promise<OperationResult> {
    const { signal } = opts;
    if (signal?.aborted) throw new OperationCancelledError(operation, this.name);
    const started = Date.now();
    // Kept for error reports: failures and error diagnostics only, plus the output text.
    const events: EngineEvent[] = [];
    let output = "";
    const onEvent = (ev: EngineEvent) => {
      if (ev.resOpFailedEvent || ev.diagnosticEvent?.severity === "error") events.push(ev);
      opts.onEvent?.(ev);
    };
    const onOutput = (out: string) => {
      output = (output + out).slice(-64 * 1024);
      opts.onOutput?.(out);
    };
    const onAbort = () => {
      // The SDK interrupts the CLI through the signal; cancel() also asks the backend to stop
      // the update (unsupported by some backends: best effort).
      this.stack.cancel().catch(() => undefined);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
    try {
      const r = await body({ onOutput, onEvent, ...(signal ? { signal } : {}) });
      if (signal?.aborted) throw new OperationCancelledError(operation, this.name);
      return {
        operation,
        stackName: this.name,
        changes: r.changes,
        durationMs: Date.now() - started,
        ...(r.outputs ? { outputs: r.outputs } : {}),
      };
    } catch (e) {
      if (e instanceof OperationCancelledError) throw e;
      if (signal?.aborted) throw new OperationCancelledError(operation, this.name, { cause: e });
      throw mapEngineError(e, { stackName: this.name, operation, events, output });
    } finally {
      signal?.removeEventListener("abort", onAbort);
    }
  }
}
