// What every stack sets: the hostname and its zone, the load balancer mode, the server count and
// who may administer the servers.
// Part of the configuration schema (../schema.ts): its "Essentials" section, in order.
import { LOAD_BALANCER_MODES } from "../../rke2/render";
import type { KeySpec } from "../keySpec";

export const ESSENTIAL_KEYS = {
  hostname: {
    type: "string",
    description: "FQDN users reach Rancher at. Cannot be changed after Rancher is installed.",
    unset: "",
    group: "Essentials",
    doc: {
      default: "— (required)",
      notes:
        "FQDN for Rancher. **Cannot be changed after Rancher is installed.** A trailing dot (`rancher.example.com.`) is accepted and dropped.",
    },
  },
  hostedZone: {
    type: "string",
    description: "Route53 public hosted zone name that contains hostname (or set hostedZoneId).",
    unset: "",
    group: "Essentials",
    doc: {
      notes:
        "Route53 public zone name containing `hostname` (a trailing dot, as the Route53 console shows it, is accepted and dropped); set exactly one of `hostedZone` / `hostedZoneId`.",
    },
  },
  hostedZoneId: {
    type: "string",
    description: "Route53 hosted zone ID that contains hostname (or set hostedZone).",
    unset: "",
    group: "Essentials",
    doc: {
      notes: "The zone by ID; containment is checked when the zone is looked up at deploy.",
    },
  },
  loadBalancer: {
    type: "string",
    choices: LOAD_BALANCER_MODES,
    description: "l4: NLB passes TCP 80/443, ingress terminates TLS. l7: ALB terminates TLS (ACM).",
    default: "l4",
    group: "Essentials",
    doc: {
      notes:
        "[L4](#l4-in-detail): NLB, ingress terminates TLS. [L7](#l7-in-detail): ALB terminates TLS.",
    },
  },
  serverCount: {
    type: "integer",
    description: "RKE2 servers: 3, 5 or 7 (1 = non-HA sandbox).",
    default: 3,
    group: "Essentials",
    doc: {
      notes:
        "3, 5 or 7 (etcd quorum); 1 is a non-HA sandbox (warning). Anything else, negative or zero included, is refused.",
    },
  },
  adminCidrs: {
    type: "string[]",
    description: "The only sources allowed to SSH (22) and the Kubernetes API (6443).",
    unset: "[]",
    group: "Essentials",
    doc: {
      default: "— (required)",
      notes:
        "The only sources for SSH (22: the bastion, or the servers with `nodeAccess` `public`; none with `ssm`) and the Kubernetes API (6443). `0.0.0.0/0` and `::/0` are refused, and so are ranges that together open more public addresses than a /8 of IPv4 or a /32 of IPv6 (e.g. `0.0.0.0/1` + `128.0.0.0/1`): that is a share of the internet, not your networks. Private ranges (RFC 1918, 100.64.0.0/10, fc00::/7) do not count.",
    },
  },
} as const satisfies Record<string, KeySpec & { group: "Essentials" }>;
