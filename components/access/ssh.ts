// Node steps over SSH: command.remote.Command and CopyToRemote, directly to the server (public) or
// through a bastion (`connection.proxy`). The resources are the ones Rke2Cluster and the ingress
// tuning registered before transports existed: same types, names, options and connections.
import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import { checkStepSpec, renderNodeCommand, STAGING_DIR } from "./nodeCommand";
import type {
  CopySpec,
  NodeTarget,
  NodeTransport,
  Reach,
  StepOpts,
  StepResult,
  StepSpec,
} from "./types";

/**
 * Every remote command sets `addPreviousOutputInEnv: false`. @pulumi/command (v1.2.1
 * provider/pkg/provider/remote/commandOutputs.go) otherwise sends the previous run's stdout and
 * stderr to the host as SSH environment requests (PULUMI_COMMAND_STDOUT/_STDERR) on every update
 * and delete: the kubeconfig would travel back to the server, and the start step's output after
 * it got the token. No script here reads them, and sshd refuses them by default (AcceptEnv), so
 * the provider only logs a warning each time: pointless everywhere, harmful where secret.
 */
export const NO_PREVIOUS_OUTPUT = { addPreviousOutputInEnv: false } as const;

/**
 * Dial budgets per reach. First contact waits out the boot: ~30 dials of up to 15 s. `brief` (the
 * member's leave) gives up after 3 short dials. The values of @pulumi/command v1.2.1's defaults
 * (sdk/nodejs/types/input.ts: perDialTimeout 15, dialErrorLimit 10) are spelled out.
 */
const DIALS: Record<Reach | "default", { perDialTimeout: number; dialErrorLimit: number }> = {
  firstContact: { perDialTimeout: 15, dialErrorLimit: 30 },
  default: { perDialTimeout: 15, dialErrorLimit: 10 },
  brief: { perDialTimeout: 10, dialErrorLimit: 3 },
};

export interface SshTransportArgs {
  /** Which of the node's addresses to dial (the bastion reaches servers at their private IP). */
  address: (node: NodeTarget) => pulumi.Input<string>;
  user: string;
  /** Secret. */
  privateKey: pulumi.Input<string>;
  /**
   * The bastion: the provider dials it, then opens a direct-tcpip channel to the server
   * (pulumi-command v1.2.1 provider/pkg/provider/remote/connection.go, Dial). `user` is required
   * because ProxyConnectionArgs.user defaults to "root".
   */
  proxy?: { host: pulumi.Input<string>; user: string; privateKey: pulumi.Input<string> };
  plumbing?: readonly pulumi.Resource[];
}

export class SshTransport implements NodeTransport {
  public readonly kind = "ssh";
  public readonly plumbing: readonly pulumi.Resource[];

  constructor(private readonly args: SshTransportArgs) {
    this.plumbing = args.plumbing ?? [];
  }

  /** The connection for one step. */
  connection(node: NodeTarget, reach?: Reach): command.types.input.remote.ConnectionArgs {
    const proxy = this.args.proxy;
    return {
      host: this.args.address(node),
      user: this.args.user,
      privateKey: this.args.privateKey,
      ...DIALS[reach ?? "default"],
      ...(proxy
        ? {
            proxy: {
              host: proxy.host,
              user: proxy.user,
              privateKey: proxy.privateKey,
              // The hop gets the step's budget too: a brief step (a leave) must not wait out
              // 30 dials for an unreachable bastion. The stage's firstContact covers its boot.
              ...DIALS[reach ?? "default"],
            },
          }
        : {}),
    };
  }

  stage(node: NodeTarget, name: string, opts: StepOpts): command.remote.Command {
    // Owned by the SSH user so sftp can write; -R takes back files an SSM period wrote as root
    // (sftp's Create opens O_TRUNC, which a root-owned file refuses).
    const create =
      `sudo -n install -d -m 0700 -o "$(id -u)" -g "$(id -g)" ${STAGING_DIR}` +
      ` && sudo -n chown -R "$(id -u):$(id -g)" ${STAGING_DIR}`;
    return new command.remote.Command(
      name,
      {
        connection: this.connection(node, "firstContact"),
        create,
        triggers: [node.instanceId],
        ...NO_PREVIOUS_OUTPUT,
      },
      this.options(opts),
    );
  }

  copy(
    node: NodeTarget,
    name: string,
    file: CopySpec,
    triggers: pulumi.Input<unknown>[],
    opts: StepOpts,
  ): command.remote.CopyToRemote {
    const source =
      "dir" in file
        ? new pulumi.asset.FileArchive(file.dir)
        : pulumi.output(file.text).apply((t) => new pulumi.asset.StringAsset(t));
    return new command.remote.CopyToRemote(
      name,
      { connection: this.connection(node), source, remotePath: file.remotePath, triggers },
      this.options(opts),
    );
  }

  run(node: NodeTarget, name: string, spec: StepSpec, opts: StepOpts): StepResult {
    checkStepSpec(name, spec);
    const stdin = spec.secretStdin !== undefined ? pulumi.secret(spec.secretStdin) : spec.input;
    const resource = new command.remote.Command(
      name,
      {
        connection: this.connection(node, spec.reach),
        create: renderNodeCommand(spec.create),
        ...(spec.update ? { update: renderNodeCommand(spec.update) } : {}),
        ...(spec.delete ? { delete: renderNodeCommand(spec.delete) } : {}),
        ...(stdin !== undefined ? { stdin } : {}),
        triggers: spec.triggers,
        ...(spec.logging ? { logging: spec.logging } : {}),
        ...NO_PREVIOUS_OUTPUT,
      },
      {
        ...this.options(opts),
        ...(spec.secretStdout ? { additionalSecretOutputs: ["stdout"] } : {}),
      },
    );
    const stdout = spec.secretStdout ? pulumi.secret(resource.stdout) : resource.stdout;
    return { resource, stdout };
  }

  private options(opts: StepOpts): pulumi.CustomResourceOptions {
    const dependsOn = [...(opts.dependsOn ?? []), ...this.plumbing];
    return {
      parent: opts.parent,
      ...(dependsOn.length > 0 ? { dependsOn } : {}),
      ...(opts.deletedWith ? { deletedWith: opts.deletedWith } : {}),
    };
  }
}
