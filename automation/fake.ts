// A fake engine for tests of code built on this library (and of the library itself): stacks in
// memory, config stored with the Pulumi CLI's `--path` semantics, operations that replay scripted
// events, and errors made exactly as the Automation API makes them (from a command's stderr).
import * as sdkCmd from "@pulumi/pulumi/automation/cmd";
import { SemVer } from "semver";
import * as sdkErrors from "@pulumi/pulumi/automation/errors";
import type {
  ConfigMap,
  EngineEvent,
  OpMap,
  OutputMap,
  UpdateSummary,
} from "@pulumi/pulumi/automation";
import type {
  Engine,
  EngineOpOptions,
  EngineStack,
  EngineStackSummary,
  PulumiCommandLike,
  WorkspaceArgs,
} from "./engine";
import type { OperationKind } from "./errors";

interface SdkInternals {
  CommandResult: new (stdout: string, stderr: string, code: number, err?: Error) => unknown;
  createCommandError: (result: unknown) => Error;
}

/** The error the Automation API throws for a command that ended with this stderr/exit code. */
export function sdkCommandError(result: {
  stdout?: string;
  stderr: string;
  code?: number;
  err?: Error;
}): Error {
  const { CommandResult } = sdkCmd as unknown as SdkInternals;
  const { createCommandError } = sdkErrors as unknown as SdkInternals;
  return createCommandError(
    new CommandResult(result.stdout ?? "", result.stderr, result.code ?? 255, result.err),
  );
}

/** What the SDK throws when `pulumi` cannot be spawned (PulumiCommand.get without a CLI). */
export function cliMissingError(): Error {
  const err = Object.assign(
    new Error("Command failed with ENOENT: pulumi version\nspawn pulumi ENOENT"),
    { code: "ENOENT", errno: -2, syscall: "spawn pulumi", path: "pulumi" },
  );
  return sdkCommandError({ stderr: err.message, code: -2, err });
}

export interface FakeScript {
  /** Written to onOutput, in order. */
  output?: string[];
  /**
   * Delivered to onEvent, in order (sequence/timestamp filled in when 0); a string item is
   * written to onOutput at that point instead, so output and events can interleave.
   */
  events?: (Partial<EngineEvent> | string)[];
  /** Milliseconds between events. */
  delayMs?: number;
  /** Resource changes reported. */
  changes?: OpMap;
  /** Thrown after the events (e.g. sdkCommandError({...})). */
  error?: Error;
  /** Do not finish until release() (or an abort, which fails like an interrupted CLI). */
  hold?: boolean;
  /**
   * After this many events (output strings included), wait for release() (or an abort) before
   * the rest: a test sees the operation mid-run for as long as it needs, without timing.
   */
  pauseAfter?: number;
}

type Stored = { value: unknown; secret: boolean };

/** Parses `ns:name`, `ns:name[0]`, `ns:name["key"]`, `ns:name.key` into [root, ...path]. */
export function parseConfigPath(key: string): { root: string; path: (string | number)[] } {
  const colon = key.indexOf(":");
  const ns = key.slice(0, colon + 1);
  const rest = key.slice(colon + 1);
  const m = /^([^.[]+)(.*)$/.exec(rest);
  if (!m) throw new Error(`invalid config key path: ${key}`);
  const path: (string | number)[] = [];
  const re = /\[(\d+)\]|\["((?:[^"\\]|\\.)*)"\]|\.([^.[]+)/gy;
  let s: RegExpExecArray | null;
  let consumed = 0;
  while ((s = re.exec(m[2])) !== null) {
    path.push(
      s[1] !== undefined
        ? Number(s[1])
        : s[2] !== undefined
          ? (JSON.parse(`"${s[2]}"`) as string)
          : s[3],
    );
    consumed = re.lastIndex;
  }
  if (consumed !== m[2].length) throw new Error(`invalid config key path: ${key}`);
  return { root: ns + m[1], path };
}

/** Pulumi's adjustObjectValue: nested `--path` values that look like bools/ints are typed. */
function adjust(value: string): unknown {
  if (value === "true" || value === "false") return value === "true";
  if (value.length > 1 && value.startsWith("0")) return value;
  return /^-?\d+$/.test(value) && Number.isSafeInteger(Number(value)) ? Number(value) : value;
}

export class FakeStack implements EngineStack {
  readonly config = new Map<string, Stored>();
  readonly calls: string[] = [];
  outputValues: OutputMap = {};
  scripts: Partial<Record<OperationKind, FakeScript>> = {};
  /** Operations running now, and when the last one ended (ISO), as `pulumi stack ls` says. */
  running = 0;
  lastUpdate?: string;
  private releases: (() => void)[] = [];
  private pauseWaiters: (() => void)[] = [];

