// The one place that turns stack configuration into a typed, validated object.
//
// Three layers, so `pulumi up`, the Automation API, the offline plan and the tests share them:
//   raw strings (what Pulumi stores) → RancherHaSettings (typed, only what the user set)
//   → RancherHaConfig (defaults applied, cross-checked). Every problem is collected; nothing
//   is registered until the whole config is known to be good.
import { cidrProblem, isWorldCidr, parseCidr } from "./cidr";
import { adminBreadthProblems, coversAllIpv4 } from "./checks/cidrs";
import { awsKeyProblems, regionProblem, sslPolicyProblem } from "./checks/aws";
import { instanceTypeProblem } from "./checks/instanceType";
import { nearest } from "./checks/nearest";
import { certificateProblems } from "./checks/tls";
import { isFqdn, type IngressController, type LoadBalancerMode } from "./rke2/render";
import { serverZones, zoneLossWarning } from "./placement";
import { switchConsequences, type TlsSource } from "./rancher/values";
import { DEFAULT_RANCHER_CHART_REPOSITORY, rancherChartRepositoryUrl } from "./rancher/charts";
import {
  DEFAULT_VERSIONS,
  defaultIngressController,
  knownRancherReleases,
  parseCertManagerVersion,
  parseChartVersion,
  parseRke2Version,
  rancherAdmitsKube,
  rancherRelease,
  rke2ShipsIngressNginx,
  rke2UpgradeProblem,
} from "./versions";

export const PROJECT = "rancher-ha";

// The vocabulary is the renderers': config validates into it, components consume it.
export type { IngressController, LoadBalancerMode } from "./rke2/render";
export type { TlsSource } from "./rancher/values";
export type ServerCount = 1 | 3 | 5 | 7;

/** What a user may set. Names are the config keys (project namespace `rancher-ha`). */
export interface RancherHaSettings {
  hostname?: string;
  hostedZone?: string;
  hostedZoneId?: string;
  loadBalancer?: LoadBalancerMode;
  serverCount?: number;
  instanceType?: string;
  rootVolumeGiB?: number;
  amiId?: string;
  sshUser?: string;
  /** secret */
  sshPrivateKey?: string;
  adminCidrs?: string[];
  ingressCidrs?: string[];
  vpcCidr?: string;
  vpcId?: string;
  subnetIds?: string[];
  availabilityZones?: string[];
  rke2Version?: string;
  rancherVersion?: string;
  rancherChartRepository?: string;
  certManagerVersion?: string;
  ingressController?: IngressController;
  tlsSource?: TlsSource;
  letsEncryptEmail?: string;
  letsEncryptEnvironment?: "production" | "staging";
  tlsCertificate?: string;
  /** secret */
  tlsPrivateKey?: string;
  tlsCaCertificate?: string;
  /** secret */
  bootstrapPassword?: string;
  certificateArn?: string;
  sslPolicy?: string;
  idleTimeoutSeconds?: number;
  tags?: Record<string, string>;
  protect?: boolean;
  auditLogLevel?: number;
  replaceServer?: number;
}

export type SettingKey = keyof RancherHaSettings;

/** The resolved configuration components are built from. */
export interface RancherHaConfig {
  project: string;
  stack: string;
  region: string;
  hostname: string;
  hostedZone?: string;
  hostedZoneId?: string;
  loadBalancer: LoadBalancerMode;
  serverCount: ServerCount;
  instanceType: string;
  rootVolumeGiB: number;
  amiId?: string;
  sshUser: string;
  sshPrivateKey?: string;
  adminCidrs: string[];
  ingressCidrs: string[];
  network: { kind: "new"; vpcCidr: string; availabilityZones?: string[] } | ExistingNetwork;
  rke2Version: string;
  rancherVersion: string;
  /** Helm repository URL of the Rancher chart (a named repository resolved). */
  rancherChartRepository: string;
  certManagerVersion: string;
  ingressController: IngressController;
  /** The user set `ingressController` (a change of controller is then on purpose). */
  ingressControllerExplicit?: boolean;
  /** Only for l4; l7 terminates TLS on the ALB. */
  tlsSource?: TlsSource;
  letsEncryptEmail?: string;
  letsEncryptEnvironment: "production" | "staging";
  tlsCertificate?: string;
  tlsPrivateKey?: string;
  /** The private CA that signed tlsCertificate: Rancher gets `privateCA` and the `tls-ca` secret. */
  tlsCaCertificate?: string;
  bootstrapPassword?: string;
  certificateArn?: string;
  sslPolicy: string;
  idleTimeoutSeconds: number;
  tags: Record<string, string>;
  protect: boolean;
  auditLogLevel?: 0 | 1 | 2 | 3;
  /** 1-based: the one server that takes new instance settings (replaced, leaving etcd first). */
  replaceServer?: number;
}

