// Nothing open to the world but 80/443 (and path MTU ICMP), and those only on an internet-facing
// load balancer's group.
import { HTTP_PORT, HTTPS_PORT, PATH_MTU_ICMP } from "../../components/ports";
import {
  attachedGroupKeys,
  ingressGroupKeys,
  worldOpenings,
  type WorldOpening,
} from "./permissions";
import {
  INGRESS_TYPES,
  LOAD_BALANCERS,
  type PolicyResourceShape,
  type Rule,
  type StackFinding,
  UNKNOWN,
} from "./types";

const WEB_PORTS: readonly number[] = [HTTP_PORT, HTTPS_PORT];

function isWebOpening(o: WorldOpening): boolean {
  return o.protocol === "tcp" && o.fromPort === o.toPort && WEB_PORTS.includes(o.fromPort);
}

/**
 * The ICMP path MTU discovery needs: IPv4 "fragmentation needed" (type 3 code 4) and ICMPv6
 * "packet too big" (type 2; AWS takes the type as fromPort and the code as toPort). An error
 * signal about traffic the group already admits; it opens no port. Allowed wherever 80/443 are.
 */
function isPathMtuOpening(o: WorldOpening): boolean {
  const { 4: v4, 6: v6 } = PATH_MTU_ICMP;
  if (o.protocol === v4.ipProtocol) return o.fromPort === v4.fromPort && o.toPort === v4.toPort;
  if (o.protocol === v6.ipProtocol) {
    return o.fromPort === v6.fromPort && (o.toPort === v6.toPort || o.toPort === -1);
  }
  return false;
}

function describeOpening(o: WorldOpening): string {
  const proto = o.protocol === "all" ? "all traffic" : o.protocol.toUpperCase();
  if (o.protocol === "all") return proto;
  return o.fromPort === o.toPort ? `${proto} ${o.fromPort}` : `${proto} ${o.fromPort}-${o.toPort}`;
}

/** Keys (group IDs and URNs) of every security group used by an internet-facing load balancer. */
function publicLoadBalancerGroupKeys(resources: readonly PolicyResourceShape[]): Set<string> {
  const keys = new Set<string>();
  for (const lb of resources) {
    if (!LOAD_BALANCERS.includes(lb.type) || lb.props.internal === true) continue;
    // `internal` unknown: cannot be called public.
    if (lb.props.internal === UNKNOWN) continue;
    attachedGroupKeys(lb, "securityGroups", keys);
  }
  return keys;
}

export const noWorldIngressExceptWeb: Rule = {
  name: "no-world-ingress-except-web",
  description:
    "Nothing is open to 0.0.0.0/0 or ::/0 except TCP 80 and 443 (and the ICMP path MTU discovery " +
    "needs: type 3 code 4, ICMPv6 type 2), and those only on the security " +
    "group of an internet-facing load balancer.",
  enforcementLevel: "mandatory",
  resourceTypes: INGRESS_TYPES,
  validate(r) {
    return worldOpenings(r)
      .filter((o) => !isWebOpening(o) && !isPathMtuOpening(o))
      .map(
        (o) =>
          `${o.where}opens ${describeOpening(o)} to ${o.source}: only TCP 80 and 443 may be open ` +
          "to the world, and only on an internet-facing load balancer's security group",
      );
  },
  validateStack(resources) {
    const publicGroups = publicLoadBalancerGroupKeys(resources);
    const findings: StackFinding[] = [];
    for (const r of resources) {
      if (!INGRESS_TYPES.includes(r.type)) continue;
      const web = worldOpenings(r).filter((o) => isWebOpening(o) || isPathMtuOpening(o));
      if (web.length === 0) continue;
      const keys = ingressGroupKeys(r);
      // The group is not known yet (a preview): the update run decides.
      if (keys.length === 0) continue;
      if (keys.some((k) => publicGroups.has(k))) continue;
      for (const o of web) {
        findings.push({
          resource: r,
          message:
            `${o.where}opens ${describeOpening(o)} to ${o.source} on a security group that no ` +
            `internet-facing load balancer uses: ${isWebOpening(o) ? "80/443" : "path MTU ICMP"} ` +
            "may be open to the world only on a public load balancer's group",
        });
      }
    }
    return findings;
  },
};
