import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import * as path from "node:path";
import type { IngressController } from "../config";
import { KUBE_API_PORT, SUPERVISOR_PORT } from "../ports";
import { renderNodeParams } from "./params";
import { renderRke2ServerConfig } from "./render";

/** Where the node scripts live in the repository (relative to the project directory). */
export const NODE_SCRIPTS_DIR = "scripts/node";
/** Staging directory on every node: scripts, parameters and config, mode 0700. */
export const STAGING_DIR = "/opt/rancher-ha";
const SCRIPTS_ON_NODE = `${STAGING_DIR}/node`;
const PARAMS_ON_NODE = `${STAGING_DIR}/params.env`;

/**
 * Every remote command sets `addPreviousOutputInEnv: false`. @pulumi/command (v1.2.1
 * provider/pkg/provider/remote/commandOutputs.go) otherwise sends the previous run's stdout and
 * stderr to the host as SSH environment requests (PULUMI_COMMAND_STDOUT/_STDERR) on every update
 * and delete: the kubeconfig would travel back to the server, and the start step's output after
 * it got the token. No script here reads them, and sshd refuses them by default (AcceptEnv), so
 * the provider only logs a warning each time: pointless everywhere, harmful where secret.
 */
export const NO_PREVIOUS_OUTPUT = { addPreviousOutputInEnv: false } as const;

/** `sudo` a shipped script with the copied parameter file: nothing variable on the line. */
export function nodeScript(script: string): string {
  return `sudo -n bash ${SCRIPTS_ON_NODE}/${script} ${PARAMS_ON_NODE}`;
}

export interface Rke2Server {
  nodeName: string;
  host: pulumi.Input<string>;
  /** Private address: the first server asks the others whether a cluster already runs. */
  privateIp: pulumi.Input<string>;
  /** Changes only when the instance is replaced. */
  instanceId: pulumi.Input<string>;
}

export interface Rke2ClusterArgs {
  servers: Rke2Server[];
  sshUser: string;
  /** Secret. */
  sshPrivateKey: pulumi.Input<string>;
  rke2Version: string;
  /** The controller the cluster runs (the stack's pinned value). */
  ingressController: pulumi.Input<IngressController>;
  hostname: string;
  /** The fixed registration address the servers use (the internal NLB's DNS name). */
  registrationHost: pulumi.Input<string>;
  /** The public API host admins and the kubeconfig use (the public NLB's DNS name). */
  apiHost: pulumi.Input<string>;
  /** Joins go through the NLB, so they wait for its listeners and targets. */
  registrationReady: pulumi.Resource[];
  /** Per server (in order): what must be on it before RKE2 first starts (the front end's tuning). */
  beforeStart?: pulumi.Resource[];
}

/**
 * RKE2 on the servers over SSH. Server 1 initialises the cluster; the others join through the
 * registration address strictly one after another. Downloads and installs run in parallel on
 * every node; only starting (and restarting, for upgrades) is sequential.
 */
export class Rke2Cluster extends pulumi.ComponentResource {
  /** Secret. Kubeconfig read from server 1, its server set to the control-plane endpoint. */
  public readonly kubeconfig: pulumi.Output<string>;
  /** The last server's start: everything after "all servers joined" depends on it. */
  public readonly joined: pulumi.Resource[];
  /** The join token resource; also the marker that the whole cluster is being destroyed. */
  public readonly token: random.RandomPassword;

