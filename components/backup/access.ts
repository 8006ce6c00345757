import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { BackupFolders } from "./layout";
import { renderBackupAccessPolicy } from "./policy";

export interface BackupAccessArgs {
  /** Name of the servers' IAM role (the instance profile's role). */
  role: pulumi.Input<string>;
  /** The backup bucket's ARN: a BackupBucket's, or an existing bucket's. */
  bucketArn: pulumi.Input<string>;
  folders: BackupFolders;
  /** With SSE-KMS. */
  kmsKeyArn?: string;
}

/**
 * Lets the servers (RKE2's snapshots, the host-networked rancher-backup operator) use the backup
 * folders and nothing else: an inline policy on their role (see renderBackupAccessPolicy).
 * Attaching or changing it never touches the instances.
 */
export class BackupAccess extends pulumi.ComponentResource {
  public readonly policy: aws.iam.RolePolicy;

  constructor(name: string, args: BackupAccessArgs, opts?: pulumi.ComponentResourceOptions) {
    super("rancher-ha:backup:BackupAccess", name, {}, opts);
    const document = pulumi.output(args.bucketArn).apply((bucketArn) =>
      JSON.stringify(
        renderBackupAccessPolicy({
          bucketArn,
          folders: args.folders,
          ...(args.kmsKeyArn !== undefined ? { kmsKeyArn: args.kmsKeyArn } : {}),
        }),
      ),
    );
    this.policy = new aws.iam.RolePolicy(
      `${name}-policy`,
      { role: args.role, policy: document },
      { parent: this },
    );
    this.registerOutputs({ policyName: this.policy.name });
  }
}
