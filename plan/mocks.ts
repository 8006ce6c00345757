// Pulumi's mock runtime with placeholder cloud values, and a monitor that records what the
// program registers (parent, dependencies, inputs with secrets marked) — the engine's view.
import * as pulumi from "@pulumi/pulumi";
import { MockMonitor, setMocks } from "@pulumi/pulumi/runtime/mocks";
import { createHash } from "node:crypto";
import { getMonitor } from "@pulumi/pulumi/runtime/settings";
import { fromWire } from "./values";

export interface RecordedResource {
  urn: string;
  type: string;
  name: string;
  custom: boolean;
  parent: string | null;
  dependsOn: string[];
  propertyDependencies: Record<string, string[]>;
  inputs: Record<string, unknown>;
  protect: boolean;
  deletedWith: string | null;
  deleteBeforeReplace: boolean;
  ignoreChanges: string[];
  replaceOnChanges: string[];
  additionalSecretOutputs: string[];
  /** URNs this resource was known by before (the `aliases` option, resolved as the engine does). */
  aliases?: string[];
}

/** Recognisable fake secret values, so tests can look for them anywhere they must not be. */
export const MOCK_SECRET_PREFIX = "mock-secret-";

function digest(s: string, n = 8): string {
  return createHash("sha256").update(s).digest("hex").slice(0, n);
}

/** A default route's target: an internet gateway, a NAT gateway, or none (isolated). */
export type MockRoute = "igw" | "nat" | "none";

/** What the config says a given subnet is: its default route, and its place in its list. */
export interface SubnetClaim {
  route: MockRoute;
  position: number;
}

/** The placeholder route table of a route kind (routes as GetRouteTableRoute). */
function routeTable(id: string, route: MockRoute): Record<string, unknown> {
  const target =
    route === "igw"
      ? [{ cidrBlock: "0.0.0.0/0", gatewayId: "igw-0placeholder0000" }]
      : route === "nat"
        ? [{ cidrBlock: "0.0.0.0/0", natGatewayId: "nat-0placeholder0000" }]
        : [];
  return { id, routeTableId: id, routes: target };
}

/** A zone as DescribeAvailabilityZones reports it (the fields the program filters on). */
export interface MockZone {
  name: string;
  /** "opt-in-not-required" for a region's own AZs; Local and Wavelength Zones are opted in. */
  optInStatus: "opt-in-not-required" | "opted-in" | "not-opted-in";
  state: "available" | "information" | "impaired" | "unavailable";
}

/** What the placeholder cloud looks like, where a test needs to choose. */
export interface MockCloud {
  /** The region's zones, by name (standard AZs) or in full. Default: `MOCK_REGION_ZONES`. */
  zones?: (string | MockZone)[];
  /** Given subnets by ID. Default: spread over the region's zones in order, inside 10.0.0.0/16. */
  subnets?: Record<
    string,
    {
      availabilityZone: string;
      cidrBlock: string;
      vpcId?: string;
      /**
       * Where its route table sends 0.0.0.0/0; `main`: no explicit association, the VPC's main
       * table decides (`mainRoute`). Default: what the stack's config says the subnet is.
       */
      route?: MockRoute | "main";
    }
  >;
  /** The default route of the VPC's main route table. Default: an internet gateway. */
  mainRoute?: MockRoute;
  /**
   * A previous deployment's inputs, by resource name: for a property in a resource's
   * `ignoreChanges`, the engine keeps the stored value (pulumi/pulumi step_generator,
   * processIgnoreChanges), and so does this recorder before the mock sees the inputs.
   */
  previousInputs?: Record<string, Record<string, unknown>>;
}

/**
 * Zones per region where the default (a, b, c) would hide a case: us-west-1 shows most accounts
 * two AZs; us-west-2 has opted-in Local Zones, which sort before its AZs by name.
 */
export const MOCK_REGION_ZONES: Readonly<Record<string, (string | MockZone)[]>> = {
  "us-east-1": ["a", "b", "c", "d", "e", "f"].map((z) => `us-east-1${z}`),
  "us-west-1": ["us-west-1b", "us-west-1c"],
  "us-west-2": [
    { name: "us-west-2-lax-1a", optInStatus: "opted-in", state: "available" },
    { name: "us-west-2-lax-1b", optInStatus: "opted-in", state: "available" },
    ...["a", "b", "c", "d"].map((z) => `us-west-2${z}`),
  ],
};

function zonesOf(region: string, cloud: MockCloud): MockZone[] {
  const zones = cloud.zones ?? MOCK_REGION_ZONES[region] ?? ["a", "b", "c"].map((z) => region + z);
  return zones.map((z) =>
    typeof z === "string" ? { name: z, optInStatus: "opt-in-not-required", state: "available" } : z,
  );
}

