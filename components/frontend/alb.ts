import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { IngressController } from "../config";
import { HTTP_PORT, HTTP_RULE, HTTPS_PORT, HTTPS_RULE } from "../ports";
import { allowFromCidrs, allowLoadBalancerToNodes, allowPathMtuDiscovery } from "../security";
import { resourceTags } from "../tags";
import { installIngressTuning, IngressTuningArgs } from "./ingress";
import { attachInstances } from "../lb/targets";
import { FrontEnd } from "./types";

export interface AlbFrontEndArgs {
  vpcId: pulumi.Input<string>;
  subnetIds: pulumi.Input<string>[];
  nodeSecurityGroupId: pulumi.Input<string>;
  instanceIds: pulumi.Input<string>[];
  ingressCidrs: string[];
  hostname: string;
  zoneId: pulumi.Input<string>;
  /** `loadBalancerScheme` internal: private addresses only. */
  internal: boolean;
  /** Existing ACM certificate; without it one is created and DNS-validated in the zone. */
  certificateArn?: string;
  sslPolicy: string;
  idleTimeoutSeconds: number;
  /** The servers, for the ingress controller's tuning (trust the ALB's forwarded headers). */
  ingress: IngressTuningArgs;
  tags: Record<string, string>;
  protect: boolean;
}

/**
 * Health checks that pass on a healthy node whatever Host the ALB sends (it sends none that
 * matches Rancher): Traefik answers /ping on the web entrypoint once the HelmChartConfig
 * enables its health-check IngressRoute there; ingress-nginx's default server answers /healthz.
 */
export const ALB_HEALTH_CHECKS: Readonly<
  Record<IngressController, { path: string; matcher: string }>
> = {
  traefik: { path: "/ping", matcher: "200" },
  "ingress-nginx": { path: "/healthz", matcher: "200" },
};

/**
 * L7: an ALB terminates TLS with an ACM certificate and forwards plain HTTP to port 80 on every
 * server. HTTP redirects to HTTPS; the ALB adds X-Forwarded-Proto, which the ingress controller
 * is configured to trust from the ALB's subnets so Rancher does not redirect.
 */
export class AlbFrontEnd extends pulumi.ComponentResource implements FrontEnd {
  public readonly dnsName: pulumi.Output<string>;
  public readonly zoneId: pulumi.Output<string>;
  public readonly listeners: pulumi.Resource[];
  public readonly certificateArn: pulumi.Output<string>;
  public readonly ingressTuning: pulumi.Resource[];

  constructor(name: string, args: AlbFrontEndArgs, opts?: pulumi.ComponentResourceOptions) {
    super("rancher-ha:frontend:AlbFrontEnd", name, {}, opts);
    const parent = { parent: this };

    const sg = new aws.ec2.SecurityGroup(
      `${name}-alb`,
      {
        vpcId: args.vpcId,
        description: "rancher-ha ALB",
        tags: resourceTags(args.tags, `${name}-alb`),
      },
      parent,
    );
    allowFromCidrs(name, sg.id, HTTP_RULE, args.ingressCidrs, parent, args.tags);
    allowFromCidrs(name, sg.id, HTTPS_RULE, args.ingressCidrs, parent, args.tags);
    allowPathMtuDiscovery(`${name}-alb`, sg.id, args.ingressCidrs, parent, args.tags);
    // The nodes get plain HTTP from the ALB only; 443 stays closed on them.
    const lb = { securityGroupId: sg.id, label: "alb" };
    allowLoadBalancerToNodes(name, lb, args.nodeSecurityGroupId, HTTP_RULE, parent, args.tags);

    const alb = new aws.lb.LoadBalancer(
      `${name}-alb`,
      {
        loadBalancerType: "application",
        internal: args.internal,
        subnets: args.subnetIds,
        securityGroups: [sg.id],
        dropInvalidHeaderFields: true,
        idleTimeout: args.idleTimeoutSeconds,
        enableDeletionProtection: args.protect,
        tags: resourceTags(args.tags, `${name}-alb`),
      },
      { parent: this, protect: args.protect },
    );

    if (args.certificateArn !== undefined) {
      this.certificateArn = pulumi.output(args.certificateArn);
    } else {
      const cert = new aws.acm.Certificate(
        `${name}-cert`,
        {
          domainName: args.hostname,
          validationMethod: "DNS",
          tags: resourceTags(args.tags, `${name}-cert`),
        },
        { parent: this, protect: args.protect },
      );
      // One domain → exactly one validation record.
      const option = cert.domainValidationOptions[0];
      const record = new aws.route53.Record(
        `${name}-cert-validation`,
        {
          zoneId: args.zoneId,
          name: option.resourceRecordName,
          type: option.resourceRecordType,
          records: [option.resourceRecordValue],
          ttl: 300,
          allowOverwrite: true,
        },
        parent,
      );
      const validation = new aws.acm.CertificateValidation(
        `${name}-cert`,
        { certificateArn: cert.arn, validationRecordFqdns: [record.fqdn] },
        parent,
      );
      // The HTTPS listener waits for the certificate to be issued.
      this.certificateArn = validation.certificateArn;
    }

    const health = pulumi.output(args.ingress.ingressController).apply((c) => ALB_HEALTH_CHECKS[c]);
    const targetGroup = new aws.lb.TargetGroup(
      `${name}-http`,
      {
        port: HTTP_PORT,
        protocol: "HTTP",
        targetType: "instance",
        vpcId: args.vpcId,
        deregistrationDelay: 30,
        healthCheck: {
          protocol: "HTTP",
          port: "traffic-port",
          path: health.path,
          matcher: health.matcher,
          healthyThreshold: 3,
          unhealthyThreshold: 3,
          interval: 10,
          timeout: 5,
        },
        tags: resourceTags(args.tags, `${name}-http`),
      },
      parent,
    );
    attachInstances(`${name}-http`, targetGroup, HTTP_PORT, args.instanceIds, parent);

    const https = new aws.lb.Listener(
      `${name}-https`,
      {
        loadBalancerArn: alb.arn,
        port: HTTPS_PORT,
        protocol: "HTTPS",
        sslPolicy: args.sslPolicy,
        certificateArn: this.certificateArn,
        defaultActions: [{ type: "forward", targetGroupArn: targetGroup.arn }],
        tags: resourceTags(args.tags, `${name}-https`),
      },
      parent,
    );
    const http = new aws.lb.Listener(
      `${name}-http`,
      {
        loadBalancerArn: alb.arn,
        port: HTTP_PORT,
        protocol: "HTTP",
        defaultActions: [
          {
            type: "redirect",
            redirect: { protocol: "HTTPS", port: String(HTTPS_PORT), statusCode: "HTTP_301" },
          },
        ],
        tags: resourceTags(args.tags, `${name}-http`),
      },
      parent,
    );
    this.listeners = [https, http];
    // The controller outlasts the ALB on idle connections, or the ALB sees resets and answers 502.
    this.ingressTuning = installIngressTuning(
      name,
      { mode: "l7", idleTimeoutSeconds: args.idleTimeoutSeconds },
      args.ingress,
      this,
    );
    this.dnsName = alb.dnsName;
    this.zoneId = alb.zoneId;
    this.registerOutputs({ dnsName: this.dnsName, certificateArn: this.certificateArn });
  }
}
