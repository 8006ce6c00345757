// Monthly cost estimate of a plan from the price table in plan/data/prices.json: what each
// recorded resource bills per month at on-demand list prices in the stack's region. What the
// table cannot price (an unknown region, instance type or resource kind) is listed, never
// guessed, and then there is no total.
import type { RecordedResource } from "../mocks";
import { Secret, UNKNOWN } from "../values";
import PRICE_DATA from "../data/prices.json";

export interface RegionPrices {
  name: string;
  instances: Record<string, number>;
  instancesSource: string;
  ebsGp3GbMonth: number;
  nlbHour: number;
  nlcuHour: number;
  albHour: number;
  lcuHour: number;
  natGatewayHour: number;
  natGatewayGb: number;
  publicIpv4Hour: number;
  s3StandardGbMonth: number;
}

export interface PriceTable {
  hoursPerMonth: number;
  retrieved: string;
  assumptions: {
    capacityUnitsPerLoadBalancerHour: number;
    capacityUnitsNote: string;
    natGatewayGbPerMonth: number;
    natGatewayGbNote: string;
    s3GbPerBucket: number;
    s3GbNote: string;
  };
  excluded: string[];
  regions: Record<string, RegionPrices>;
}

export const PRICES: PriceTable = PRICE_DATA;
export const PRICE_TABLE_PATH = "plan/data/prices.json";

export type CostKind = "instances" | "ebs" | "loadBalancers" | "natGateways" | "publicIpv4" | "s3";

export const COST_KIND_LABELS: Record<CostKind, string> = {
  instances: "EC2 instances",
  ebs: "EBS volumes",
  loadBalancers: "Load balancers",
  natGateways: "NAT gateways",
  publicIpv4: "Public IPv4 addresses",
  s3: "S3 storage",
};

export interface CostLine {
  kind: CostKind;
  resource: string;
  description: string;
  quantity: number;
  unit: string;
  unitUsd: number;
  monthlyUsd: number;
}

export interface CostEstimate {
  region: string;
  currency: "USD";
  /** When the price table was compiled. */
  pricesRetrieved: string;
  lines: CostLine[];
  byKind: { kind: CostKind; label: string; detail: string; monthlyUsd: number }[];
  /** The monthly total, or null when something could not be priced (see `unpriced`). */
  monthlyUsd: number | null;
  /** The sum of what could be priced. */
  pricedUsd: number;
  unpriced: string[];
  excluded: string[];
  assumptions: string[];
}

/** Resource kinds that bill nothing by themselves (their traffic and queries are excluded). */
export const FREE_TYPES: ReadonlySet<string> = new Set([
  "aws:ec2/vpc:Vpc",
  "aws:ec2/subnet:Subnet",
  "aws:ec2/internetGateway:InternetGateway",
  "aws:ec2/routeTable:RouteTable",
  "aws:ec2/routeTableAssociation:RouteTableAssociation",
  "aws:ec2/route:Route",
  "aws:iam/role:Role",
  "aws:iam/instanceProfile:InstanceProfile",
  "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
  "aws:iam/rolePolicy:RolePolicy",
  "aws:route53/zoneAssociation:ZoneAssociation",
  "aws:ec2/securityGroup:SecurityGroup",
  "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
  "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
  "aws:ec2/keyPair:KeyPair",
  "aws:lb/targetGroup:TargetGroup",
  "aws:lb/listener:Listener",
  "aws:lb/targetGroupAttachment:TargetGroupAttachment",
  "aws:route53/record:Record",
  "aws:acm/certificate:Certificate",
  "aws:acm/certificateValidation:CertificateValidation",
  // A bucket's settings cost nothing; its storage is priced with the bucket.
  "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
  "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
  "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
  "aws:s3/bucketPolicy:BucketPolicy",
  "aws:s3/bucketVersioning:BucketVersioning",
  "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
  "random:index/randomPassword:RandomPassword",
  "random:index/randomId:RandomId",
  "random:index/randomBytes:RandomBytes",
  "tls:index/privateKey:PrivateKey",
  "command:remote:Command",
  "command:remote:CopyToRemote",
  // SSM steps run on the machine running Pulumi; Run Command itself has no charge.
  "command:local:Command",
]);

/** Kinds the estimate prices (see `estimateCost`). */
export const PRICED_TYPES: ReadonlySet<string> = new Set([
  "aws:ec2/instance:Instance",
  "aws:ebs/volume:Volume",
  "aws:lb/loadBalancer:LoadBalancer",
  "aws:ec2/natGateway:NatGateway",
  "aws:ec2/eip:Eip",
  "aws:s3/bucket:Bucket",
  "aws:s3/bucketV2:BucketV2",
]);