export interface ExistingNetwork {
  kind: "existing";
  vpcId: string;
  subnetIds: string[];
}

type KeyType = "string" | "integer" | "boolean" | "string[]" | "map";

export interface KeySpec {
  type: KeyType;
  description: string;
  default?: string | number | boolean | string[];
  /**
   * The raw value that means "not set". Pulumi.yaml declares it as the key's default, because
   * a declared key without a default is required by the CLI; the real default is derived here.
   */
  unset?: string;
  secret?: boolean;
}

export const DEFAULTS = {
  loadBalancer: "l4",
  serverCount: 3,
  instanceType: "m6i.xlarge",
  rootVolumeGiB: 100,
  sshUser: "ubuntu",
  ingressCidrs: ["0.0.0.0/0"],
  vpcCidr: "10.20.0.0/16",
  tlsSource: "rancher",
  letsEncryptEnvironment: "production",
  sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06",
  idleTimeoutSeconds: 1800,
  protect: false,
  rancherChartRepository: DEFAULT_RANCHER_CHART_REPOSITORY,
  ...DEFAULT_VERSIONS,
} as const;

/**
 * Every key, with its type, description and default. Pulumi.yaml declares the same keys; a test
 * keeps the two in step.
 */
export const CONFIG_KEYS: Readonly<Record<SettingKey, KeySpec>> = {
  hostname: {
    type: "string",
    description: "FQDN users reach Rancher at. Cannot be changed after Rancher is installed.",
    unset: "",
  },
  hostedZone: {
    type: "string",
    description: "Route53 public hosted zone name that contains hostname (or set hostedZoneId).",
    unset: "",
  },
  hostedZoneId: {
    type: "string",
    description: "Route53 hosted zone ID that contains hostname (or set hostedZone).",
    unset: "",
  },
  loadBalancer: {
    type: "string",
    description: "l4: NLB passes TCP 80/443, ingress terminates TLS. l7: ALB terminates TLS (ACM).",
    default: DEFAULTS.loadBalancer,
  },
  serverCount: {
    type: "integer",
    description: "RKE2 servers: 3, 5 or 7 (1 = non-HA sandbox).",
    default: DEFAULTS.serverCount,
  },
  instanceType: {
    type: "string",
    description: "EC2 instance type of the servers (RKE2 needs at least 2 vCPU / 4 GiB).",
    default: DEFAULTS.instanceType,
  },
  rootVolumeGiB: {
    type: "integer",
    description: "Root volume size (gp3, encrypted).",
    default: DEFAULTS.rootVolumeGiB,
  },
  amiId: {
    type: "string",
    description:
      "AMI for the servers. Default: newest Ubuntu 24.04 LTS amd64 from Canonical at creation; a newer AMI later never replaces running servers.",
    unset: "",
  },
  sshUser: {
    type: "string",
    description: "SSH user on the servers.",
    default: DEFAULTS.sshUser,
  },
  sshPrivateKey: {
    type: "string",
    description: "SSH private key (PEM/OpenSSH). Default: an ED25519 key generated by the stack.",
    secret: true,
  },
  adminCidrs: {
    type: "string[]",
    description: "The only sources allowed to SSH (22) and the Kubernetes API (6443).",
    unset: "[]",
  },
  ingressCidrs: {
    type: "string[]",
    description: "Sources allowed to reach Rancher on 80/443 through the load balancer.",
    default: [...DEFAULTS.ingressCidrs],
  },
  vpcCidr: {
    type: "string",
    description: "CIDR of the new VPC (one public subnet per AZ). Ignored with vpcId.",
    default: DEFAULTS.vpcCidr,
    unset: "",
  },
  vpcId: {
    type: "string",
    description: "Existing VPC to use (with subnetIds) instead of creating one.",
    unset: "",
  },
  subnetIds: {
    type: "string[]",
    description: "Existing public subnets (at least two AZs) in vpcId.",
    unset: "[]",
  },
  availabilityZones: {
    type: "string[]",
    description: "AZs for the new VPC's subnets (2 or 3). Default: the region's first three.",
    unset: "[]",
  },
  rke2Version: {
    type: "string",
    description: "RKE2 release, e.g. v1.36.3+rke2r1.",
    default: DEFAULTS.rke2Version,
  },
  rancherVersion: {
    type: "string",
    description:
      "Rancher release (chart version), e.g. 2.15.0; one this program knows the Kubernetes cap of.",
    default: DEFAULTS.rancherVersion,
  },
  rancherChartRepository: {
    type: "string",
    description:
      "Helm repository of the Rancher chart: latest (every release), stable (promoted later, some never), prime (Rancher Prime) or an https URL.",
    default: DEFAULTS.rancherChartRepository,
  },
  certManagerVersion: {
    type: "string",
    description: "cert-manager chart version, e.g. v1.21.1.",
    default: DEFAULTS.certManagerVersion,
  },
  ingressController: {
    type: "string",
    description: "traefik or ingress-nginx. Default: what RKE2 installs for rke2Version.",
    unset: "",
  },
  tlsSource: {
    type: "string",
    description: "L4 only: rancher (self-signed via cert-manager), letsEncrypt or secret.",
    unset: "",
  },
  letsEncryptEmail: {
    type: "string",
    description: "Contact email for Let's Encrypt (tlsSource letsEncrypt).",
    unset: "",
  },
  letsEncryptEnvironment: {
    type: "string",
    description: "Let's Encrypt environment: production or staging.",
    default: DEFAULTS.letsEncryptEnvironment,
  },
  tlsCertificate: {
    type: "string",
    description: "PEM certificate (chain) for hostname (tlsSource secret).",
    unset: "",
  },
  tlsPrivateKey: {
    type: "string",
    description: "PEM private key of tlsCertificate (tlsSource secret).",
    secret: true,
  },
  tlsCaCertificate: {
    type: "string",
    description:
      "PEM of the private CA that signed tlsCertificate (tlsSource secret), so Rancher's agents can verify it. Required when no public CA signed it.",
    unset: "",
  },
  bootstrapPassword: {
    type: "string",
    description: "Rancher bootstrap password. Default: 24 random characters.",
    secret: true,
  },
  certificateArn: {
    type: "string",
    description: "L7 only: existing ACM certificate for hostname. Default: one is created.",
    unset: "",
  },
  sslPolicy: {
    type: "string",
    description: "L7 only: ALB TLS policy.",
    default: DEFAULTS.sslPolicy,
    unset: "",
  },
  idleTimeoutSeconds: {
    type: "integer",
    description: "L7 only: ALB idle timeout (Rancher's websockets want 1800).",
    default: DEFAULTS.idleTimeoutSeconds,
    unset: "0",
  },
  tags: {
    type: "map",
    description: "Tags for every taggable AWS resource (a stack tag is always added).",
    unset: "{}",
  },
  protect: {
    type: "boolean",
    description:
      "Deletion protection on the load balancers and Pulumi protect on stateful resources.",
    default: DEFAULTS.protect,
  },
  replaceServer: {
    type: "integer",
    description:
      "Replace this one server (1-based) with the current amiId, instanceType and SSH key; the others keep theirs. Roll a change with one up per server: 1, 2, 3.",
    unset: "0",
  },
  auditLogLevel: {
    type: "integer",
    description: "Rancher API audit log level 0-3 (unset: audit log off).",
    unset: "-1",
  },
};

