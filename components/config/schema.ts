// The one declaration of every configuration key: its type, description, default, "unset"
// sentinel, secrecy, form section and README notes. Everything else derives from it: the
// settings type (below), parsing (./parse.ts), the `config:` block of Pulumi.yaml and the README's
// configuration table (./docs.ts, written by `npm run docs`), and the portal's form.
//
// A plain object `as const` with mapped types rather than a schema library: Pulumi stores every
// value as a string (lists and maps as JSON), parsed by rules of this project (./parse.ts), and
// validation is mostly cross-key (./validators/), so a library would add a dependency while
// the metadata the docs need would still be declared beside it.
import { LOAD_BALANCER_SCHEMES, NAT_GATEWAY_MODES, NODE_ACCESS_MODES } from "../accessModes";
import { DEFAULT_RANCHER_CHART_REPOSITORY } from "../rancher/charts";
import { LETS_ENCRYPT_ENVIRONMENTS, TLS_SOURCES } from "../rancher/values";
import { INGRESS_CONTROLLERS, LOAD_BALANCER_MODES } from "../rke2/render";
import { DEFAULT_VERSIONS } from "../versions";

export const PROJECT = "rancher-ha";

/** How a value is stored: lists and maps as JSON (`pulumi config set --path`). */
export type KeyType = "string" | "integer" | "boolean" | "string[]" | "map";

/** Sections of the portal's form, in order; `open` ones start expanded. */
export const CONFIG_GROUPS = [
  { name: "Essentials", open: true },
  { name: "Servers", open: false },
  { name: "Network", open: false },
  { name: "TLS and load balancer", open: false },
  { name: "Rancher", open: false },
  { name: "Backups", open: false },
  { name: "Tags and protection", open: false },
] as const;
export type ConfigGroup = (typeof CONFIG_GROUPS)[number]["name"];

export interface KeySpec {
  readonly type: KeyType;
  /** The values a string key takes (the settings type narrows to them). */
  readonly choices?: readonly string[];
  /** One line: Pulumi.yaml and the portal's form. */
  readonly description: string;
  /** The effective default, when it is a fixed value. */
  readonly default?: string | number | boolean | readonly string[];
  /**
   * The raw value that means "not set". Pulumi.yaml declares it as the key's default, because
   * a declared key without a default is required by the CLI; the program derives the real
   * default (or reports the key as required). Keys with a fixed default get one when that
   * default must not reach a stack where the key does not apply (vpcCidr with vpcId).
   */
  readonly unset?: string;
  /** Never declared in Pulumi.yaml (a declared key without a default is required). */
  readonly secret?: boolean;
  readonly group: ConfigGroup;
  /** The README's configuration table: type and default as shown there, and the notes. */
  readonly doc: { readonly type?: string; readonly default?: string; readonly notes: string };
}