  constructor(
    public readonly name: string,
    private readonly engine: FakeEngine,
  ) {}

  private log(call: string): void {
    this.calls.push(call);
    this.engine.calls.push(`${this.name}.${call}`);
  }

  getAllConfig(): Promise<ConfigMap> {
    this.log("getAllConfig");
    const out: ConfigMap = {};
    for (const [k, v] of [...this.config.entries()].sort()) {
      out[k] = {
        value: typeof v.value === "string" ? v.value : JSON.stringify(v.value),
        secret: v.secret,
      };
    }
    return Promise.resolve(out);
  }

  setAllConfig(config: ConfigMap, path = false): Promise<void> {
    this.log(`setAllConfig(${path ? "path" : "plain"}):${Object.keys(config).join(",")}`);
    for (const [key, cv] of Object.entries(config)) {
      const secret = cv.secret === true;
      if (!path) {
        this.config.set(key, { value: cv.value, secret });
        continue;
      }
      const { root, path: p } = parseConfigPath(key);
      if (p.length === 0) {
        this.config.set(root, { value: cv.value, secret });
        continue;
      }
      const existing = this.config.get(root);
      if (existing && (existing.value === null || typeof existing.value !== "object")) {
        // The CLI cannot index into a plain string value either.
        return Promise.reject(new Error(`config value ${root} is not a list or map: ${key}`));
      }
      const container: unknown = existing ? existing.value : typeof p[0] === "number" ? [] : {};
      let node = container as Record<string | number, unknown>;
      for (let i = 0; i < p.length - 1; i++) {
        node[p[i]] ??= typeof p[i + 1] === "number" ? [] : {};
        node = node[p[i]] as Record<string | number, unknown>;
      }
      node[p[p.length - 1]] = adjust(cv.value);
      this.config.set(root, { value: container, secret: secret || existing?.secret === true });
    }
    return Promise.resolve();
  }

  removeAllConfig(keys: string[]): Promise<void> {
    this.log(`removeAllConfig:${keys.join(",")}`);
    for (const k of keys) this.config.delete(k);
    return Promise.resolve();
  }

  /**
   * Resolves once an operation waits for release() (a `hold`, or a `pauseAfter` reached): a test
   * that releases a run must know it is waiting, or the release comes too early and is lost.
   */
  paused(): Promise<void> {
    if (this.releases.length > 0) return Promise.resolve();
    return new Promise((resolve) => this.pauseWaiters.push(resolve));
  }

  /** Lets held operations finish. */
  release(): void {
    const r = this.releases;
    this.releases = [];
    r.forEach((f) => f());
  }

  private async op(kind: OperationKind, opts: EngineOpOptions = {}): Promise<{ changes: OpMap }> {
    this.log(kind);
    this.engine.started.push(`${this.name}.${kind}`);
    const script = this.scripts[kind] ?? this.engine.scripts[kind] ?? {};
    this.running++;
    try {
      return await this.play(script, opts);
    } finally {
      this.running--;
      // A preview is not an update: `pulumi stack ls` keeps the last update's time.
      if (kind !== "preview") this.lastUpdate = new Date().toISOString();
    }
  }

  private async play(script: FakeScript, opts: EngineOpOptions): Promise<{ changes: OpMap }> {
    for (const o of script.output ?? []) opts.onOutput?.(o);
    let seq = 0;
    const events = script.events ?? [];
    // A pauseAfter at or past the end pauses after the last event rather than never.
    const pauseAt =
      script.pauseAfter === undefined ? undefined : Math.min(script.pauseAfter, events.length);
    for (const [i, ev] of events.entries()) {
      if (i === pauseAt) await this.held(opts);
      if (script.delayMs) await new Promise((r) => setTimeout(r, script.delayMs));
      if (typeof ev === "string") {
        opts.onOutput?.(ev);
        continue;
      }
      opts.onEvent?.({
        sequence: seq++,
        timestamp: Math.floor(Date.now() / 1000),
        ...ev,
      });
    }
    if (pauseAt === events.length) await this.held(opts);
    if (script.hold) await this.held(opts);
    if (script.error) throw script.error;
    return { changes: script.changes ?? {} };
  }

