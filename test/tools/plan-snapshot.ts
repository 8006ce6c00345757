// `npm run plan:snapshot -- --write <file>` / `--check <file>`: what a refactor must not change.
// Plans the fixture stacks and a set of variants (every mode, TLS source, network kind, zone
// kind, server counts, ranges) and records, per resource, everything the engine compares: URN,
// type, parent, dependencies, inputs (secrets marked), options and aliases; plus the outputs and
// warnings. `--check` replans and lists every difference: a structural change that renames a
// resource or changes an input would re-create or update it on existing stacks.
//
// Certificates for the `secret` variants are generated once (openssl) and kept in the snapshot,
// so a check replans exactly the same inputs.
import { readFileSync, writeFileSync } from "node:fs";
import { isDeepStrictEqual, parseArgs } from "node:util";
import type { RecordedResource } from "../../plan/mocks";
import type { MockCloud } from "../../plan/mocks";
import { runPlan } from "../../plan/run";
import { Secret } from "../../plan/values";
import { privateCa, selfSigned } from "../certs";
import { FIXTURE_STACKS } from "../helpers";

interface Fixtures {
  dev: { cert: string; key: string };
  privateCa: { ca: string; cert: string; key: string };
}

interface Variant {
  name: string;
  stack: "dev" | "prod";
  overrides: string[];
  cloud?: MockCloud;
}

const ARN = "arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d-1111-2222-3333-444455556666";

function variants(f: Fixtures): Variant[] {
  const j = (v: unknown) => JSON.stringify(v);
  return [
    { name: "dev", stack: "dev", overrides: [] },
    { name: "prod", stack: "prod", overrides: [] },
    {
      name: "dev letsEncrypt staging",
      stack: "dev",
      overrides: ["tlsSource=letsEncrypt", "letsEncryptEmail=ops@example.com"].concat(
        "letsEncryptEnvironment=staging",
      ),
    },
    {
      name: "dev secret self-signed",
      stack: "dev",
      overrides: [
        "tlsSource=secret",
        `tlsCertificate=${f.dev.cert}`,
        `tlsPrivateKey=${f.dev.key}`,
        `tlsCaCertificate=${f.dev.cert}`,
      ],
    },
    {
      name: "dev secret private CA",
      stack: "dev",
      overrides: [
        "tlsSource=secret",
        `tlsCertificate=${f.privateCa.cert}`,
        `tlsPrivateKey=${f.privateCa.key}`,
        `tlsCaCertificate=${f.privateCa.ca}`,
      ],
    },
    {
      // (A zone by ID is not planned: the placeholder zone never contains the hostname.)
      name: "prod certificateArn, nginx",
      stack: "prod",
      overrides: [
        `certificateArn=${ARN}`,
        "rke2Version=v1.35.7+rke2r1",
        "idleTimeoutSeconds=900",
        "rancherChartRepository=stable",
        "auditLogLevel=3",
        "protect=false",
      ],
    },
    {
      name: "prod explicit ingress-nginx on 1.35",
      stack: "prod",
      overrides: ["rke2Version=v1.35.7+rke2r1", "ingressController=ingress-nginx"],
    },
    {
      name: "dev existing vpc",
      stack: "dev",
      overrides: [
        "vpcId=vpc-0123456789abcdef0",
        `subnetIds=${j(["subnet-0123456789abcdef0", "subnet-0123456789abcdef1", "subnet-0123456789abcdef2"])}`,
      ],
      cloud: {
        subnets: {
          "subnet-0123456789abcdef0": { availabilityZone: "us-east-1a", cidrBlock: "10.0.0.0/20" },
          "subnet-0123456789abcdef1": { availabilityZone: "us-east-1a", cidrBlock: "10.0.16.0/20" },
          "subnet-0123456789abcdef2": {
            availabilityZone: "us-east-1b",
            cidrBlock: "100.64.0.0/20",
          },
        },
      },
    },
    {
      name: "dev five servers, ranges, replace",
      stack: "dev",
      overrides: [
        "serverCount=5",
        "replaceServer=2",
        "protect=true",
        `adminCidrs=${j(["203.0.113.0/24", "2001:db8::/32", "198.51.100.0/24"])}`,
        `ingressCidrs=${j(["192.0.2.0/24", "203.0.113.0/24", "2001:db8:1::/48"])}`,
      ],
    },
    {
      name: "prod ranges overlap admin",
      stack: "prod",
      overrides: [`ingressCidrs=${j(["198.51.100.0/24", "0.0.0.0/0", "::/0"])}`],
    },
    {
      name: "dev us-west-1 two zones",
      stack: "dev",
      overrides: ["aws:region=us-west-1"],
    },
    {
      name: "dev pinned zones, small vpc",
      stack: "dev",
      overrides: [`availabilityZones=${j(["us-east-1b", "us-east-1c"])}`, "vpcCidr=10.30.0.0/20"],
    },
    {
      name: "dev sandbox with keys and tags",
      stack: "dev",
      overrides: [
        "serverCount=1",
        "amiId=ami-0123456789abcdef0",
        "sshUser=admin",
        "sshPrivateKey=-----BEGIN OPENSSH PRIVATE KEY-----\nx\n-----END OPENSSH PRIVATE KEY-----",
        "bootstrapPassword=a-long-enough-password",
        "instanceType=m7i.2xlarge",
        "rootVolumeGiB=200",
        `tags=${j({ team: "platform", year: 2024 })}`,
      ],
    },
    {
      name: "dev l7 switch",
      stack: "dev",
      overrides: ["loadBalancer=l7"],
    },
    {
      name: "prod l4 switch",
      stack: "prod",
      overrides: ["loadBalancer=l4", "sslPolicy=", "idleTimeoutSeconds=0"],
    },
  ];
}

