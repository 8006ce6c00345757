import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as tls from "@pulumi/tls";
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
  securityGroupId: pulumi.Input<string>;
  sshUser: string;
  /** Secret. Without it an ED25519 key pair is generated. */
  sshPrivateKey?: pulumi.Input<string>;
  tags: Record<string, string>;
  protect: boolean;
  /** 1-based: the one server that takes new instance settings, by replacement. */
  replaceServer?: number;
}

/**
 * Instance settings whose change replaces (AMI, key pair, subnet) or stops (type) a server.
 * Applied to all servers at once they would take etcd down, so each server keeps its own until it
 * is the `replaceServer`. A subnet changes when `subnetIds` or the zones change, or when the
 * spread over zones puts server i elsewhere.
 */
export const ROLLED_PROPERTIES = ["ami", "instanceType", "keyName", "subnetId"];

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

    const ami =
      args.amiId ??
      aws.ec2.getAmiOutput(
        {
          mostRecent: true,
          owners: [CANONICAL_OWNER],
          filters: [
            { name: "name", values: [UBUNTU_NOBLE_FILTER] },
            { name: "architecture", values: ["x86_64"] },
            { name: "virtualization-type", values: ["hvm"] },
          ],
        },
        parent,
      ).id;

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
          associatePublicIpAddress: true,
          metadataOptions: {
            httpEndpoint: "enabled",
            httpTokens: "required",
            // 1: only the host itself reaches IMDS; pods cannot borrow the instance's identity.
            httpPutResponseHopLimit: 1,
          },
          rootBlockDevice: {
            volumeType: "gp3",
            volumeSize: args.rootVolumeGiB,
            encrypted: true,
            deleteOnTermination: true,
            tags: resourceTags(args.tags, `${nodeName}-root`),
          },
          tags: resourceTags(args.tags, nodeName),
        },
        {
          parent: this,
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
    this.publicIps = this.nodes.map((n) => n.instance.publicIp);
    this.privateIps = this.nodes.map((n) => n.instance.privateIp);
    this.registerOutputs({ publicIps: this.publicIps, privateIps: this.privateIps });
  }
}
