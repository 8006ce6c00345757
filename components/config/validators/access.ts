// How the servers are reached (nodeAccess, the bastion), the egress of private subnets
// (natGateways), where the load balancers and the bastion sit in a given VPC (publicSubnetIds),
// and whether the load balancers face the internet (loadBalancerScheme). Every rule across these
// keys lives here, so each problem is reported once, naming the key to change.
import {
  LOAD_BALANCER_SCHEMES,
  NAT_GATEWAY_MODES,
  NODE_ACCESS_MODES,
  serversArePrivate,
  type LoadBalancerScheme,
  type NatGatewayMode,
  type NodeAccessMode,
} from "../../accessModes";
import { problem, type Finding, type Validator, warning } from "../problems";
import { DEFAULTS, type RancherHaSettings } from "../schema";
import { bastionInstanceTypeProblem } from "./instanceTypes";
import { modeOf } from "./loadBalancer";
import { SUBNET_ID, usesExistingVpc } from "./network";
import { tlsSourceOf } from "./tls";

/**
 * `aws:` keys that give the AWS provider credentials of its own. The SSM runner is a separate
 * process on the machine running Pulumi and only sees its default credential chain (environment,
 * AWS_PROFILE, SSO) plus `aws:region` and `aws:profile`, so with these it would act as someone
 * else than the provider, or fail.
 */
export const PROVIDER_ONLY_CREDENTIAL_KEYS = [
  "aws:accessKey",
  "aws:secretKey",
  "aws:token",
  "aws:assumeRoles",
  "aws:assumeRoleWithWebIdentity",
  "aws:sharedCredentialsFiles",
  "aws:sharedConfigFiles",
] as const;

export const PUBLIC_MODE_WARNING =
  "rancher-ha:nodeAccess is public: the servers get public IPs and SSH from rancher-ha:adminCidrs; use bastion or ssm outside sandboxes";

/** The access mode the stack asks for (the default when unset; may be invalid). */
export function nodeAccessOf(s: RancherHaSettings): NodeAccessMode {
  return s.nodeAccess ?? DEFAULTS.nodeAccess;
}

export function natGatewaysOf(s: RancherHaSettings): NatGatewayMode {
  return s.natGateways ?? DEFAULTS.natGateways;
}

export function loadBalancerSchemeOf(s: RancherHaSettings): LoadBalancerScheme {
  return s.loadBalancerScheme ?? DEFAULTS.loadBalancerScheme;
}

const isOneOf = <T extends string>(list: readonly T[], v: string): v is T =>
  (list as readonly string[]).includes(v);

export const checkAccess: Validator = (s, ctx) => {
  const out: Finding[] = [];
  const access: string = nodeAccessOf(s);
  const validAccess = isOneOf(NODE_ACCESS_MODES, access);
  if (!validAccess) {
    out.push(
      problem(
        "nodeAccess",
        `"${access}" is not an access mode; use bastion (default), ssm or public`,
      ),
    );
  }
  const scheme: string = loadBalancerSchemeOf(s);
  const validScheme = isOneOf(LOAD_BALANCER_SCHEMES, scheme);
  if (!validScheme) {
    out.push(
      problem("loadBalancerScheme", `"${scheme}" is not a scheme; use internet-facing or internal`),
    );
  }
  const existing = usesExistingVpc(s);
  // Against an invalid mode, only the rules that do not depend on it.
  const isPublic = validAccess && access === "public";
  const isPrivate = validAccess && serversArePrivate(access);

  if (validAccess && access === "public") out.push(warning(PUBLIC_MODE_WARNING));
  out.push(...natFindings(s, existing, isPublic));
  out.push(...bastionFindings(s, validAccess ? access : undefined));
  out.push(...publicSubnetFindings(s, existing, isPublic));

  if (isPrivate && existing && scheme === "internet-facing" && s.publicSubnetIds === undefined) {
    out.push(
      problem(
        "publicSubnetIds",
        `required with vpcId and nodeAccess ${access}: public subnets (0.0.0.0/0 to an internet gateway) in at least two AZs for the internet-facing load balancers${access === "bastion" ? " and the bastion" : ""}; rancher-ha:subnetIds are the servers' private subnets`,
      ),
    );
  }
  if (validScheme && scheme === "internal") out.push(...internalFindings(s, isPublic));

  if (validAccess && access === "ssm") {
    if (s.sshPrivateKey !== undefined) {
      out.push(
        warning(
          "rancher-ha:sshPrivateKey: unused with nodeAccess ssm (no SSH anywhere); the servers keep its public key, so a later switch to bastion needs no replacement",
        ),
      );
    }
    for (const key of PROVIDER_ONLY_CREDENTIAL_KEYS) {
      if (ctx.awsKeys?.includes(key)) {
        out.push(
          problem(
            key,
            "only the AWS provider reads it; with rancher-ha:nodeAccess ssm the node steps call SSM from the machine running Pulumi with its default credentials (environment variables, AWS_PROFILE or aws:profile, SSO): remove it and provide the credentials that way",
          ),
        );
      }
    }
  }
  return out;
};

