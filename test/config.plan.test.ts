// Every bad input through the plan command: exit code, message, nothing on stdout, nothing
// registered; and a good TLS secret accepted. The rules themselves: test/config.<topic>.test.ts.
import * as assert from "node:assert/strict";
import { main } from "../bin/plan";
import { mockRuntimeStats } from "../plan/mocks";
import { selfSigned } from "./certs";
import { FIXTURE_STACKS } from "./helpers";

async function runPlanCommand(args: string[]) {
  let out = "";
  let err = "";
  const before = mockRuntimeStats.installs;
  const code = await main(["--stack", "dev", "--json", "--stack-dir", FIXTURE_STACKS, ...args], {
    out: (t) => (out += t),
    err: (t) => (err += t),
  });
  return { code, out, err, registered: mockRuntimeStats.installs - before };
}

describe("plan command: invalid input", function () {
  this.timeout(60_000);
  const good = selfSigned("rancher-dev.example.com");
  const other = selfSigned("elsewhere.example.org");
  const j = (v: unknown) => JSON.stringify(v);

  const cases: [string, string[], RegExp][] = [
    [
      "hostname not an FQDN",
      ["hostname=rancher"],
      /rancher-ha:hostname: "rancher" is not a valid lowercase FQDN/,
    ],
    [
      "hostname outside the zone",
      ["hostname=rancher.example.org"],
      /rancher-ha:hostname: "rancher.example.org" is not inside hosted zone "example.com"/,
    ],
    [
      "both zone keys",
      ["hostedZoneId=Z0123456789ABC"],
      /rancher-ha:hostedZone: set exactly one of hostedZone and hostedZoneId/,
    ],
    ["neither zone key", ["hostedZone="], /rancher-ha:hostedZone: required: set hostedZone/],
    [
      "unknown loadBalancer",
      ["loadBalancer=l5"],
      /rancher-ha:loadBalancer: "l5" is not a load balancer mode; use l4 \(NLB\) or l7 \(ALB\)/,
    ],
    [
      "tlsSource with l7",
      ["loadBalancer=l7", "tlsSource=secret"],
      /rancher-ha:tlsSource: does not apply to l7/,
    ],
    [
      "letsEncrypt without email",
      ["tlsSource=letsEncrypt"],
      /rancher-ha:letsEncryptEmail: required with tlsSource letsEncrypt/,
    ],
    [
      "secret without certificate and key",
      ["tlsSource=secret"],
      /rancher-ha:tlsCertificate: required[\s\S]*rancher-ha:tlsPrivateKey: required/,
    ],
    [
      "certificate not matching the key",
      ["tlsSource=secret", `tlsCertificate=${good.cert}`, `tlsPrivateKey=${other.key}`],
      /rancher-ha:tlsPrivateKey: does not match tlsCertificate/,
    ],
    [
      "certificate not for the hostname",
      ["tlsSource=secret", `tlsCertificate=${other.cert}`, `tlsPrivateKey=${other.key}`],
      /rancher-ha:tlsCertificate: is not valid for rancher-dev.example.com/,
    ],
    [
      "even serverCount",
      ["serverCount=4"],
      /rancher-ha:serverCount: 4 is not supported; use an odd count of 3, 5 or 7/,
    ],
    ["zero servers", ["serverCount=0"], /rancher-ha:serverCount: 0 is not supported/],
    ["negative servers", ["serverCount=-3"], /rancher-ha:serverCount: -3 is not supported/],
    ["too many servers", ["serverCount=9"], /rancher-ha:serverCount: 9 is not supported/],
    [
      "instance type below minimum",
      ["instanceType=t3.small"],
      /rancher-ha:instanceType: t3.small is below RKE2's minimum of 2 vCPU and 4 GiB/,
    ],
    [
      "arm64 instance type",
      ["instanceType=m7g.xlarge"],
      /rancher-ha:instanceType: m7g.xlarge is an arm64 \(Graviton\) type/,
    ],
    [
      "non-t medium instance",
      ["instanceType=c6g.medium"],
      /rancher-ha:instanceType: c6g.medium is below RKE2's minimum/,
    ],
    ["adminCidrs missing", ["adminCidrs=[]"], /rancher-ha:adminCidrs: required/],
    [
      "adminCidrs malformed",
      [`adminCidrs=${j(["203.0.113.0/33"])}`],
      /rancher-ha:adminCidrs: "203.0.113.0\/33" has an invalid prefix length/,
    ],
    [
      "adminCidrs with host bits",
      [`adminCidrs=${j(["203.0.113.7/24"])}`],
      /did you mean 203.0.113.0\/24\?/,
    ],
    [
      "adminCidrs open to the world",
      [`adminCidrs=${j(["0.0.0.0/0"])}`],
      /rancher-ha:adminCidrs: 0.0.0.0\/0 opens SSH and the Kubernetes API to the whole internet/,
    ],
    [
      "adminCidrs IPv6 world",
      [`adminCidrs=${j(["::/0"])}`],
      /rancher-ha:adminCidrs: ::\/0 opens SSH/,
    ],
    [
      "adminCidrs not a list",
      ["adminCidrs=203.0.113.0/24"],
      /rancher-ha:adminCidrs: must be a JSON list of strings/,
    ],
    [
      "ingressCidrs malformed",
      [`ingressCidrs=${j(["everyone"])}`],
      /rancher-ha:ingressCidrs: "everyone" is not a CIDR/,
    ],
    ["vpcCidr malformed", ["vpcCidr=10.20.0.0"], /rancher-ha:vpcCidr: "10.20.0.0" is not a CIDR/],
    ["vpcCidr too large", ["vpcCidr=10.0.0.0/8"], /rancher-ha:vpcCidr: \/8 is out of range/],
    [
      "vpcId without subnetIds",
      ["vpcId=vpc-0123456789abcdef0"],
      /rancher-ha:subnetIds: required with vpcId/,
    ],
    [
      "subnetIds without vpcId",
      [`subnetIds=${j(["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"])}`],
      /rancher-ha:vpcId: required with subnetIds/,
    ],
    [
      "fewer than two subnets",
      ["vpcId=vpc-0123456789abcdef0", `subnetIds=${j(["subnet-0123456789abcdef0"])}`],
      /rancher-ha:subnetIds: list at least two distinct subnets/,
    ],
    [
      "one AZ",
      [`availabilityZones=${j(["us-east-1a"])}`],
      /rancher-ha:availabilityZones: list two or three distinct availability zones/,
    ],
    [
      "AZ of another region",
      [`availabilityZones=${j(["us-east-1a", "eu-west-1b"])}`],
      /"eu-west-1b" is not an availability zone of us-east-1/,
    ],
    [
      "malformed rke2Version",
      ["rke2Version=1.36.3"],
      /rancher-ha:rke2Version: "1.36.3" is not an RKE2 release like v1.36.3\+rke2r1/,
    ],
    [
      "malformed rancherVersion",
      ["rancherVersion=latest"],
      /rancher-ha:rancherVersion: "latest" is not a chart version/,
    ],
    [
      "malformed certManagerVersion",
      ["certManagerVersion=1.21"],
      /rancher-ha:certManagerVersion: "1.21" is not a cert-manager chart version/,
    ],
    [
      "RKE2 above Rancher's kubeVersion cap",
      ["rancherVersion=2.14.4"],
      /rancher-ha:rke2Version: v1.36.3\+rke2r1 \(Kubernetes 1.36\) is above what Rancher 2.14.4 supports/,
    ],
    [
      "ingress-nginx on RKE2 1.37",
      ["rke2Version=v1.37.0+rke2r1", "rancherVersion=2.15.0", "ingressController=ingress-nginx"],
      /rancher-ha:ingressController: RKE2 v1.37.0\+rke2r1 no longer ships ingress-nginx/,
    ],
    [
      "short bootstrapPassword",
      ["bootstrapPassword=short"],
      /rancher-ha:bootstrapPassword: is shorter than the 12 characters Rancher accepts/,
    ],
    [
      "malformed certificateArn",
      ["loadBalancer=l7", "certificateArn=arn:nope"],
      /rancher-ha:certificateArn: "arn:nope" is not an ACM certificate ARN/,
    ],
    [
      "certificateArn from another region",
      [
        "loadBalancer=l7",
        "certificateArn=arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d-1111-2222-3333-444455556666",
      ],
      /rancher-ha:certificateArn: is in eu-west-1 but the stack is in us-east-1/,
    ],
    [
      "unknown key, nearest suggested",
      ["adminCidr=[]"],
      /rancher-ha:adminCidr: unknown key; did you mean "adminCidrs"\?/,
    ],
    ["bad integer", ["serverCount=three"], /rancher-ha:serverCount: "three" is not a whole number/],
    ["missing region", ["aws:region="], /aws:region: not set/],
  ];
  for (const [what, overrides, expected] of cases) {
    it(`rejects ${what}`, async () => {
      const r = await runPlanCommand(overrides.flatMap((o) => ["--config", o]));
      assert.equal(r.code, 1);
      assert.equal(r.out, "", "nothing on stdout");
      assert.match(r.err, expected);
      assert.doesNotMatch(r.err, /\n\s+at /, "no stack trace");
      assert.equal(r.registered, 0, "nothing registered");
    });
  }

  it("reports all problems of a bad stack in one run", async () => {
    const r = await runPlanCommand([
      "--config",
      "serverCount=2",
      "--config",
      "hostname=x",
      "--config",
      'adminCidrs=["0.0.0.0/0"]',
    ]);
    assert.equal(r.code, 1);
    assert.match(r.err, /invalid configuration \(3 problems\)/);
  });

  it("accepts a matching certificate and key for tlsSource secret, and creates the TLS secret", async () => {
    const r = await runPlanCommand([
      "--config",
      "tlsSource=secret",
      "--config",
      `tlsCertificate=${good.cert}`,
      "--config",
      `tlsPrivateKey=${good.key}`,
      "--config",
      `tlsCaCertificate=${good.cert}`, // self-signed: its own CA, or agents cannot verify it
    ]);
    assert.equal(r.code, 0, r.err);
    assert.equal(r.registered, 1);
    const doc = JSON.parse(r.out);
    const secret = doc.resources.find(
      (x: { type: string; name: string }) =>
        x.type === "kubernetes:core/v1:Secret" && x.name === "rancher-install-tls",
    );
    assert.equal(secret.inputs.metadata.name, "tls-rancher-ingress");
    assert.equal(secret.inputs.stringData, "[secret]");
    assert.ok(!r.out.includes("PRIVATE KEY"), "the TLS key never reaches the plan in plaintext");
    assert.ok(
      !doc.resources.some((x: { name: string }) => x.name.endsWith("cert-manager")),
      "no cert-manager for source secret",
    );
  });
});
