// Settings → the resolved config: every validator runs, every problem is collected, and only a
// config without problems is built, in the shape components consume (./resolved.ts).
import { rancherChartRepositoryUrl } from "../rancher/charts";
import { parseSettings } from "./parse";
import {
  ConfigError,
  isProblem,
  type ConfigProblem,
  type Finding,
  type ValidationContext,
} from "./problems";
import type {
  BackupsConfig,
  AccessConfig,
  FrontEndConfig,
  NetworkConfig,
  RancherHaConfig,
  ZoneRef,
} from "./resolved";
import { DEFAULTS, PROJECT, type RancherHaSettings } from "./schema";
import { VALIDATORS } from "./validators";
import { loadBalancerSchemeOf, natGatewaysOf, nodeAccessOf } from "./validators/access";
import { awsKeyProblems } from "./validators/aws";
import { backupsOn } from "./validators/backups";
import { absoluteToRelative, hostnameOf } from "./validators/dns";
import { modeOf } from "./validators/loadBalancer";
import { ingressCidrsOf, usesExistingVpc } from "./validators/network";
import { isAuditLogLevel } from "./validators/rancher";
import { isServerCount, serverCountOf } from "./validators/servers";
import { tlsSourceOf } from "./validators/tls";
import { ingressControllerOf, rancherVersionOf } from "./validators/versions";

export interface ConfigContext extends ValidationContext {
  project?: string;
  stack: string;
  /** `aws:profile`, passed on to the SSM runner. */
  awsProfile?: string;
}

export interface ResolvedConfig {
  config: RancherHaConfig;
  warnings: string[];
}

/** Every validator's findings for these settings: problems and warnings, in report order. */
export function validateSettings(s: RancherHaSettings, ctx: ValidationContext): Finding[] {
  return VALIDATORS.flatMap((check) => check(s, ctx));
}

/** Validates the settings and resolves them; throws ConfigError listing every problem. */
export function resolveConfig(settings: RancherHaSettings, ctx: ConfigContext): ResolvedConfig {
  const findings = validateSettings(settings, ctx);
  const problems = findings.filter(isProblem);
  if (problems.length > 0) throw new ConfigError(problems);
  const warnings = findings.flatMap((f) => ("warning" in f ? [f.warning] : []));
  return { config: build(settings, ctx), warnings };
}

/** raw → config in one go; throws ConfigError listing parse and validation problems together. */
export function loadConfig(
  raw: Readonly<Record<string, string>>,
  ctx: ConfigContext,
): ResolvedConfig {
  const { settings, problems } = parseSettings(raw);
  for (const [key, message] of awsKeyProblems(raw)) problems.push({ key, message });
  const region = ctx.region ?? raw["aws:region"];
  const awsKeys = ctx.awsKeys ?? Object.keys(raw).filter((k) => k.startsWith("aws:"));
  let resolved: ResolvedConfig;
  try {
    const awsProfile = ctx.awsProfile ?? raw["aws:profile"];
    resolved = resolveConfig(settings, {
      ...ctx,
      awsKeys,
      ...(awsProfile !== undefined ? { awsProfile } : {}),
      ...(region !== undefined ? { region } : {}),
    });
  } catch (e) {
    if (e instanceof ConfigError) throw new ConfigError([...problems, ...e.problems]);
    throw e;
  }
  // Thrown outside the try: inside it, the catch above would add these problems a second time.
  if (problems.length > 0) throw new ConfigError(problems);
  return resolved;
}

/** An impossible state: validation passed but did not prove what the build relies on. */
function unproven(what: string): never {
  throw new Error(`internal error: validated config has ${what}`);
}

/** Settings that passed every validator → the resolved config (defaults applied). */
function build(s: RancherHaSettings, ctx: ConfigContext): RancherHaConfig {
  const serverCount = serverCountOf(s);
  if (!isServerCount(serverCount)) unproven(`serverCount ${serverCount}`);
  const chartRepository = rancherChartRepositoryUrl(
    s.rancherChartRepository ?? DEFAULTS.rancherChartRepository,
  );
  if (!("url" in chartRepository)) unproven("no chart repository URL");
  if (s.auditLogLevel !== undefined && !isAuditLogLevel(s.auditLogLevel)) {
    unproven(`auditLogLevel ${s.auditLogLevel}`);
  }
  return {
    project: ctx.project ?? PROJECT,
    stack: ctx.stack,
    region: ctx.region ?? unproven("no region"),
    hostname: hostnameOf(s),
    zone: zoneOf(s),
    frontEnd: frontEndOf(s),
    serverCount,
    instanceType: s.instanceType ?? DEFAULTS.instanceType,
    rootVolumeGiB: s.rootVolumeGiB ?? DEFAULTS.rootVolumeGiB,
    ...(s.amiId !== undefined ? { amiId: s.amiId } : {}),
    sshUser: s.sshUser ?? DEFAULTS.sshUser,
    ...(s.sshPrivateKey !== undefined ? { sshPrivateKey: s.sshPrivateKey } : {}),
    ...(s.replaceServer !== undefined ? { replaceServer: s.replaceServer } : {}),
    adminCidrs: s.adminCidrs ?? unproven("no adminCidrs"),
    ingressCidrs: ingressCidrsOf(s),
    network: networkOf(s),
    access: accessOf(s),
    ...(ctx.awsProfile !== undefined ? { awsProfile: ctx.awsProfile } : {}),
    loadBalancerScheme: loadBalancerSchemeOf(s),
    rke2Version: s.rke2Version ?? DEFAULTS.rke2Version,
    rancherVersion: rancherVersionOf(s),
    rancherChartRepository: chartRepository.url,
    certManagerVersion: s.certManagerVersion ?? DEFAULTS.certManagerVersion,
    ingressController: ingressControllerOf(s),
    ingressControllerExplicit: s.ingressController !== undefined,
    ...(s.bootstrapPassword !== undefined ? { bootstrapPassword: s.bootstrapPassword } : {}),
    ...(s.auditLogLevel !== undefined ? { auditLogLevel: s.auditLogLevel } : {}),
    backups: backupsOf(s),
    tags: s.tags ?? {},
    protect: s.protect ?? DEFAULTS.protect,
    preloadImages: s.preloadImages ?? DEFAULTS.preloadImages,
  };
}

