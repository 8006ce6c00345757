// TLS and the load balancer: where the ingress's certificate comes from, the ALB's certificate,
// TLS policy and idle timeout, and the ingress controller.
// Part of the configuration schema (../schema.ts): its "TLS and load balancer" section, in order.
import { LETS_ENCRYPT_ENVIRONMENTS, TLS_SOURCES } from "../../rancher/values";
import { INGRESS_CONTROLLERS } from "../../rke2/render";
import type { KeySpec } from "../keySpec";

export const FRONT_END_KEYS = {
  tlsSource: {
    type: "string",
    choices: TLS_SOURCES,
    description: "L4 only: rancher (self-signed via cert-manager), letsEncrypt or secret.",
    default: "rancher",
    unset: "",
    group: "TLS and load balancer",
    doc: {
      default: "`rancher` (l4)",
      notes:
        "L4 only. `rancher`: Rancher's own CA via cert-manager. `letsEncrypt` validates over HTTP-01 on port 80 from addresses Let's Encrypt does not publish, so it is refused unless `ingressCidrs` opens 80 to all of IPv4 (`0.0.0.0/0`, the default); behind an allow-list use `secret` or l7 (ACM, validated over DNS).",
    },
  },
  letsEncryptEmail: {
    type: "string",
    description: "Contact email for Let's Encrypt (tlsSource letsEncrypt).",
    unset: "",
    group: "TLS and load balancer",
    doc: { notes: "Required with `letsEncrypt`." },
  },
  letsEncryptEnvironment: {
    type: "string",
    choices: LETS_ENCRYPT_ENVIRONMENTS,
    description: "Let's Encrypt environment: production or staging.",
    default: "production",
    group: "TLS and load balancer",
    doc: { notes: "`staging` is for testing issuance: nothing trusts its certificates." },
  },
  tlsCertificate: {
    type: "string",
    description: "PEM certificate (chain) for hostname (tlsSource secret).",
    unset: "",
    group: "TLS and load balancer",
    doc: {
      type: "PEM",
      notes:
        "Required with `secret`; checked to match `tlsPrivateKey` and `hostname`, not expired, the chain (server certificate first, then intermediates) in order. Creates `cattle-system/tls-rancher-ingress`. Unless `tlsCaCertificate` is set, the chain must end in a CA of the standard (Mozilla/Node) trust store: Rancher's agents verify the server with their system store and would never connect.",
    },
  },
  tlsPrivateKey: {
    type: "string",
    description: "PEM private key of tlsCertificate (tlsSource secret).",
    secret: true,
    group: "TLS and load balancer",
    doc: { notes: "Required with `secret`: the PEM key of `tlsCertificate`." },
  },
  tlsCaCertificate: {
    type: "string",
    description:
      "PEM of the private CA that signed tlsCertificate (tlsSource secret), so Rancher's agents can verify it. Required when no public CA signed it.",
    unset: "",
    group: "TLS and load balancer",
    doc: {
      type: "PEM",
      notes:
        "With `secret`: the private CA (or self-signed certificate) that signed `tlsCertificate`; checked to be a CA and to have issued it. Creates `cattle-system/tls-ca` (`cacerts.pem`) and sets Rancher's `privateCA: true` with `agentTLSMode: strict`, so agents trust exactly that CA.",
    },
  },
  certificateArn: {
    type: "string",
    description: "L7 only: existing ACM certificate for hostname. Default: one is created.",
    unset: "",
    group: "TLS and load balancer",
    doc: {
      default: "— (a certificate is created)",
      notes: "L7 only: an ACM certificate in the stack's region.",
    },
  },
  sslPolicy: {
    type: "string",
    description: "L7 only: ALB TLS policy.",
    default: "ELBSecurityPolicy-TLS13-1-2-2021-06",
    unset: "",
    group: "TLS and load balancer",
    doc: {
      notes:
        "L7 only; an ALB security policy from `components/data/elb-security-policies.json` (AWS's list); policies allowing TLS < 1.2 are refused.",
    },
  },
  idleTimeoutSeconds: {
    type: "integer",
    description: "L7 only: ALB idle timeout (Rancher's websockets want 1800).",
    default: 1800,
    unset: "0",
    group: "TLS and load balancer",
    doc: {
      notes:
        "L7 only, 60 to 4000; Rancher's websockets want 1800 s (the ALB default is 60). The ingress controller keeps idle connections 60 s longer (see [L7 in detail](#l7-in-detail)).",
    },
  },
  ingressController: {
    type: "string",
    choices: INGRESS_CONTROLLERS,
    description: "traefik or ingress-nginx. Default: what RKE2 installs for rke2Version.",
    unset: "",
    group: "TLS and load balancer",
    doc: {
      default:
        "for a new cluster, what RKE2 installs for `rke2Version` (Traefik from 1.36); a running cluster keeps its controller",
      notes:
        "Set it only to switch; see [Ingress controller](#ingress-controller). ingress-nginx is refused on RKE2 ≥ 1.37, which no longer ships it.",
    },
  },
} as const satisfies Record<string, KeySpec & { group: "TLS and load balancer" }>;
