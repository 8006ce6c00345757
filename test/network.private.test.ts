// Private servers (nodeAccess bastion/ssm): the new VPC's private subnets and NAT egress, and the
// route checks of a given VPC (components/network/).
import * as assert from "node:assert/strict";
import { ConfigError } from "../components/config";
import {
  classifySubnet,
  natGatewayOf,
  privateSubnetCidrs,
  subnetCidrs,
} from "../components/network";
import type { MockCloud } from "../plan/mocks";
import { runPlan } from "../plan/run";
import { byName, FIXTURE_STACKS, ofType, plan, TYPES, waitsFor } from "./helpers";

const NAT = "aws:ec2/natGateway:NatGateway";
const EIP = "aws:ec2/eip:Eip";
const ROUTE = "aws:ec2/route:Route";
const S = (n: number) => `subnet-0123456789abcdef${n}`;
const VPC = "vpc-0123456789abcdef0";

describe("network: private subnets for the servers", function () {
  this.timeout(120_000);

  it("lays private subnets in the VPC range's fourth quarter, clear of the public ones", () => {
    assert.deepEqual(privateSubnetCidrs("10.20.0.0/16", 3), [
      "10.20.192.0/20",
      "10.20.208.0/20",
      "10.20.224.0/20",
    ]);
    assert.deepEqual(privateSubnetCidrs("192.168.4.0/24", 2), [
      "192.168.4.192/28",
      "192.168.4.208/28",
    ]);
    // The public subnets never reach the fourth quarter (three zones at most).
    assert.deepEqual(subnetCidrs("10.20.0.0/16", 3).at(-1), "10.20.128.0/18");
    assert.deepEqual(
      [0, 1, 2].map((i) => natGatewayOf(i, "single")),
      [0, 0, 0],
    );
    assert.deepEqual(
      [0, 1, 2].map((i) => natGatewayOf(i, "perAz")),
      [0, 1, 2],
    );
  });

  for (const mode of ["bastion", "ssm"]) {
    it(`${mode}: servers in private subnets without public IPs, egress through one NAT gateway`, async () => {
      const p = await plan("dev", [`nodeAccess=${mode}`]);
      const priv = ofType(p, TYPES.subnet).filter((s) => s.name.includes("-private-"));
      assert.deepEqual(
        priv.map((s) => [
          s.inputs.availabilityZone,
          s.inputs.cidrBlock,
          s.inputs.mapPublicIpOnLaunch,
        ]),
        [
          ["us-east-1a", "10.20.192.0/20", false],
          ["us-east-1b", "10.20.208.0/20", false],
          ["us-east-1c", "10.20.224.0/20", false],
        ],
      );
      const nats = ofType(p, NAT);
      assert.deepEqual(
        nats.map((n) => [n.name, n.inputs.subnetId, n.inputs.allocationId]),
        [["rancher-net-nat-1", "rancher-net-public-1-id", "rancher-net-nat-1-alloc"]],
      );
      assert.equal(ofType(p, EIP).length, 1);
      const igw = byName(p, "rancher-net-igw");
      assert.ok(nats[0].dependsOn.includes(igw.urn), "a public NAT gateway needs the IGW");
      const routes = ofType(p, ROUTE);
      assert.deepEqual(
        routes.map((r) => [r.name, r.inputs.destinationCidrBlock, r.inputs.natGatewayId]),
        [1, 2, 3].map((i) => [
          `rancher-net-private-${i}-default`,
          "0.0.0.0/0",
          "rancher-net-nat-1-id",
        ]),
      );
      const servers = ofType(p, TYPES.instance).filter((i) => i.name.startsWith("rancher-server"));
      assert.deepEqual(
        servers.map((i) => [i.inputs.subnetId, i.inputs.associatePublicIpAddress]),
        [
          ["rancher-net-private-1-id", false],
          ["rancher-net-private-2-id", false],
          ["rancher-net-private-3-id", false],
        ],
      );
      // ssm: the agent registers at boot, so the servers boot once egress exists. Over SSH the
      // servers boot beside the NAT gateway and only the downloading steps wait for its route.
      const steps = (suffix: string) => p.resources.filter((r) => r.name.endsWith(suffix));
      for (const [i, server] of servers.entries()) {
        const route = routes[i];
        if (mode === "ssm") {
          assert.ok(server.dependsOn.includes(route.urn), `${server.name} waits for ${route.name}`);
        } else {
          assert.ok(!waitsFor(p, server).has(route.urn), `${server.name} boots beside the NAT`);
          for (const step of [...steps(`-${i + 1}-install`), ...steps(`-${i + 1}-images`)]) {
            assert.ok(step.dependsOn.includes(route.urn), `${step.name} waits for ${route.name}`);
          }
          const stage = steps(`-${i + 1}-stage`)[0];
          assert.ok(!waitsFor(p, stage).has(route.urn), `${stage.name} needs no egress`);
        }
      }
      for (const lb of ofType(p, TYPES.lb)) {
        assert.deepEqual(
          lb.inputs.subnets,
          [1, 2, 3].map((i) => `rancher-net-public-${i}-id`),
          `${lb.name} stays in the public subnets`,
        );
      }
    });
  }

  it("perAz: a NAT gateway in each zone's public subnet, each private subnet through its own", async () => {
    const p = await plan("dev", ["natGateways=perAz"]);
    assert.deepEqual(
      ofType(p, NAT).map((n) => n.inputs.subnetId),
      [1, 2, 3].map((i) => `rancher-net-public-${i}-id`),
    );
    assert.equal(ofType(p, EIP).length, 3);
    assert.deepEqual(
      ofType(p, ROUTE).map((r) => r.inputs.natGatewayId),
      [1, 2, 3].map((i) => `rancher-net-nat-${i}-id`),
    );
  });

  it("single → perAz keeps the private subnets and route resources (routes change in place)", async () => {
    const single = await plan("dev");
    const perAz = await plan("dev", ["natGateways=perAz"]);
    const keys = (p: typeof single, type: string) => ofType(p, type).map((r) => r.urn);
    assert.deepEqual(keys(perAz, ROUTE), keys(single, ROUTE));
    assert.deepEqual(keys(perAz, TYPES.subnet), keys(single, TYPES.subnet));
  });

  it("public: no private subnet, NAT gateway or Elastic IP; servers with public IPs", async () => {
    const p = await plan("dev", ["nodeAccess=public"]);
    assert.equal(ofType(p, NAT).length + ofType(p, EIP).length + ofType(p, ROUTE).length, 0);
    assert.ok(ofType(p, TYPES.subnet).every((s) => s.name.includes("-public-")));
    for (const i of ofType(p, TYPES.instance)) {
      assert.equal(i.inputs.associatePublicIpAddress, true, i.name);
    }
  });

  it("public → bastion replaces no server at once: subnet and public IP wait for replaceServer", async () => {
    const servers = [1, 2, 3].map((i) => `rancher-server-${i}`);
    const previousInputs = Object.fromEntries(
      servers.map((n, i) => [
        n,
        { subnetId: `rancher-net-public-${i + 1}-id`, associatePublicIpAddress: true },
      ]),
    );
    const p = await plan("dev", ["nodeAccess=bastion"], { previousInputs });
    for (const name of servers) {
      const i = byName(p, name, TYPES.instance);
      assert.ok(i.ignoreChanges.includes("subnetId"), name);
      assert.ok(i.ignoreChanges.includes("associatePublicIpAddress"), name);
      // The engine sends the stored subnet and public IP (ignoreChanges): nothing replaces.
    }
    const moves = p.warnings.filter((w) => w.includes("is still in subnet rancher-net-public-"));
    assert.equal(moves.length, 3, p.warnings.join("\n"));
    assert.match(
      moves[1],
      /^server 2 \(rancher-server-2\) is still in subnet rancher-net-public-2-id, as created; the stack now places it in rancher-net-private-2-id without a public IP, which takes its replacement: pulumi config set rancher-ha:replaceServer 2 && pulumi up/,
    );
    const replaced = await plan("dev", ["nodeAccess=bastion", "replaceServer=2"], {
      previousInputs,
    });
    const two = byName(replaced, "rancher-server-2", TYPES.instance);
    assert.ok(two.replaceOnChanges.includes("associatePublicIpAddress"));
    assert.equal(two.inputs.subnetId, "rancher-net-private-2-id");
    assert.equal(two.inputs.associatePublicIpAddress, false);
  });
});

