import * as pulumi from "@pulumi/pulumi";
import { HTTP_PORT, HTTP_RULE, HTTPS_PORT, HTTPS_RULE } from "../ports";
import { allowFromCidrs, allowLoadBalancerToNodes } from "../security";
import { ControlPlaneEndpoint } from "../lb/controlPlane";
import { installIngressTuning, IngressTuningArgs } from "./ingress";
import { tcpForward } from "../lb/targets";
import { FrontEnd } from "./types";

/** The type token, for the URN the control plane names as its path-MTU peer. */
export const NLB_FRONT_END_TYPE = "rancher-ha:frontend:NlbFrontEnd";

export interface NlbFrontEndArgs {
  controlPlane: ControlPlaneEndpoint;
  vpcId: pulumi.Input<string>;
  nodeSecurityGroupId: pulumi.Input<string>;
  instanceIds: pulumi.Input<string>[];
  ingressCidrs: string[];
  /** The servers, for the ingress controller's tuning (no forwarded headers trusted in l4). */
  ingress: IngressTuningArgs;
  tags: Record<string, string>;
}

/**
 * L4: TCP 80/443 on the control-plane NLB, passed through to the ingress controller on every
 * server, which terminates TLS. Client IPs are preserved (no hairpin: nodes never call 80/443
 * through the NLB).
 */
export class NlbFrontEnd extends pulumi.ComponentResource implements FrontEnd {
  public readonly dnsName: pulumi.Output<string>;
  public readonly zoneId: pulumi.Output<string>;
  public readonly listeners: pulumi.Resource[];
  public readonly ingressTuning: pulumi.Resource[];

  constructor(name: string, args: NlbFrontEndArgs, opts?: pulumi.ComponentResourceOptions) {
    super(NLB_FRONT_END_TYPE, name, {}, opts);
    const parent = { parent: this };
    const lb = { securityGroupId: args.controlPlane.securityGroupId, label: "lb" };
    for (const rule of [HTTP_RULE, HTTPS_RULE]) {
      allowFromCidrs(name, lb.securityGroupId, rule, args.ingressCidrs, parent, args.tags);
      allowLoadBalancerToNodes(name, lb, args.nodeSecurityGroupId, rule, parent, args.tags);
    }
    args.controlPlane.allowPathMtuFrom(args.ingressCidrs, this, args.tags);
    this.listeners = [HTTP_PORT, HTTPS_PORT].map(
      (port) =>
        tcpForward(
          name,
          {
            loadBalancerArn: args.controlPlane.loadBalancer.arn,
            vpcId: args.vpcId,
            port,
            instanceIds: args.instanceIds,
            preserveClientIp: "true",
            tags: args.tags,
          },
          parent,
        ).listener,
    );
    this.ingressTuning = installIngressTuning(name, { mode: "l4" }, args.ingress, this);
    this.dnsName = args.controlPlane.dnsName;
    this.zoneId = args.controlPlane.zoneId;
    this.registerOutputs({ dnsName: this.dnsName });
  }
}
