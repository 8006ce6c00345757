import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as tls from "@pulumi/tls";
import { METADATA_OPTIONS, rootVolume } from "./instanceDefaults";
import { resourceTags } from "./tags";

/** Canonical's account, and the Ubuntu 24.04 LTS amd64 image name (gp3 root). */
export const CANONICAL_OWNER = "099720109477";
export const UBUNTU_NOBLE_FILTER = "ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-*";

export interface ServerNodesArgs {
  count: number;
  instanceType: string;
  rootVolumeGiB: number;
  /** Pinned AMI; without it the newest Ubuntu 24.04 at creation time (never replaces later). */
  amiId?: string;
  subnetIds: pulumi.Input<string>[];
  /**
   * Whether the servers get a public IPv4 (nodeAccess public). Private servers have none and
   * leave through the NAT route their subnet's table holds.
   */
  publicIp: boolean;
  securityGroupId: pulumi.Input<string>;
  /** The instance profile of the server role (every mode, so switching never re-associates). */
  instanceProfileName?: pulumi.Input<string>;
  /**
   * What a server needs before it boots: the role's policy attachments, and with ssm its subnet's
   * egress (the SSM agent backs off for 25–30 min after AccessDenied at first registration).
   */
  dependsOn?: pulumi.Resource[];
  sshUser: string;
  /** Secret. Without it an ED25519 key pair is generated. */
  sshPrivateKey?: pulumi.Input<string>;
  tags: Record<string, string>;
  protect: boolean;
  /** 1-based: the one server that takes new instance settings, by replacement. */
  replaceServer?: number;
}

/**
 * Instance settings whose change replaces (AMI, key pair, subnet, public IP) or stops (type) a
 * server. Applied to all servers at once they would take etcd down, so each server keeps its own
 * until it is the `replaceServer`. A subnet changes when `subnetIds` or the zones change, when
 * the spread over zones puts server i elsewhere, or when `nodeAccess` moves the servers between
 * public and private subnets; `associatePublicIpAddress` (ForceNew in terraform-provider-aws's
 * aws_instance) changes with it.
 */
export const ROLLED_PROPERTIES = [
  "ami",
  "instanceType",
  "keyName",
  "subnetId",
  "associatePublicIpAddress",
];

/** The newest Ubuntu 24.04 LTS amd64 image from Canonical (servers and bastion). */
export function ubuntuAmi(opts: pulumi.InvokeOptions): pulumi.Output<string> {
  return aws.ec2.getAmiOutput(
    {
      mostRecent: true,
      owners: [CANONICAL_OWNER],
      filters: [
        { name: "name", values: [UBUNTU_NOBLE_FILTER] },
        { name: "architecture", values: ["x86_64"] },
        { name: "virtualization-type", values: ["hvm"] },
      ],
    },
    opts,
  ).id;
}

export interface ServerNode {
  index: number;
  /** Unique, stable node name (RKE2 `node-name`). */
  nodeName: string;
  instance: aws.ec2.Instance;
}

/**
 * The EC2 servers, round-robin over the subnets' AZs, with IMDSv2 required, an encrypted gp3 root
 * volume and no user data (nothing secret ever lands in EC2's clear-text user data).
 */
export class ServerNodes extends pulumi.ComponentResource {
  public readonly nodes: ServerNode[];
  public readonly sshUser: string;
  /** Secret. */
  public readonly sshPrivateKey: pulumi.Output<string>;
  /** Secret; set only when the stack generated the key. */
  public readonly generatedSshPrivateKey?: pulumi.Output<string>;
  public readonly publicIps: pulumi.Output<string>[];
  public readonly privateIps: pulumi.Output<string>[];
  /** The image new servers boot (the bastion boots the same). */
  public readonly ami: pulumi.Output<string>;
  /** The servers' key pair (the bastion admits the same key). */
  public readonly keyName: pulumi.Output<string>;
  /**
   * Per server still placed by an earlier access mode (its subnet kept by `ignoreChanges` until
   * it is the `replaceServer`): what to run. Known once the state is (preview and up).
   */
  public readonly pendingMoves: pulumi.Output<string[]>;

  constructor(name: string, args: ServerNodesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("rancher-ha:nodes:ServerNodes", name, {}, opts);
    const parent = { parent: this };

    let publicKey: pulumi.Input<string>;
    if (args.sshPrivateKey === undefined) {
      const key = new tls.PrivateKey(`${name}-ssh`, { algorithm: "ED25519" }, parent);
      this.sshPrivateKey = pulumi.secret(key.privateKeyOpenssh);
      this.generatedSshPrivateKey = this.sshPrivateKey;
      publicKey = key.publicKeyOpenssh;
    } else {
      this.sshPrivateKey = pulumi.secret(args.sshPrivateKey);
      publicKey = tls.getPublicKeyOutput(
        { privateKeyOpenssh: this.sshPrivateKey },
        parent,
      ).publicKeyOpenssh;
    }
    const keyPair = new aws.ec2.KeyPair(
      `${name}-key`,
      { publicKey, tags: resourceTags(args.tags, `${name}-key`) },
      parent,
    );

    const ami = args.amiId ?? ubuntuAmi(parent);
    this.ami = pulumi.output(ami);
    this.keyName = keyPair.keyName;

    this.sshUser = args.sshUser;
    this.nodes = Array.from({ length: args.count }, (_, index) => {
      const nodeName = `${name}-${index + 1}`;
      const instance = new aws.ec2.Instance(
        nodeName,
        {
          ami,
          instanceType: args.instanceType,
          subnetId: args.subnetIds[index % args.subnetIds.length],
          vpcSecurityGroupIds: [args.securityGroupId],
          keyName: keyPair.keyName,
          associatePublicIpAddress: args.publicIp,
          ...(args.instanceProfileName !== undefined
            ? { iamInstanceProfile: args.instanceProfileName }
            : {}),
          metadataOptions: METADATA_OPTIONS,
          rootBlockDevice: rootVolume(
            args.rootVolumeGiB,
            resourceTags(args.tags, `${nodeName}-root`),
          ),
          tags: resourceTags(args.tags, nodeName),
        },
        {
          parent: this,
          ...(args.dependsOn ? { dependsOn: args.dependsOn } : {}),
          ...(args.replaceServer === index + 1
            ? { replaceOnChanges: ROLLED_PROPERTIES }
            : { ignoreChanges: ROLLED_PROPERTIES }),
          // The replacement reuses the node name, so the old member must leave first.
          deleteBeforeReplace: true,
          // The engine lets a resource be unprotected and replaced in one update; the next up
          // without replaceServer protects the new server again.
          protect: args.protect && args.replaceServer !== index + 1,
        },
      );
      return { index, nodeName, instance };
    });
    this.pendingMoves = pulumi
      .all(
        this.nodes.map((n) =>
          pulumi
            .all([n.instance.subnetId, args.subnetIds[n.index % args.subnetIds.length]])
            .apply(([current, target]) =>
              current === target
                ? undefined
                : `server ${n.index + 1} (${n.nodeName}) is still in subnet ${current}, as created; the stack now places it in ${target}${args.publicIp ? "" : " without a public IP"}, which takes its replacement: pulumi config set rancher-ha:replaceServer ${n.index + 1} && pulumi up (one server per up, then the next)`,
            ),
        ),
      )
      .apply((moves) => moves.filter((m): m is string => m !== undefined));
    this.publicIps = this.nodes.map((n) => n.instance.publicIp);
    this.privateIps = this.nodes.map((n) => n.instance.privateIp);
    this.registerOutputs({ publicIps: this.publicIps, privateIps: this.privateIps });
  }
}