describe("network: a given VPC's subnets, checked by their route tables", function () {
  this.timeout(120_000);
  const byo = (servers: number[], pub?: number[]) => [
    `vpcId=${VPC}`,
    `subnetIds=${JSON.stringify(servers.map(S))}`,
    ...(pub ? [`publicSubnetIds=${JSON.stringify(pub.map(S))}`] : []),
  ];
  const zones = (ids: Record<number, string>, routes: Record<number, string> = {}): MockCloud => ({
    subnets: Object.fromEntries(
      Object.entries(ids).map(([n, az]) => [
        S(Number(n)),
        {
          availabilityZone: az,
          cidrBlock: `10.0.${n}.0/24`,
          ...(routes[Number(n)] ? { route: routes[Number(n)] as "igw" } : {}),
        },
      ]),
    ),
  });
  const refused = (overrides: string[], cloud: MockCloud) =>
    runPlan({ stack: "dev", stackDir: FIXTURE_STACKS, overrides, cloud }).then(
      () => assert.fail("expected a ConfigError"),
      (e: unknown) => {
        assert.ok(e instanceof ConfigError, String(e));
        return e.problems.map((x) => `${x.key}: ${x.message}`);
      },
    );
  const AZ = { 0: "us-east-1a", 1: "us-east-1b", 2: "us-east-1a", 3: "us-east-1b" };

  it("classifies a subnet by its default route", () => {
    assert.deepEqual(classifySubnet([{ cidrBlock: "0.0.0.0/0", gatewayId: "igw-1" }]), {
      kind: "public",
      target: "igw-1",
    });
    for (const route of [
      { natGatewayId: "nat-1" },
      { transitGatewayId: "tgw-1" },
      { networkInterfaceId: "eni-1" },
      { vpcPeeringConnectionId: "pcx-1" },
      { gatewayId: "vgw-1" },
    ]) {
      assert.equal(classifySubnet([{ cidrBlock: "0.0.0.0/0", ...route }]).kind, "private-egress");
    }
    assert.deepEqual(classifySubnet([{ cidrBlock: "10.1.0.0/16", natGatewayId: "nat-1" }]), {
      kind: "isolated",
    });
  });

  it("bastion: servers in the private subnets, load balancers in the public ones, no NAT created", async () => {
    const p = await plan("dev", byo([0, 1], [2, 3]), zones(AZ));
    assert.deepEqual(
      ofType(p, TYPES.instance)
        .filter((i) => i.name.startsWith("rancher-server"))
        .map((i) => [i.inputs.subnetId, i.inputs.associatePublicIpAddress]),
      [
        [S(0), false],
        [S(1), false],
        [S(0), false],
      ],
    );
    for (const lb of ofType(p, TYPES.lb)) assert.deepEqual(lb.inputs.subnets, [S(2), S(3)]);
    assert.equal(ofType(p, NAT).length + ofType(p, "aws:ec2/vpc:Vpc").length, 0);
  });

  it("a subnet on the VPC's main route table is judged by the main table", async () => {
    const cloud = { ...zones(AZ, { 0: "main", 1: "main" }), mainRoute: "nat" as const };
    const p = await plan("dev", byo([0, 1], [2, 3]), cloud);
    assert.equal(ofType(p, TYPES.lb).length, 2);
    const problems = await refused(byo([0, 1], [2, 3]), { ...cloud, mainRoute: "igw" });
    assert.equal(problems.length, 2, problems.join("\n"));
  });

  it("refuses wrong routes and uncovered zones, every problem at once, naming the key", async () => {
    const cloud = zones(
      { 0: "us-east-1a", 1: "us-east-1c", 2: "us-east-1a", 3: "us-east-1b" },
      { 0: "igw", 1: "none", 3: "nat" },
    );
    assert.deepEqual(await refused(byo([0, 1], [2, 3]), cloud), [
      `publicSubnetIds: ${S(3)} routes 0.0.0.0/0 to nat-0placeholder0000, not to an internet gateway: list public subnets in rancher-ha:publicSubnetIds`,
      `subnetIds: ${S(0)} is given for private servers but routes 0.0.0.0/0 to igw-0placeholder0000: servers there would need public IPs; list private subnets (0.0.0.0/0 to a NAT gateway) in rancher-ha:subnetIds and public ones in rancher-ha:publicSubnetIds`,
      `subnetIds: ${S(1)} has no default route: private servers need egress through a NAT gateway (RKE2 downloads, image pulls, SSM); add 0.0.0.0/0 to a NAT gateway to its route table`,
      `publicSubnetIds: no subnet in us-east-1c, where rancher-ha:subnetIds puts servers: a load balancer only sends traffic to targets in its own zones; add a public subnet there`,
    ]);
  });

  it("public servers in a private subnet are refused", async () => {
    assert.deepEqual(
      await refused(["nodeAccess=public", ...byo([0, 1])], zones(AZ, { 1: "nat" })),
      [
        `subnetIds: ${S(1)} routes 0.0.0.0/0 to nat-0placeholder0000, not to an internet gateway: with nodeAccess public the servers need public subnets; use nodeAccess bastion or ssm for private subnets`,
      ],
    );
  });

  it("internal load balancers without public subnets sit in the servers' subnets", async () => {
    const p = await plan(
      "dev",
      ["nodeAccess=ssm", "loadBalancerScheme=internal", ...byo([0, 1])],
      zones(AZ),
    );
    for (const lb of ofType(p, TYPES.lb)) assert.deepEqual(lb.inputs.subnets, [S(0), S(1)]);
  });
});