/** DescribeAvailabilityZones as the provider's getAvailabilityZones sees it: filtered, sorted. */
function describeZones(zones: MockZone[], inputs: Record<string, unknown>): MockZone[] {
  const filters = (inputs.filters as { name: string; values: string[] }[] | undefined) ?? [];
  return zones
    .filter((z) => inputs.state === undefined || z.state === inputs.state)
    .filter((z) =>
      filters.every((f) => {
        if (f.name === "opt-in-status") return f.values.includes(z.optInStatus);
        if (f.name === "state") return f.values.includes(z.state);
        throw new Error(`mock getAvailabilityZones: filter ${f.name} not modelled`);
      }),
    )
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * Placeholder cloud-assigned values: clearly fake, stable for the same names.
 * `vpcId`: the configured existing VPC, which placeholder subnets then belong to. `claims`: what
 * the stack's config says each given subnet is, and its position in its list (the offline plan
 * cannot see real subnets: it spreads each list over the zones and checks the config's own claims
 * about routes; `cloud.subnets[id]` overrides for tests).
 */
export function placeholderMocks(
  region: string,
  vpcId = "vpc-placeholder",
  cloud: MockCloud = {},
  claims: Readonly<Record<string, SubnetClaim>> = {},
  /** Whether a zone looked up by ID is private (what an internal stack's config claims). */
  privateZone = false,
): pulumi.runtime.Mocks {
  const routeOf = (subnetId: string) => cloud.subnets?.[subnetId]?.route ?? claims[subnetId]?.route;
  let other = 99;
  let eip = 10;
  let subnetIndex = 0;
  const zones = zonesOf(region, cloud);
  return {
    newResource(args) {
      const inputs = args.inputs as Record<string, unknown>;
      const s: Record<string, unknown> = { ...inputs };
      const id = `${args.name}-id`;
      const arn = `arn:aws:placeholder:${region}:000000000000:${args.name}`;
      switch (args.type) {
        case "aws:lb/loadBalancer:LoadBalancer":
          Object.assign(s, {
            arn,
            dnsName: `${args.name}-${digest(args.name)}.elb.${region}.amazonaws.com`,
            zoneId: "ZPLACEHOLDERLB",
          });
          break;
        case "aws:ec2/instance:Instance": {
          // Numbered instances (servers) by their number, whatever order they register in;
          // others (the bastion) from .100 up.
          const n = /-(\d+)$/.exec(args.name);
          const host = n ? 10 + Number(n[1]) : ++other;
          // EC2 gives no public address to an instance launched without one.
          const publicIp = inputs.associatePublicIpAddress === false ? "" : `198.51.100.${host}`;
          Object.assign(s, { arn, publicIp, privateIp: `10.0.0.${host}` });
          break;
        }
        case "aws:acm/certificate:Certificate":
          Object.assign(s, {
            arn: `arn:aws:acm:${region}:000000000000:certificate/00000000-0000-0000-0000-${digest(args.name, 12)}`,
            domainValidationOptions: [
              {
                domainName: inputs.domainName as string,
                resourceRecordName: `_placeholder.${String(inputs.domainName)}.`,
                resourceRecordType: "CNAME",
                resourceRecordValue: "_placeholder.acm-validations.aws.",
              },
            ],
          });
          break;
        case "aws:acm/certificateValidation:CertificateValidation":
          s.certificateArn = inputs.certificateArn;
          break;
        case "aws:route53/record:Record":
          s.fqdn = inputs.name;
          break;
        case "aws:iam/role:Role":
        case "aws:iam/instanceProfile:InstanceProfile":
          // Auto-named by the provider: the logical name and a suffix.
          Object.assign(s, { arn, name: `${args.name}-${digest(args.name, 7)}` });
          break;
        case "aws:ec2/eip:Eip":
          // A counter of its own: servers keep their placeholder addresses whatever the mode.
          eip++;
          Object.assign(s, { allocationId: `${args.name}-alloc`, publicIp: `192.0.2.${eip}` });
          break;
        case "aws:ec2/keyPair:KeyPair":
          s.keyName = `${args.name}-key`;
          break;
        case "random:index/randomPassword:RandomPassword":
          s.result = `${MOCK_SECRET_PREFIX}${args.name}-${digest(args.name)}`;
          break;
        case "aws:s3/bucket:Bucket": {
          // Auto-named as the provider does (name, "-", 7 characters); S3 ARNs carry no region.
          const bucket =
            (inputs.bucket as string | undefined) ?? `${args.name}-${digest(args.name, 7)}`;
          Object.assign(s, { bucket, arn: `arn:aws:s3:::${bucket}`, region });
          break;
        }
        case "random:index/randomBytes:RandomBytes": {
          // Real lengths, so that renderers checking a key's size accept it.
          const bytes = Buffer.alloc(Number(inputs.length), digest(args.name));
          Object.assign(s, { base64: bytes.toString("base64"), hex: bytes.toString("hex") });
          break;
        }
        case "tls:index/privateKey:PrivateKey":
          Object.assign(s, {
            privateKeyOpenssh: `-----BEGIN OPENSSH PRIVATE KEY-----\n${MOCK_SECRET_PREFIX}${args.name}\n-----END OPENSSH PRIVATE KEY-----\n`,
            privateKeyPem: `-----BEGIN PRIVATE KEY-----\n${MOCK_SECRET_PREFIX}${args.name}-pem\n-----END PRIVATE KEY-----\n`,
            publicKeyOpenssh: `ssh-ed25519 AAAAplaceholder${digest(args.name)} rancher-ha`,
          });
          break;
        case "command:remote:Command":
        case "command:local:Command": // SSM steps (components/access/ssm.ts)
          s.stdout = args.name.endsWith("-kubeconfig")
            ? `apiVersion: v1\nkind: Config\n# ${MOCK_SECRET_PREFIX}kubeconfig-${digest(args.name)}\n`
            : "";
          s.stderr = "";
          break;
        default:
          if (args.type.startsWith("aws:")) s.arn = arn;
      }
      return { id, state: s };
    },
    call(args) {
      const inputs = args.inputs as Record<string, unknown>;
      switch (args.token) {
        case "aws:index/getAvailabilityZones:getAvailabilityZones": {
          const names = describeZones(zones, inputs).map((z) => z.name);
          return { id: region, names, zoneIds: names.map((_, i) => `mock-az${i + 1}`) };
        }
        case "aws:ec2/getAmi:getAmi":
          return {
            id: "ami-0placeholder000000",
            name: "ubuntu-noble-24.04-amd64-server-placeholder",
          };
        case "aws:route53/getZone:getZone":
          return {
            zoneId: (inputs.zoneId as string | undefined) ?? "ZPLACEHOLDERZONE",
            name: (inputs.name as string | undefined) ?? "placeholder.invalid",
            privateZone: (inputs.privateZone as boolean | undefined) ?? privateZone,
          };
        case "aws:ec2/getVpc:getVpc":
          return { id: inputs.id as string, cidrBlock: "10.0.0.0/16" };
        case "aws:ec2/getSubnet:getSubnet": {
          const id = inputs.id as string;
          const given = cloud.subnets?.[id];
          if (given) return { id, vpcId, ...given };
          // Placeholder: subnets spread over the region's standard AZs in the order given.
          const azs = describeZones(zones, { filters: [] }).filter(
            (z) => z.optInStatus === "opt-in-not-required",
          );
          const i = subnetIndex++;
          const position = claims[id]?.position ?? i;
          return {
            id,
            vpcId,
            availabilityZone: azs[position % azs.length].name,
            cidrBlock: `10.0.${i * 16}.0/20`,
          };
        }
        case "aws:ec2/getRouteTables:getRouteTables": {
          // Explicit associations only, like DescribeRouteTables' association.subnet-id filter.
          const filters = (inputs.filters as { name: string; values: string[] }[]) ?? [];
          const subnetId = filters.find((f) => f.name === "association.subnet-id")?.values[0];
          if (subnetId === undefined) throw new Error("mock getRouteTables: filter by subnet");
          const route = routeOf(subnetId);
          return { id: region, ids: route === "main" ? [] : [`rtb-placeholder-${subnetId}`] };
        }
        case "aws:ec2/getRouteTable:getRouteTable": {
          const id = inputs.routeTableId as string | undefined;
          if (id === undefined) return routeTable("rtb-placeholder-main", cloud.mainRoute ?? "igw");
          const route = routeOf(id.replace(/^rtb-placeholder-/, ""));
          return routeTable(id, route === undefined || route === "main" ? "igw" : route);
        }
        case "tls:index/getPublicKey:getPublicKey":
          return { publicKeyOpenssh: "ssh-ed25519 AAAAplaceholder-derived rancher-ha" };
        default:
          return {};
      }
    },
  };
}