/** Whether the cost model knows a resource kind (priced, or free by nature). */
export function costModelled(r: Pick<RecordedResource, "type" | "custom">): boolean {
  return (
    !r.custom ||
    FREE_TYPES.has(r.type) ||
    PRICED_TYPES.has(r.type) ||
    // Everything inside the cluster and every provider runs on resources priced above.
    r.type.startsWith("kubernetes:") ||
    r.type.startsWith("pulumi:providers:")
  );
}

const plain = (v: unknown): unknown => (v instanceof Secret ? v.value : v);
const known = (v: unknown): unknown => (plain(v) === UNKNOWN ? undefined : plain(v));
const num = (v: unknown): number | undefined => {
  const x = known(v);
  if (typeof x === "number") return x;
  if (typeof x === "string" && /^\d+(\.\d+)?$/.test(x)) return Number(x);
  return undefined;
};
const str = (v: unknown): string | undefined => {
  const x = known(v);
  return typeof x === "string" ? x : undefined;
};
const round2 = (x: number) => Math.round(x * 100) / 100;

export function estimateCost(
  resources: readonly RecordedResource[],
  region: string,
  table: PriceTable = PRICES,
): CostEstimate {
  const prices = table.regions[region];
  const a = table.assumptions;
  const hours = table.hoursPerMonth;
  const lines: CostLine[] = [];
  const unpriced: string[] = [];
  const assumptions = new Set<string>();
  const line = (l: Omit<CostLine, "monthlyUsd">) =>
    lines.push({ ...l, monthlyUsd: round2(l.quantity * l.unitUsd) });
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  const ipv4 = (resource: string, count: number, why: string) => {
    if (count > 0 && prices) {
      line({
        kind: "publicIpv4",
        resource,
        description: `${count} public IPv4 (${why})`,
        quantity: count * hours,
        unit: "address-hours",
        unitUsd: prices.publicIpv4Hour,
      });
    }
  };
  const gp3 = (resource: string, size: unknown, type: unknown, what: string) => {
    const gib = num(size);
    const volumeType = str(type) ?? "gp3";
    if (gib === undefined) unpriced.push(`${resource}: ${what} size not set (AMI default)`);
    else if (volumeType !== "gp3") unpriced.push(`${resource}: ${what} type ${volumeType}`);
    else if (prices) {
      line({
        kind: "ebs",
        resource,
        description: `${what} ${gib} GiB gp3`,
        quantity: gib,
        unit: "GiB-months",
        unitUsd: prices.ebsGp3GbMonth,
      });
    }
  };

  if (!prices) {
    unpriced.push(
      `region ${region}: no prices in ${PRICE_TABLE_PATH} (it has ${Object.keys(table.regions).join(", ")})`,
    );
  }
  for (const r of resources) {
    if (!costModelled(r)) {
      unpriced.push(`${r.name}: ${r.type} has no price model`);
      continue;
    }
    const i = r.inputs;
    switch (r.type) {
      case "aws:ec2/instance:Instance": {
        const type = str(i.instanceType);
        const hourly = type !== undefined ? prices?.instances[type] : undefined;
        if (type === undefined) unpriced.push(`${r.name}: instance type unknown`);
        else if (prices && hourly === undefined) {
          unpriced.push(`${r.name}: instance type ${type} not in the ${region} price table`);
        } else if (hourly !== undefined) {
          line({
            kind: "instances",
            resource: r.name,
            description: `${type} on-demand Linux`,
            quantity: hours,
            unit: "instance-hours",
            unitUsd: hourly,
          });
        }
        const root = (plain(i.rootBlockDevice) ?? {}) as Record<string, unknown>;
        gp3(r.name, root.volumeSize, root.volumeType, "root volume");
        const extra = plain(i.ebsBlockDevices);
        if (Array.isArray(extra)) {
          for (const d of extra as Record<string, unknown>[]) {
            gp3(r.name, d.volumeSize, d.volumeType, "data volume");
          }
        }
        // A public address when asked for (the program's servers always say), or when the subnet
        // hands them out (bring-your-own public subnets must, per the README).
        const asked = known(i.associatePublicIpAddress);
        // The subnet this input came from, when the plan creates it (its property dependency).
        const subnet = (r.propertyDependencies.subnetId ?? [])
          .map((u) => byUrn.get(u))
          .find((x) => x?.type === "aws:ec2/subnet:Subnet");
        const mapped = subnet ? known(subnet.inputs.mapPublicIpOnLaunch) === true : true;
        if (asked === true || (asked === undefined && mapped)) {
          if (asked === undefined && !subnet) {
            assumptions.add(
              "servers in existing subnets get a public IPv4 (required public subnets)",
            );
          }
          ipv4(r.name, 1, "server");
        }
        break;
      }
      case "aws:ebs/volume:Volume":
        gp3(r.name, i.size, i.type, "volume");
        break;
      case "aws:lb/loadBalancer:LoadBalancer": {
        const type = str(i.loadBalancerType) ?? "application";
        const alb = type === "application";
        if (type !== "application" && type !== "network") {
          unpriced.push(`${r.name}: load balancer type ${type}`);
          break;
        }
        if (prices) {
          const cu = a.capacityUnitsPerLoadBalancerHour;
          line({
            kind: "loadBalancers",
            resource: r.name,
            description: `${alb ? "ALB" : "NLB"} hours`,
            quantity: hours,
            unit: "hours",
            unitUsd: alb ? prices.albHour : prices.nlbHour,
          });
          line({
            kind: "loadBalancers",
            resource: r.name,
            description: `${alb ? "ALB" : "NLB"} ${cu} ${alb ? "LCU" : "NLCU"}/h (assumed)`,
            quantity: cu * hours,
            unit: alb ? "LCU-hours" : "NLCU-hours",
            unitUsd: alb ? prices.lcuHour : prices.nlcuHour,
          });
          assumptions.add(a.capacityUnitsNote);
        }
        // An internet-facing load balancer holds a public IPv4 in each of its AZs.
        if (known(i.internal) !== true) {
          const zones = plain(i.subnetMappings) ?? plain(i.subnets);
          const count = Array.isArray(zones) ? zones.length : undefined;
          if (count === undefined) unpriced.push(`${r.name}: availability zones unknown`);
          else ipv4(r.name, count, "internet-facing, one per AZ");
        }
        break;
      }
      case "aws:ec2/natGateway:NatGateway":
        if (prices) {
          line({
            kind: "natGateways",
            resource: r.name,
            description: "NAT gateway hours",
            quantity: hours,
            unit: "hours",
            unitUsd: prices.natGatewayHour,
          });
          line({
            kind: "natGateways",
            resource: r.name,
            description: `${a.natGatewayGbPerMonth} GB processed (assumed)`,
            quantity: a.natGatewayGbPerMonth,
            unit: "GB",
            unitUsd: prices.natGatewayGb,
          });
          assumptions.add(a.natGatewayGbNote);
        }
        // Its public address is its Elastic IP, priced with that resource.
        break;
      case "aws:ec2/eip:Eip":
        ipv4(r.name, 1, "Elastic IP");
        break;
      case "aws:s3/bucket:Bucket":
      case "aws:s3/bucketV2:BucketV2":
        if (prices) {
          line({
            kind: "s3",
            resource: r.name,
            description: `${a.s3GbPerBucket} GB S3 Standard (assumed)`,
            quantity: a.s3GbPerBucket,
            unit: "GB-months",
            unitUsd: prices.s3StandardGbMonth,
          });
          assumptions.add(a.s3GbNote);
        }
        break;
      default:
        break; // free by nature
    }
  }
  const pricedUsd = round2(lines.reduce((t, l) => t + l.monthlyUsd, 0));
  return {
    region,
    currency: "USD",
    pricesRetrieved: table.retrieved,
    lines,
    byKind: summarise(lines),
    monthlyUsd: unpriced.length === 0 ? pricedUsd : null,
    pricedUsd,
    unpriced,
    excluded: table.excluded,
    assumptions: [...assumptions],
  };
}

