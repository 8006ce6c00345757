// The one place a stack's load balancer mode picks its front end (NLB or ALB) and how Rancher
// handles TLS behind it: exhaustive switches over the validated FrontEndConfig.
import * as pulumi from "@pulumi/pulumi";
import type { FrontEndConfig, L4Tls, LoadBalancerMode, RancherHaConfig } from "../config";
import type { ControlPlaneEndpoint } from "../lb/controlPlane";
import type { Network } from "../network";
import type { RancherInstallArgs } from "../rancher/install";
import type { RancherTls } from "../rancher/values";
import { AlbFrontEnd } from "./alb";
import type { IngressTuningArgs } from "./ingress";
import { NlbFrontEnd } from "./nlb";
import type { FrontEnd } from "./types";

/** Common inputs both front ends need; which one is built is decided once, below. */
export interface FrontEndInputs {
  name: string;
  config: RancherHaConfig;
  network: Network;
  nodeSecurityGroupId: pulumi.Output<string>;
  instanceIds: pulumi.Output<string>[];
  controlPlane: ControlPlaneEndpoint;
  zoneId: pulumi.Output<string>;
  ingress: IngressTuningArgs;
  tags: Record<string, string>;
  parent: pulumi.Resource;
}

/** The front end's logical name: `<stack component>-l4` or `-l7`. */
export function frontEndName(name: string, mode: LoadBalancerMode): string {
  return `${name}-${mode}`;
}

export function createFrontEnd(frontEnd: FrontEndConfig, i: FrontEndInputs): FrontEnd {
  switch (frontEnd.mode) {
    case "l4":
      return new NlbFrontEnd(
        frontEndName(i.name, "l4"),
        {
          controlPlane: i.controlPlane,
          vpcId: i.network.vpcId,
          nodeSecurityGroupId: i.nodeSecurityGroupId,
          instanceIds: i.instanceIds,
          ingressCidrs: i.config.ingressCidrs,
          ingress: i.ingress,
          tags: i.tags,
        },
        { parent: i.parent },
      );
    case "l7":
      return new AlbFrontEnd(
        frontEndName(i.name, "l7"),
        {
          vpcId: i.network.vpcId,
          subnetIds: i.network.loadBalancerSubnetIds,
          nodeSecurityGroupId: i.nodeSecurityGroupId,
          instanceIds: i.instanceIds,
          ingressCidrs: i.config.ingressCidrs,
          hostname: i.config.hostname,
          zoneId: i.zoneId,
          internal: i.config.loadBalancerScheme === "internal",
          ...(frontEnd.certificateArn !== undefined
            ? { certificateArn: frontEnd.certificateArn }
            : {}),
          sslPolicy: frontEnd.sslPolicy,
          idleTimeoutSeconds: frontEnd.idleTimeoutSeconds,
          ingress: i.ingress,
          tags: i.tags,
          protect: i.config.protect,
        },
        { parent: i.parent },
      );
    default: {
      const unknown: never = frontEnd;
      throw new Error(`unknown load balancer mode ${JSON.stringify(unknown)}`);
    }
  }
}

/** How Rancher handles TLS for the front end: the ALB's (l7), or the ingress's source (l4). */
export function rancherTls(frontEnd: FrontEndConfig): RancherTls {
  switch (frontEnd.mode) {
    case "l7":
      return { mode: "external" };
    case "l4":
      return ingressTls(frontEnd.tls);
    default: {
      const unknown: never = frontEnd;
      throw new Error(`unknown load balancer mode ${JSON.stringify(unknown)}`);
    }
  }
}

function ingressTls(tls: L4Tls): RancherTls {
  switch (tls.source) {
    case "rancher":
      return { mode: "ingress", source: "rancher" };
    case "secret":
      return {
        mode: "ingress",
        source: "secret",
        ...(tls.caCertificate !== undefined ? { privateCA: true } : {}),
      };
    case "letsEncrypt":
      return {
        mode: "ingress",
        source: "letsEncrypt",
        email: tls.email,
        environment: tls.environment,
      };
    default: {
      const unknown: never = tls;
      throw new Error(`unknown TLS source ${JSON.stringify(unknown)}`);
    }
  }
}

/**
 * The certificate and key the ingress serves, for tls source "secret" behind the NLB (the key
 * as a secret); none for the other sources, or behind the ALB (ACM's certificate).
 */
export function ingressTlsSecret(frontEnd: FrontEndConfig): RancherInstallArgs["tlsSecret"] {
  switch (frontEnd.mode) {
    case "l7":
      return undefined;
    case "l4": {
      const tls = frontEnd.tls;
      if (tls.source !== "secret") return undefined;
      return {
        certificate: tls.certificate,
        privateKey: pulumi.secret(tls.privateKey),
        ...(tls.caCertificate !== undefined ? { caCertificate: tls.caCertificate } : {}),
      };
    }
    default: {
      const unknown: never = frontEnd;
      throw new Error(`unknown load balancer mode ${JSON.stringify(unknown)}`);
    }
  }
}
