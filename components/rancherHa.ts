import * as pulumi from "@pulumi/pulumi";
import { serversArePrivate } from "./accessModes";
import type { NodeTarget } from "./access/types";
import { backupServerPolicy, type NamedPolicy } from "./backup/access";
import { RancherBackup } from "./backup/operator";
import { restoreTarget, type RestoreTargetOutput } from "./backup/restoreTarget";
import { backupStorage } from "./backup/storage";
import type { IngressController, LoadBalancerMode, RancherHaConfig } from "./config";
import { hostedZoneId, RancherDns } from "./dns";
import { pinIngressController } from "./ingressPin";
import { createFrontEnd, frontEndName, ingressTlsSecret, rancherTls } from "./frontend/create";
import { ControlPlaneEndpoint } from "./lb/controlPlane";
import { NLB_FRONT_END_TYPE } from "./frontend/nlb";
import { FrontEnd } from "./frontend/types";
import { Network, type PlacedNetwork } from "./network";
import { ServerNodes } from "./nodes";
import { RancherInstall } from "./rancher/install";
import { Rke2Cluster } from "./rke2/cluster";
import { Bastion } from "./bastion";
import { nodeAccessFor, publicHost } from "./nodeAccess";
import { NodeSecurity } from "./security";
import { ServerRole } from "./serverRole";
import { stackTags } from "./tags";

/** Logical names feed AWS names with a 32-character limit (24 before Pulumi's suffix). */
const NAME_RE = /^[a-z][a-z0-9-]{0,11}$/;

/**
 * Rancher in HA on AWS: network, servers, RKE2, load balancers, DNS, cert-manager and Rancher.
 * The one place the stack is built: `index.ts`, the Automation API and the offline plan all
 * call it with a validated config.
 */
export class RancherHa extends pulumi.ComponentResource {
  public readonly rancherUrl: pulumi.Output<string>;
  public readonly loadBalancerDnsName: pulumi.Output<string>;
  public readonly controlPlaneEndpoint: pulumi.Output<string>;
  public readonly serverPublicIps: pulumi.Output<string[]>;
  public readonly serverPrivateIps: pulumi.Output<string[]>;
  public readonly kubeconfig: pulumi.Output<string>;
  public readonly bootstrapPassword: pulumi.Output<string>;
  public readonly sshPrivateKey?: pulumi.Output<string>;
  public readonly rke2Version: pulumi.Output<string>;
  public readonly loadBalancer: pulumi.Output<LoadBalancerMode>;
  /** The ingress controller the cluster runs (pinned at creation, changed only on purpose). */
  public readonly ingressController: pulumi.Output<IngressController>;
  /** Warnings only the deployment's state can tell (e.g. a kept ingress controller). */
  public readonly notices: pulumi.Output<string[]>;
  public readonly frontEnd: FrontEnd;
  /** The bastion's address (public IP; private IP when internal): nodeAccess bastion only. */
  public readonly bastionHost?: pulumi.Output<string>;
  /** With backups: the bucket holding etcd snapshots and Rancher backups. */
  public readonly backupBucket?: pulumi.Output<string>;
  /** With backups, secret: the EncryptionConfiguration every Rancher backup needs. Keep a copy. */
  public readonly rancherBackupEncryptionConfig?: pulumi.Output<string>;
  /** With backups: what `npm run restore` reads (non-secret). */
  public readonly restoreTarget?: pulumi.Output<RestoreTargetOutput>;
  /** With backups: the servers' S3 (and KMS) permissions, an inline policy on `serverRole`. */
  public readonly backupServerPolicy?: NamedPolicy;

