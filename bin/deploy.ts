// `npm run deploy -- --stack <name> [up|preview|refresh|destroy|outputs] [--yes] [--show-secrets]`
//
// Deploys a stack with the Automation library, from the same stack file `pulumi up` reads
// (stacks/Pulumi.<name>.yaml), so the CLI and Pulumi agree on every setting.
// Exit codes: 0 done, 1 failed (invalid config, engine error, stack busy), 2 usage,
// 127 no usable Pulumi CLI (missing or too old), 130 cancelled (Ctrl-C).
import * as path from "node:path";
import type { OpMap } from "@pulumi/pulumi/automation";
import {
  ConfigError,
  parseSettings,
  PROJECT,
  SettingKey,
  SETTING_KEYS,
} from "../components/config";
import {
  EngineError,
  openStack,
  OperationCancelledError,
  OperationResult,
  plainOutputs,
  PROJECT_DIR,
  PulumiCliMissingError,
  PulumiCliTooOldError,
  RancherHaStack,
  STACK_NAME_PATTERN,
  stackOutputs,
} from "../automation";
import type { OpenStackArgs, StackOptions } from "../automation";
import { DEFAULTS } from "../components/config";
import { awsKeyProblems } from "../components/config/validators/aws";
import { readStackConfig } from "../plan/stackFile";
import { SECRET_TEXT } from "../plan/values";
import { exitWith, processIo, terminalQuestion } from "./process";

export const COMMANDS = ["up", "preview", "refresh", "destroy", "outputs"] as const;
export type Command = (typeof COMMANDS)[number];

export const EXIT = { ok: 0, failed: 1, usage: 2, noCli: 127, cancelled: 130 } as const;

export const USAGE = `usage: npm run deploy -- --stack <name> [up|preview|refresh|destroy|outputs] [--yes] [--show-secrets]

  up          preview, confirm, then create or update the stack (default)
  preview     show what would change
  refresh     read the real state of the stack's resources
  destroy     delete every resource of the stack
  outputs     print the stack outputs

  --stack, -s <name>   stack; its settings come from stacks/Pulumi.<name>.yaml
  --yes, -y            do not ask for confirmation (needed without a terminal)
  --show-secrets       print secret outputs (bootstrap password, kubeconfig)
  --help, -h           this text

Needs the Pulumi CLI (v3.186.0 or newer) and AWS credentials. State backend: the one the CLI
is logged in to (pulumi login), as for pulumi up, or $PULUMI_BACKEND_URL; passphrase from
$PULUMI_CONFIG_PASSPHRASE.
`;

/** The library calls the CLI makes (replaceable in tests). */
export interface DeployLibrary {
  openStack(args: OpenStackArgs): Promise<RancherHaStack>;
  stackOutputs(args: {
    stackName: string;
    showSecrets?: boolean;
    options?: StackOptions;
  }): Promise<Record<string, unknown>>;
}

export interface DeployIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: Readonly<Record<string, string | undefined>>;
  library?: DeployLibrary;
  /** Project directory (Pulumi.yaml, stacks/). */
  projectDir?: string;
  /** Subscribes to Ctrl-C; returns the unsubscribe function. */
  onInterrupt?: (handler: () => void) => () => void;
  /** Asks a yes/no question on a terminal; absent when there is none. */
  confirm?: (question: string) => Promise<boolean>;
}

export interface ParsedArgs {
  command: Command;
  stack: string;
  yes: boolean;
  showSecrets: boolean;
}

export class UsageError extends Error {}

export function parseArgs(argv: string[]): ParsedArgs | "help" {
  let command: Command | undefined;
  let stack: string | undefined;
  let yes = false;
  let showSecrets = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--help" || a === "-h") return "help";
    if (a === "--yes" || a === "-y") yes = true;
    else if (a === "--show-secrets") showSecrets = true;
    else if (a === "--stack" || a === "-s") {
      const v = argv[++i];
      if (v === undefined || v.startsWith("-")) throw new UsageError(`${a} needs a stack name`);
      stack = v;
    } else if (a.startsWith("--stack=")) stack = a.slice("--stack=".length);
    else if (a.startsWith("-")) throw new UsageError(`unknown option ${a}`);
    else if ((COMMANDS as readonly string[]).includes(a)) {
      if (command !== undefined) throw new UsageError(`one command at a time (${command}, ${a})`);
      command = a as Command;
    } else throw new UsageError(`unknown command ${a} (commands: ${COMMANDS.join(", ")})`);
  }
  if (stack === undefined || stack === "") throw new UsageError("--stack <name> is required");
  if (!STACK_NAME_PATTERN.test(stack)) {
    throw new UsageError(`invalid stack name ${JSON.stringify(stack)}`);
  }
  return { command: command ?? "up", stack, yes, showSecrets };
}