  /** Resolves at release(); rejects like an interrupted CLI on an abort. */
  private held(opts: EngineOpOptions): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const interrupted = () => {
        this.releases = this.releases.filter((r) => r !== released);
        reject(sdkCommandError({ stderr: "error: update canceled (interrupt)", code: 255 }));
      };
      const released = () => {
        opts.signal?.removeEventListener("abort", interrupted);
        resolve();
      };
      if (opts.signal?.aborted) return interrupted();
      opts.signal?.addEventListener("abort", interrupted, { once: true });
      this.releases.push(released);
      const waiters = this.pauseWaiters;
      this.pauseWaiters = [];
      waiters.forEach((w) => w());
    });
  }

  private summary(kind: OperationKind, changes: OpMap): UpdateSummary {
    const now = new Date();
    return {
      kind: kind === "up" ? "update" : kind === "preview" ? "preview" : kind,
      startTime: now,
      endTime: now,
      message: "",
      environment: {},
      config: {},
      result: "succeeded",
      version: 1,
      resourceChanges: changes,
    };
  }

  async preview(opts?: EngineOpOptions) {
    const { changes } = await this.op("preview", opts);
    return { changeSummary: changes, stdout: "", stderr: "" };
  }

  async up(opts?: EngineOpOptions) {
    const { changes } = await this.op("up", opts);
    return {
      summary: this.summary("up", changes),
      outputs: this.outputValues,
      stdout: "",
      stderr: "",
    };
  }

  async refresh(opts?: EngineOpOptions) {
    const { changes } = await this.op("refresh", opts);
    return { summary: this.summary("refresh", changes), stdout: "", stderr: "" };
  }

  async destroy(opts?: EngineOpOptions) {
    const { changes } = await this.op("destroy", opts);
    return { summary: this.summary("destroy", changes), stdout: "", stderr: "" };
  }

  outputs(): Promise<OutputMap> {
    this.log("outputs");
    return Promise.resolve(this.outputValues);
  }

  cancel(): Promise<void> {
    this.log("cancel");
    return Promise.reject(new Error("cancel is not supported by this backend"));
  }
}

export class FakeEngine implements Engine {
  /** Every call, in order ("pulumiCommand", "createOrSelectStack:dev", "dev.up", …). */
  readonly calls: string[] = [];
  /** Operations started, in order. */
  readonly started: string[] = [];
  readonly stacks = new Map<string, FakeStack>();
  /** Scripts for every stack's operations (a stack's own scripts win). */
  scripts: Partial<Record<OperationKind, FakeScript>> = {};
  /** Make pulumiCommand() fail as it does without a CLI. */
  cliMissing = false;
  /** The version the fake CLI reports (`pulumi version`); null: unreadable. */
  cliVersion: string | null = "3.248.0";
  /** Thrown by createOrSelectStack / selectStack (e.g. a lock conflict). */
  selectError?: Error;
  /** The workspace args of the last stack call. */
  lastArgs?: WorkspaceArgs;

  pulumiCommand(opts: { install: boolean }): Promise<PulumiCommandLike> {
    this.calls.push(`pulumiCommand${opts.install ? "(install)" : ""}`);
    if (this.cliMissing) return Promise.reject(cliMissingError());
    const version = this.cliVersion === null ? null : new SemVer(this.cliVersion);
    return Promise.resolve({ command: "pulumi", version });
  }

  stack(name: string): FakeStack {
    let s = this.stacks.get(name);
    if (!s) {
      s = new FakeStack(name, this);
      this.stacks.set(name, s);
    }
    return s;
  }

  createOrSelectStack(args: WorkspaceArgs): Promise<EngineStack> {
    this.calls.push(`createOrSelectStack:${args.stackName}`);
    this.lastArgs = args;
    if (this.selectError) return Promise.reject(this.selectError);
    return Promise.resolve(this.stack(args.stackName));
  }

  listStacks(args: Omit<WorkspaceArgs, "stackName">): Promise<EngineStackSummary[]> {
    this.calls.push("listStacks");
    this.lastArgs = { ...args, stackName: "" };
    if (this.selectError) return Promise.reject(this.selectError);
    return Promise.resolve(
      [...this.stacks.values()]
        .sort((a, b) => a.name.localeCompare(b.name))
        .map((s) => ({
          name: s.name,
          updateInProgress: s.running > 0,
          ...(s.lastUpdate ? { lastUpdate: s.lastUpdate } : {}),
        })),
    );
  }

  selectStack(args: WorkspaceArgs): Promise<EngineStack> {
    this.calls.push(`selectStack:${args.stackName}`);
    this.lastArgs = args;
    if (this.selectError) return Promise.reject(this.selectError);
    const s = this.stacks.get(args.stackName);
    if (!s) {
      return Promise.reject(
        sdkCommandError({ stderr: `error: no stack named '${args.stackName}' found`, code: 255 }),
      );
    }
    return Promise.resolve(s);
  }
}
