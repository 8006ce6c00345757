// nodeAccess, natGateways, bastionInstanceType, publicSubnetIds and loadBalancerScheme, and every
// rule across them (components/config/validators/access.ts): each problem once, naming its key.
import * as assert from "node:assert/strict";
import { PUBLIC_MODE_WARNING, checkAccess } from "../components/config/validators/access";
import { CTX, problemLines, RAW, validatorTable } from "./config-helpers";
import { loadConfig } from "../components/config";

const VPC = "vpc-0123456789abcdef0";
const S1 = "subnet-0123456789abcdef0";
const S2 = "subnet-0123456789abcdef1";
const P1 = "subnet-0123456789abcdef2";
const P2 = "subnet-0123456789abcdef3";
const EXISTING = { vpcId: VPC, subnetIds: [S1, S2] };
const ARN = "arn:aws:acm:us-east-1:123456789012:certificate/12345678-1234-1234-1234-123456789012";
const PUBLIC = `warning: ${PUBLIC_MODE_WARNING}`;
const NEEDS_PUBLIC = (mode: string, bastion: string) =>
  `publicSubnetIds: required with vpcId and nodeAccess ${mode}: public subnets (0.0.0.0/0 to an internet gateway) in at least two AZs for the internet-facing load balancers${bastion}; rancher-ha:subnetIds are the servers' private subnets`;
const INTERNAL_PUBLIC =
  "loadBalancerScheme: internal cannot go with nodeAccess public (servers with public IPs and SSH from the internet contradict internal-only load balancers); use nodeAccess ssm or bastion";
const INTERNAL_LE =
  "loadBalancerScheme: internal cannot go with tlsSource letsEncrypt: Let's Encrypt validates over HTTP from the internet, which cannot reach an internal load balancer; use tlsSource secret or rancher, or loadBalancer l7 with certificateArn";
const INTERNAL_L7 =
  "loadBalancerScheme: internal with loadBalancer l7 needs rancher-ha:certificateArn: ACM validates a new certificate through a record in public DNS, while an internal stack's hostname lives in a private zone; give an ACM certificate you validated (or imported) for the hostname";
const SSM_CREDENTIALS = (key: string) =>
  `${key}: only the AWS provider reads it; with rancher-ha:nodeAccess ssm the node steps call SSM from the machine running Pulumi with its default credentials (environment variables, AWS_PROFILE or aws:profile, SSO): remove it and provide the credentials that way`;
const KEY = "-----BEGIN OPENSSH PRIVATE KEY-----\nx\n-----END OPENSSH PRIVATE KEY-----\n";