// ---------------------------------------------------------------------------------------------
// formatting

const CHANGE_ORDER = ["create", "update", "replace", "delete", "same"] as const;
const CHANGE_WORDS: Record<string, string> = {
  create: "created",
  update: "updated",
  replace: "replaced",
  delete: "deleted",
  same: "unchanged",
};
const PREVIEW_WORDS: Record<string, string> = {
  create: "to create",
  update: "to update",
  replace: "to replace",
  delete: "to delete",
  same: "unchanged",
};

/** "3 created, 1 updated, 95 unchanged"; kinds with no resources are left out. */
export function formatChanges(changes: OpMap, preview = false): string {
  const words = preview ? PREVIEW_WORDS : CHANGE_WORDS;
  const kinds = [
    ...CHANGE_ORDER.filter((k) => changes[k] !== undefined),
    ...Object.keys(changes)
      .filter((k) => !(CHANGE_ORDER as readonly string[]).includes(k))
      .sort(),
  ] as (keyof OpMap)[];
  const parts = kinds
    .filter((k) => (changes[k] ?? 0) > 0)
    .map((k) => `${changes[k]} ${words[k] ?? k}`);
  return parts.length > 0 ? parts.join(", ") : "no changes";
}

export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, "0");
  return h > 0 ? `${h}h ${String(m).padStart(2, "0")}m ${sec}s` : `${m}m ${sec}s`;
}

const VERBS: Record<Exclude<Command, "outputs">, string> = {
  up: "Update",
  preview: "Preview",
  refresh: "Refresh",
  destroy: "Destroy",
};

/** The closing summary of an operation. Secrets only with showSecrets. */
export function formatSummary(result: OperationResult, showSecrets: boolean): string {
  const op = result.operation;
  const lines = [
    `${VERBS[op]} of stack ${result.stackName} ${op === "preview" ? "done" : "succeeded"} in ${formatDuration(result.durationMs)}: ${formatChanges(result.changes, op === "preview")}.`,
  ];
  if (result.outputs) {
    const out = plainOutputs(result.outputs, showSecrets);
    if (typeof out.rancherUrl === "string") lines.push(`Rancher: ${out.rancherUrl}`);
    if (out.bootstrapPassword !== undefined) {
      lines.push(
        out.bootstrapPassword === SECRET_TEXT && result.outputs.bootstrapPassword?.secret
          ? `Bootstrap password: ${SECRET_TEXT} (add --show-secrets to print it)`
          : `Bootstrap password: ${typeof out.bootstrapPassword === "string" ? out.bootstrapPassword : JSON.stringify(out.bootstrapPassword)}`,
      );
    }
  }
  return lines.join("\n") + "\n";
}

export function formatOutputs(outputs: Record<string, unknown>): string {
  return Object.keys(outputs)
    .sort()
    .map((k) => {
      const v = outputs[k];
      const text = typeof v === "string" ? v : JSON.stringify(v);
      return text.includes("\n")
        ? `${k}:\n${text.replace(/\n$/, "").replace(/^/gm, "  ")}\n`
        : `${k}: ${text}\n`;
    })
    .join("");
}

// ---------------------------------------------------------------------------------------------
// main

const realLibrary: DeployLibrary = { openStack, stackOutputs };

function fail(io: DeployIo, e: unknown): number {
  if (e instanceof PulumiCliMissingError || e instanceof PulumiCliTooOldError) {
    io.stderr(`deploy: ${e.message}\n`);
    return EXIT.noCli;
  }
  if (e instanceof OperationCancelledError) {
    io.stderr(`deploy: ${e.message}\n`);
    return EXIT.cancelled;
  }
  if (e instanceof ConfigError) {
    io.stderr(`deploy: ${e.message}\n`);
    return EXIT.failed;
  }
  if (e instanceof EngineError && e.failedResource?.urn) {
    io.stderr(`deploy: ${e.message}\n  resource: ${e.failedResource.urn}\n`);
    return EXIT.failed;
  }
  io.stderr(`deploy: ${e instanceof Error ? e.message : String(e)}\n`);
  return EXIT.failed;
}

/** Settings and region from the stack file; keys stored encrypted are kept in the stack. */
function stackFileSettings(projectDir: string, stack: string) {
  const file = readStackConfig(projectDir, stack);
  const { settings, problems } = parseSettings(file.values);
  for (const [key, message] of awsKeyProblems(file.values)) problems.push({ key, message });
  if (problems.length > 0) throw new ConfigError(problems);
  const keep = file.encrypted
    .filter((k) => k.startsWith(`${PROJECT}:`))
    .map((k) => k.slice(PROJECT.length + 1))
    .filter((k): k is SettingKey => (SETTING_KEYS as string[]).includes(k));
  return { settings, region: file.values["aws:region"] ?? "", keep };
}

