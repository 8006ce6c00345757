// Node steps over AWS Systems Manager Run Command: each step is a command.local.Command running
// our runner (bin/ssm-step.ts, on @aws-sdk/client-ssm) with the step described in its environment.
// Same provider package and option semantics as the SSH steps (create/update/delete, triggers →
// replaceOnChanges, stdin, logging, additionalSecretOutputs), so the steps' order, re-runs and
// deletes are the same; only the wire differs.
import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import {
  dirDigest,
  MAX_EXECUTION_TIMEOUT,
  MIN_EXECUTION_TIMEOUT,
  readDirFiles,
  runnerCommand,
  stepEnvironment,
  type SsmStep,
  type StepAction,
} from "../../ssm/protocol";
import { checkStepSpec, renderNodeCommand, STAGING_DIR } from "./nodeCommand";
import {
  DEFAULT_STEP_TIMEOUT,
  type CopySpec,
  type NodeTarget,
  type NodeTransport,
  type Reach,
  type StepOpts,
  type StepResult,
  type StepSpec,
} from "./types";

/**
 * How long the runner waits for the instance to be Online in SSM (seconds). First contact covers
 * the boot and the agent's first registration; later steps only a blip.
 */
export const REGISTRATION_SECONDS: Record<Reach | "default", number> = {
  firstContact: 600,
  default: 120,
  brief: 60,
};

/** Bounds for the small steps (stage, copies): a few file writes. */
const SMALL_STEP_TIMEOUT = 120;

export interface SsmTransportArgs {
  /** The stack's `aws:region`: the runner calls SSM there. */
  region: string;
  /** The stack's `aws:profile`, if set: the runner's credentials come from it. */
  profile?: string;
  plumbing?: readonly pulumi.Resource[];
}

export class SsmTransport implements NodeTransport {
  public readonly kind = "ssm";
  public readonly plumbing: readonly pulumi.Resource[];

  constructor(private readonly args: SsmTransportArgs) {
    this.plumbing = args.plumbing ?? [];
  }

  stage(node: NodeTarget, name: string, opts: StepOpts): command.local.Command {
    // Runs as root; files keep working for SSH later because its stage takes them back (chown -R).
    return this.step(
      node,
      name,
      {
        reach: "firstContact",
        timeoutSeconds: SMALL_STEP_TIMEOUT,
        action: {
          kind: "run",
          commands: { create: `install -d -m 0700 ${STAGING_DIR}` },
          stdin: "none",
          stdout: "plain",
        },
      },
      { triggers: [node.instanceId] },
      opts,
    );
  }

  copy(
    node: NodeTarget,
    name: string,
    file: CopySpec,
    triggers: pulumi.Input<unknown>[],
    opts: StepOpts,
  ): command.local.Command {
    // A directory is read again by the runner at deploy time; its digest here makes a content
    // change re-run the copy (as CopyToRemote re-copies when its archive hash changes).
    const action: StepAction =
      "dir" in file
        ? {
            kind: "copy",
            to: file.remotePath,
            dir: { path: file.dir, sha256: dirDigest(readDirFiles(file.dir)) },
          }
        : { kind: "copy", to: file.remotePath };
    return this.step(
      node,
      name,
      { timeoutSeconds: SMALL_STEP_TIMEOUT, action },
      { triggers, ...("text" in file ? { stdin: file.text } : {}) },
      opts,
    );
  }

  run(node: NodeTarget, name: string, spec: StepSpec, opts: StepOpts): StepResult {
    checkStepSpec(name, spec);
    const commands = pulumi
      .all([
        renderNodeCommand(spec.create),
        spec.update ? renderNodeCommand(spec.update) : undefined,
        spec.delete ? renderNodeCommand(spec.delete) : undefined,
      ])
      .apply(([create, update, del]) => ({
        create,
        ...(update !== undefined ? { update } : {}),
        ...(del !== undefined ? { delete: del } : {}),
      }));
    const stdin = spec.secretStdin !== undefined ? pulumi.secret(spec.secretStdin) : spec.input;
    const resource = this.step(
      node,
      name,
      {
        ...(spec.reach ? { reach: spec.reach } : {}),
        timeoutSeconds: spec.timeoutSeconds ?? DEFAULT_STEP_TIMEOUT,
        action: commands.apply((c): StepAction => ({
          kind: "run",
          commands: c,
          stdin:
            spec.secretStdin !== undefined ? "secret" : spec.input !== undefined ? "plain" : "none",
          stdout: spec.secretStdout ? "secret" : "plain",
        })),
        phases: { update: spec.update !== undefined, delete: spec.delete !== undefined },
      },
      {
        triggers: spec.triggers,
        ...(stdin !== undefined ? { stdin } : {}),
        ...(spec.logging ? { logging: spec.logging } : {}),
      },
      opts,
      spec.secretStdout ? ["stdout"] : [],
    );
    const stdout = spec.secretStdout ? pulumi.secret(resource.stdout) : resource.stdout;
    return { resource, stdout };
  }

  private step(
    node: NodeTarget,
    name: string,
    s: {
      reach?: Reach;
      timeoutSeconds: number;
      action: pulumi.Input<StepAction>;
      /** Which runner phases the resource has besides create. */
      phases?: { update: boolean; delete: boolean };
    },
    inputs: Pick<command.local.CommandArgs, "triggers" | "stdin" | "logging">,
    opts: StepOpts,
    additionalSecretOutputs: string[] = [],
  ): command.local.Command {
    const t = s.timeoutSeconds;
    if (!Number.isInteger(t) || t < MIN_EXECUTION_TIMEOUT || t > MAX_EXECUTION_TIMEOUT) {
      throw new Error(
        `${name}: timeoutSeconds ${t} must be whole seconds between ${MIN_EXECUTION_TIMEOUT} and ${MAX_EXECUTION_TIMEOUT} (SSM's executionTimeout)`,
      );
    }
    const environment = pulumi.all([node.instanceId, s.action]).apply(([instanceId, action]) => {
      const step: SsmStep = {
        step: name,
        node: node.nodeName,
        instanceId,
        timeoutSeconds: t,
        registrationSeconds: REGISTRATION_SECONDS[s.reach ?? "default"],
        action,
      };
      return {
        AWS_REGION: this.args.region,
        ...(this.args.profile ? { AWS_PROFILE: this.args.profile } : {}),
        ...stepEnvironment(step),
      };
    });
    const dependsOn = [...(opts.dependsOn ?? []), ...this.plumbing];
    return new command.local.Command(
      name,
      {
        create: runnerCommand("create"),
        ...(s.phases?.update ? { update: runnerCommand("update") } : {}),
        ...(s.phases?.delete ? { delete: runnerCommand("delete") } : {}),
        environment,
        ...inputs,
        // The previous stdout (the kubeconfig) would otherwise be put into the next run's
        // environment as PULUMI_COMMAND_STDOUT (pulumi-command v1.2.1 local/commandOutputs.go).
        addPreviousOutputInEnv: false,
      },
      {
        parent: opts.parent,
        ...(dependsOn.length > 0 ? { dependsOn } : {}),
        ...(opts.deletedWith ? { deletedWith: opts.deletedWith } : {}),
        ...(additionalSecretOutputs.length > 0 ? { additionalSecretOutputs } : {}),
      },
    );
  }
}