export const SETTING_KEYS = Object.keys(CONFIG_KEYS) as SettingKey[];
export const SECRET_KEYS = SETTING_KEYS.filter((k) => CONFIG_KEYS[k].secret);

export interface ConfigProblem {
  key: string;
  message: string;
}

/** Invalid configuration: every problem, one line each, naming the key and the fix. */
export class ConfigError extends Error {
  constructor(public readonly problems: ConfigProblem[]) {
    super(
      `invalid configuration (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n` +
        problems.map(formatProblem).join("\n"),
    );
    this.name = "ConfigError";
  }
}

export function formatProblem(p: ConfigProblem): string {
  const key = p.key.includes(":") ? p.key : `${PROJECT}:${p.key}`;
  return `  - ${key}: ${p.message}`;
}

export interface ConfigContext {
  project?: string;
  stack: string;
  /** `aws:region` */
  region?: string;
  /** RKE2 version deployed by the previous update, when known (to refuse unsupported upgrades). */
  previousRke2Version?: string;
}

export interface ResolvedConfig {
  config: RancherHaConfig;
  warnings: string[];
}

// ---------------------------------------------------------------------------------------------
// raw → settings

/**
 * Types raw string values (as Pulumi stores them; lists and maps as JSON) into settings.
 * Keys are bare (`hostname`) or namespaced (`rancher-ha:hostname`); other namespaces are ignored.
 */
export function parseSettings(raw: Readonly<Record<string, string>>): {
  settings: RancherHaSettings;
  problems: ConfigProblem[];
} {
  const problems: ConfigProblem[] = [];
  const settings: Record<string, unknown> = {};
  for (const [fullKey, value] of Object.entries(raw)) {
    const colon = fullKey.indexOf(":");
    const ns = colon < 0 ? PROJECT : fullKey.slice(0, colon);
    const key = colon < 0 ? fullKey : fullKey.slice(colon + 1);
    if (ns !== PROJECT) continue;
    const spec = (CONFIG_KEYS as Record<string, KeySpec | undefined>)[key];
    if (!spec) {
      const near = nearest(key, SETTING_KEYS);
      problems.push({
        key,
        message: `unknown key${near ? `; did you mean "${near}"?` : ""} (known keys are listed in Pulumi.yaml)`,
      });
      continue;
    }
    if (value === "" || value === spec.unset) continue;
    const typed = parseValue(key, spec.type, value, problems);
    if (typed !== undefined) settings[key] = typed;
  }
  return { settings: settings, problems };
}

