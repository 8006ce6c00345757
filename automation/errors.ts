// Typed errors of the Automation library, and the mapping from what the Pulumi Automation API
// throws (CommandError and its subclasses, created from the CLI's stderr) to them.
import type { EngineEvent } from "@pulumi/pulumi/automation";
import { ConfigError, ConfigProblem } from "../components/config";

/** Base class: every error the library throws on purpose. */
export class RancherHaAutomationError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/**
 * The settings do not validate. Same problems, and the same message (one line per problem),
 * as `pulumi up` and `npm run plan` print. Also a ConfigError.
 */
export class InvalidConfigError extends ConfigError {
  constructor(problems: ConfigProblem[]) {
    super(problems);
    this.name = "InvalidConfigError";
  }
}

export const STACK_NAME_PATTERN = /^[a-zA-Z0-9._-]+$/;

export class InvalidStackNameError extends RancherHaAutomationError {
  constructor(public readonly stackName: string) {
    super(
      `invalid stack name ${JSON.stringify(stackName)}: use letters, digits, ".", "_" and "-" only`,
    );
  }
}

/** Another update holds the stack's lock (a portal answers 409). */
export class StackBusyError extends RancherHaAutomationError {
  constructor(
    public readonly stackName: string,
    options?: { cause?: unknown },
  ) {
    super(`stack ${stackName} is busy: another update is in progress`, options);
  }
}

export class StackNotFoundError extends RancherHaAutomationError {
  constructor(
    public readonly stackName: string,
    options?: { cause?: unknown },
  ) {
    super(`stack ${stackName} does not exist in the backend`, options);
  }
}

export const INSTALL_HINT =
  "install it with `curl -fsSL https://get.pulumi.com | sh` (or see https://www.pulumi.com/docs/install/)";

/** No `pulumi` executable. Nothing is installed automatically unless `installCli` is set. */
export class PulumiCliMissingError extends RancherHaAutomationError {
  constructor(options?: { cause?: unknown }) {
    super(`the Pulumi CLI is not installed or not on PATH: ${INSTALL_HINT}`, options);
  }
}

/**
 * The oldest Pulumi CLI that can run this project: Pulumi.yaml declares `tags` with
 * `type: object`, which older CLIs reject when they load the project (pulumi/pulumi#20129,
 * released in v3.186.0).
 */
export const MIN_PULUMI_CLI_VERSION = "3.186.0";

/** The `pulumi` found is older than MIN_PULUMI_CLI_VERSION. */
export class PulumiCliTooOldError extends RancherHaAutomationError {
  constructor(
    public readonly version: string,
    public readonly minimum: string = MIN_PULUMI_CLI_VERSION,
  ) {
    super(
      `the Pulumi CLI is v${version}, but this project needs v${minimum} or newer (Pulumi.yaml declares a config key of type object): upgrade it with \`curl -fsSL https://get.pulumi.com | sh\` (or see https://www.pulumi.com/docs/install/)`,
    );
  }
}

/**
 * No backend: the CLI is not logged in and no backend URL was given (the CLI's own words:
 * "PULUMI_ACCESS_TOKEN must be set for login during non-interactive CLI sessions").
 */
export class BackendNotLoggedInError extends RancherHaAutomationError {
  constructor(options?: { cause?: unknown }) {
    super(
      "the Pulumi CLI is not logged in to a state backend: run `pulumi login` (Pulumi Cloud, or e.g. `pulumi login s3://bucket` / `pulumi login file://~/.pulumi-state`), or set PULUMI_BACKEND_URL or the backendUrl option",
      options,
    );
  }
}

export type OperationKind = "preview" | "up" | "refresh" | "destroy";

/** The caller aborted the operation (AbortSignal); the engine was asked to stop. */
export class OperationCancelledError extends RancherHaAutomationError {
  constructor(
    public readonly operation: OperationKind,
    public readonly stackName: string,
    options?: { cause?: unknown },
  ) {
    super(`${operation} of stack ${stackName} was cancelled`, options);
  }
}

export interface FailedResource {
  urn?: string;
  type?: string;
  name: string;
  message?: string;
}

/** The engine failed. Wraps the Automation API's CommandError. */
export class EngineError extends RancherHaAutomationError {
  constructor(
    message: string,
    public readonly details: {
      stackName: string;
      operation?: OperationKind | "config" | "select" | "outputs";
      failedResource?: FailedResource;
      exitCode?: number;
      stdout?: string;
      stderr?: string;
      cause?: unknown;
    },
  ) {
    super(message, { cause: details.cause });
  }

  get failedResource(): FailedResource | undefined {
    return this.details.failedResource;
  }
}

// ---------------------------------------------------------------------------------------------
// mapping

/** What the SDK's CommandError carries (`commandResult` is internal to the SDK). */
interface CommandResultShape {
  stdout?: string;
  stderr?: string;
  code?: number;
  err?: { code?: unknown; message?: string };
}

function commandResult(e: unknown): CommandResultShape | undefined {
  if (e === null || typeof e !== "object") return undefined;
  const r = (e as { commandResult?: unknown }).commandResult;
  return r !== null && typeof r === "object" ? r : undefined;
}