interface RegisterRequest {
  getType(): string;
  getName(): string;
  getCustom(): boolean;
  getParent(): string;
  getDependenciesList(): string[];
  getPropertydependenciesMap(): {
    forEach(cb: (v: { getUrnsList(): string[] }, k: string) => void): void;
  };
  getObject(): { toJavaScript(): Record<string, unknown> } | undefined;
  getProtect(): boolean;
  getDeletedwith(): string;
  getDeletebeforereplace(): boolean;
  getIgnorechangesList(): string[];
  getReplaceonchangesList(): string[];
  getAdditionalsecretoutputsList(): string[];
  getProvider(): string;
  getAliasesList(): AliasMessage[];
}

interface AliasMessage {
  getUrn(): string;
  getSpec():
    | { getName(): string; getType(): string; getParenturn(): string; getNoparent(): boolean }
    | undefined;
}

interface UrnMaker {
  newUrn(parent: string, type: string, name: string): string;
}

/** Records the full register request of every resource, as the engine would see it. */
export class Recorder {
  public readonly recorded: RecordedResource[] = [];

  record(req: unknown, urnOf: UrnMaker): void {
    const r = req as RegisterRequest;
    const propertyDependencies: Record<string, string[]> = {};
    r.getPropertydependenciesMap().forEach((v, k) => {
      propertyDependencies[k] = v.getUrnsList();
    });
    const deps = new Set(r.getDependenciesList());
    // An explicit provider ("<urn>::<id>") is waited for too: its config comes from resources.
    const provider = r.getProvider();
    if (provider) deps.add(provider.slice(0, provider.lastIndexOf("::")));
    for (const urns of Object.values(propertyDependencies)) urns.forEach((u) => deps.add(u));
    const inputs = (fromWire(r.getObject()?.toJavaScript() ?? {}) ?? {}) as Record<string, unknown>;
    this.recorded.push({
      urn: urnOf.newUrn(r.getParent(), r.getType(), r.getName()),
      type: r.getType(),
      name: r.getName(),
      custom: r.getCustom(),
      parent: r.getParent() || null,
      dependsOn: [...deps].sort(),
      propertyDependencies,
      inputs,
      protect: r.getProtect(),
      deletedWith: r.getDeletedwith() || null,
      deleteBeforeReplace: r.getDeletebeforereplace(),
      ignoreChanges: r.getIgnorechangesList(),
      replaceOnChanges: r.getReplaceonchangesList(),
      additionalSecretOutputs: r.getAdditionalsecretoutputsList(),
      aliases: r.getAliasesList().map((a) => {
        const spec = a.getSpec();
        if (!spec) return a.getUrn();
        // Unset fields are the resource's own (the engine fills them in the same way).
        const parent = spec.getNoparent() ? "" : spec.getParenturn() || r.getParent();
        return urnOf.newUrn(parent, spec.getType() || r.getType(), spec.getName() || r.getName());
      }),
    });
  }
}

