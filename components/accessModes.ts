// How the servers are reached and where the load balancers face: the values of `nodeAccess`,
// `natGateways` and `loadBalancerScheme`. Pure data: the config schema, the validators and the
// components read them from here.

/**
 * `bastion`: servers in private subnets, SSH only through a bastion. `ssm`: servers in private
 * subnets, no port 22 anywhere, steps over SSM Run Command. `public`: servers in public subnets
 * with public IPs and SSH from `adminCidrs` (sandboxes).
 */
export const NODE_ACCESS_MODES = ["bastion", "ssm", "public"] as const;
export type NodeAccessMode = (typeof NODE_ACCESS_MODES)[number];

/** Egress of a new VPC's private subnets: one NAT gateway, or one per availability zone. */
export const NAT_GATEWAY_MODES = ["single", "perAz"] as const;
export type NatGatewayMode = (typeof NAT_GATEWAY_MODES)[number];

/** Every load balancer the users and admins reach: internet-facing, or internal (VPN/peering). */
export const LOAD_BALANCER_SCHEMES = ["internet-facing", "internal"] as const;
export type LoadBalancerScheme = (typeof LOAD_BALANCER_SCHEMES)[number];

/** Whether the servers sit in private subnets without public addresses. */
export function serversArePrivate(mode: NodeAccessMode): boolean {
  switch (mode) {
    case "bastion":
    case "ssm":
      return true;
    case "public":
      return false;
    default: {
      const unknown: never = mode;
      throw new Error(`unknown node access mode ${String(unknown)}`);
    }
  }
}
