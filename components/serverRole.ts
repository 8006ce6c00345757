import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { resourceTags } from "./tags";

/** AWS's managed policy for the SSM agent (Run Command, registration, Session Manager). */
export const SSM_MANAGED_POLICY_ARN = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore";

/** An inline policy on the servers' role: `name` names the resource, so keep it stable. */
export interface ServerPolicy {
  name: string;
  /** An IAM policy document (JSON text, or an object Pulumi serializes). */
  document: pulumi.Input<string | aws.iam.PolicyDocument>;
}

export interface ServerRoleArgs {
  /** Attach AmazonSSMManagedInstanceCore (nodeAccess ssm only). */
  ssm: boolean;
  /** Further inline policies (e.g. the backups' S3 access). */
  policies?: ServerPolicy[];
  tags: Record<string, string>;
}

/**
 * The servers' IAM role and instance profile. Every server carries the profile in every access
 * mode, so switching modes never changes an instance's profile association; only what is
 * attached to the role changes. With nothing attached the role grants nothing (IMDS hop limit 1
 * keeps pods from borrowing it). `attachments` are what a server waits for before it boots: the
 * SSM agent that starts without its permission backs off for many minutes.
 */
export class ServerRole extends pulumi.ComponentResource {
  public readonly roleName: pulumi.Output<string>;
  public readonly roleArn: pulumi.Output<string>;
  public readonly instanceProfileName: pulumi.Output<string>;
  /** The policy attachments and inline policies, for `dependsOn`. */
  public readonly attachments: pulumi.Resource[];

  constructor(name: string, args: ServerRoleArgs, opts?: pulumi.ComponentResourceOptions) {
    super("rancher-ha:iam:ServerRole", name, {}, opts);
    const parent = { parent: this };
    const role = new aws.iam.Role(
      `${name}-role`,
      {
        description: "rancher-ha RKE2 servers",
        assumeRolePolicy: JSON.stringify({
          Version: "2012-10-17",
          Statement: [
            {
              Effect: "Allow",
              Principal: { Service: "ec2.amazonaws.com" },
              Action: "sts:AssumeRole",
            },
          ],
        }),
        tags: resourceTags(args.tags, `${name}-role`),
      },
      parent,
    );
    const profile = new aws.iam.InstanceProfile(
      `${name}-profile`,
      { role: role.name, tags: resourceTags(args.tags, `${name}-profile`) },
      parent,
    );
    this.attachments = [];
    if (args.ssm) {
      this.attachments.push(
        new aws.iam.RolePolicyAttachment(
          `${name}-ssm`,
          { role: role.name, policyArn: SSM_MANAGED_POLICY_ARN },
          parent,
        ),
      );
    }
    for (const p of args.policies ?? []) {
      this.attachments.push(
        new aws.iam.RolePolicy(
          `${name}-${p.name}`,
          {
            role: role.name,
            policy: pulumi
              .output(p.document)
              .apply((d) => (typeof d === "string" ? d : JSON.stringify(d))),
          },
          parent,
        ),
      );
    }
    this.roleName = role.name;
    this.roleArn = role.arn;
    this.instanceProfileName = profile.name;
    this.registerOutputs({
      roleName: this.roleName,
      roleArn: this.roleArn,
      instanceProfileName: this.instanceProfileName,
    });
  }
}