function parseValue(key: string, type: KeyType, value: string, problems: ConfigProblem[]): unknown {
  switch (type) {
    case "string":
      return value;
    case "integer": {
      if (!/^-?\d+$/.test(value.trim())) {
        problems.push({ key, message: `"${value}" is not a whole number` });
        return undefined;
      }
      return Number(value.trim());
    }
    case "boolean": {
      if (value === "true" || value === "false") return value === "true";
      problems.push({ key, message: `"${value}" is not true or false` });
      return undefined;
    }
    case "string[]": {
      const parsed = tryJson(value);
      if (Array.isArray(parsed) && parsed.every((v) => typeof v === "string")) return parsed;
      problems.push({
        key,
        message: `must be a JSON list of strings, e.g. pulumi config set --path '${key}[0]' <value>, or '["a","b"]'`,
      });
      return undefined;
    }
    case "map": {
      const parsed = tryJson(value);
      // `pulumi config set --path tags.year 2024` stores a number: tags are strings to AWS.
      const scalar = (v: unknown) => ["string", "number", "boolean"].includes(typeof v);
      if (
        parsed !== null &&
        typeof parsed === "object" &&
        !Array.isArray(parsed) &&
        Object.values(parsed).every(scalar)
      ) {
        return Object.fromEntries(Object.entries(parsed).map(([k, v]) => [k, String(v)]));
      }
      problems.push({
        key,
        message: `must be a map of strings, e.g. pulumi config set --path '${key}.team' platform`,
      });
      return undefined;
    }
  }
}

function tryJson(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return undefined;
  }
}

