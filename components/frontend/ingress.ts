import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import type { IngressController } from "../config";
import { NO_PREVIOUS_OUTPUT } from "../rke2/cluster";
import { RKE2_MANIFESTS_DIR } from "../rke2/render";
import { type IngressFrontEnd, renderIngressHelmChartConfig } from "./ingressHelmChartConfig";

/** How a front end reaches a server over SSH. */
export interface NodeAccess {
  host: pulumi.Input<string>;
  /** Changes only when the instance is replaced. */
  instanceId: pulumi.Input<string>;
}

export interface IngressTuningArgs {
  nodes: NodeAccess[];
  sshUser: string;
  /** Secret. */
  sshPrivateKey: pulumi.Input<string>;
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
): command.remote.Command[] {
  const rendered = pulumi.output(args.ingressController).apply((ingressController) =>
    renderIngressHelmChartConfig({
      ...frontEnd,
      ingressController,
      trustedCidrs: args.trustedCidrs,
    }),
  );
  // The manifest arrives on stdin; the command line is fixed text.
  const write = rendered.apply(
    (r) => `sudo -n install -D -m 0600 /dev/stdin ${RKE2_MANIFESTS_DIR}/${r.fileName}`,
  );
  return args.nodes.map(
    (node, i) =>
      new command.remote.Command(
        `${name}-ingress-${i + 1}`,
        {
          // Waits out a booting server like RKE2's first step does.
          connection: {
            host: node.host,
            user: args.sshUser,
            privateKey: args.sshPrivateKey,
            perDialTimeout: 15,
            dialErrorLimit: 30,
          },
          create: write,
          update: write,
          stdin: rendered.apply((r) => r.manifest),
          triggers: [node.instanceId],
          logging: "stderr",
          ...NO_PREVIOUS_OUTPUT,
        },
        { parent },
      ),
  );
}
