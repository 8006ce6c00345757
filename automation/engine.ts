// The engine boundary: the few Automation API calls the library makes, behind an interface so
// tests (and anything else) can substitute a fake. The default implementation is the Automation
// API's LocalWorkspace driving the Pulumi CLI.
import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { LocalWorkspace, PulumiCommand } from "@pulumi/pulumi/automation";
import type {
  ConfigMap,
  EngineEvent,
  OpMap,
  OutputMap,
  StackSummary,
  UpdateSummary,
} from "@pulumi/pulumi/automation";
import { PROJECT } from "../components/config";
import { runFromRuntime } from "../components/program";

/** Options passed to every engine operation. */
export interface EngineOpOptions {
  onOutput?: (out: string) => void;
  onEvent?: (event: EngineEvent) => void;
  signal?: AbortSignal;
  color?: "always" | "never" | "raw" | "auto";
}

/** The part of an Automation API `Stack` the library uses. */
export interface EngineStack {
  readonly name: string;
  getAllConfig(): Promise<ConfigMap>;
  setAllConfig(config: ConfigMap, path?: boolean): Promise<void>;
  removeAllConfig(keys: string[], path?: boolean): Promise<void>;
  preview(
    opts?: EngineOpOptions,
  ): Promise<{ changeSummary: OpMap; stdout: string; stderr: string }>;
  up(
    opts?: EngineOpOptions,
  ): Promise<{ summary: UpdateSummary; outputs: OutputMap; stdout: string; stderr: string }>;
  refresh(
    opts?: EngineOpOptions,
  ): Promise<{ summary: UpdateSummary; stdout: string; stderr: string }>;
  destroy(
    opts?: EngineOpOptions,
  ): Promise<{ summary: UpdateSummary; stdout: string; stderr: string }>;
  outputs(): Promise<OutputMap>;
  cancel(): Promise<void>;
}

/**
 * A resolved Pulumi CLI (the Automation API's PulumiCommand, or a stand-in). `version` is null
 * when the CLI's version could not be read (PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK).
 */
export type PulumiCommandLike = Pick<PulumiCommand, "command" | "version">;

export interface WorkspaceArgs {
  stackName: string;
  /** The project directory: Pulumi.yaml, `stackConfigDir`, index.ts. */
  workDir: string;
  /** "local": the CLI runs index.ts; "inline": runFromRuntime() in this process. */
  program: "local" | "inline";
  pulumiCommand: PulumiCommandLike;
  envVars: Record<string, string>;
  secretsProvider?: string;
}

export interface Engine {
  /** The Pulumi CLI to use; rejects when there is none (and `install` is false). */
  pulumiCommand(opts: { install: boolean }): Promise<PulumiCommandLike>;
  createOrSelectStack(args: WorkspaceArgs): Promise<EngineStack>;
  /** Selects an existing stack; rejects (StackNotFoundError from the SDK) when there is none. */
  selectStack(args: WorkspaceArgs): Promise<EngineStack>;
  /** The project's stacks in the backend (`pulumi stack ls --json`, this project only). */
  listStacks(args: Omit<WorkspaceArgs, "stackName">): Promise<EngineStackSummary[]>;
}

/** One stack as `pulumi stack ls --json` describes it. */
export type EngineStackSummary = Omit<StackSummary, "current">;

/** `file://` backend directory, made on first use. */
function ensureFileBackend(envVars: Record<string, string>): void {
  const url = envVars.PULUMI_BACKEND_URL ?? process.env.PULUMI_BACKEND_URL;
  if (url?.startsWith("file://")) {
    const dir = url.startsWith("file://~") ? undefined : fileURLToPath(url);
    if (dir) mkdirSync(dir, { recursive: true });
  }
}

/** The real engine: `@pulumi/pulumi/automation` driving the Pulumi CLI. */
export const automationEngine: Engine = {
  async pulumiCommand({ install }) {
    return install ? PulumiCommand.install() : PulumiCommand.get();
  },

  async createOrSelectStack(args) {
    return workspaceStack(args, "createOrSelectStack");
  },

  async selectStack(args) {
    return workspaceStack(args, "selectStack");
  },

  async listStacks(args) {
    ensureFileBackend(args.envVars);
    // Run in the project directory, `stack ls` lists this project's stacks only (no --all).
    const ws = await LocalWorkspace.create({
      workDir: args.workDir,
      envVars: args.envVars,
      pulumiCommand: args.pulumiCommand,
      ...(args.secretsProvider ? { secretsProvider: args.secretsProvider } : {}),
    });
    return (await ws.listStacks()).map(({ current: _current, ...summary }) => summary);
  },
};

async function workspaceStack(
  args: WorkspaceArgs,
  how: "createOrSelectStack" | "selectStack",
): Promise<EngineStack> {
  ensureFileBackend(args.envVars);
  const opts = {
    workDir: args.workDir,
    envVars: args.envVars,
    pulumiCommand: args.pulumiCommand,
    ...(args.secretsProvider ? { secretsProvider: args.secretsProvider } : {}),
  };
  if (args.program === "inline") {
    // The same function index.ts exports: one place builds the stack.
    const program = () => Promise.resolve(runFromRuntime());
    const inline = { stackName: args.stackName, projectName: PROJECT, program };
    return how === "selectStack"
      ? LocalWorkspace.selectStack(inline, opts)
      : LocalWorkspace.createOrSelectStack(inline, opts);
  }
  const local = { stackName: args.stackName, workDir: args.workDir };
  return how === "selectStack"
    ? LocalWorkspace.selectStack(local, opts)
    : LocalWorkspace.createOrSelectStack(local, opts);
}