interface WireObject {
  toJavaScript(): Record<string, unknown>;
  constructor: { fromJavaScript(o: Record<string, unknown>): WireObject };
}
interface IgnoringRequest {
  getIgnorechangesList(): string[];
  getObject(): WireObject | undefined;
  setObject(o: WireObject): void;
}

/** The engine's ignoreChanges, for top-level properties: the previous value goes to the provider. */
function keepIgnoredInputs(req: IgnoringRequest, previous?: Record<string, unknown>): void {
  const object = req.getObject();
  if (!previous || !object) return;
  const inputs = object.toJavaScript();
  let changed = false;
  for (const key of req.getIgnorechangesList()) {
    if (key in previous) {
      inputs[key] = previous[key];
      changed = true;
    }
  }
  if (changed) req.setObject(object.constructor.fromJavaScript(inputs));
}

/** How often the mock runtime was installed: a plan with invalid config must not get that far. */
export const mockRuntimeStats = { installs: 0 };

/** Installs Pulumi's mock runtime with every registration recorded. */
export async function installRecordingMocks(
  mocks: pulumi.runtime.Mocks,
  project: string,
  stack: string,
  previousInputs: MockCloud["previousInputs"] = {},
): Promise<Recorder> {
  const recorder = new Recorder();
  mockRuntimeStats.installs++;
  // setMocks sets the runtime's feature flags (secrets, resource references, deletedWith…);
  // its monitor then passes each registration through the recorder.
  await setMocks(mocks, project, stack, false);
  const installed = getMonitor() as unknown as Pick<MockMonitor, "registerResource"> & UrnMaker;
  const register = installed.registerResource.bind(installed);
  installed.registerResource = (req, cb) => {
    recorder.record(req, installed);
    const r = req as unknown as IgnoringRequest & { getName(): string };
    keepIgnoredInputs(r, previousInputs[r.getName()]);
    return register(req, cb);
  };
  return recorder;
}
