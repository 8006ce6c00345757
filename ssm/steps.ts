// The flows of one SSM step: wait for the agent, then run a command (plain, with a sealed secret
// in, or with a secret sealed out) or copy files. What the runner prints on stdout is what the SSH
// step would have printed: the node's stdout, or the secret after it was opened here.
import { randomBytes } from "node:crypto";
import * as path from "node:path";
import { nodeScript } from "../components/access/nodePaths";
import type { Clock, Log, SsmApi } from "./api";
import { sendAndWait, type Invocation } from "./invoke";
import { dirDigest, readDirFiles, type Phase, type SsmStep, type StepAction } from "./protocol";
import { nodeLabel, waitForRegistration, type NodeRef } from "./registration";
import { comment, renderCopies, renderRun, workPath, type CopyFile, type WorkFile } from "./script";
import { newKeyPair, nodePublicKey, seal, unseal, type KeyPair } from "./seal";

export interface RunnerDeps {
  api: SsmApi;
  clock: Clock;
  /** Progress for the Pulumi log. */
  log: Log;
  /** The node's own stderr (its log lines), relayed like an SSH step's. */
  relay: (text: string) => void;
  /** Where relative copy sources are read (the project directory). */
  projectDir: string;
  /** Tests inject these to follow the one-run keys; production uses fresh ones. */
  newKeyPair?: () => KeyPair;
  nonce?: () => string;
}

/** Runs `phase` of `step`; resolves to what the runner prints on stdout. */
export async function runStep(
  step: SsmStep,
  phase: Phase,
  stdin: string,
  deps: RunnerDeps,
): Promise<string> {
  const node: NodeRef = { step: step.step, node: step.node, instanceId: step.instanceId };
  const action = step.action;
  // Checked before contacting AWS: a step without this phase has nothing to run.
  const command = action.kind === "run" ? commandFor(action, phase, step.step) : undefined;
  if (action.kind === "copy" && phase === "delete") return "";
  await waitForRegistration(deps.api, node, step.registrationSeconds, deps.clock, deps.log);

  switch (action.kind) {
    case "copy":
      await copy(step, node, action, stdin, deps);
      return "";
    case "run":
      return run(step, node, command ?? "", action, stdin, deps);
    default: {
      const unknown: never = action;
      throw new Error(`unknown step action ${JSON.stringify(unknown)}`);
    }
  }
}

function commandFor(
  action: Extract<StepAction, { kind: "run" }>,
  phase: Phase,
  step: string,
): string {
  // @pulumi/command runs `create` on an update when there is no `update` command.
  const text = action.commands[phase] ?? (phase === "update" ? action.commands.create : undefined);
  if (text === undefined) throw new Error(`${step}: the step has no ${phase} command`);
  return text;
}

async function send(
  step: SsmStep,
  node: NodeRef,
  what: string,
  script: string,
  deps: RunnerDeps,
): Promise<Invocation> {
  const inv = await sendAndWait(
    deps.api,
    {
      node,
      what,
      script,
      comment: comment(`rancher-ha ${what} ${step.node}`),
      executionTimeout: step.timeoutSeconds,
    },
    deps.clock,
    deps.log,
  );
  if (inv.stderr) deps.relay(inv.stderr.endsWith("\n") ? inv.stderr : `${inv.stderr}\n`);
  return inv;
}

async function run(
  step: SsmStep,
  node: NodeRef,
  command: string,
  action: Extract<StepAction, { kind: "run" }>,
  stdin: string,
  deps: RunnerDeps,
): Promise<string> {
  const title = `${step.step} on ${step.node}`;
  const files: WorkFile[] = [];
  let line = command;
  let phases = 1;
  switch (action.stdin) {
    case "none":
      break;
    case "plain":
      files.push({ name: "stdin", content: Buffer.from(stdin) });
      line = `{ ${line}; } <${workPath("stdin")}`;
      break;
    case "secret": {
      // Sealed to a key the node made for this run; open-secret.sh deletes it once used.
      phases = 2;
      const nonce = (deps.nonce ?? (() => randomBytes(16).toString("hex")))();
      const keys = await send(
        step,
        node,
        `${step.step} (1/2: node key)`,
        renderRun(`${title}: one-run node key`, nodeScript("node-keys.sh", [nonce])),
        deps,
      );
      const sealed = seal(nodePublicKey(keys.stdout), Buffer.from(stdin));
      files.push({ name: "secret.sealed", content: Buffer.from(sealed) });
      line = `${nodeScript("open-secret.sh", [nonce])} <${workPath("secret.sealed")} | { ${line}; }`;
      break;
    }
    default: {
      const unknown: never = action.stdin;
      throw new Error(`unknown stdin mode ${String(unknown)}`);
    }
  }
  let keyPair: KeyPair | undefined;
  if (action.stdout === "secret") {
    // Sealed on the node to a key that exists only in this process, for this run.
    keyPair = (deps.newKeyPair ?? newKeyPair)();
    files.push({ name: "recipient.pem", content: Buffer.from(keyPair.publicPem) });
    line = `{ ${line}; } | ${nodeScript("seal.sh")} ${workPath("recipient.pem")}`;
  }
  const what = phases === 2 ? `${step.step} (2/2)` : step.step;
  const inv = await send(step, node, what, renderRun(title, line, files), deps);
  if (!keyPair) return inv.stdout;
  try {
    return unseal(keyPair.privateKey, inv.stdout).toString("utf8");
  } catch (e) {
    throw new Error(
      `${step.step} on ${nodeLabel(node)}: the sealed output could not be opened: ${(e as Error).message}`,
    );
  }
}

async function copy(
  step: SsmStep,
  node: NodeRef,
  action: Extract<StepAction, { kind: "copy" }>,
  stdin: string,
  deps: RunnerDeps,
): Promise<void> {
  let files: CopyFile[];
  if (action.dir) {
    const local = readDirFiles(path.join(deps.projectDir, action.dir.path));
    const digest = dirDigest(local);
    if (digest !== action.dir.sha256) {
      throw new Error(
        `${step.step}: ${action.dir.path} changed since the program read it (digest ${digest.slice(0, 12)}, expected ${action.dir.sha256.slice(0, 12)}); run the update again`,
      );
    }
    // Like CopyToRemote with a directory source: `<remotePath>/<basename>/<files>`.
    const base = `${action.to}/${path.basename(action.dir.path)}`;
    files = local.map((f) => ({ path: `${base}/${f.rel}`, mode: "0600", content: f.content }));
  } else {
    files = [{ path: action.to, mode: "0600", content: Buffer.from(stdin) }];
  }
  const scripts = renderCopies(`${step.step} on ${step.node}`, files);
  for (const [i, script] of scripts.entries()) {
    const what = scripts.length > 1 ? `${step.step} (${i + 1}/${scripts.length})` : step.step;
    await send(step, node, what, script, deps);
  }
}
