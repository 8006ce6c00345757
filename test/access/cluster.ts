// Rke2Cluster's steps over a transport the test chooses: the same component type, token,
// rendering and order as components/rke2/cluster.ts (it calls the same rke2ClusterSteps).
import * as pulumi from "@pulumi/pulumi";
import type * as random from "@pulumi/random";
import type { NodeTransport } from "../../components/access/types";
import { rke2ClusterSteps, type Rke2ClusterSpec } from "../../components/rke2/cluster";
import type { NodeParams } from "../../components/rke2/params";
import type { ServerSteps } from "../../components/rke2/steps";

export interface TransportClusterArgs extends Omit<
  Rke2ClusterSpec,
  "nodeParams" | "preloadImages"
> {
  /** Default false: most transport tests look at the other steps. */
  preloadImages?: boolean;
  transport: NodeTransport;
  /** Extra params (tests: tiny timeouts, the sandbox's installer URL). */
  params?: Pick<NodeParams, "installUrl" | "artifactUrl" | "timeouts" | "tuning">;
  /** Replaces the rendered config.yaml (tests: the sandbox's). */
  configText?: string;
}

export class TransportCluster extends pulumi.ComponentResource {
  public readonly kubeconfig: pulumi.Output<string>;
  public readonly token: random.RandomPassword;
  public readonly steps: ServerSteps[];
  public readonly kubeconfigResource: pulumi.CustomResource;

  constructor(name: string, args: TransportClusterArgs) {
    super("rancher-ha:rke2:Rke2Cluster", name, {}, {});
    const { transport, params, configText, preloadImages, ...spec } = args;
    const built = rke2ClusterSteps(
      this,
      name,
      transport,
      { ...spec, preloadImages: preloadImages ?? false, ...(params ? { nodeParams: params } : {}) },
      configText,
    );
    this.token = built.token;
    this.steps = built.steps;
    this.kubeconfigResource = built.kubeconfigResource;
    this.kubeconfig = built.kubeconfig;
    this.registerOutputs({ kubeconfig: this.kubeconfig });
  }
}