export async function main(argv: string[], io: DeployIo): Promise<number> {
  let args: ParsedArgs | "help";
  try {
    args = parseArgs(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.stderr(`deploy: ${e.message}\n${USAGE}`);
    return EXIT.usage;
  }
  if (args === "help") {
    io.stdout(USAGE);
    return EXIT.ok;
  }
  const library = io.library ?? realLibrary;
  const projectDir = io.projectDir ?? PROJECT_DIR;
  const backendUrl = io.env.PULUMI_BACKEND_URL;
  const options: StackOptions = { workDir: projectDir, ...(backendUrl ? { backendUrl } : {}) };

  if (args.command === "outputs") {
    try {
      io.stdout(
        formatOutputs(
          await library.stackOutputs({
            stackName: args.stack,
            showSecrets: args.showSecrets,
            options,
          }),
        ),
      );
      return EXIT.ok;
    } catch (e) {
      return fail(io, e);
    }
  }

  let file: ReturnType<typeof stackFileSettings>;
  try {
    file = stackFileSettings(projectDir, args.stack);
  } catch (e) {
    if (e instanceof ConfigError) return fail(io, e);
    // No such stack file: the message lists the stacks there are.
    io.stderr(`deploy: ${e instanceof Error ? e.message : String(e)}\n`);
    return EXIT.usage;
  }
  const command = args.command;
  const { stack: stackName, yes, showSecrets } = args;
  const confirm = io.confirm;
  const ac = new AbortController();
  let interrupts = 0;
  let forceStop: (() => void) | undefined;
  const forced = new Promise<number>((resolve) => {
    forceStop = () => resolve(EXIT.cancelled);
  });
  const unsubscribe = io.onInterrupt?.(() => {
    interrupts++;
    if (interrupts === 1) {
      io.stderr("\ndeploy: cancelling (Ctrl-C again to stop immediately)…\n");
      ac.abort();
    } else {
      io.stderr("deploy: stopped\n");
      forceStop?.();
    }
  });

  const run = async (): Promise<number> => {
    const stack = await library.openStack({
      stackName: stackName,
      settings: file.settings,
      region: file.region,
      options: { ...options, ...(file.keep.length > 0 ? { keepStoredKeys: file.keep } : {}) },
    });
    // After openStack, so a missing CLI or invalid config is reported first.
    if (command !== "preview" && !yes && !confirm) {
      io.stderr(
        `deploy: refusing to ${command} stack ${stackName} without confirmation: no terminal; pass --yes\n`,
      );
      return EXIT.usage;
    }
    const opOpts = { onOutput: (o: string) => io.stdout(o), signal: ac.signal };
    const hostname = stack.settings.hostname ?? "";
    io.stdout(
      `${VERBS[command]} of ${PROJECT}/${stackName} (${stack.settings.loadBalancer ?? DEFAULTS.loadBalancer}, ${stack.region}${hostname ? `, ${hostname}` : ""})\n`,
    );
    let result: OperationResult;
    switch (command) {
      case "preview":
        result = await stack.preview(opOpts);
        break;
      case "up":
      case "refresh":
        if (!yes) {
          const p = await stack.preview(opOpts);
          io.stdout(formatSummary(p, false));
          if (confirm && !(await confirm(`Perform this ${command} on stack ${stackName}?`))) {
            io.stderr(`deploy: ${command} declined; nothing changed\n`);
            return EXIT.failed;
          }
        }
        result = await (command === "up" ? stack.up(opOpts) : stack.refresh(opOpts));
        break;
      case "destroy":
        if (
          confirm &&
          !yes &&
          !(await confirm(
            `Destroy EVERY resource of stack ${stackName} (servers, load balancers, DNS record)?`,
          ))
        ) {
          io.stderr("deploy: destroy declined; nothing changed\n");
          return EXIT.failed;
        }
        result = await stack.destroy(opOpts);
        break;
    }
    io.stdout(formatSummary(result, showSecrets));
    return EXIT.ok;
  };

  try {
    return await Promise.race([run().catch((e: unknown) => fail(io, e)), forced]);
  } finally {
    unsubscribe?.();
  }
}

/**
 * The process entry: real stdio, SIGINT, exit code. `projectDir` is the repository (Pulumi.yaml,
 * stacks/); the tests run this same entry on a copy holding their fixture stacks.
 */
export function runAsProcess(argv: string[], projectDir = path.resolve(__dirname, "..")): void {
  const ask = terminalQuestion;
  const io: DeployIo = {
    ...processIo(projectDir),
    // y/N on the terminal.
    ...(ask
      ? { confirm: async (q: string) => /^y(es)?$/i.test((await ask(`${q} [y/N] `)).trim()) }
      : {}),
  };
  exitWith("deploy", main(argv, io), EXIT.failed);
}

if (require.main === module) runAsProcess(process.argv.slice(2));
