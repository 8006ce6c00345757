// What an SSM step's command.local.Command tells the runner (bin/ssm-step.ts): the environment
// variables SsmTransport writes and the runner reads. Every value is non-secret and stable between
// runs (no absolute paths, no timestamps), so an unchanged step shows no diff. Secrets only ever
// arrive on the runner's stdin and leave on its stdout.
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";

export type Phase = "create" | "update" | "delete";
export const PHASES: readonly Phase[] = ["create", "update", "delete"];

/**
 * The command text of every SSM step: relative, so it is the same on every machine (an absolute
 * path would re-run every step when the project moves). Runs in the project directory, which is
 * the local command's default working directory (pulumi-command v1.2.1
 * provider/pkg/provider/local/commandOutputs.go: `cmd.Dir` = cwd when `dir` is unset).
 */
export const RUNNER = "node --import tsx bin/ssm-step.ts";
export const runnerCommand = (phase: Phase): string => `${RUNNER} ${phase}`;

export const ENV = {
  step: "RANCHER_HA_STEP",
  node: "RANCHER_HA_NODE",
  instanceId: "RANCHER_HA_INSTANCE_ID",
  timeout: "RANCHER_HA_TIMEOUT",
  registrationTimeout: "RANCHER_HA_REGISTRATION_TIMEOUT",
  create: "RANCHER_HA_CREATE",
  update: "RANCHER_HA_UPDATE",
  delete: "RANCHER_HA_DELETE",
  stdin: "RANCHER_HA_STDIN",
  stdout: "RANCHER_HA_STDOUT",
  copyTo: "RANCHER_HA_COPY_TO",
  copyDir: "RANCHER_HA_COPY_DIR",
  copySha256: "RANCHER_HA_COPY_SHA256",
} as const;

/** What the runner gets on stdin: nothing, non-secret content, or a secret it must seal. */
export type StdinMode = "none" | "plain" | "secret";
/** What the node prints: plain text, or a secret the runner has it seal to a one-run key. */
export type StdoutMode = "plain" | "secret";

export type StepAction =
  | {
      kind: "run";
      /** Node command text per phase (renderNodeCommand); a missing update runs create. */
      commands: Partial<Record<Phase, string>>;
      stdin: StdinMode;
      stdout: StdoutMode;
    }
  /** Files into the staging directory: a directory of the project, or stdin's text. */
  | { kind: "copy"; to: string; dir?: { path: string; sha256: string } };

export interface SsmStep {
  /** Resource name, for messages. */
  step: string;
  node: string;
  instanceId: string;
  /** executionTimeout of each SendCommand (seconds). */
  timeoutSeconds: number;
  /** How long to wait for the instance to be Online in SSM (seconds). */
  registrationSeconds: number;
  action: StepAction;
}

/** SSM's bounds for AWS-RunShellScript's executionTimeout (amazon-ssm-agent pluginutil.go). */
export const MIN_EXECUTION_TIMEOUT = 5;
export const MAX_EXECUTION_TIMEOUT = 172_800;

/** The runner's environment for a step (without the AWS variables). */
export function stepEnvironment(s: SsmStep): Record<string, string> {
  const env: Record<string, string> = {
    [ENV.step]: s.step,
    [ENV.node]: s.node,
    [ENV.instanceId]: s.instanceId,
    [ENV.timeout]: String(s.timeoutSeconds),
    [ENV.registrationTimeout]: String(s.registrationSeconds),
  };
  const a = s.action;
  switch (a.kind) {
    case "run":
      for (const phase of PHASES) {
        const text = a.commands[phase];
        if (text !== undefined) env[ENV[phase]] = text;
      }
      env[ENV.stdin] = a.stdin;
      env[ENV.stdout] = a.stdout;
      break;
    case "copy":
      env[ENV.copyTo] = a.to;
      if (a.dir) {
        env[ENV.copyDir] = a.dir.path;
        env[ENV.copySha256] = a.dir.sha256;
      }
      break;
    default: {
      const unknown: never = a;
      throw new Error(`unknown step action ${JSON.stringify(unknown)}`);
    }
  }
  return env;
}