function natFindings(s: RancherHaSettings, existing: boolean, isPublic: boolean): Finding[] {
  if (s.natGateways === undefined) return [];
  const nat: string = natGatewaysOf(s);
  if (!isOneOf(NAT_GATEWAY_MODES, nat)) {
    return [problem("natGateways", `"${nat}" is not single or perAz`)];
  }
  if (existing) {
    return [
      problem(
        "natGateways",
        "is only for a new VPC; with vpcId your subnets' route tables decide egress: remove it",
      ),
    ];
  }
  if (isPublic) {
    return [
      warning(
        "rancher-ha:natGateways is ignored with nodeAccess public: the servers sit in public subnets and no NAT gateway is created",
      ),
    ];
  }
  return [];
}

function bastionFindings(s: RancherHaSettings, access: NodeAccessMode | undefined): Finding[] {
  if (s.bastionInstanceType === undefined) return [];
  if (access !== undefined && access !== "bastion") {
    return [
      problem(
        "bastionInstanceType",
        `only applies with nodeAccess bastion (this stack has ${access}, without a bastion); remove it`,
      ),
    ];
  }
  const p = bastionInstanceTypeProblem(s.bastionInstanceType);
  return p ? [problem("bastionInstanceType", p)] : [];
}

function publicSubnetFindings(
  s: RancherHaSettings,
  existing: boolean,
  isPublic: boolean,
): Finding[] {
  const ids = s.publicSubnetIds;
  if (ids === undefined) return [];
  if (!existing) {
    return [
      problem(
        "publicSubnetIds",
        "only applies with vpcId (a new VPC gets its own public subnets); remove it, or set vpcId and subnetIds",
      ),
    ];
  }
  if (isPublic) {
    return [
      problem(
        "publicSubnetIds",
        "does not apply with nodeAccess public: public servers and load balancers share rancher-ha:subnetIds; remove it",
      ),
    ];
  }
  const out: Finding[] = [];
  if (new Set(ids).size < 2) {
    out.push(
      problem(
        "publicSubnetIds",
        "list at least two distinct public subnets in different availability zones (one per load balancer AZ)",
      ),
    );
  }
  for (const id of ids) {
    if (!SUBNET_ID.test(id)) {
      out.push(
        problem("publicSubnetIds", `"${id}" is not a subnet ID like subnet-0123456789abcdef0`),
      );
    }
  }
  const servers = new Set(s.subnetIds ?? []);
  const shared = [...new Set(ids)].filter((id) => servers.has(id));
  if (shared.length > 0) {
    out.push(
      problem(
        "publicSubnetIds",
        `${shared.join(", ")} also listed in rancher-ha:subnetIds: the servers' subnets are private, the load balancers' public; list each subnet in one of them`,
      ),
    );
  }
  return out;
}

function internalFindings(s: RancherHaSettings, isPublic: boolean): Finding[] {
  const out: Finding[] = [];
  if (isPublic) {
    out.push(
      problem(
        "loadBalancerScheme",
        "internal cannot go with nodeAccess public (servers with public IPs and SSH from the internet contradict internal-only load balancers); use nodeAccess ssm or bastion",
      ),
    );
  }
  if (tlsSourceOf(s) === "letsEncrypt") {
    out.push(
      problem(
        "loadBalancerScheme",
        "internal cannot go with tlsSource letsEncrypt: Let's Encrypt validates over HTTP from the internet, which cannot reach an internal load balancer; use tlsSource secret or rancher, or loadBalancer l7 with certificateArn",
      ),
    );
  }
  if (modeOf(s) === "l7" && s.certificateArn === undefined) {
    out.push(
      problem(
        "loadBalancerScheme",
        "internal with loadBalancer l7 needs rancher-ha:certificateArn: ACM validates a new certificate through a record in public DNS, while an internal stack's hostname lives in a private zone; give an ACM certificate you validated (or imported) for the hostname",
      ),
    );
  }
  return out;
}