describe("config validator: node access, NAT, bastion, public subnets, scheme", () => {
  validatorTable(checkAccess, [
    ["the defaults (bastion, single NAT, internet-facing, new VPC)", {}, []],
    ["ssm", { nodeAccess: "ssm" }, []],
    ["public, with a warning", { nodeAccess: "public" }, [PUBLIC]],
    [
      "an unknown mode",
      { nodeAccess: "vpn" as never },
      [`nodeAccess: "vpn" is not an access mode; use bastion (default), ssm or public`],
    ],
    ["perAz NAT gateways", { natGateways: "perAz" }, []],
    [
      "an unknown NAT mode",
      { natGateways: "two" as never },
      [`natGateways: "two" is not single or perAz`],
    ],
    [
      "NAT gateways with an existing VPC",
      { ...EXISTING, publicSubnetIds: [P1, P2], natGateways: "perAz" },
      [
        "natGateways: is only for a new VPC; with vpcId your subnets' route tables decide egress: remove it",
      ],
    ],
    [
      "NAT gateways with public servers: ignored, with a warning",
      { nodeAccess: "public", natGateways: "perAz" },
      [
        PUBLIC,
        "warning: rancher-ha:natGateways is ignored with nodeAccess public: the servers sit in public subnets and no NAT gateway is created",
      ],
    ],
    ["a bastion type", { bastionInstanceType: "t3.small" }, []],
    [
      "a bastion type without a bastion",
      { nodeAccess: "ssm", bastionInstanceType: "t3.micro" },
      [
        "bastionInstanceType: only applies with nodeAccess bastion (this stack has ssm, without a bastion); remove it",
      ],
    ],
    [
      "a Graviton bastion",
      { bastionInstanceType: "t4g.micro" },
      [
        "bastionInstanceType: t4g.micro is an arm64 (Graviton) type but the bastion boots the servers' amd64 Ubuntu image; use an x86 type such as t3.micro",
      ],
    ],
    [
      "a bastion type that is not one",
      { bastionInstanceType: "t3.mciro" },
      [
        `bastionInstanceType: "t3.mciro" is not an EC2 instance type; did you mean t3.micro? (the known types are in components/data/ec2-instance-type-names.json)`,
      ],
    ],
    [
      "a bastion type of the wrong shape",
      { bastionInstanceType: "small" },
      [`bastionInstanceType: "small" is not an EC2 instance type like t3.micro`],
    ],
    [
      "a Mac bastion",
      { bastionInstanceType: "mac2.metal" },
      [
        "bastionInstanceType: mac2.metal is a Mac instance (macOS on a dedicated host); use an x86 Linux type such as t3.micro",
      ],
    ],
    [
      "an existing VPC with public subnets (bastion)",
      { ...EXISTING, publicSubnetIds: [P1, P2] },
      [],
    ],
    [
      "an existing VPC, bastion, no public subnets",
      EXISTING,
      [NEEDS_PUBLIC("bastion", " and the bastion")],
    ],
    [
      "an existing VPC, ssm, no public subnets",
      { ...EXISTING, nodeAccess: "ssm" },
      [NEEDS_PUBLIC("ssm", "")],
    ],
    [
      "an existing VPC, internal: everything in the servers' subnets",
      { ...EXISTING, nodeAccess: "ssm", loadBalancerScheme: "internal" },
      [],
    ],
    [
      "an existing VPC, bastion and internal: the bastion sits in a private subnet",
      { ...EXISTING, loadBalancerScheme: "internal" },
      [],
    ],
    ["an existing VPC with public servers", { ...EXISTING, nodeAccess: "public" }, [PUBLIC]],
    [
      "public subnets without vpcId",
      { publicSubnetIds: [P1, P2] },
      [
        "publicSubnetIds: only applies with vpcId (a new VPC gets its own public subnets); remove it, or set vpcId and subnetIds",
      ],
    ],
    [
      "public subnets with public servers",
      { ...EXISTING, nodeAccess: "public", publicSubnetIds: [P1, P2] },
      [
        PUBLIC,
        "publicSubnetIds: does not apply with nodeAccess public: public servers and load balancers share rancher-ha:subnetIds; remove it",
      ],
    ],
    [
      "public subnet IDs of the wrong shape, and one subnet only",
      { ...EXISTING, publicSubnetIds: ["subnet-xyz"] },
      [
        "publicSubnetIds: list at least two distinct public subnets in different availability zones (one per load balancer AZ)",
        `publicSubnetIds: "subnet-xyz" is not a subnet ID like subnet-0123456789abcdef0`,
      ],
    ],
    [
      "a subnet listed as both private and public",
      { ...EXISTING, publicSubnetIds: [S2, P1, S2] },
      [
        `publicSubnetIds: ${S2} also listed in rancher-ha:subnetIds: the servers' subnets are private, the load balancers' public; list each subnet in one of them`,
      ],
    ],
    ["internal with l4 and Rancher's CA", { loadBalancerScheme: "internal" }, []],
    [
      "internal with l7 and a certificate",
      { loadBalancerScheme: "internal", loadBalancer: "l7", certificateArn: ARN },
      [],
    ],
    [
      "an unknown scheme",
      { loadBalancerScheme: "private" as never },
      [`loadBalancerScheme: "private" is not a scheme; use internet-facing or internal`],
    ],
    [
      "internal with public servers",
      { loadBalancerScheme: "internal", nodeAccess: "public" },
      [PUBLIC, INTERNAL_PUBLIC],
    ],
    [
      "internal with Let's Encrypt",
      { loadBalancerScheme: "internal", tlsSource: "letsEncrypt", letsEncryptEmail: "a@b.example" },
      [INTERNAL_LE],
    ],
    [
      "internal l7 without a certificate",
      { loadBalancerScheme: "internal", loadBalancer: "l7" },
      [INTERNAL_L7],
    ],
    [
      "ssm with an SSH key: unused, a warning",
      { nodeAccess: "ssm", sshPrivateKey: KEY },
      [
        "warning: rancher-ha:sshPrivateKey: unused with nodeAccess ssm (no SSH anywhere); the servers keep its public key, so a later switch to bastion needs no replacement",
      ],
    ],
    [
      "ssm with provider-only credentials",
      { nodeAccess: "ssm" },
      [SSM_CREDENTIALS("aws:accessKey"), SSM_CREDENTIALS("aws:assumeRoles")],
      {
        region: "us-east-1",
        awsKeys: ["aws:region", "aws:profile", "aws:assumeRoles", "aws:accessKey"],
      },
    ],
    [
      "bastion with provider-only credentials (SSH needs no AWS API)",
      {},
      [],
      { region: "us-east-1", awsKeys: ["aws:accessKey", "aws:secretKey"] },
    ],
    [
      "every problem at once",
      {
        ...EXISTING,
        nodeAccess: "public",
        natGateways: "perAz",
        bastionInstanceType: "t3.micro",
        publicSubnetIds: [P1, P2],
        loadBalancerScheme: "internal",
        loadBalancer: "l7",
      },
      [
        PUBLIC,
        "natGateways: is only for a new VPC; with vpcId your subnets' route tables decide egress: remove it",
        "bastionInstanceType: only applies with nodeAccess bastion (this stack has public, without a bastion); remove it",
        "publicSubnetIds: does not apply with nodeAccess public: public servers and load balancers share rancher-ha:subnetIds; remove it",
        INTERNAL_PUBLIC,
        INTERNAL_L7,
      ],
    ],
  ]);
});