/** Plan values as plain JSON: secrets as `{ "[secret]": value }`. */
function plain(v: unknown): unknown {
  if (v instanceof Secret) return { "[secret]": plain(v.value) };
  if (Array.isArray(v)) return v.map(plain);
  if (v !== null && typeof v === "object") {
    return Object.fromEntries(
      Object.entries(v)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([k, x]) => [k, plain(x)]),
    );
  }
  return v;
}

function resourceRecord(r: RecordedResource): Record<string, unknown> {
  const deps = Object.fromEntries(
    Object.entries(r.propertyDependencies)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => [k, [...v].sort()]),
  );
  return plain({
    type: r.type,
    custom: r.custom,
    parent: r.parent,
    dependsOn: [...r.dependsOn].sort(),
    propertyDependencies: deps,
    inputs: r.inputs,
    protect: r.protect,
    deletedWith: r.deletedWith,
    deleteBeforeReplace: r.deleteBeforeReplace,
    ignoreChanges: [...r.ignoreChanges].sort(),
    replaceOnChanges: [...r.replaceOnChanges].sort(),
    additionalSecretOutputs: [...r.additionalSecretOutputs].sort(),
    aliases: [...(r.aliases ?? [])].sort(),
  }) as Record<string, unknown>;
}

interface Snapshot {
  fixtures: Fixtures;
  plans: Record<
    string,
    {
      resources: Record<string, Record<string, unknown>>;
      outputs: unknown;
      warnings: string[];
    }
  >;
}

async function snapshotPlans(fixtures: Fixtures): Promise<Snapshot["plans"]> {
  const plans: Snapshot["plans"] = {};
  for (const v of variants(fixtures)) {
    const p = await runPlan({
      stack: v.stack,
      overrides: v.overrides,
      stackDir: FIXTURE_STACKS,
      ...(v.cloud ? { cloud: v.cloud } : {}),
    });
    const resources: Record<string, Record<string, unknown>> = {};
    for (const r of [...p.resources].sort((a, b) => (a.urn < b.urn ? -1 : 1))) {
      if (resources[r.urn]) throw new Error(`${v.name}: two resources with URN ${r.urn}`);
      resources[r.urn] = resourceRecord(r);
    }
    plans[v.name] = { resources, outputs: plain(p.outputs), warnings: p.warnings };
  }
  return plans;
}

function newFixtures(): Fixtures {
  const dev = selfSigned("rancher-dev.example.com", 3650);
  const ca = privateCa("rancher-dev.example.com", 3650);
  return {
    dev: { cert: dev.cert, key: dev.key },
    privateCa: { ca: ca.ca.cert, cert: ca.leaf.cert, key: ca.leaf.key },
  };
}

/** Every difference between two snapshots' plans, one line each. */
export function differences(before: Snapshot["plans"], after: Snapshot["plans"]): string[] {
  const out: string[] = [];
  for (const name of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const a = before[name];
    const b = after[name];
    if (!a || !b) {
      out.push(`${name}: variant ${a ? "missing now" : "new"}`);
      continue;
    }
    for (const urn of new Set([...Object.keys(a.resources), ...Object.keys(b.resources)])) {
      const ra = a.resources[urn];
      const rb = b.resources[urn];
      if (!ra) out.push(`${name}: + ${urn}`);
      else if (!rb) out.push(`${name}: - ${urn}`);
      else {
        for (const field of new Set([...Object.keys(ra), ...Object.keys(rb)])) {
          if (!isDeepStrictEqual(ra[field], rb[field])) {
            out.push(
              `${name}: ~ ${urn} ${field}: ${JSON.stringify(ra[field])} → ${JSON.stringify(rb[field])}`,
            );
          }
        }
      }
    }
    if (!isDeepStrictEqual(a.outputs, b.outputs)) out.push(`${name}: outputs differ`);
    if (!isDeepStrictEqual(a.warnings, b.warnings)) {
      out.push(`${name}: warnings ${JSON.stringify(a.warnings)} → ${JSON.stringify(b.warnings)}`);
    }
  }
  return out;
}

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { write: { type: "string" }, check: { type: "string" } },
    strict: true,
  });
  if (values.write) {
    const fixtures = newFixtures();
    const snapshot: Snapshot = { fixtures, plans: await snapshotPlans(fixtures) };
    writeFileSync(values.write, JSON.stringify(snapshot, null, 1) + "\n");
    const count = Object.values(snapshot.plans).reduce(
      (n, p) => n + Object.keys(p.resources).length,
      0,
    );
    process.stdout.write(
      `${Object.keys(snapshot.plans).length} plans, ${count} resources → ${values.write}\n`,
    );
    return 0;
  }
  if (values.check) {
    const before = JSON.parse(readFileSync(values.check, "utf8")) as Snapshot;
    const diff = differences(before.plans, await snapshotPlans(before.fixtures));
    for (const line of diff.slice(0, 200)) process.stdout.write(`${line}\n`);
    if (diff.length > 200) process.stdout.write(`… and ${diff.length - 200} more\n`);
    process.stdout.write(
      diff.length === 0
        ? `identical: ${Object.keys(before.plans).length} plans\n`
        : `${diff.length} difference(s)\n`,
    );
    return diff.length === 0 ? 0 : 1;
  }
  process.stderr.write("usage: plan-snapshot --write <file> | --check <file>\n");
  return 2;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (e: unknown) => {
      process.stderr.write(`plan-snapshot: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exitCode = 1;
    },
  );
}
