import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { existsSync } from "node:fs";
import * as path from "node:path";
import { NODE_SCRIPTS_DIR } from "../access/nodeCommand";
import { transportFor, type NodeAccessArgs } from "../access/transport";
import type { NodeTarget, NodeTransport } from "../access/types";
import type { EtcdSnapshotArgs } from "../backup/etcdConfig";
import type { IngressController } from "../config";
import { KUBE_API_PORT, SUPERVISOR_PORT } from "../ports";
import { rke2ImageArchives } from "./images";
import { type NodeParams, renderClusterParams, renderNodeParams } from "./params";
import { renderRke2ServerConfig } from "./render";
import { kubeconfigStep, serverSteps, type ServerSteps } from "./steps";

/** What the servers run and where they register, whatever the transport. */
export interface Rke2ClusterSpec {
  servers: NodeTarget[];
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
  /** Stage the release's image archives on every server before it starts (./images.ts). */
  preloadImages: boolean;
  /** Node script knobs (timeouts, retries, download URLs); defaults in ./params. */
  nodeParams?: Pick<NodeParams, "installUrl" | "artifactUrl" | "timeouts" | "tuning">;
  /** Scheduled etcd snapshots to S3, the same keys on every server (none: backups off). */
  etcdSnapshots?: pulumi.Input<EtcdSnapshotArgs>;
  /**
   * What gives the servers internet egress (private subnets: the NAT route): the steps that
   * download (install, images) wait for it; the servers and their other steps need not.
   */
  egress?: pulumi.Resource[];
}

export interface Rke2ClusterArgs extends Rke2ClusterSpec, NodeAccessArgs {}

export interface Rke2ClusterSteps {
  token: random.RandomPassword;
  steps: ServerSteps[];
  kubeconfig: pulumi.Output<string>;
  kubeconfigResource: pulumi.CustomResource;
}

/**
 * Registers the cluster's token and every server's steps under `parent`, over `transport`.
 * Rke2Cluster is this over the stack's transport; tests drive it over any transport.
 * `configText` replaces the rendered config.yaml (the sandbox's, in tests).
 */
export function rke2ClusterSteps(
  parent: pulumi.Resource,
  name: string,
  transport: NodeTransport,
  spec: Rke2ClusterSpec,
  configText?: string,
): Rke2ClusterSteps {
  const token = new random.RandomPassword(
    `${name}-token`,
    { length: 48, special: false },
    { parent },
  );
  const secretToken = pulumi.secret(token.result);
  const controlPlaneEndpoint = pulumi.interpolate`https://${spec.apiHost}:${KUBE_API_PORT}`;
  // Every name a client may use for 6443 goes into the servers' certificate.
  const tlsSans = pulumi
    .all([spec.apiHost, spec.registrationHost])
    .apply(([api, registration]) => [spec.hostname, api, registration]);
  const imageArchives = pulumi
    .output(spec.ingressController)
    .apply((c) => (spec.preloadImages ? rke2ImageArchives(spec.rke2Version, c) : []));
  const steps: ServerSteps[] = [];
  let previousStart: pulumi.Resource | undefined;
  for (const [i, server] of spec.servers.entries()) {
    const role = i === 0 ? "init" : "join";
    // Only the first server needs its peers (to never initialise a second cluster).
    const peers = role === "init" ? spec.servers.slice(1).map((p) => p.privateIp) : [];
    // Nothing from the load balancers: install runs while they are created.
    const paramsText = imageArchives.apply((archives) =>
      renderNodeParams({
        ...spec.nodeParams,
        role,
        nodeName: server.nodeName,
        rke2Version: spec.rke2Version,
        imageArchives: archives,
      }),
    );
    const clusterText = pulumi
      .all([spec.registrationHost, controlPlaneEndpoint, pulumi.all(peers)])
      .apply(([registrationAddress, endpoint, peerIps]) =>
        renderClusterParams({
          registrationAddress,
          controlPlaneEndpoint: endpoint,
          peers: peerIps,
        }),
      );
    const config = pulumi
      .all([spec.registrationHost, tlsSans, spec.ingressController, spec.etcdSnapshots])
      .apply(
        ([host, sans, ingressController, etcdSnapshots]) =>
          configText ??
          renderRke2ServerConfig({
            role,
            nodeName: server.nodeName,
            ...(role === "join" ? { serverUrl: `https://${host}:${SUPERVISOR_PORT}` } : {}),
            tlsSans: sans,
            ingressController,
            ...(etcdSnapshots !== undefined ? { etcdSnapshots } : {}),
          }),
      );
    const s = serverSteps({
      transport,
      node: server,
      name: `${name}-${i + 1}`,
      parent,
      paramsText,
      clusterText,
      configText: config,
      rke2Version: spec.rke2Version,
      ...(spec.preloadImages ? { imageArchives } : {}),
      ...(spec.egress ? { downloadAfter: spec.egress } : {}),
      token: secretToken,
      cluster: token,
      startAfter: [
        ...(spec.beforeStart?.[i] ? [spec.beforeStart[i]] : []),
        ...(role === "join" ? spec.registrationReady : []),
        ...(previousStart ? [previousStart] : []),
      ],
      ...(spec.nodeParams?.timeouts ? { timeouts: spec.nodeParams.timeouts } : {}),
      ...(spec.nodeParams?.tuning ? { tuning: spec.nodeParams.tuning } : {}),
    });
    steps.push(s);
    previousStart = s.start.resource;
  }
  const first = spec.servers[0];
  // Re-read after an upgrade too: RKE2 renews the admin client certificate on restart.
  const read = kubeconfigStep(
    transport,
    first,
    `${name}-kubeconfig`,
    [first.instanceId, controlPlaneEndpoint, spec.rke2Version],
    { parent, dependsOn: [steps[0].start.resource] },
  );
  return { token, steps, kubeconfig: read.stdout, kubeconfigResource: read.resource };
}

/**
 * RKE2 on the servers, reached as `access` says. Server 1 initialises the cluster; the others
 * join through the registration address strictly one after another. Downloads and installs run
 * in parallel on every node; only starting (and restarting, for upgrades) is sequential.
 */
export class Rke2Cluster extends pulumi.ComponentResource {
  /** Secret. Kubeconfig read from server 1, its server set to the control-plane endpoint. */
  public readonly kubeconfig: pulumi.Output<string>;
  /** The last server's start: everything after "all servers joined" depends on it. */
  public readonly joined: pulumi.Resource[];
  /** Server 1 Ready and its kubeconfig read: what needs only the API depends on it. */
  public readonly firstReady: pulumi.Resource[];
  /** The join token resource; also the marker that the whole cluster is being destroyed. */
  public readonly token: random.RandomPassword;

  constructor(name: string, args: Rke2ClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("rancher-ha:rke2:Rke2Cluster", name, {}, opts);
    if (!existsSync(path.resolve(NODE_SCRIPTS_DIR))) {
      throw new Error(
        `node scripts not found at ${path.resolve(NODE_SCRIPTS_DIR)}; run from the project directory`,
      );
    }
    const built = rke2ClusterSteps(this, name, transportFor(args), args);
    this.token = built.token;
    this.kubeconfig = pulumi.secret(built.kubeconfig);
    this.joined = [built.steps[built.steps.length - 1].start.resource];
    this.firstReady = [built.kubeconfigResource];
    this.registerOutputs({ kubeconfig: this.kubeconfig });
  }
}
