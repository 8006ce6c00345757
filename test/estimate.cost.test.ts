// The monthly cost estimate: what each kind of resource bills, from the price table; what it
// cannot price (region, instance type, resource kind) is listed and then there is no total.
import * as assert from "node:assert/strict";
import { costModelled, estimateCost, PRICES, PriceTable } from "../plan/estimate/cost";
import type { RecordedResource } from "../plan/mocks";
import { Secret, UNKNOWN } from "../plan/values";
import { plan } from "./helpers";

const US = PRICES.regions["us-east-1"];
const H = PRICES.hoursPerMonth;
const cents = (x: number) => Math.round(x * 100) / 100;

let n = 0;
function res(type: string, inputs: Record<string, unknown>, extra: Partial<RecordedResource> = {}) {
  const name = extra.name ?? `r${n++}`;
  return {
    urn: `urn:pulumi:t::p::${type}::${name}`,
    type,
    name,
    custom: true,
    parent: null,
    dependsOn: [],
    propertyDependencies: {},
    inputs,
    protect: false,
    deletedWith: null,
    deleteBeforeReplace: false,
    ignoreChanges: [],
    replaceOnChanges: [],
    additionalSecretOutputs: [],
    ...extra,
  } satisfies RecordedResource;
}

const instance = (inputs: Record<string, unknown>, extra: Partial<RecordedResource> = {}) =>
  res("aws:ec2/instance:Instance", { instanceType: "m6i.xlarge", ...inputs }, extra);
const lb = (inputs: Record<string, unknown>) => res("aws:lb/loadBalancer:LoadBalancer", inputs);

