// The resolved configuration components are built from: defaults applied, and what validation
// proved carried in the types (one front end by mode with its own fields, the zone by name or
// ID, a new or an existing network), so the composition code never re-derives it.
import type { LoadBalancerScheme, NatGatewayMode, NodeAccessMode } from "../accessModes";
import type { AuditLogLevel, LetsEncryptEnvironment, TlsSource } from "../rancher/values";
import type { IngressController, LoadBalancerMode } from "../rke2/render";

export type ServerCount = 1 | 3 | 5 | 7;

/** The hosted zone that holds the hostname: by name (looked up) or by ID. */
export type ZoneRef = { name: string } | { id: string };

/** How the ingress controller gets its certificate in l4 (`tlsSource` and its keys). */
export type L4Tls =
  | { source: "rancher" }
  | { source: "letsEncrypt"; email: string; environment: LetsEncryptEnvironment }
  | {
      source: "secret";
      certificate: string;
      /** Secret. */
      privateKey: string;
      /** The private CA that signed the certificate: Rancher gets `privateCA` and `tls-ca`. */
      caCertificate?: string;
    };

export type L4FrontEndConfig = { mode: "l4"; tls: L4Tls };
export type L7FrontEndConfig = {
  mode: "l7";
  /** An existing ACM certificate; without it one is created and DNS-validated. */
  certificateArn?: string;
  sslPolicy: string;
  idleTimeoutSeconds: number;
};
export type FrontEndConfig = L4FrontEndConfig | L7FrontEndConfig;

export type NewNetwork = {
  kind: "new";
  vpcCidr: string;
  availabilityZones?: string[];
  /** Egress of the private subnets (created only when the servers are private). */
  natGateways: NatGatewayMode;
};
export type ExistingNetwork = {
  kind: "existing";
  vpcId: string;
  /** The servers' subnets: private with bastion/ssm, public with public access. */
  subnetIds: string[];
  /** Private servers: where the load balancers and the bastion go (else in subnetIds). */
  publicSubnetIds?: string[];
};
export type NetworkConfig = NewNetwork | ExistingNetwork;

/** Where the backups go: a bucket the stack creates (and may delete), or one it is given. */
export type BackupBucketRef =
  { kind: "new"; forceDestroy: boolean } | { kind: "existing"; name: string };

export interface BackupSchedule {
  /** Five cron fields. */
  schedule: string;
  /** Schedule runs (etcd) or files (Rancher) kept, ≥ 1. */
  retention: number;
}

export type BackupsConfig =
  | { enabled: false }
  | {
      enabled: true;
      bucket: BackupBucketRef;
      /** SSE-KMS key of a created bucket; the servers may use it. */
      kmsKeyArn?: string;
      etcd: BackupSchedule;
      rancher: BackupSchedule & {
        /** Secret: 32 bytes, base64; generated when absent. */
        encryptionKey?: string;
      };
    };

/** How the program reaches the servers (`nodeAccess` and what belongs to its mode). */
export type AccessConfig =
  { mode: "public" } | { mode: "bastion"; bastionInstanceType: string } | { mode: "ssm" };

export interface RancherHaConfig {
  project: string;
  stack: string;
  region: string;
  hostname: string;
  zone: ZoneRef;
  frontEnd: FrontEndConfig;
  serverCount: ServerCount;
  instanceType: string;
  rootVolumeGiB: number;
  amiId?: string;
  sshUser: string;
  /** Secret. */
  sshPrivateKey?: string;
  /** 1-based: the one server that takes new instance settings (replaced, leaving etcd first). */
  replaceServer?: number;
  adminCidrs: string[];
  ingressCidrs: string[];
  network: NetworkConfig;
  access: AccessConfig;
  /** The stack's `aws:profile`: the SSM runner's credentials come from it (nodeAccess ssm). */
  awsProfile?: string;
  /** Every load balancer users and admins reach: internet-facing or internal. */
  loadBalancerScheme: LoadBalancerScheme;
  rke2Version: string;
  rancherVersion: string;
  /** Helm repository URL of the Rancher chart (a named repository resolved). */
  rancherChartRepository: string;
  certManagerVersion: string;
  /** For a new cluster; a running one keeps the controller pinned in its state. */
  ingressController: IngressController;
  /** The user set `ingressController` (a change of controller is then on purpose). */
  ingressControllerExplicit: boolean;
  /** Secret. */
  bootstrapPassword?: string;
  auditLogLevel?: AuditLogLevel;
  backups: BackupsConfig;
  tags: Record<string, string>;
  protect: boolean;
  /** Stage RKE2's image archives on every server during install. */
  preloadImages: boolean;
}

export type {
  AuditLogLevel,
  LoadBalancerScheme,
  NatGatewayMode,
  NodeAccessMode,
  IngressController,
  LetsEncryptEnvironment,
  LoadBalancerMode,
  TlsSource,
};

/** The config with its secret values replaced by `mask` (for plan data and logs). */
export function maskSecrets(c: RancherHaConfig, mask: string): RancherHaConfig {
  const fe = c.frontEnd;
  const b = c.backups;
  return {
    ...c,
    backups:
      b.enabled && b.rancher.encryptionKey !== undefined
        ? { ...b, rancher: { ...b.rancher, encryptionKey: mask } }
        : b,
    ...(c.sshPrivateKey !== undefined ? { sshPrivateKey: mask } : {}),
    ...(c.bootstrapPassword !== undefined ? { bootstrapPassword: mask } : {}),
    frontEnd:
      fe.mode === "l4" && fe.tls.source === "secret"
        ? { ...fe, tls: { ...fe.tls, privateKey: mask } }
        : fe,
  };
}