describe("config: access through loadConfig", () => {
  it("resolves the default access as a bastion on a t3.micro, NAT single, internet-facing", () => {
    const { config } = loadConfig(RAW, CTX);
    assert.deepEqual(config.access, { mode: "bastion", bastionInstanceType: "t3.micro" });
    assert.equal(config.loadBalancerScheme, "internet-facing");
    assert.deepEqual(config.network, {
      kind: "new",
      vpcCidr: "10.20.0.0/16",
      natGateways: "single",
    });
  });

  it("resolves ssm without bastion fields, and an existing VPC with its public subnets", () => {
    const { config } = loadConfig(
      {
        ...RAW,
        "rancher-ha:nodeAccess": "ssm",
        "rancher-ha:vpcId": VPC,
        "rancher-ha:subnetIds": JSON.stringify([S1, S2]),
        "rancher-ha:publicSubnetIds": JSON.stringify([P1, P2]),
      },
      CTX,
    );
    assert.deepEqual(config.access, { mode: "ssm" });
    assert.deepEqual(config.network, {
      kind: "existing",
      vpcId: VPC,
      subnetIds: [S1, S2],
      publicSubnetIds: [P1, P2],
    });
  });

  it("reads the stack's aws: keys for the ssm credential rule, with the other problems", () => {
    const lines = problemLines({
      ...RAW,
      "aws:region": "us-east-1",
      "aws:secretKey": "x",
      "rancher-ha:nodeAccess": "ssm",
      "rancher-ha:natGateways": "none",
    });
    assert.deepEqual(lines, [
      `natGateways: "none" is not single or perAz`,
      SSM_CREDENTIALS("aws:secretKey"),
    ]);
  });
});