describe("estimate: monthly cost", function () {
  this.timeout(120_000);

  it("instances: on-demand hours of their type; root gp3 volume by GiB; one public IPv4", () => {
    const c = estimateCost(
      [
        instance({
          rootBlockDevice: { volumeSize: 100, volumeType: "gp3" },
          associatePublicIpAddress: true,
        }),
      ],
      "us-east-1",
    );
    assert.deepEqual(
      c.byKind.map((k) => [k.kind, k.monthlyUsd]),
      [
        ["instances", cents(US.instances["m6i.xlarge"] * H)],
        ["ebs", cents(100 * US.ebsGp3GbMonth)],
        ["publicIpv4", cents(US.publicIpv4Hour * H)],
      ],
    );
    assert.equal(c.monthlyUsd, c.pricedUsd);
    assert.deepEqual(c.unpriced, []);
  });

  it("no public IPv4 for a server without one; a subnet that maps public IPs gives one", () => {
    const subnet = res("aws:ec2/subnet:Subnet", { mapPublicIpOnLaunch: true }, { name: "sn" });
    const privateSubnet = res("aws:ec2/subnet:Subnet", { mapPublicIpOnLaunch: false });
    const c = estimateCost(
      [
        subnet,
        privateSubnet,
        instance({ associatePublicIpAddress: false, rootBlockDevice: { volumeSize: 8 } }),
        instance(
          { rootBlockDevice: { volumeSize: 8 } },
          { propertyDependencies: { subnetId: [subnet.urn] } },
        ),
        instance(
          { rootBlockDevice: { volumeSize: 8 } },
          { propertyDependencies: { subnetId: [privateSubnet.urn] } },
        ),
      ],
      "us-east-1",
    );
    assert.equal(c.lines.filter((l) => l.kind === "publicIpv4").length, 1);
  });

  it("EBS: gp3 data volumes and volumes priced by GiB; other types and unknown sizes are not priced", () => {
    const c = estimateCost(
      [
        instance({
          rootBlockDevice: { volumeSize: 50, volumeType: "gp3" },
          ebsBlockDevices: [{ volumeSize: 200, volumeType: "gp3" }],
          associatePublicIpAddress: false,
        }),
        res("aws:ebs/volume:Volume", { size: 20, type: "gp3" }),
        res("aws:ebs/volume:Volume", { size: 20, type: "io2" }, { name: "fast" }),
        instance({ associatePublicIpAddress: false }, { name: "amisize" }),
      ],
      "us-east-1",
    );
    assert.equal(c.byKind.find((k) => k.kind === "ebs")!.monthlyUsd, cents(270 * US.ebsGp3GbMonth));
    assert.deepEqual(c.unpriced, [
      "fast: volume type io2",
      "amisize: root volume size not set (AMI default)",
    ]);
    assert.equal(c.monthlyUsd, null, "no total when part of the stack is not priced");
  });

  it("load balancers: NLB and ALB hours plus the stated capacity-unit assumption; public IPv4 per AZ if internet-facing", () => {
    const cu = PRICES.assumptions.capacityUnitsPerLoadBalancerHour;
    const c = estimateCost(
      [
        lb({ loadBalancerType: "network", internal: false, subnets: ["a", "b", "c"] }),
        lb({ loadBalancerType: "network", internal: true, subnets: ["a", "b", "c"] }),
        lb({
          loadBalancerType: "application",
          internal: false,
          subnetMappings: [{ subnetId: "a" }, { subnetId: "b" }],
        }),
      ],
      "us-east-1",
    );
    const nlb = (US.nlbHour + cu * US.nlcuHour) * H;
    const alb = (US.albHour + cu * US.lcuHour) * H;
    const byKind = Object.fromEntries(c.byKind.map((k) => [k.kind, k]));
    assert.ok(Math.abs(byKind.loadBalancers.monthlyUsd - (2 * nlb + alb)) < 0.05);
    assert.equal(byKind.loadBalancers.detail, "2 × NLB, 1 × ALB");
    assert.equal(
      byKind.publicIpv4.detail,
      "5 addresses",
      "3 AZs + 2 AZs, none for the internal NLB",
    );
    assert.ok(
      c.assumptions.some((a) => /LCU/.test(a)),
      "the LCU assumption is stated",
    );
  });

  it("NAT gateways: hours plus the stated data assumption; their Elastic IP is a public IPv4", () => {
    const c = estimateCost(
      [
        res("aws:ec2/eip:Eip", { domain: "vpc" }),
        res("aws:ec2/natGateway:NatGateway", { allocationId: UNKNOWN, subnetId: "a" }),
      ],
      "us-east-1",
    );
    const byKind = Object.fromEntries(c.byKind.map((k) => [k.kind, k]));
    assert.equal(
      byKind.natGateways.monthlyUsd,
      cents(
        cents(US.natGatewayHour * H) +
          cents(PRICES.assumptions.natGatewayGbPerMonth * US.natGatewayGb),
      ),
    );
    assert.equal(byKind.publicIpv4.monthlyUsd, cents(US.publicIpv4Hour * H));
    assert.ok(c.assumptions.some((a) => /NAT gateway/.test(a)));
  });

  it("S3 buckets: storage at the stated size assumption", () => {
    const c = estimateCost([res("aws:s3/bucketV2:BucketV2", {})], "us-east-1");
    assert.equal(c.monthlyUsd, cents(PRICES.assumptions.s3GbPerBucket * US.s3StandardGbMonth));
  });

  it("an unknown region is reported, not guessed: no lines, no total", () => {
    const c = estimateCost([instance({ rootBlockDevice: { volumeSize: 8 } })], "eu-south-9");
    assert.equal(c.monthlyUsd, null);
    assert.deepEqual(c.lines, []);
    assert.match(c.unpriced[0], /^region eu-south-9: no prices in plan\/data\/prices\.json/);
  });

  it("an unknown instance type is reported; the rest is still priced", () => {
    const c = estimateCost(
      [
        instance(
          { instanceType: "x2iedn.32xlarge", rootBlockDevice: { volumeSize: 8 } },
          { name: "big" },
        ),
      ],
      "us-east-1",
    );
    assert.deepEqual(c.unpriced, [
      "big: instance type x2iedn.32xlarge not in the us-east-1 price table",
    ]);
    assert.equal(c.monthlyUsd, null);
    assert.ok(c.pricedUsd > 0, "the volume and address are still priced");
  });

  it("a resource kind with no price model is reported; free kinds and components cost nothing", () => {
    const c = estimateCost(
      [
        res("aws:rds/instance:Instance", {}, { name: "db" }),
        res("aws:ec2/vpc:Vpc", {}),
        res("rancher-ha:rke2:Rke2Cluster", {}, { custom: false }),
        res("kubernetes:helm.sh/v3:Release", {}),
      ],
      "us-east-1",
    );
    assert.deepEqual(c.unpriced, ["db: aws:rds/instance:Instance has no price model"]);
    assert.deepEqual(c.lines, []);
  });

  it("secret and unknown inputs are read through, never guessed", () => {
    const c = estimateCost(
      [
        instance({
          instanceType: new Secret("m6i.large"),
          rootBlockDevice: { volumeSize: UNKNOWN },
          associatePublicIpAddress: false,
        }),
      ],
      "us-east-1",
    );
    assert.equal(c.lines[0].unitUsd, US.instances["m6i.large"]);
    assert.match(c.unpriced[0], /root volume size not set/);
  });

  for (const stack of ["dev", "prod"]) {
    it(`${stack}: every resource kind in the plan has a cost model (priced or free)`, async () => {
      const p = await plan(stack);
      const missing = p.resources
        .filter((r) => !costModelled(r))
        .map((r) => `${r.name} (${r.type})`);
      assert.deepEqual(
        missing,
        [],
        "add the kind to FREE_TYPES or price it in plan/estimate/cost.ts",
      );
    });
  }

  it("dev (us-east-1, bastion): servers, bastion, volumes, two NLBs, NAT and its address, the backup bucket; total is the sum", async () => {
    const p = await plan("dev");
    const c = estimateCost(p.resources, p.config.region);
    assert.deepEqual(
      c.byKind.map((k) => [k.kind, k.detail]),
      [
        ["instances", "1 × t3.micro, 3 × m6i.xlarge"],
        ["ebs", "1 × 8 GiB gp3, 3 × 100 GiB gp3"],
        ["loadBalancers", "2 × NLB"],
        ["natGateways", "1 × NAT gateway"],
        // The public NLB's three, the bastion's and the NAT gateway's Elastic IP.
        ["publicIpv4", "5 addresses"],
        ["s3", "1 × bucket"],
      ],
    );
    assert.equal(c.monthlyUsd, cents(c.lines.reduce((t, l) => t + l.monthlyUsd, 0)));
  });

  it("each access mode pays for its own path: NAT gateways, bastion, or public addresses", async () => {
    const kinds = async (overrides: string[]) => {
      const p = await plan("dev", overrides);
      return Object.fromEntries(
        estimateCost(p.resources, p.config.region).byKind.map((k) => [k.kind, k.detail]),
      );
    };
    const ssm = await kinds(["nodeAccess=ssm"]);
    assert.equal(ssm.instances, "3 × m6i.xlarge", "no bastion");
    assert.equal(ssm.natGateways, "1 × NAT gateway");
    assert.equal(ssm.publicIpv4, "4 addresses", "the NLB's three and the NAT gateway's");
    const perAz = await kinds(["nodeAccess=ssm", "natGateways=perAz"]);
    assert.equal(perAz.natGateways, "3 × NAT gateway");
    assert.equal(perAz.publicIpv4, "6 addresses");
    const pub = await kinds(["nodeAccess=public"]);
    assert.equal(pub.natGateways, undefined);
    assert.equal(pub.publicIpv4, "6 addresses", "the NLB's three and one per server");
  });

  it("prod (eu-west-1): priced at eu-west-1's own prices, the ALB beside the two NLBs", async () => {
    const p = await plan("prod");
    assert.equal(p.config.region, "eu-west-1");
    const c = estimateCost(p.resources, p.config.region);
    assert.deepEqual(c.unpriced, []);
    assert.equal(c.monthlyUsd, cents(c.lines.reduce((t, l) => t + l.monthlyUsd, 0)));
    assert.equal(c.byKind.find((k) => k.kind === "loadBalancers")!.detail, "2 × NLB, 1 × ALB");
    // The ALB's and public NLB's three each, the bastion's and the NAT gateway's.
    assert.equal(c.byKind.find((k) => k.kind === "publicIpv4")!.detail, "8 addresses");
    // Every unit price is Ireland's, not us-east-1's (Ireland's instances and ALB cost more).
    const EU = PRICES.regions["eu-west-1"];
    const unit = (d: RegExp) => c.lines.find((l) => d.test(l.description))!.unitUsd;
    assert.equal(unit(/m6i\.xlarge on-demand/), EU.instances["m6i.xlarge"]);
    assert.equal(unit(/^ALB hours/), EU.albHour);
    assert.equal(unit(/gp3/), EU.ebsGp3GbMonth);
    const inUs = estimateCost(p.resources, "us-east-1").monthlyUsd;
    assert.ok(inUs !== null && c.pricedUsd > inUs, "Ireland costs more than N. Virginia");
  });

  describe("the price table", () => {
    it("has a date, sources, and every price for every region", () => {
      assert.match(PRICES.retrieved, /^\d{4}-\d{2}-\d{2}$/);
      for (const [region, p] of Object.entries(PRICES.regions)) {
        for (const k of [
          "ebsGp3GbMonth",
          "nlbHour",
          "nlcuHour",
          "albHour",
          "lcuHour",
          "natGatewayHour",
          "natGatewayGb",
          "publicIpv4Hour",
          "s3StandardGbMonth",
        ] as const) {
          assert.ok(p[k] > 0 && p[k] < 1, `${region}.${k}`);
        }
        const raw = p as unknown as Record<string, unknown>;
        for (const k of Object.keys(raw).filter(
          (x) => x.endsWith("Source") && x !== "hoursPerMonthSource",
        )) {
          assert.ok(String(raw[k]).length > 20, `${region}.${k} names a source`);
        }
        assert.ok(p.instancesSource.length > 20);
      }
    });

    it("instance prices double with each size within a family (catches typos)", () => {
      const order = ["nano", "micro", "small", "medium", "large", "xlarge", "2xlarge", "4xlarge"];
      for (const [region, p] of Object.entries(PRICES.regions)) {
        for (const [type, price] of Object.entries(p.instances)) {
          const [family, size] = type.split(".");
          const i = order.indexOf(size);
          assert.ok(i >= 0, `${type}: unexpected size`);
          const next = p.instances[`${family}.${order[i + 1]}`];
          if (next !== undefined) {
            assert.ok(
              Math.abs(next - 2 * price) < 1e-9,
              `${region} ${type} → ${family}.${order[i + 1]}`,
            );
          }
        }
      }
    });

    it("a table passed in is used instead of the bundled one", () => {
      const table: PriceTable = {
        ...PRICES,
        regions: { "xx-test-1": { ...US, instances: { "m6i.xlarge": 1 } } },
      };
      const c = estimateCost(
        [instance({ associatePublicIpAddress: false, rootBlockDevice: { volumeSize: 1 } })],
        "xx-test-1",
        table,
      );
      assert.equal(c.lines[0].monthlyUsd, H);
    });
  });
});