function errorName(e: unknown): string | undefined {
  return e instanceof Error ? e.name : undefined;
}

/** True when the error says the `pulumi` executable could not be started. */
export function isCliMissing(e: unknown): boolean {
  const r = commandResult(e);
  if (r?.err?.code === "ENOENT") return true;
  const text = `${r?.stderr ?? ""}\n${e instanceof Error ? e.message : ""}`;
  return /spawn \S*pulumi\S* ENOENT/.test(text);
}

const CONFLICT_TEXTS = [
  "[409] Conflict: Another update is currently in progress.",
  "the stack is currently locked by",
];

/**
 * The failing resource of an engine run: from resOpFailed / error diagnostic events when they
 * carry a URN (the stack's own root resource excluded), else from the CLI's "Diagnostics:"
 * section (`  type (name):` followed by `    error: …`).
 */
export function failedResourceOf(
  events: readonly EngineEvent[],
  output: string,
): FailedResource | undefined {
  const isRoot = (urn: string) => urn.includes("pulumi:pulumi:Stack::");
  const failedUrn = events
    .map((ev) => ev.resOpFailedEvent?.metadata?.urn)
    .find((u): u is string => !!u && !isRoot(u));
  const diags = events
    .map((ev) => ev.diagnosticEvent)
    .filter((d) => d?.severity === "error" && !!d.urn && !isRoot(d.urn));
  const urn = failedUrn ?? diags[0]?.urn;
  if (urn) {
    const diag = diags.find((d) => d?.urn === urn);
    return { ...fromUrn(urn), ...(diag ? { message: stripAnsi(diag.message).trim() } : {}) };
  }
  const lines = stripAnsi(output).split(/\r?\n/);
  for (let i = 0; i < lines.length - 1; i++) {
    const head = /^\s+([A-Za-z0-9_.-]+:[A-Za-z0-9_./-]*:[A-Za-z0-9_.-]+) \((.+)\):\s*$/.exec(
      lines[i],
    );
    const err = /^\s+error: (.*)$/.exec(lines[i + 1]);
    if (head && err && head[1] !== "pulumi:pulumi:Stack") {
      let message = err[1].trim();
      // "error: 1 error occurred:" is followed by the error itself ("\t* creating …").
      const detail = /^\s*\*\s+(.*)$/.exec(lines[i + 2] ?? "");
      if (/errors? occurred:$/.test(message) && detail) message = detail[1].trim();
      return { type: head[1], name: head[2], message };
    }
  }
  return undefined;
}

function fromUrn(urn: string): FailedResource {
  // urn:pulumi:<stack>::<project>::<parent types$>type::name
  const parts = urn.split("::");
  const name = parts.length >= 4 ? parts.slice(3).join("::") : urn;
  const types = parts[2]?.split("$") ?? [];
  return { urn, type: types[types.length - 1], name };
}

const ANSI = /\u001b\[[0-9;]*[A-Za-z]|<\{%[a-z]+%\}>/g;
function stripAnsi(s: string): string {
  return s.replace(ANSI, "");
}

/**
 * Turns whatever the Automation API threw into one of this library's errors. Errors that are
 * already ours pass through.
 */
export function mapEngineError(
  e: unknown,
  ctx: {
    stackName: string;
    operation?: EngineError["details"]["operation"];
    events?: readonly EngineEvent[];
    output?: string;
  },
): Error {
  if (e instanceof RancherHaAutomationError || e instanceof ConfigError) return e;
  if (isCliMissing(e)) return new PulumiCliMissingError({ cause: e });
  const r = commandResult(e);
  const name = errorName(e);
  const stderr = r?.stderr ?? "";
  if (name === "ConcurrentUpdateError" || CONFLICT_TEXTS.some((t) => stderr.includes(t))) {
    return new StackBusyError(ctx.stackName, { cause: e });
  }
  if (/PULUMI_ACCESS_TOKEN must be set for login/.test(stderr)) {
    return new BackendNotLoggedInError({ cause: e });
  }
  if (name === "StackNotFoundError" || /no stack named.*found/.test(stderr)) {
    return new StackNotFoundError(ctx.stackName, { cause: e });
  }
  const stdout = r?.stdout ?? "";
  const failedResource = failedResourceOf(
    ctx.events ?? [],
    `${ctx.output ?? ""}\n${stdout}\n${stderr}`,
  );
  const what = ctx.operation
    ? `${ctx.operation} of stack ${ctx.stackName}`
    : `stack ${ctx.stackName}`;
  const firstError =
    failedResource?.message ??
    stripAnsi(stderr)
      .split(/\r?\n/)
      .map((l) => l.trim())
      .find((l) => /^error:/i.test(l)) ??
    (r ? undefined : e instanceof Error ? e.message : String(e));
  const at = failedResource
    ? ` at ${failedResource.type ?? "resource"} ${failedResource.name}`
    : "";
  return new EngineError(`${what} failed${at}${firstError ? `: ${firstError}` : ""}`, {
    stackName: ctx.stackName,
    ...(ctx.operation ? { operation: ctx.operation } : {}),
    ...(failedResource ? { failedResource } : {}),
    ...(r?.code !== undefined ? { exitCode: r.code } : {}),
    stdout,
    stderr,
    cause: e,
  });
}
