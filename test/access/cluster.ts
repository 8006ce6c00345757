// Rke2Cluster as it reads once it takes a transport: the same component, token, rendering and
// order as components/rke2/cluster.ts, with each server's steps from components/rke2/steps.ts.
// The tests run it next to today's Rke2Cluster and compare what both register.
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import type { NodeTarget, NodeTransport } from "../../components/access/types";
import type { IngressController } from "../../components/config";
import { renderNodeParams, type NodeParams } from "../../components/rke2/params";
import { renderRke2ServerConfig } from "../../components/rke2/render";
import { kubeconfigStep, serverSteps, type ServerSteps } from "../../components/rke2/steps";

export interface TransportClusterArgs {
  transport: NodeTransport;
  servers: NodeTarget[];
  rke2Version: string;
  ingressController: IngressController;
  hostname: string;
  registrationHost: pulumi.Input<string>;
  apiHost: pulumi.Input<string>;
  registrationReady: pulumi.Resource[];
  beforeStart?: pulumi.Resource[];
  /** Extra params (tests: tiny timeouts, the sandbox's installer URL). */
  params?: Partial<NodeParams>;
  /** Replaces the rendered config.yaml (tests: the sandbox's). */
  configText?: string;
}

export class TransportCluster extends pulumi.ComponentResource {
  public readonly kubeconfig: pulumi.Output<string>;
  public readonly token: random.RandomPassword;
  public readonly steps: ServerSteps[] = [];
  public readonly kubeconfigResource: pulumi.CustomResource;

  constructor(name: string, args: TransportClusterArgs) {
    super("rancher-ha:rke2:Rke2Cluster", name, {}, {});
    this.token = new random.RandomPassword(
      `${name}-token`,
      { length: 48, special: false },
      { parent: this },
    );
    const token = pulumi.secret(this.token.result);
    const controlPlaneEndpoint = pulumi.interpolate`https://${args.apiHost}:6443`;
    const tlsSans = pulumi
      .all([args.apiHost, args.registrationHost])
      .apply(([api, registration]) => [args.hostname, api, registration]);
    let previousStart: pulumi.Resource | undefined;
    for (const [i, server] of args.servers.entries()) {
      const role = i === 0 ? "init" : "join";
      const peers = role === "init" ? args.servers.slice(1).map((p) => p.privateIp) : [];
      const paramsText = pulumi
        .all([args.registrationHost, controlPlaneEndpoint, pulumi.all(peers)])
        .apply(([registrationAddress, endpoint, peerIps]) =>
          renderNodeParams({
            ...args.params,
            role,
            nodeName: server.nodeName,
            rke2Version: args.rke2Version,
            registrationAddress,
            controlPlaneEndpoint: endpoint,
            peers: peerIps,
          }),
        );
      const configText = pulumi.all([args.registrationHost, tlsSans]).apply(
        ([host, sans]) =>
          args.configText ??
          renderRke2ServerConfig({
            role,
            nodeName: server.nodeName,
            ...(role === "join" ? { serverUrl: `https://${host}:9345` } : {}),
            tlsSans: sans,
            ingressController: args.ingressController,
          }),
      );
      const steps = serverSteps({
        transport: args.transport,
        node: server,
        name: `${name}-${i + 1}`,
        parent: this,
        paramsText,
        configText,
        rke2Version: args.rke2Version,
        token,
        cluster: this.token,
        startAfter: [
          ...(args.beforeStart?.[i] ? [args.beforeStart[i]] : []),
          ...(role === "join" ? args.registrationReady : []),
          ...(previousStart ? [previousStart] : []),
        ],
        ...(args.params?.timeouts ? { timeouts: args.params.timeouts } : {}),
        ...(args.params?.tuning ? { tuning: args.params.tuning } : {}),
      });
      this.steps.push(steps);
      previousStart = steps.start.resource;
    }
    const first = args.servers[0];
    const read = kubeconfigStep(
      args.transport,
      first,
      `${name}-kubeconfig`,
      [first.instanceId, controlPlaneEndpoint, args.rke2Version],
      { parent: this, dependsOn: [this.steps[0].start.resource] },
    );
    this.kubeconfigResource = read.resource;
    this.kubeconfig = read.stdout;
    this.registerOutputs({ kubeconfig: this.kubeconfig });
  }
}