/** The inverse of parseSettings: what `pulumi config set` (or the Automation API) stores. */
export function settingsToRaw(
  settings: RancherHaSettings,
): Record<string, { value: string; secret: boolean }> {
  const out: Record<string, { value: string; secret: boolean }> = {};
  for (const key of SETTING_KEYS) {
    const v = settings[key];
    if (v === undefined) continue;
    const value = typeof v === "string" ? v : JSON.stringify(v);
    out[`${PROJECT}:${key}`] = { value, secret: CONFIG_KEYS[key].secret === true };
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// settings → config

export function resolveConfig(settings: RancherHaSettings, ctx: ConfigContext): ResolvedConfig {
  const problems: ConfigProblem[] = [];
  const warnings: string[] = [];
  const bad = (key: string, message: string) => problems.push({ key, message });
  const s = settings;

  // Region
  const region = ctx.region ?? "";
  if (!region) bad("aws:region", "not set; run: pulumi config set aws:region <region>");
  else {
    const p = regionProblem(region);
    if (p) bad("aws:region", p);
  }

  // Hostname and zone
  // A trailing dot (the absolute form DNS tools and the Route53 console print) is accepted and
  // dropped, for the hostname as for the zone: one canonical name everywhere.
  const hostname = absoluteToRelative(s.hostname ?? "");
  if (!hostname)
    bad("hostname", "required; set the FQDN Rancher will answer on, e.g. rancher.example.com");
  else if (!isFqdn(hostname)) {
    bad(
      "hostname",
      `"${hostname}" is not a valid lowercase FQDN (labels of a-z, 0-9 and '-', at least two labels)`,
    );
  }
  const zoneName = s.hostedZone !== undefined ? absoluteToRelative(s.hostedZone) : undefined;
  if (s.hostedZone !== undefined && s.hostedZoneId !== undefined) {
    bad("hostedZone", "set exactly one of hostedZone and hostedZoneId, not both");
  } else if (s.hostedZone === undefined && s.hostedZoneId === undefined) {
    bad("hostedZone", "required: set hostedZone (zone name) or hostedZoneId");
  }
  if (zoneName !== undefined) {
    if (!isFqdn(zoneName)) bad("hostedZone", `"${s.hostedZone}" is not a valid zone name`);
    else if (
      hostname &&
      isFqdn(hostname) &&
      hostname !== zoneName &&
      !hostname.endsWith(`.${zoneName}`)
    ) {
      bad(
        "hostname",
        `"${hostname}" is not inside hosted zone "${zoneName}"; use a name ending in .${zoneName}`,
      );
    }
  }
  if (s.hostedZoneId !== undefined && !/^Z[A-Z0-9]{4,32}$/.test(s.hostedZoneId)) {
    bad(
      "hostedZoneId",
      `"${s.hostedZoneId}" is not a Route53 zone ID (Z followed by letters/digits)`,
    );
  }

  // Load balancer mode
  const lb = s.loadBalancer ?? DEFAULTS.loadBalancer;
  if (lb !== "l4" && lb !== "l7") {
    bad("loadBalancer", `"${String(lb)}" is not a load balancer mode; use l4 (NLB) or l7 (ALB)`);
  }

  // Servers
  const serverCount = s.serverCount ?? DEFAULTS.serverCount;
  const validServerCount = [1, 3, 5, 7].includes(serverCount);
  if (!validServerCount) {
    const why =
      serverCount < 0
        ? ": a number of servers cannot be negative"
        : serverCount === 0
          ? ": the cluster needs at least one server"
          : "";
    bad(
      "serverCount",
      `${serverCount} is not supported${why}; use an odd count of 3, 5 or 7 (etcd quorum), or 1 for a sandbox`,
    );
  } else if (serverCount === 1) {
    warnings.push("rancher-ha:serverCount is 1: a sandbox without high availability");
  }
  const instanceType = s.instanceType ?? DEFAULTS.instanceType;
  const itProblem = instanceTypeProblem(instanceType);
  if (itProblem) bad("instanceType", itProblem);
  const rootVolumeGiB = s.rootVolumeGiB ?? DEFAULTS.rootVolumeGiB;
  if (!Number.isInteger(rootVolumeGiB) || rootVolumeGiB < 30 || rootVolumeGiB > 16384) {
    bad("rootVolumeGiB", `${rootVolumeGiB} is out of range; use 30 to 16384 GiB (100 recommended)`);
  }
  if (s.amiId !== undefined && !/^ami-[0-9a-f]{8}([0-9a-f]{9})?$/.test(s.amiId)) {
    bad("amiId", `"${s.amiId}" is not an AMI ID like ami-0123456789abcdef0`);
  }
  const sshUser = s.sshUser ?? DEFAULTS.sshUser;
  if (!/^[a-z_][a-z0-9_-]{0,31}$/.test(sshUser)) {
    bad("sshUser", `"${sshUser}" is not a valid Linux user name`);
  }
  if (
    s.sshPrivateKey !== undefined &&
    !/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(s.sshPrivateKey)
  ) {
    bad("sshPrivateKey", "is not a PEM or OpenSSH private key (-----BEGIN … PRIVATE KEY-----)");
  }

  // Networks
  const adminCidrs = s.adminCidrs ?? [];
  if (s.adminCidrs === undefined || adminCidrs.length === 0) {
    bad(
      "adminCidrs",
      `required; the networks allowed to SSH and reach the Kubernetes API, e.g. '["203.0.113.0/24"]'`,
    );
  }
  for (const c of adminCidrs) {
    const p = cidrProblem(c);
    if (p) bad("adminCidrs", p);
    else if (isWorldCidr(c)) {
      bad(
        "adminCidrs",
        `${c} opens SSH and the Kubernetes API to the whole internet; list your own networks`,
      );
    }
  }
  for (const p of adminBreadthProblems(adminCidrs)) bad("adminCidrs", p);
  const ingressCidrs = s.ingressCidrs ?? [...DEFAULTS.ingressCidrs];
  if (ingressCidrs.length === 0)
    bad("ingressCidrs", "must list at least one CIDR (default 0.0.0.0/0)");
  for (const c of ingressCidrs) {
    const p = cidrProblem(c);
    if (p) bad("ingressCidrs", p);
  }

  let network: RancherHaConfig["network"];
  if (s.vpcId !== undefined || s.subnetIds !== undefined) {
    if (s.vpcId === undefined)
      bad("vpcId", "required with subnetIds (the VPC the subnets belong to)");
    else if (!/^vpc-[0-9a-f]{8}([0-9a-f]{9})?$/.test(s.vpcId)) {
      bad("vpcId", `"${s.vpcId}" is not a VPC ID like vpc-0123456789abcdef0`);
    }
    const subnets = s.subnetIds ?? [];
    if (s.subnetIds === undefined)
      bad("subnetIds", "required with vpcId: public subnets in at least two AZs");
    else if (new Set(subnets).size < 2) {
      bad("subnetIds", "list at least two distinct subnets in different availability zones");
    }
    for (const id of subnets) {
      if (!/^subnet-[0-9a-f]{8}([0-9a-f]{9})?$/.test(id)) {
        bad("subnetIds", `"${id}" is not a subnet ID like subnet-0123456789abcdef0`);
      }
    }
    if (s.vpcCidr !== undefined)
      bad("vpcCidr", "is only for a new VPC; remove it when vpcId is set");
    if (s.availabilityZones !== undefined) {
      bad("availabilityZones", "is only for a new VPC; with vpcId the subnets decide the AZs");
    }
    network = { kind: "existing", vpcId: s.vpcId ?? "", subnetIds: subnets };
  } else {
    const vpcCidr = s.vpcCidr ?? DEFAULTS.vpcCidr;
    const p = cidrProblem(vpcCidr);
    if (p) bad("vpcCidr", p);
    else if (parseCidr(vpcCidr)?.family !== 4) bad("vpcCidr", "must be an IPv4 CIDR");
    else {
      const prefix = parseCidr(vpcCidr)!.prefix;
      if (prefix < 16 || prefix > 24) {
        bad(
          "vpcCidr",
          `/${prefix} is out of range; use a prefix from /16 to /24 (e.g. 10.20.0.0/16)`,
        );
      }
    }
    const azs = s.availabilityZones;
    if (azs !== undefined) {
      if (azs.length < 2 || azs.length > 3 || new Set(azs).size !== azs.length) {
        bad("availabilityZones", "list two or three distinct availability zones");
      }
      for (const az of azs) {
        if (region && !(az.startsWith(region) && /^[a-z]$/.test(az.slice(region.length)))) {
          bad("availabilityZones", `"${az}" is not an availability zone of ${region}`);
        }
      }
      // Known here already: servers over two zones cannot survive losing the busier one.
      const spread = azs.map((az) => ({ id: az, availabilityZone: az }));
      const w =
        spread.length > 0 &&
        zoneLossWarning("rancher-ha:availabilityZones", serverZones(serverCount, spread));
      if (w) warnings.push(w);
    }
    network = { kind: "new", vpcCidr, ...(azs ? { availabilityZones: azs } : {}) };
  }

  // Versions
  const rke2Version = s.rke2Version ?? DEFAULTS.rke2Version;
  const rke2 = parseRke2Version(rke2Version);
  if (!rke2) bad("rke2Version", `"${rke2Version}" is not an RKE2 release like v1.36.3+rke2r1`);
  const rancherVersion = (s.rancherVersion ?? DEFAULTS.rancherVersion).replace(/^v/, "");
  const parsedRancher = parseChartVersion(rancherVersion);
  const rancher = parsedRancher && rancherRelease(parsedRancher) ? parsedRancher : undefined;
  if (!parsedRancher) {
    bad("rancherVersion", `"${s.rancherVersion}" is not a chart version like 2.15.0`);
  } else if (!rancher) {
    bad(
      "rancherVersion",
      `${rancherVersion} is not a Rancher release this program knows (${knownRancherReleases()}); a newer one needs its chart's kubeVersion cap added to components/versions.ts`,
    );
  }
  const chartRepo = rancherChartRepositoryUrl(
    s.rancherChartRepository ?? DEFAULTS.rancherChartRepository,
  );
  if ("problem" in chartRepo) bad("rancherChartRepository", chartRepo.problem);
  else if (s.rancherChartRepository === "stable") {
    warnings.push(
      `rancher-ha:rancherChartRepository is stable: it only gets releases promoted by hand after they ship (some never); check that \`helm search repo rancher-stable/rancher --versions\` lists ${rancherVersion}, or use latest`,
    );
  }
  const certManagerVersion = s.certManagerVersion ?? DEFAULTS.certManagerVersion;
  if (!parseCertManagerVersion(certManagerVersion)) {
    bad(
      "certManagerVersion",
      `"${certManagerVersion}" is not a cert-manager chart version like v1.21.1`,
    );
  }
  if (rke2 && rancher) {
    if (!rancherAdmitsKube(rancher, rke2)) {
      bad(
        "rke2Version",
        `${rke2Version} (Kubernetes 1.${rke2.minor}) is above what Rancher ${rancherVersion} supports (chart kubeVersion cap); pick an older RKE2 or a newer Rancher`,
      );
    }
  }
  if (rke2 && ctx.previousRke2Version) {
    const prev = parseRke2Version(ctx.previousRke2Version);
    const p = prev && rke2UpgradeProblem(prev, rke2);
    if (p) bad("rke2Version", `${ctx.previousRke2Version} → ${rke2Version} ${p}`);
  }

  // For a new cluster; a running one keeps the controller pinned in the state (ingressPin.ts).
  let ingressController: IngressController = rke2 ? defaultIngressController(rke2) : "traefik";
  if (s.ingressController !== undefined) {
    if (s.ingressController !== "traefik" && s.ingressController !== "ingress-nginx") {
      bad("ingressController", `"${String(s.ingressController)}" is not traefik or ingress-nginx`);
    } else {
      ingressController = s.ingressController;
      if (ingressController === "ingress-nginx" && rke2 && !rke2ShipsIngressNginx(rke2)) {
        bad("ingressController", `RKE2 ${rke2Version} no longer ships ingress-nginx; use traefik`);
      }
      warnings.push(
        `rancher-ha:ingressController is set to ${ingressController}: if the cluster runs the other controller, this update switches it (${switchConsequences(ingressController)}). The cluster keeps ${ingressController} when the key is unset later.`,
      );
    }
  }

  // TLS
  let tlsSource: TlsSource | undefined;
  if (lb === "l7") {
    if (s.tlsSource !== undefined) {
      bad(
        "tlsSource",
        "does not apply to l7: the ALB terminates TLS with an ACM certificate; remove it",
      );
    }
    for (const k of [
      "letsEncryptEmail",
      "tlsCertificate",
      "tlsPrivateKey",
      "tlsCaCertificate",
    ] as const) {
      if (s[k] !== undefined) bad(k, "does not apply to l7 (the ALB terminates TLS); remove it");
    }
    if (s.certificateArn !== undefined) {
      const m = /^arn:aws[a-z-]*:acm:([a-z0-9-]+):(\d{12}):certificate\/[0-9a-f-]{36}$/.exec(
        s.certificateArn,
      );
      if (!m) bad("certificateArn", `"${s.certificateArn}" is not an ACM certificate ARN`);
      else if (region && m[1] !== region) {
        bad(
          "certificateArn",
          `is in ${m[1]} but the stack is in ${region}; an ALB needs a certificate from its own region`,
        );
      }
    }
    const policyProblem = sslPolicyProblem(s.sslPolicy ?? DEFAULTS.sslPolicy, DEFAULTS.sslPolicy);
    if (policyProblem) bad("sslPolicy", policyProblem);
    const idle = s.idleTimeoutSeconds ?? DEFAULTS.idleTimeoutSeconds;
    if (!Number.isInteger(idle) || idle < 60 || idle > 4000) {
      bad("idleTimeoutSeconds", `${idle} is out of range; use 60 to 4000 (Rancher asks for 1800)`);
    }
  } else {
    for (const k of ["certificateArn", "sslPolicy", "idleTimeoutSeconds"] as const) {
      if (s[k] !== undefined)
        bad(k, `applies only to loadBalancer l7; remove it or set loadBalancer to l7`);
    }
    tlsSource = s.tlsSource ?? DEFAULTS.tlsSource;
    if (!["rancher", "letsEncrypt", "secret"].includes(tlsSource)) {
      bad("tlsSource", `"${tlsSource}" is not rancher, letsEncrypt or secret`);
    }
    if (tlsSource === "letsEncrypt") {
      if (!s.letsEncryptEmail) bad("letsEncryptEmail", "required with tlsSource letsEncrypt");
      // HTTP-01 arrives on port 80 from addresses Let's Encrypt does not publish: with 80 open
      // to less than the whole IPv4 internet, issuance can never complete.
      if (!coversAllIpv4(ingressCidrs)) {
        bad(
          "tlsSource",
          `letsEncrypt validates over HTTP on port 80 from addresses Let's Encrypt does not publish, and rancher-ha:ingressCidrs does not open 80 to 0.0.0.0/0, so the certificate would never be issued; add "0.0.0.0/0" to ingressCidrs, or use tlsSource secret (your own certificate) or loadBalancer l7 (ACM)`,
        );
      }
    } else if (s.letsEncryptEmail !== undefined) {
      bad("letsEncryptEmail", "only applies with tlsSource letsEncrypt; remove it");
    }
    if (tlsSource === "secret") {
      if (!s.tlsCertificate)
        bad("tlsCertificate", "required with tlsSource secret (PEM certificate)");
      if (!s.tlsPrivateKey)
        bad("tlsPrivateKey", "required with tlsSource secret (set it with --secret)");
      if (s.tlsCertificate && s.tlsPrivateKey) {
        const problems = certificateProblems({
          certificate: s.tlsCertificate,
          privateKey: s.tlsPrivateKey,
          hostname,
          ...(s.tlsCaCertificate !== undefined ? { caCertificate: s.tlsCaCertificate } : {}),
        });
        for (const [key, message] of problems) bad(key, message);
      }
    } else {
      for (const k of ["tlsCertificate", "tlsPrivateKey", "tlsCaCertificate"] as const) {
        if (s[k] !== undefined) bad(k, "only applies with tlsSource secret; remove it");
      }
    }
  }
  if (s.letsEncryptEmail !== undefined && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(s.letsEncryptEmail)) {
    bad("letsEncryptEmail", `"${s.letsEncryptEmail}" is not an email address`);
  }
  const leEnv = s.letsEncryptEnvironment ?? DEFAULTS.letsEncryptEnvironment;
  if (leEnv !== "production" && leEnv !== "staging") {
    bad("letsEncryptEnvironment", `"${String(leEnv)}" is not production or staging`);
  } else if (leEnv === "staging" && tlsSource === "letsEncrypt") {
    warnings.push(
      "rancher-ha:letsEncryptEnvironment is staging: browsers and Rancher agents do not trust staging certificates; use it only to test issuance",
    );
  }

  if (s.bootstrapPassword !== undefined && s.bootstrapPassword.length < 12) {
    bad(
      "bootstrapPassword",
      "is shorter than the 12 characters Rancher accepts; use a longer secret or unset it",
    );
  }

  const tags = s.tags ?? {};
  for (const [k, v] of Object.entries(tags)) {
    if (k.length === 0 || k.length > 128) bad("tags", `tag key "${k}" must be 1 to 128 characters`);
    if (/^aws:/i.test(k)) bad("tags", `tag key "${k}" uses the reserved aws: prefix`);
    if (v.length > 256) bad("tags", `tag "${k}" has a value over 256 characters`);
  }

  // Against a bad serverCount the range would read "use 1 to -3": that key is reported already.
  if (
    s.replaceServer !== undefined &&
    validServerCount &&
    (!Number.isInteger(s.replaceServer) || s.replaceServer < 1 || s.replaceServer > serverCount)
  ) {
    bad(
      "replaceServer",
      `${s.replaceServer} is not a server; use 1 to ${serverCount}, or unset it`,
    );
  }
  if (s.auditLogLevel !== undefined && ![0, 1, 2, 3].includes(s.auditLogLevel)) {
    bad(
      "auditLogLevel",
      `${s.auditLogLevel} is not an audit level; use 0 to 3 (1 logs metadata and headers)`,
    );
  }

  if (problems.length > 0) throw new ConfigError(problems);

  const config: RancherHaConfig = {
    project: ctx.project ?? PROJECT,
    stack: ctx.stack,
    region,
    hostname,
    ...(zoneName !== undefined ? { hostedZone: zoneName } : {}),
    ...(s.hostedZoneId !== undefined ? { hostedZoneId: s.hostedZoneId } : {}),
    loadBalancer: lb,
    serverCount: serverCount as ServerCount,
    instanceType,
    rootVolumeGiB,
    ...(s.amiId !== undefined ? { amiId: s.amiId } : {}),
    sshUser,
    ...(s.sshPrivateKey !== undefined ? { sshPrivateKey: s.sshPrivateKey } : {}),
    adminCidrs,
    ingressCidrs,
    network,
    rke2Version,
    rancherVersion,
    rancherChartRepository: "url" in chartRepo ? chartRepo.url : "",
    certManagerVersion,
    ingressController,
    ...(s.ingressController !== undefined ? { ingressControllerExplicit: true } : {}),
    ...(tlsSource !== undefined ? { tlsSource } : {}),
    ...(s.letsEncryptEmail !== undefined ? { letsEncryptEmail: s.letsEncryptEmail } : {}),
    letsEncryptEnvironment: leEnv,
    ...(s.tlsCertificate !== undefined ? { tlsCertificate: s.tlsCertificate } : {}),
    ...(s.tlsPrivateKey !== undefined ? { tlsPrivateKey: s.tlsPrivateKey } : {}),
    ...(s.tlsCaCertificate !== undefined ? { tlsCaCertificate: s.tlsCaCertificate } : {}),
    ...(s.bootstrapPassword !== undefined ? { bootstrapPassword: s.bootstrapPassword } : {}),
    ...(s.certificateArn !== undefined ? { certificateArn: s.certificateArn } : {}),
    sslPolicy: s.sslPolicy ?? DEFAULTS.sslPolicy,
    idleTimeoutSeconds: s.idleTimeoutSeconds ?? DEFAULTS.idleTimeoutSeconds,
    tags,
    protect: s.protect ?? DEFAULTS.protect,
    ...(s.auditLogLevel !== undefined ? { auditLogLevel: s.auditLogLevel as 0 | 1 | 2 | 3 } : {}),
    ...(s.replaceServer !== undefined ? { replaceServer: s.replaceServer } : {}),
  };
  return { config, warnings };
}

/** raw → config in one go; throws ConfigError listing parse and validation problems together. */
export function loadConfig(
  raw: Readonly<Record<string, string>>,
  ctx: ConfigContext,
): ResolvedConfig {
  const { settings, problems } = parseSettings(raw);
  for (const [key, message] of awsKeyProblems(raw)) problems.push({ key, message });
  const region = ctx.region ?? raw["aws:region"];
  let resolved: ResolvedConfig;
  try {
    resolved = resolveConfig(settings, { ...ctx, region });
  } catch (e) {
    if (e instanceof ConfigError) throw new ConfigError([...problems, ...e.problems]);
    throw e;
  }
  // Thrown outside the try: inside it, the catch above would add these problems a second time.
  if (problems.length > 0) throw new ConfigError(problems);
  return resolved;
}

// ---------------------------------------------------------------------------------------------
// checks

/** "example.com." → "example.com" (only one trailing dot: "a.." stays invalid). */
function absoluteToRelative(name: string): string {
  return name.endsWith(".") && !name.endsWith("..") ? name.slice(0, -1) : name;
}
