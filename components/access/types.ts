// How the program reaches a server: one interface behind every node step, so Rke2Cluster and the
// front end's ingress tuning keep their steps, order and names whichever way the node is reached.
import * as pulumi from "@pulumi/pulumi";

/** The kinds of transport; also the member owner ids on the node (scripts/node/member-claim.sh). */
export type TransportKind = "ssh" | "ssm";

/** A server as the transports see it. */
export interface NodeTarget {
  /** RKE2 node name, used in step messages. */
  nodeName: string;
  /** Changes only when the instance is replaced. */
  instanceId: pulumi.Input<string>;
  publicIp: pulumi.Input<string>;
  privateIp: pulumi.Input<string>;
}

/** One shipped script run as root with the copied params file: `<script> <params.env> [args]`. */
export interface ScriptCall {
  /** File name in scripts/node, e.g. "rke2-start.sh". */
  script: string;
  /** Fixed words (lower-case letters, digits, dashes): parameters belong in params.env. */
  args?: readonly string[];
}

/** What runs on the node: fixed text only; parameters live in copied files. */
export type NodeCommand =
  /** Scripts run one after another, stopping at the first failure (`a && b`). */
  | { kind: "scripts"; calls: readonly [ScriptCall, ...ScriptCall[]] }
  /** Writes the step's `input` (stdin) to `path`, as root, with `mode`. */
  | { kind: "writeFile"; path: pulumi.Input<string>; mode: "0600" | "0644" };

/**
 * How long a transport may take to reach the node: `firstContact` waits out a booting instance
 * (SSH: 30 dials; SSM: 600 s for the agent to register); `brief` gives up quickly (the member's
 * leave must not hold up a replacement for long); default: the node is expected to be up.
 */
export type Reach = "firstContact" | "brief";

export interface StepSpec {
  create: NodeCommand;
  /** Without it, an update runs `create` again (@pulumi/command's Update). */
  update?: NodeCommand;
  delete?: NodeCommand;
  /** Secret fed to the command's stdin (the join token). SSM never sends it in clear. */
  secretStdin?: pulumi.Input<string>;
  /** Non-secret stdin (the ingress manifest for writeFile). */
  input?: pulumi.Input<string>;
  /** The command prints a secret on stdout (the kubeconfig): stdout becomes a secret output. */
  secretStdout?: boolean;
  /** A change replaces the step (runs `create` again on a new resource). */
  triggers: pulumi.Input<unknown>[];
  /** What the step's output shows in the Pulumi log; default: stdout and stderr. */
  logging?: "stdout" | "stderr" | "stdoutAndStderr" | "none";
  reach?: Reach;
  /**
   * Upper bound for one run on the node, in seconds (SSM's executionTimeout; 5..172800). SSH has
   * no such bound: the node scripts bound themselves. Default DEFAULT_STEP_TIMEOUT.
   */
  timeoutSeconds?: number;
}

/** A copy into the staging directory: a local directory (copied as `<remotePath>/<basename>`) or text. */
export type CopySpec =
  { remotePath: string; dir: string } | { remotePath: string; text: pulumi.Input<string> };

export interface StepOpts {
  parent: pulumi.Resource;
  dependsOn?: pulumi.Resource[];
  /** Skip `delete` when this resource is deleted too (a full destroy). */
  deletedWith?: pulumi.Resource;
}

export interface StepResult {
  resource: pulumi.CustomResource;
  /** The command's stdout; secret when the spec says `secretStdout`. */
  stdout: pulumi.Output<string>;
}

export interface NodeTransport {
  readonly kind: TransportKind;
  /** Resources the transport needs alive while any of its steps exists: every step waits for them. */
  readonly plumbing: readonly pulumi.Resource[];
  /** Creates the staging directory; the first contact with a new instance. */
  stage(node: NodeTarget, name: string, opts: StepOpts): pulumi.CustomResource;
  /** Copies non-secret files; runs again when `triggers` or the content change. */
  copy(
    node: NodeTarget,
    name: string,
    file: CopySpec,
    triggers: pulumi.Input<unknown>[],
    opts: StepOpts,
  ): pulumi.CustomResource;
  run(node: NodeTarget, name: string, spec: StepSpec, opts: StepOpts): StepResult;
}

/** Default bound for a step on the node when the spec gives none (seconds). */
export const DEFAULT_STEP_TIMEOUT = 600;

/**
 * How the program reaches the servers (issue 10's `rancher-ha:nodeAccess`). `public`: SSH to each
 * server's public IP. `bastion`: SSH to each server's private IP through the bastion
 * (`connection.proxy`). `ssm`: AWS Systems Manager Run Command in `region`, no SSH at all.
 */
export type NodeAccess =
  | { mode: "public" }
  | { mode: "bastion"; bastionHost: pulumi.Input<string> }
  | { mode: "ssm"; region: string };