/** Every key, in the order of the form, the README table and Pulumi.yaml. */
export const CONFIG_SCHEMA = {
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
  instanceType: {
    type: "string",
    description: "EC2 instance type of the servers (RKE2 needs at least 2 vCPU / 4 GiB).",
    default: "m6i.xlarge",
    group: "Servers",
    doc: {
      notes:
        "A type EC2's API lists (`components/data/ec2-instance-type-names.json`; a typo gets the nearest name). Types below RKE2's 2 vCPU / 4 GiB (sizes from `components/data/ec2-instance-types.json`, else by the size's name), arm64 (Graviton) and Mac types are refused. A change applies to running servers only through `replaceServer`.",
    },
  },
  rootVolumeGiB: {
    type: "integer",
    description: "Root volume size (gp3, encrypted).",
    default: 100,
    group: "Servers",
    doc: { notes: "gp3, encrypted; 30 to 16384." },
  },
  amiId: {
    type: "string",
    description:
      "AMI for the servers. Default: newest Ubuntu 24.04 LTS amd64 from Canonical at creation; a newer AMI later never replaces running servers.",
    unset: "",
    group: "Servers",
    doc: {
      default: "newest Ubuntu 24.04 LTS amd64 from Canonical",
      notes:
        "Used when a server is created; a newer default or a changed `amiId` applies to running servers only through `replaceServer` (all at once would take etcd down).",
    },
  },
  sshUser: {
    type: "string",
    description: "SSH user on the servers.",
    default: "ubuntu",
    group: "Servers",
    doc: { notes: "A Linux user name: the AMI's login user (`ubuntu` on Ubuntu)." },
  },
  sshPrivateKey: {
    type: "string",
    description: "SSH private key (PEM/OpenSSH). Default: an ED25519 key generated by the stack.",
    secret: true,
    group: "Servers",
    doc: {
      default: "generated ED25519 key",
      notes:
        "`cat key \\| pulumi config set --secret rancher-ha:sshPrivateKey`. The generated one is the `sshPrivateKey` output. Set it before the first `up`: servers keep the key they were created with.",
    },
  },
  nodeAccess: {
    type: "string",
    choices: NODE_ACCESS_MODES,
    description:
      "How the program reaches the servers: bastion (private servers, SSH through a bastion), ssm (private servers, SSM Run Command, no port 22) or public (sandboxes).",
    default: "bastion",
    group: "Servers",
    doc: {
      notes:
        "`bastion`: servers in private subnets without public IPs, SSH only through a bastion that admits `adminCidrs`. `ssm`: private servers, no port 22 anywhere, every step over SSM Run Command. `public`: servers with public IPs and SSH from `adminCidrs` (sandboxes; the plan warns). See [Node access](#node-access).",
    },
  },
  bastionInstanceType: {
    type: "string",
    description: "EC2 instance type of the bastion (nodeAccess bastion only).",
    default: "t3.micro",
    unset: "",
    group: "Servers",
    doc: {
      notes:
        "Only with `nodeAccess` `bastion`. An x86 type EC2's API lists (the bastion boots the servers' amd64 Ubuntu image); no size minimum.",
    },
  },
  rke2Version: {
    type: "string",
    description: "RKE2 release, e.g. v1.36.3+rke2r1.",
    default: DEFAULT_VERSIONS.rke2Version,
    group: "Servers",
    doc: {
      notes:
        "Must be admitted by the Rancher chart's `kubeVersion` cap. Upgrades go one minor at a time and never back; see [Upgrades](#upgrades).",
    },
  },
  preloadImages: {
    type: "boolean",
    description:
      "Stage RKE2's image archives on every server during install (verified against the release's checksums), so starts and joins pull nothing.",
    default: true,
    group: "Servers",
    doc: {
      notes:
        "Each server downloads the pinned release's image archives from GitHub (`rke2-images-core`, `-canal`, and the ingress controller's own where it has one) in parallel with the load balancers, checks them against `sha256sum-amd64.txt` and stages them in `/var/lib/rancher/rke2/agent/images/`; RKE2 imports them at start. `false` for a registry mirror or no egress to GitHub: images are then pulled at start. Turning it off leaves archives already staged in place (RKE2 keeps importing them; remove them by hand to save the disk).",
    },
  },
  replaceServer: {
    type: "integer",
    description:
      "Replace this one server (1-based) with the current amiId, instanceType and SSH key; the others keep theirs. Roll a change with one up per server: 1, 2, 3.",
    unset: "0",
    group: "Servers",
    doc: {
      notes:
        "The one server (1-based) that takes new `amiId` / `instanceType` / SSH key / subnet values, by replacement; see [Upgrades](#upgrades).",
    },
  },
  ingressCidrs: {
    type: "string[]",
    description: "Sources allowed to reach Rancher on 80/443 through the load balancer.",
    default: ["0.0.0.0/0"],
    group: "Network",
    doc: { notes: "Who reaches Rancher on 80/443 through the load balancer." },
  },
  vpcCidr: {
    type: "string",
    description:
      "CIDR of the new VPC (a public subnet per AZ, and a private one per AZ for bastion/ssm). Not with vpcId.",
    default: "10.20.0.0/16",
    unset: "",
    group: "Network",
    doc: {
      notes:
        "New VPC (/16 to /24): one public subnet per AZ from its first three quarters; with `bastion`/`ssm` one private subnet per AZ from the fourth quarter (a /16 gives /20s).",
    },
  },
  availabilityZones: {
    type: "string[]",
    description: "AZs for the new VPC's subnets (2 or 3). Default: the region's first three.",
    unset: "[]",
    group: "Network",
    doc: {
      default: "the region's first three available AZs",
      notes:
        "2 or 3 AZs of the region for the new VPC, one subnet each. See [Availability zones](#availability-zones).",
    },
  },
  vpcId: {
    type: "string",
    description: "Existing VPC to use (with subnetIds) instead of creating one.",
    unset: "",
    group: "Network",
    doc: { notes: "Bring your own VPC, with `subnetIds`." },
  },
  subnetIds: {
    type: "string[]",
    description:
      "Existing subnets in vpcId for the servers: private (route to a NAT) with bastion/ssm, public with nodeAccess public.",
    unset: "[]",
    group: "Network",
    doc: {
      notes:
        "With `vpcId`: the servers' subnets. With `bastion`/`ssm`: private subnets whose 0.0.0.0/0 goes to a NAT (or another non-IGW target); with `public`: public subnets (route to an IGW) in ≥ 2 AZs, which the load balancers share. Several may share an AZ: the load balancers take the first listed of each AZ, the servers use them all.",
    },
  },
  natGateways: {
    type: "string",
    choices: NAT_GATEWAY_MODES,
    description:
      "Egress of the new VPC's private subnets: single (one NAT gateway) or perAz (one per AZ, survives an AZ outage).",
    default: "single",
    unset: "",
    group: "Network",
    doc: {
      notes:
        "New VPC with `bastion` or `ssm` only. `single`: one NAT gateway, every private subnet's egress through AZ 1 (if that AZ fails, the servers elsewhere lose egress). `perAz`: one per AZ, each AZ independent, at one NAT gateway's price per AZ.",
    },
  },
  publicSubnetIds: {
    type: "string[]",
    description:
      "With vpcId and private servers: public subnets (route to an internet gateway) for the load balancers and the bastion.",
    unset: "[]",
    group: "Network",
    doc: {
      notes:
        "With `vpcId` and `nodeAccess` `bastion`/`ssm`: public subnets (0.0.0.0/0 to an internet gateway) in ≥ 2 AZs covering the servers' AZs, for the load balancers and the bastion; `subnetIds` are then the servers' private subnets. Required unless `loadBalancerScheme` is `internal` (then everything sits in `subnetIds`).",
    },
  },
  loadBalancerScheme: {
    type: "string",
    choices: LOAD_BALANCER_SCHEMES,
    description:
      "internet-facing, or internal: every load balancer gets private addresses only (reached over VPN/peering; the hostname in a private hosted zone).",
    default: "internet-facing",
    group: "Network",
    doc: {
      notes:
        "`internal`: the public NLB and the ALB become internal, `hostedZone`/`hostedZoneId` must name a **private** zone, `tlsSource` `letsEncrypt` is refused (HTTP-01 cannot reach it) and l7 needs `certificateArn` (ACM validates over public DNS). Not with `nodeAccess` `public`. Changing it replaces the load balancers. See [Internal load balancers](#internal-load-balancers).",
    },
  },
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
  rancherVersion: {
    type: "string",
    description:
      "Rancher release (chart version), e.g. 2.15.0; one this program knows the Kubernetes cap of.",
    default: DEFAULT_VERSIONS.rancherVersion,
    group: "Rancher",
    doc: {
      notes:
        "A Rancher release this program knows (2.12.0–2.15.0, with each chart's Kubernetes cap: `components/versions.ts`); others are refused.",
    },
  },
  rancherChartRepository: {
    type: "string",
    description:
      "Helm repository of the Rancher chart: latest (every release), stable (promoted later, some never), prime (Rancher Prime) or an https URL.",
    default: DEFAULT_RANCHER_CHART_REPOSITORY,
    group: "Rancher",
    doc: {
      type: "`latest` \\| `stable` \\| `prime` \\| https URL",
      notes:
        "Where the Rancher chart comes from; see [Rancher chart repositories](#rancher-chart-repositories).",
    },
  },
  certManagerVersion: {
    type: "string",
    description: "cert-manager chart version, e.g. v1.21.1.",
    default: DEFAULT_VERSIONS.certManagerVersion,
    group: "Rancher",
    doc: { notes: "Installed only where the TLS source needs it (`rancher`, `letsEncrypt`)." },
  },
  bootstrapPassword: {
    type: "string",
    description: "Rancher bootstrap password. Default: 24 random characters.",
    secret: true,
    group: "Rancher",
    doc: {
      default: "24 random characters",
      notes: "At least 12 characters (Rancher's minimum password length).",
    },
  },
  auditLogLevel: {
    type: "integer",
    description: "Rancher API audit log level 0-3 (unset: audit log off).",
    unset: "-1",
    group: "Rancher",
    doc: {
      default: "off",
      notes: "Rancher API audit log level 0-3 (sidecar); the prod example uses 1.",
    },
  },
  backups: {
    type: "boolean",
    description:
      "etcd snapshots and Rancher backups to S3, with a scheduled, encrypted rancher-backup.",
    default: true,
    group: "Backups",
    doc: {
      notes:
        "etcd snapshots from every server and an encrypted rancher-backup, both to one S3 bucket; see [Backups](#backups). `false` turns all of it off (the plan warns).",
    },
  },
  etcdBackupBucket: {
    type: "string",
    description:
      "An existing S3 bucket (in the stack's region) for the backups; default: one is created.",
    unset: "",
    group: "Backups",
    doc: {
      default: "— (a bucket is created)",
      notes:
        "An existing bucket in the stack's region, used as it is (its settings are not managed); the stack writes under `rancher-ha/<stack>/`. Must be a valid S3 bucket name; refused with `backups: false`.",
    },
  },
  backupKmsKeyArn: {
    type: "string",
    description: "KMS key ARN for the created bucket's encryption (SSE-KMS); default SSE-S3.",
    unset: "",
    group: "Backups",
    doc: {
      default: "SSE-S3 (AES256)",
      notes:
        "A full key ARN (`arn:aws:kms:<region>:<account>:key/<id>`, no alias) in the stack's region. The servers' role may use it for the backups only.",
    },
  },
  etcdSnapshotSchedule: {
    type: "string",
    description: "Cron (5 fields, the nodes' UTC) of RKE2's etcd snapshots.",
    default: "0 */6 * * *",
    group: "Backups",
    doc: {
      notes:
        "Five cron fields (minute hour day-of-month month day-of-week), in UTC on the servers; descriptors like `@daily` are refused (RKE2 drops a schedule it cannot parse without a word). Every server takes a snapshot each time.",
    },
  },
  etcdSnapshotRetention: {
    type: "integer",
    description: "etcd snapshot runs kept in S3 (times the server count in objects).",
    default: 28,
    group: "Backups",
    doc: {
      notes:
        "1 to 10000 schedule runs; S3 keeps this × `serverCount` snapshots (RKE2's S3 retention counts every server's), each server's disk the last 5.",
    },
  },
  rancherBackupSchedule: {
    type: "string",
    description: "Cron (5 fields, UTC) of the scheduled rancher-backup.",
    default: "30 */6 * * *",
    group: "Backups",
    doc: { notes: "Five cron fields, as `etcdSnapshotSchedule`." },
  },
  rancherBackupRetention: {
    type: "integer",
    description: "rancher-backup files kept.",
    default: 28,
    group: "Backups",
    doc: { notes: "1 to 10000 (the Backup resource's `retentionCount`)." },
  },
  rancherBackupEncryptionKey: {
    type: "string",
    description: "32-byte base64 key the Rancher backups are encrypted with. Default: generated.",
    secret: true,
    group: "Backups",
    doc: {
      default: "generated (output `rancherBackupEncryptionConfig`)",
      notes:
        "Set it to read old backups from a rebuilt stack: the `secret` of the `rancherBackupEncryptionConfig` output of the old one. 32 random bytes, base64.",
    },
  },
  forceDestroyBackups: {
    type: "boolean",
    description: "pulumi destroy deletes the created bucket with every backup in it.",
    default: false,
    group: "Backups",
    doc: {
      notes:
        "`false`: `pulumi destroy` (or `backups: false`) leaves the created bucket and its backups in AWS. `true`, applied by an `up` first: destroy empties and deletes it. Ignored with `etcdBackupBucket`.",
    },
  },
  tags: {
    type: "map",
    description: "Tags for every taggable AWS resource (a stack tag is always added).",
    unset: "{}",
    group: "Tags and protection",
    doc: {
      default: "`{}`",
      notes:
        "On every taggable AWS resource, plus `rancher-ha:project` / `rancher-ha:stack`. Keys 1-128 characters, not `aws:`; values up to 256.",
    },
  },
  protect: {
    type: "boolean",
    description:
      "Deletion protection on the load balancers and Pulumi protect on stateful resources.",
    default: false,
    group: "Tags and protection",
    doc: {
      notes:
        "Deletion protection on the load balancers, Pulumi `protect` on servers, load balancers, certificate, DNS record and the Rancher release.",
    },
  },
} as const satisfies Record<string, KeySpec>;