const INSTANCE_RE = /^(i|mi)-[0-9a-f]{8,32}$/;
const ABS_PATH_RE = /^(\/[A-Za-z0-9._-]+)+$/;
const REL_PATH_RE = /^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/;

/** Reads the step from the runner's environment; throws one error listing every problem. */
export function readStep(env: NodeJS.ProcessEnv): SsmStep {
  const problems: string[] = [];
  const get = (key: string): string => {
    const v = env[key];
    if (v === undefined || v === "") problems.push(`${key} is not set`);
    return v ?? "";
  };
  const seconds = (key: string, min: number, max: number): number => {
    const text = get(key);
    const n = Number(text);
    if (text !== "" && !(Number.isInteger(n) && n >= min && n <= max)) {
      problems.push(`${key}=${text} must be whole seconds between ${min} and ${max}`);
    }
    return n;
  };
  const oneOf = <T extends string>(key: string, values: readonly T[]): T => {
    const v = get(key);
    if (v !== "" && !values.includes(v as T)) {
      problems.push(`${key}=${v} must be one of ${values.join(", ")}`);
    }
    return v as T;
  };
  const step = get(ENV.step);
  const node = get(ENV.node);
  const instanceId = get(ENV.instanceId);
  if (instanceId !== "" && !INSTANCE_RE.test(instanceId)) {
    problems.push(`${ENV.instanceId}=${instanceId} is not an instance id`);
  }
  const timeoutSeconds = seconds(ENV.timeout, MIN_EXECUTION_TIMEOUT, MAX_EXECUTION_TIMEOUT);
  const registrationSeconds = seconds(ENV.registrationTimeout, 1, 3600);

  let action: StepAction;
  if (env[ENV.copyTo] !== undefined) {
    const to = get(ENV.copyTo);
    if (to !== "" && !ABS_PATH_RE.test(to))
      problems.push(`${ENV.copyTo}=${to} is not a plain absolute path`);
    const dir = env[ENV.copyDir];
    if (dir !== undefined) {
      if (!REL_PATH_RE.test(dir) || dir.split("/").includes("..")) {
        problems.push(`${ENV.copyDir}=${dir} must be a path relative to the project`);
      }
      const sha256 = get(ENV.copySha256);
      action = { kind: "copy", to, dir: { path: dir, sha256 } };
    } else {
      action = { kind: "copy", to };
    }
  } else {
    const commands: Partial<Record<Phase, string>> = {};
    for (const phase of PHASES) {
      const text = env[ENV[phase]];
      if (text !== undefined && text !== "") commands[phase] = text;
    }
    if (commands.create === undefined) problems.push(`${ENV.create} is not set`);
    action = {
      kind: "run",
      commands,
      stdin: oneOf(ENV.stdin, ["none", "plain", "secret"] as const),
      stdout: oneOf(ENV.stdout, ["plain", "secret"] as const),
    };
  }
  if (problems.length > 0) {
    throw new Error(
      `bin/ssm-step.ts: the step's environment is incomplete (it is written by SsmTransport):\n  ${problems.join("\n  ")}`,
    );
  }
  return { step, node, instanceId, timeoutSeconds, registrationSeconds, action };
}

/** A file of a copied directory: path relative to the directory, content. */
export interface DirFile {
  rel: string;
  content: Buffer;
}

/** Every regular file under `dir` (recursively), sorted by relative path. */
export function readDirFiles(dir: string): DirFile[] {
  const out: DirFile[] = [];
  const walk = (rel: string) => {
    for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(r);
      else if (e.isFile()) out.push({ rel: r, content: fs.readFileSync(path.join(dir, r)) });
    }
  };
  walk("");
  return out.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
}

/** Content hash of a directory: changes when any file's path or content changes. */
export function dirDigest(files: readonly DirFile[]): string {
  const h = createHash("sha256");
  for (const f of files) {
    h.update(`${f.rel}\0${createHash("sha256").update(f.content).digest("hex")}\n`);
  }
  return h.digest("hex");
}