function summarise(lines: readonly CostLine[]): CostEstimate["byKind"] {
  const out: CostEstimate["byKind"] = [];
  for (const kind of Object.keys(COST_KIND_LABELS) as CostKind[]) {
    const ls = lines.filter((l) => l.kind === kind);
    if (ls.length === 0) continue;
    out.push({
      kind,
      label: COST_KIND_LABELS[kind],
      detail: detailOf(kind, ls),
      monthlyUsd: round2(ls.reduce((t, l) => t + l.monthlyUsd, 0)),
    });
  }
  return out;
}

/** "3 × m6i.xlarge", "3 × 100 GiB gp3", … */
function detailOf(kind: CostKind, ls: readonly CostLine[]): string {
  const count = (keys: string[]) => {
    const m = new Map<string, number>();
    for (const k of keys) m.set(k, (m.get(k) ?? 0) + 1);
    return [...m].map(([k, n]) => `${n} × ${k}`).join(", ");
  };
  switch (kind) {
    case "instances":
      return count(ls.map((l) => l.description.split(" ")[0]));
    case "ebs":
      return count(ls.map((l) => `${l.quantity} GiB gp3`));
    case "loadBalancers":
      return count(ls.filter((l) => l.unit === "hours").map((l) => l.description.split(" ")[0]));
    case "natGateways":
      return `${ls.filter((l) => l.unit === "hours").length} × NAT gateway`;
    case "publicIpv4":
      return `${ls.reduce((t, l) => t + Number(l.description.split(" ")[0]), 0)} addresses`;
    case "s3":
      return `${ls.length} × bucket`;
    default: {
      const never: never = kind;
      return never;
    }
  }
}
