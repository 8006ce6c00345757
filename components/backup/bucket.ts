import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { resourceTags } from "../tags";
import { renderTlsOnlyBucketPolicy } from "./policy";
import { kmsKeyArnProblem } from "./validate";

export interface BackupBucketArgs {
  /** The stack's region (`aws:region`); a KMS key must be in it. */
  region: string;
  /** SSE-KMS with this key (a full key ARN, with an S3 Bucket Key); SSE-S3 (AES256) without. */
  kmsKeyArn?: string;
  /** Days S3 keeps an object version after it was overwritten or deleted. Default 30. */
  noncurrentVersionDays?: number;
  /**
   * false (the default everywhere): `pulumi destroy` leaves the bucket, its snapshots and its
   * settings in AWS and only forgets them. true: destroy deletes the bucket with every object.
   */
  forceDestroyBackups: boolean;
  protect: boolean;
  tags: Record<string, string>;
}

export const DEFAULT_NONCURRENT_VERSION_DAYS = 30;
/** Incomplete multipart uploads (an interrupted snapshot upload) are cleaned after this. */
export const ABORT_INCOMPLETE_UPLOAD_DAYS = 7;

/**
 * The S3 bucket for etcd snapshots and Rancher backups: encrypted (SSE-S3 or SSE-KMS), versioned,
 * old versions expired, every public access blocked, ACLs disabled, TLS only.
 *
 * Destroy: `retainOnDelete` is set on every child (not only inherited: the Node SDK copies only
 * `protect` from a parent), so unless `forceDestroyBackups` a destroy — or switching backups off —
 * forgets the bucket and leaves it, its objects and its hardening in place. With it, `forceDestroy`
 * lets the provider empty the bucket first; it takes effect only once a successful `up` has stored
 * it (provider docs for aws.s3.Bucket `forceDestroy`).
 */
export class BackupBucket extends pulumi.ComponentResource {
  public readonly bucket: aws.s3.Bucket;
  public readonly bucketName: pulumi.Output<string>;
  /** arn:<partition>:s3:::<bucket> */
  public readonly bucketArn: pulumi.Output<string>;
  public readonly region: string;

  constructor(name: string, args: BackupBucketArgs, opts?: pulumi.ComponentResourceOptions) {
    super("rancher-ha:backup:BackupBucket", name, {}, opts);
    // Auto-naming appends "-" and 7 characters to the child's name; S3 allows 63 lowercase.
    if (!/^[a-z0-9][a-z0-9-]{0,47}$/.test(name)) {
      throw new Error(
        `BackupBucket: name ${JSON.stringify(name)} must be lowercase letters, digits and '-', at most 48 characters (it names the bucket)`,
      );
    }
    if (args.kmsKeyArn !== undefined) {
      const problem = kmsKeyArnProblem(args.kmsKeyArn, args.region);
      if (problem) throw new Error(`BackupBucket: ${problem}`);
    }
    const days = args.noncurrentVersionDays ?? DEFAULT_NONCURRENT_VERSION_DAYS;
    if (!Number.isInteger(days) || days < 1) {
      throw new Error(
        `BackupBucket: noncurrentVersionDays must be a whole number ≥ 1, got ${days}`,
      );
    }
    this.region = args.region;
    const keep = {
      parent: this,
      protect: args.protect,
      retainOnDelete: !args.forceDestroyBackups,
    };

    this.bucket = new aws.s3.Bucket(
      `${name}-bucket`,
      {
        forceDestroy: args.forceDestroyBackups,
        tags: resourceTags(args.tags, `${name}-bucket`),
      },
      keep,
    );
    const bucket = this.bucket.bucket;
    this.bucketName = bucket;
    this.bucketArn = this.bucket.arn;

    // S3 rejects concurrent configuration changes on one bucket now and then
    // ("OperationAborted: A conflicting conditional operation"): one after the other.
    const encryption = new aws.s3.BucketServerSideEncryptionConfiguration(
      `${name}-encryption`,
      {
        bucket,
        rules: [
          args.kmsKeyArn === undefined
            ? { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }
            : {
                applyServerSideEncryptionByDefault: {
                  sseAlgorithm: "aws:kms",
                  kmsMasterKeyId: args.kmsKeyArn,
                },
                // One data key per bucket instead of a KMS call per object.
                bucketKeyEnabled: true,
              },
        ],
      },
      keep,
    );
    const publicAccess = new aws.s3.BucketPublicAccessBlock(
      `${name}-public-access`,
      {
        bucket,
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      },
      { ...keep, dependsOn: [encryption] },
    );
    const ownership = new aws.s3.BucketOwnershipControls(
      `${name}-ownership`,
      { bucket, rule: { objectOwnership: "BucketOwnerEnforced" } },
      { ...keep, dependsOn: [publicAccess] },
    );
    const policy = new aws.s3.BucketPolicy(
      `${name}-policy`,
      {
        bucket,
        policy: this.bucketArn.apply((arn) => JSON.stringify(renderTlsOnlyBucketPolicy(arn))),
      },
      { ...keep, dependsOn: [ownership] },
    );
    const versioning = new aws.s3.BucketVersioning(
      `${name}-versioning`,
      { bucket, versioningConfiguration: { status: "Enabled" } },
      { ...keep, dependsOn: [policy] },
    );
    // The provider's own example makes noncurrent-version rules wait for versioning.
    new aws.s3.BucketLifecycleConfiguration(
      `${name}-lifecycle`,
      {
        bucket,
        rules: [
          {
            id: "expire-old-versions",
            status: "Enabled",
            filter: {},
            noncurrentVersionExpiration: { noncurrentDays: days },
            abortIncompleteMultipartUpload: { daysAfterInitiation: ABORT_INCOMPLETE_UPLOAD_DAYS },
          },
          {
            // Retention deletes leave delete markers; once their last version expires they
            // are clutter that slows listings.
            id: "clean-delete-markers",
            status: "Enabled",
            filter: {},
            expiration: { expiredObjectDeleteMarker: true },
          },
        ],
      },
      { ...keep, dependsOn: [versioning] },
    );

    this.registerOutputs({ bucketName: this.bucketName, bucketArn: this.bucketArn });
  }
}
