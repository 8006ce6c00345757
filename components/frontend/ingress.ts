import * as pulumi from "@pulumi/pulumi";
import { transportFor, type NodeAccessArgs } from "../access/transport";
import type { NodeTarget, NodeCommand } from "../access/types";
import type { IngressController } from "../config";
import { RKE2_MANIFESTS_DIR } from "../rke2/render";
import { type IngressFrontEnd, renderIngressHelmChartConfig } from "./ingressHelmChartConfig";

/** `access` etc.: the same path to the servers as RKE2's steps. */
export interface IngressTuningArgs extends NodeAccessArgs {
  /** The servers, in order. */
  nodes: NodeTarget[];
  /** The controller the cluster runs (the stack's pinned value). */
  ingressController: pulumi.Input<IngressController>;
  /** Where the load balancer's own addresses come from (the subnets it sits in). */
  trustedCidrs: string[];
}

/**
 * The ingress controller's forwarded-header trust for this front end, as a HelmChartConfig in
 * RKE2's manifests directory on every server. It belongs to the front end: switching l4 ↔ l7
 * rewrites this file (RKE2's deploy controller applies it live) and touches nothing of RKE2.
 * RKE2's start step waits for it, so on a new server it is in place before RKE2 first starts.
 */
export function installIngressTuning(
  name: string,
  frontEnd: IngressFrontEnd,
  args: IngressTuningArgs,
  parent: pulumi.Resource,
): pulumi.CustomResource[] {
  const transport = transportFor(args);
  const rendered = pulumi.output(args.ingressController).apply((ingressController) =>
    renderIngressHelmChartConfig({
      ...frontEnd,
      ingressController,
      trustedCidrs: args.trustedCidrs,
    }),
  );
  // The manifest arrives on stdin; the command line is fixed text.
  const write: NodeCommand = {
    kind: "writeFile",
    path: rendered.apply((r) => `${RKE2_MANIFESTS_DIR}/${r.fileName}`),
    mode: "0600",
  };
  return args.nodes.map(
    (node, i) =>
      transport.run(
        node,
        `${name}-ingress-${i + 1}`,
        {
          create: write,
          update: write,
          input: rendered.apply((r) => r.manifest),
          triggers: [node.instanceId],
          logging: "stderr",
          // Waits out a booting server like RKE2's first step does.
          reach: "firstContact",
        },
        { parent },
      ).resource,
  );
}