  constructor(name: string, args: Rke2ClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("rancher-ha:rke2:Rke2Cluster", name, {}, opts);
    const parent = { parent: this };
    if (!existsSync(path.resolve(NODE_SCRIPTS_DIR))) {
      throw new Error(
        `node scripts not found at ${path.resolve(NODE_SCRIPTS_DIR)}; run from the project directory`,
      );
    }

    this.token = new random.RandomPassword(`${name}-token`, { length: 48, special: false }, parent);
    const token = pulumi.secret(this.token.result);
    const controlPlaneEndpoint = pulumi.interpolate`https://${args.apiHost}:${KUBE_API_PORT}`;
    // Every name a client may use for 6443 goes into the servers' certificate.
    const tlsSans = pulumi
      .all([args.apiHost, args.registrationHost])
      .apply(([api, registration]) => [args.hostname, api, registration]);

    let previousStart: command.remote.Command | undefined;
    const starts: command.remote.Command[] = [];
    for (const [i, server] of args.servers.entries()) {
      const role = i === 0 ? "init" : "join";
      const n = `${name}-${i + 1}`;
      const connection: command.types.input.remote.ConnectionArgs = {
        host: server.host,
        user: args.sshUser,
        privateKey: args.sshPrivateKey,
        perDialTimeout: 15,
        dialErrorLimit: 10,
      };
      // First contact waits out the boot: ~30 dials of up to 15 s.
      const stage = new command.remote.Command(
        `${n}-stage`,
        {
          connection: { ...connection, dialErrorLimit: 30 },
          create: `sudo -n install -d -m 0700 -o "$(id -u)" -g "$(id -g)" ${STAGING_DIR}`,
          triggers: [server.instanceId],
          ...NO_PREVIOUS_OUTPUT,
        },
        parent,
      );
      const copyOpts = { parent: this, dependsOn: [stage] };
      // A copy only re-runs when its content changes: a replacement server (same content, new
      // host) needs its files too, so every copy follows the instance.
      const copyTriggers = [server.instanceId];
      const scripts = new command.remote.CopyToRemote(
        `${n}-scripts`,
        {
          connection,
          source: new pulumi.asset.FileArchive(NODE_SCRIPTS_DIR),
          remotePath: STAGING_DIR,
          triggers: copyTriggers,
        },
        copyOpts,
      );
      // Only the first server needs its peers (to never initialise a second cluster).
      const peers = role === "init" ? args.servers.slice(1).map((p) => p.privateIp) : [];
      const paramsText = pulumi
        .all([args.registrationHost, controlPlaneEndpoint, pulumi.all(peers)])
        .apply(([registrationAddress, endpoint, peerIps]) =>
          renderNodeParams({
            role,
            nodeName: server.nodeName,
            rke2Version: args.rke2Version,
            registrationAddress,
            controlPlaneEndpoint: endpoint,
            peers: peerIps,
          }),
        );
      const params = new command.remote.CopyToRemote(
        `${n}-params`,
        {
          connection,
          source: paramsText.apply((t) => new pulumi.asset.StringAsset(t)),
          remotePath: PARAMS_ON_NODE,
          triggers: copyTriggers,
        },
        copyOpts,
      );
      const configText = pulumi
        .all([args.registrationHost, tlsSans, args.ingressController])
        .apply(([host, sans, ingressController]) =>
          renderRke2ServerConfig({
            role,
            nodeName: server.nodeName,
            ...(role === "join" ? { serverUrl: `https://${host}:${SUPERVISOR_PORT}` } : {}),
            tlsSans: sans,
            ingressController,
          }),
        );
      const config = new command.remote.CopyToRemote(
        `${n}-config`,
        {
          connection,
          source: configText.apply((t) => new pulumi.asset.StringAsset(t)),
          remotePath: `${STAGING_DIR}/config.yaml`,
          triggers: copyTriggers,
        },
        copyOpts,
      );
      // Parallel on every node: wait for cloud-init and apt, then install the pinned binaries.
      // Installing never restarts the service, which is what makes upgrades rolling.
      const installCmd = `${nodeScript("node-prepare.sh")} && ${nodeScript("rke2-install.sh")}`;
      const install = new command.remote.Command(
        `${n}-install`,
        {
          connection,
          create: installCmd,
          update: installCmd,
          triggers: [server.instanceId, args.rke2Version],
          ...NO_PREVIOUS_OUTPUT,
        },
        { parent: this, dependsOn: [scripts, params] },
      );
      // Membership: replaced with its instance, so the old server leaves the cluster (and etcd)
      // before the old instance is deleted. On destroy the whole cluster goes: skip the leave.
      const member = new command.remote.Command(
        `${n}-member`,
        {
          connection: { ...connection, dialErrorLimit: 3, perDialTimeout: 10 },
          create: "true",
          delete: nodeScript("rke2-leave.sh"),
          triggers: [server.instanceId],
          ...NO_PREVIOUS_OUTPUT,
        },
        { parent: this, dependsOn: [scripts, params], deletedWith: this.token },
      );
      const startCmd = nodeScript("rke2-start.sh");
      const start = new command.remote.Command(
        `${n}-start`,
        {
          connection,
          create: startCmd,
          update: startCmd,
          // The token arrives on stdin: never on a command line, never in the config file.
          stdin: token,
          triggers: [server.instanceId, args.rke2Version, configText.apply(sha256)],
          logging: "stderr",
          ...NO_PREVIOUS_OUTPUT,
        },
        {
          parent: this,
          dependsOn: [
            install,
            config,
            member,
            ...(args.beforeStart?.[i] ? [args.beforeStart[i]] : []),
            ...(role === "join" ? args.registrationReady : []),
            ...(previousStart ? [previousStart] : []),
          ],
        },
      );
      starts.push(start);
      previousStart = start;
    }

    const first = args.servers[0];
    const readKubeconfig = new command.remote.Command(
      `${name}-kubeconfig`,
      {
        connection: { host: first.host, user: args.sshUser, privateKey: args.sshPrivateKey },
        create: nodeScript("rke2-kubeconfig.sh"),
        // Re-read after an upgrade too: RKE2 renews the admin client certificate on restart.
        triggers: [first.instanceId, controlPlaneEndpoint, args.rke2Version],
        logging: "none",
        ...NO_PREVIOUS_OUTPUT,
      },
      { parent: this, dependsOn: [starts[0]], additionalSecretOutputs: ["stdout"] },
    );
    this.kubeconfig = pulumi.secret(readKubeconfig.stdout);
    this.joined = [starts[starts.length - 1]];
    this.registerOutputs({ kubeconfig: this.kubeconfig });
  }
}

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}