function backupsOf(s: RancherHaSettings): BackupsConfig {
  if (!backupsOn(s)) return { enabled: false };
  return {
    enabled: true,
    bucket:
      s.etcdBackupBucket !== undefined
        ? { kind: "existing", name: s.etcdBackupBucket }
        : { kind: "new", forceDestroy: s.forceDestroyBackups ?? DEFAULTS.forceDestroyBackups },
    ...(s.backupKmsKeyArn !== undefined ? { kmsKeyArn: s.backupKmsKeyArn } : {}),
    etcd: {
      schedule: s.etcdSnapshotSchedule ?? DEFAULTS.etcdSnapshotSchedule,
      retention: s.etcdSnapshotRetention ?? DEFAULTS.etcdSnapshotRetention,
    },
    rancher: {
      schedule: s.rancherBackupSchedule ?? DEFAULTS.rancherBackupSchedule,
      retention: s.rancherBackupRetention ?? DEFAULTS.rancherBackupRetention,
      ...(s.rancherBackupEncryptionKey !== undefined
        ? { encryptionKey: s.rancherBackupEncryptionKey }
        : {}),
    },
  };
}

function zoneOf(s: RancherHaSettings): ZoneRef {
  if (s.hostedZoneId !== undefined) return { id: s.hostedZoneId };
  if (s.hostedZone !== undefined) return { name: absoluteToRelative(s.hostedZone) };
  return unproven("no hosted zone");
}

function frontEndOf(s: RancherHaSettings): FrontEndConfig {
  const mode = modeOf(s);
  switch (mode) {
    case "l7":
      return {
        mode,
        ...(s.certificateArn !== undefined ? { certificateArn: s.certificateArn } : {}),
        sslPolicy: s.sslPolicy ?? DEFAULTS.sslPolicy,
        idleTimeoutSeconds: s.idleTimeoutSeconds ?? DEFAULTS.idleTimeoutSeconds,
      };
    case "l4":
      return { mode, tls: l4TlsOf(s) };
    default: {
      const unknown: never = mode;
      return unproven(`load balancer mode ${String(unknown)}`);
    }
  }
}

function l4TlsOf(s: RancherHaSettings): Extract<FrontEndConfig, { mode: "l4" }>["tls"] {
  const source = tlsSourceOf(s) ?? unproven("no TLS source in l4");
  switch (source) {
    case "rancher":
      return { source };
    case "letsEncrypt":
      return {
        source,
        email: s.letsEncryptEmail ?? unproven("no letsEncryptEmail"),
        environment: s.letsEncryptEnvironment ?? DEFAULTS.letsEncryptEnvironment,
      };
    case "secret":
      return {
        source,
        certificate: s.tlsCertificate ?? unproven("no tlsCertificate"),
        privateKey: s.tlsPrivateKey ?? unproven("no tlsPrivateKey"),
        ...(s.tlsCaCertificate !== undefined ? { caCertificate: s.tlsCaCertificate } : {}),
      };
    default: {
      const unknown: never = source;
      return unproven(`TLS source ${String(unknown)}`);
    }
  }
}

function networkOf(s: RancherHaSettings): NetworkConfig {
  if (usesExistingVpc(s)) {
    return {
      kind: "existing",
      vpcId: s.vpcId ?? unproven("no vpcId"),
      subnetIds: s.subnetIds ?? unproven("no subnetIds"),
      ...(s.publicSubnetIds !== undefined ? { publicSubnetIds: s.publicSubnetIds } : {}),
    };
  }
  return {
    kind: "new",
    vpcCidr: s.vpcCidr ?? DEFAULTS.vpcCidr,
    ...(s.availabilityZones !== undefined ? { availabilityZones: s.availabilityZones } : {}),
    natGateways: natGatewaysOf(s),
  };
}

function accessOf(s: RancherHaSettings): AccessConfig {
  const mode = nodeAccessOf(s);
  switch (mode) {
    case "public":
    case "ssm":
      return { mode };
    case "bastion":
      return {
        mode,
        bastionInstanceType: s.bastionInstanceType ?? DEFAULTS.bastionInstanceType,
      };
    default: {
      const unknown: never = mode;
      return unproven(`node access mode ${String(unknown)}`);
    }
  }
}

export type { ConfigProblem };
