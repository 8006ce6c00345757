// Who may reach what (admin and ingress ranges), and where the servers live: a new VPC (its
// range and zones) or an existing one (its ID and subnets).
import { cidrProblem, isWorldCidr, parseCidr } from "../../cidr";
import { serverZones, zoneLossWarning } from "../../placement";
import { problem, type Finding, type Validator, warning } from "../problems";
import { DEFAULTS, type RancherHaSettings } from "../schema";
import { adminBreadthProblems } from "./ranges";
import { serverCountOf } from "./servers";

const VPC_ID = /^vpc-[0-9a-f]{8}([0-9a-f]{9})?$/;
export const SUBNET_ID = /^subnet-[0-9a-f]{8}([0-9a-f]{9})?$/;

/** The ranges that reach Rancher on 80/443 (the default when unset). */
export function ingressCidrsOf(s: RancherHaSettings): string[] {
  return s.ingressCidrs ?? [...DEFAULTS.ingressCidrs];
}

/** Bring-your-own network: either key of it set. */
export function usesExistingVpc(s: RancherHaSettings): boolean {
  return s.vpcId !== undefined || s.subnetIds !== undefined;
}

export const checkRanges: Validator = (s) => {
  const out: Finding[] = [];
  const adminCidrs = s.adminCidrs ?? [];
  if (adminCidrs.length === 0) {
    out.push(
      problem(
        "adminCidrs",
        `required; the networks allowed to SSH and reach the Kubernetes API, e.g. '["203.0.113.0/24"]'`,
      ),
    );
  }
  for (const c of adminCidrs) {
    const p = cidrProblem(c);
    if (p) out.push(problem("adminCidrs", p));
    else if (isWorldCidr(c)) {
      out.push(
        problem(
          "adminCidrs",
          `${c} opens SSH and the Kubernetes API to the whole internet; list your own networks`,
        ),
      );
    }
  }
  for (const p of adminBreadthProblems(adminCidrs)) out.push(problem("adminCidrs", p));
  const ingressCidrs = ingressCidrsOf(s);
  if (ingressCidrs.length === 0) {
    out.push(problem("ingressCidrs", "must list at least one CIDR (default 0.0.0.0/0)"));
  }
  for (const c of ingressCidrs) {
    const p = cidrProblem(c);
    if (p) out.push(problem("ingressCidrs", p));
  }
  return out;
};

export const checkNetwork: Validator = (s, ctx) =>
  usesExistingVpc(s) ? existingVpcFindings(s) : newVpcFindings(s, ctx.region);

function existingVpcFindings(s: RancherHaSettings): Finding[] {
  const out: Finding[] = [];
  if (s.vpcId === undefined) {
    out.push(problem("vpcId", "required with subnetIds (the VPC the subnets belong to)"));
  } else if (!VPC_ID.test(s.vpcId)) {
    out.push(problem("vpcId", `"${s.vpcId}" is not a VPC ID like vpc-0123456789abcdef0`));
  }
  const subnets = s.subnetIds ?? [];
  if (s.subnetIds === undefined) {
    out.push(
      problem("subnetIds", "required with vpcId: the servers' subnets, in at least two AZs"),
    );
  } else if (new Set(subnets).size < 2) {
    out.push(
      problem("subnetIds", "list at least two distinct subnets in different availability zones"),
    );
  }
  for (const id of subnets) {
    if (!SUBNET_ID.test(id)) {
      out.push(problem("subnetIds", `"${id}" is not a subnet ID like subnet-0123456789abcdef0`));
    }
  }
  if (s.vpcCidr !== undefined) {
    out.push(problem("vpcCidr", "is only for a new VPC; remove it when vpcId is set"));
  }
  if (s.availabilityZones !== undefined) {
    out.push(
      problem("availabilityZones", "is only for a new VPC; with vpcId the subnets decide the AZs"),
    );
  }
  return out;
}

function newVpcFindings(s: RancherHaSettings, region: string | undefined): Finding[] {
  const out: Finding[] = [];
  const vpcCidr = s.vpcCidr ?? DEFAULTS.vpcCidr;
  const p = cidrProblem(vpcCidr);
  const parsed = parseCidr(vpcCidr);
  if (p) out.push(problem("vpcCidr", p));
  else if (parsed?.family !== 4) out.push(problem("vpcCidr", "must be an IPv4 CIDR"));
  else if (parsed.prefix < 16 || parsed.prefix > 24) {
    out.push(
      problem(
        "vpcCidr",
        `/${parsed.prefix} is out of range; use a prefix from /16 to /24 (e.g. 10.20.0.0/16)`,
      ),
    );
  }
  const azs = s.availabilityZones;
  if (azs === undefined) return out;
  if (azs.length < 2 || azs.length > 3 || new Set(azs).size !== azs.length) {
    out.push(problem("availabilityZones", "list two or three distinct availability zones"));
  }
  for (const az of azs) {
    if (region && !(az.startsWith(region) && /^[a-z]$/.test(az.slice(region.length)))) {
      out.push(problem("availabilityZones", `"${az}" is not an availability zone of ${region}`));
    }
  }
  // Known here already: servers over two zones cannot survive losing the busier one.
  const spread = azs.map((az) => ({ id: az, availabilityZone: az }));
  const w =
    spread.length > 0 &&
    zoneLossWarning("rancher-ha:availabilityZones", serverZones(serverCountOf(s), spread));
  if (w) out.push(warning(w));
  return out;
}
