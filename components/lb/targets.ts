import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { resourceTags } from "../tags";

export interface TcpForwardArgs {
  loadBalancerArn: pulumi.Input<string>;
  vpcId: pulumi.Input<string>;
  port: number;
  instanceIds: pulumi.Input<string>[];
  /**
   * "false" for ports the nodes themselves reach through the NLB (6443, 9345): with client IPs
   * preserved, a node connecting to itself through the NLB times out (the hairpin trap).
   */
  preserveClientIp: "true" | "false";
  tags: Record<string, string>;
}

export interface TcpForward {
  targetGroup: aws.lb.TargetGroup;
  listener: aws.lb.Listener;
  attachments: aws.lb.TargetGroupAttachment[];
}

/** NLB TCP listener → instance target group on the same port → one attachment per server. */
export function tcpForward(
  name: string,
  args: TcpForwardArgs,
  opts: pulumi.CustomResourceOptions,
): TcpForward {
  const targetGroup = new aws.lb.TargetGroup(
    `${name}-${args.port}`,
    {
      port: args.port,
      protocol: "TCP",
      targetType: "instance",
      vpcId: args.vpcId,
      preserveClientIp: args.preserveClientIp,
      connectionTermination: true,
      deregistrationDelay: 30,
      // Rancher's NLB guide: TCP checks, 3 healthy / 3 unhealthy, every 10 s.
      healthCheck: {
        protocol: "TCP",
        port: "traffic-port",
        healthyThreshold: 3,
        unhealthyThreshold: 3,
        interval: 10,
      },
      tags: resourceTags(args.tags, `${name}-${args.port}`),
    },
    opts,
  );
  const listener = new aws.lb.Listener(
    `${name}-${args.port}`,
    {
      loadBalancerArn: args.loadBalancerArn,
      port: args.port,
      protocol: "TCP",
      defaultActions: [{ type: "forward", targetGroupArn: targetGroup.arn }],
      tags: resourceTags(args.tags, `${name}-${args.port}`),
    },
    opts,
  );
  const attachments = attachInstances(
    `${name}-${args.port}`,
    targetGroup,
    args.port,
    args.instanceIds,
    opts,
  );
  return { targetGroup, listener, attachments };
}

export function attachInstances(
  name: string,
  targetGroup: aws.lb.TargetGroup,
  port: number,
  instanceIds: pulumi.Input<string>[],
  opts: pulumi.CustomResourceOptions,
): aws.lb.TargetGroupAttachment[] {
  return instanceIds.map(
    (targetId, i) =>
      new aws.lb.TargetGroupAttachment(
        `${name}-server-${i + 1}`,
        { targetGroupArn: targetGroup.arn, targetId, port },
        opts,
      ),
  );
}