type Schema = typeof CONFIG_SCHEMA;
export type SettingKey = keyof Schema;

/** The TypeScript type of a key's value, from its spec. */
type ValueOf<S extends KeySpec> = S["type"] extends "string"
  ? S extends { choices: readonly (infer C extends string)[] }
    ? C
    : string
  : S["type"] extends "integer"
    ? number
    : S["type"] extends "boolean"
      ? boolean
      : S["type"] extends "string[]"
        ? string[]
        : Record<string, string>;

/** What a user may set: every key optional. Names are the config keys (namespace `rancher-ha`). */
export type RancherHaSettings = { -readonly [K in SettingKey]?: ValueOf<Schema[K]> };

type KeyWithDefault = {
  [K in SettingKey]: Schema[K] extends { default: unknown } ? K : never;
}[SettingKey];

/** The fixed defaults, typed as the settings they stand for. */
export type Defaults = {
  readonly [K in KeyWithDefault]: ValueOf<Schema[K]> extends string[]
    ? readonly string[]
    : ValueOf<Schema[K]>;
};

export const SETTING_KEYS = Object.keys(CONFIG_SCHEMA) as SettingKey[];

/** The schema by key, widened to KeySpec (for code that walks every key). */
export function keySpec(key: SettingKey): KeySpec {
  return CONFIG_SCHEMA[key];
}

export const SECRET_KEYS: readonly SettingKey[] = SETTING_KEYS.filter(
  (k) => keySpec(k).secret === true,
);

export const DEFAULTS = Object.freeze(
  Object.fromEntries(
    SETTING_KEYS.flatMap((k) => {
      const d = keySpec(k).default;
      return d === undefined ? [] : [[k, d]];
    }),
  ),
) as Defaults;