  /**
   * `placement`: the network's zones and given subnets, looked up before anything is registered
   * (`placeNetwork`), because the number of subnets decides resources.
   */
  constructor(
    name: string,
    config: RancherHaConfig,
    placement: PlacedNetwork,
    opts?: pulumi.ComponentResourceOptions,
  ) {
    super("rancher-ha:index:RancherHa", name, {}, opts);
    if (!NAME_RE.test(name)) {
      throw new Error(
        `component name "${name}" must be 1-12 characters of a-z, 0-9 and '-' (AWS name limits)`,
      );
    }
    const parent = { parent: this };
    const tags = stackTags(config.tags, config.project, config.stack);

    const network = new Network(`${name}-net`, { ...placement, tags }, parent);
    const ingress = pinIngressController(
      `${name}-ingress-controller`,
      {
        configured: config.ingressController,
        explicit: config.ingressControllerExplicit,
        rke2Version: config.rke2Version,
      },
      this,
    );
    this.ingressController = ingress.controller;
    const security = new NodeSecurity(
      `${name}-sec`,
      {
        vpcId: network.vpcId,
        adminCidrs: config.adminCidrs,
        adminAccess: config.access.mode === "public",
        tags,
      },
      parent,
    );
    const backups = config.backups;
    const storage = backups.enabled
      ? backupStorage(
          `${name}-backup`,
          {
            bucket: backups.bucket,
            region: config.region,
            stack: config.stack,
            ...(backups.kmsKeyArn !== undefined ? { kmsKeyArn: backups.kmsKeyArn } : {}),
            protect: config.protect,
            tags,
          },
          parent,
        )
      : undefined;
    if (storage) {
      this.backupBucket = storage.bucketName;
      this.backupServerPolicy = backupServerPolicy({
        bucketArn: storage.bucketArn,
        folders: storage.folders,
        ...(backups.enabled && backups.kmsKeyArn !== undefined
          ? { kmsKeyArn: backups.kmsKeyArn }
          : {}),
      });
    }
    const role = new ServerRole(
      `${name}-iam`,
      {
        ssm: config.access.mode === "ssm",
        ...(this.backupServerPolicy ? { policies: [this.backupServerPolicy] } : {}),
        tags,
      },
      parent,
    );
    // What SSM needs before a server's agent registers: the role's policy and the NAT routes.
    const ssmPath = [...role.attachments, ...network.egress];
    const servers = new ServerNodes(
      `${name}-server`,
      {
        count: config.serverCount,
        instanceType: config.instanceType,
        rootVolumeGiB: config.rootVolumeGiB,
        ...(config.amiId !== undefined ? { amiId: config.amiId } : {}),
        subnetIds: network.serverSubnetIds,
        publicIp: !serversArePrivate(config.access.mode),
        instanceProfileName: role.instanceProfileName,
        // SSM's agent registers at boot and backs off for long after a failure: with ssm the
        // servers boot once their egress exists. Over SSH only the downloads need it (below).
        dependsOn: config.access.mode === "ssm" ? ssmPath : role.attachments,
        securityGroupId: security.securityGroupId,
        sshUser: config.sshUser,
        ...(config.sshPrivateKey !== undefined
          ? { sshPrivateKey: pulumi.secret(config.sshPrivateKey) }
          : {}),
        tags,
        protect: config.protect,
        ...(config.replaceServer !== undefined ? { replaceServer: config.replaceServer } : {}),
      },
      parent,
    );
    this.notices = pulumi
      .all([ingress.notice, servers.pendingMoves])
      .apply(([n, moves]) => [...(n === undefined ? [] : [n]), ...moves]);
    const bastion =
      config.access.mode === "bastion"
        ? new Bastion(
            `${name}-bastion`,
            {
              vpcId: network.vpcId,
              // Internal stacks have no public address anywhere: the bastion sits with the
              // servers and admins reach it over their VPN (adminCidrs).
              ...(config.loadBalancerScheme === "internal"
                ? { subnetId: network.serverSubnetIds[0], publicIp: false }
                : { subnetId: network.bastionSubnetId, publicIp: true }),
              instanceType: config.access.bastionInstanceType,
              ami: servers.ami,
              keyName: servers.keyName,
              adminCidrs: config.adminCidrs,
              nodeSecurityGroupId: security.securityGroupId,
              tags,
            },
            parent,
          )
        : undefined;
    this.bastionHost = bastion?.bastionHost;
    const { access, plumbing: accessPlumbing } = nodeAccessFor(config.access, {
      ...(bastion ? { bastion: { host: bastion.bastionHost, plumbing: bastion.plumbing } } : {}),
      publicSsh: security.adminRules,
      ssm: ssmPath,
      region: config.region,
    });
    const instanceIds = servers.nodes.map((n) => n.instance.id);
    const controlPlane = new ControlPlaneEndpoint(
      `${name}-cp`,
      {
        vpcId: network.vpcId,
        subnetIds: network.loadBalancerSubnetIds,
        nodeSecurityGroupId: security.securityGroupId,
        adminCidrs: config.adminCidrs,
        internal: config.loadBalancerScheme === "internal",
        instanceIds,
        tags,
        protect: config.protect,
        // Whatever the mode: the state may hold a range's rule under the L4 front end.
        pathMtuPeer: pulumi.createUrn(frontEndName(name, "l4"), NLB_FRONT_END_TYPE, this),
      },
      parent,
    );
    const internal = config.loadBalancerScheme === "internal";
    const zoneId = hostedZoneId(
      config.zone,
      config.hostname,
      parent,
      internal
        ? {
            private: true,
            ...(config.network.kind === "existing" ? { vpcId: config.network.vpcId } : {}),
          }
        : { private: false },
    );
    const targets: NodeTarget[] = servers.nodes.map((n) => ({
      nodeName: n.nodeName,
      instanceId: n.instance.id,
      publicIp:
        config.access.mode === "public"
          ? n.instance.publicIp.apply((ip) => publicHost(n.nodeName, ip))
          : n.instance.publicIp,
      privateIp: n.instance.privateIp,
    }));
    const transport = {
      sshUser: servers.sshUser,
      sshPrivateKey: servers.sshPrivateKey,
      ...(config.awsProfile !== undefined ? { awsProfile: config.awsProfile } : {}),
      accessPlumbing,
    };
    this.frontEnd = createFrontEnd(config.frontEnd, {
      name,
      config,
      network,
      nodeSecurityGroupId: security.securityGroupId,
      instanceIds,
      controlPlane,
      zoneId,
      ingress: {
        nodes: targets,
        access,
        ...transport,
        ingressController: ingress.controller,
        trustedCidrs: network.loadBalancerCidrs,
      },
      tags,
      parent: this,
    });
    const cluster = new Rke2Cluster(
      `${name}-rke2`,
      {
        servers: targets,
        access,
        ...transport,
        rke2Version: config.rke2Version,
        preloadImages: config.preloadImages,
        ingressController: ingress.controller,
        hostname: config.hostname,
        registrationHost: controlPlane.registrationHost,
        apiHost: controlPlane.dnsName,
        registrationReady: [
          controlPlane.supervisor.listener,
          controlPlane.internalApi.listener,
          ...controlPlane.supervisor.attachments,
          ...controlPlane.internalApi.attachments,
        ],
        beforeStart: this.frontEnd.ingressTuning,
        egress: network.egress,
        ...(backups.enabled && storage
          ? {
              etcdSnapshots: storage.bucketName.apply((bucket) => ({
                bucket,
                region: config.region,
                stack: config.stack,
                schedule: backups.etcd.schedule,
                retention: backups.etcd.retention,
                serverCount: config.serverCount,
              })),
            }
          : {}),
      },
      parent,
    );

    const dns = new RancherDns(
      `${name}-dns`,
      {
        hostname: config.hostname,
        zoneId,
        target: this.frontEnd,
        protect: config.protect,
        // A VPC the stack creates is associated with the private zone here; a given VPC must
        // be associated already (the zone is looked up among its zones).
        ...(internal && config.network.kind === "new" ? { associateVpcId: network.vpcId } : {}),
      },
      parent,
    );

    const tls = rancherTls(config.frontEnd);
    const tlsSecret = ingressTlsSecret(config.frontEnd);
    const rancher = new RancherInstall(
      `${name}-install`,
      {
        kubeconfig: cluster.kubeconfig,
        hostname: config.hostname,
        replicas: Math.min(3, config.serverCount),
        ingressController: ingress.controller,
        tls,
        rancherVersion: config.rancherVersion,
        rancherChartRepository: config.rancherChartRepository,
        certManagerVersion: config.certManagerVersion,
        ...(config.bootstrapPassword !== undefined
          ? { bootstrapPassword: pulumi.secret(config.bootstrapPassword) }
          : {}),
        ...(tlsSecret !== undefined ? { tlsSecret } : {}),
        ...(config.auditLogLevel !== undefined ? { auditLogLevel: config.auditLogLevel } : {}),
        waitFor: [...cluster.joined, dns.record, ...this.frontEnd.listeners],
        clusterReady: cluster.firstReady,
        clusterLifetime: cluster.token,
        clusterIdentifier: `${config.project}/${config.stack}`,
        protect: config.protect,
      },
      parent,
    );

    if (backups.enabled && storage) {
      const rancherBackup = new RancherBackup(
        `${name}-rancher-backup`,
        {
          provider: rancher.provider,
          rancherVersion: config.rancherVersion,
          bucket: storage.bucketName,
          region: config.region,
          stack: config.stack,
          schedule: backups.rancher.schedule,
          retentionCount: backups.rancher.retention,
          ...(backups.rancher.encryptionKey !== undefined
            ? { encryptionKey: pulumi.secret(backups.rancher.encryptionKey) }
            : {}),
          // The operator beside the joins (it needs only the API); the first backup after Rancher.
          installAfter: cluster.firstReady,
          backupAfter: [rancher.release],
          clusterLifetime: cluster.token,
        },
        parent,
      );
      this.rancherBackupEncryptionConfig = rancherBackup.encryptionConfig;
      this.restoreTarget = restoreTarget({
        region: config.region,
        access,
        sshUser: servers.sshUser,
        storage,
        registrationHost: controlPlane.registrationHost,
        servers: targets,
      });
    }

    this.rancherUrl = pulumi.output(`https://${config.hostname}`);
    this.loadBalancerDnsName = this.frontEnd.dnsName;
    this.controlPlaneEndpoint = controlPlane.apiEndpoint;
    this.serverPublicIps = pulumi.all(servers.publicIps);
    this.serverPrivateIps = pulumi.all(servers.privateIps);
    this.kubeconfig = cluster.kubeconfig;
    this.bootstrapPassword = rancher.bootstrapPassword;
    if (servers.generatedSshPrivateKey) this.sshPrivateKey = servers.generatedSshPrivateKey;
    this.rke2Version = pulumi.output(config.rke2Version);
    this.loadBalancer = pulumi.output(config.frontEnd.mode);
    this.registerOutputs(this.outputs());
  }

  /** The stack outputs, as `index.ts` exports them. */
  public outputs(): Record<string, pulumi.Output<unknown>> {
    return {
      rancherUrl: this.rancherUrl,
      loadBalancerDnsName: this.loadBalancerDnsName,
      controlPlaneEndpoint: this.controlPlaneEndpoint,
      serverPublicIps: this.serverPublicIps,
      serverPrivateIps: this.serverPrivateIps,
      kubeconfig: this.kubeconfig,
      bootstrapPassword: this.bootstrapPassword,
      ...(this.sshPrivateKey ? { sshPrivateKey: this.sshPrivateKey } : {}),
      ...(this.bastionHost ? { bastionHost: this.bastionHost } : {}),
      rke2Version: this.rke2Version,
      loadBalancer: this.loadBalancer,
      ingressController: this.ingressController,
      ...(this.backupBucket ? { backupBucket: this.backupBucket } : {}),
      ...(this.rancherBackupEncryptionConfig
        ? { rancherBackupEncryptionConfig: this.rancherBackupEncryptionConfig }
        : {}),
      ...(this.restoreTarget ? { restoreTarget: this.restoreTarget } : {}),
    };
  }
}
