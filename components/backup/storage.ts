// Where a stack's backups go: the bucket it creates (BackupBucket) or the one it is given, and the
// stack's folders in it.
import * as pulumi from "@pulumi/pulumi";
import type { BackupBucketRef } from "../config/resolved";
import { BackupBucket } from "./bucket";
import { backupFolders, type BackupFolders } from "./layout";

export interface BackupStorageArgs {
  bucket: BackupBucketRef;
  region: string;
  stack: string;
  kmsKeyArn?: string;
  protect: boolean;
  tags: Record<string, string>;
}

export interface BackupStorage {
  bucketName: pulumi.Output<string>;
  /** arn:<partition>:s3:::<bucket> */
  bucketArn: pulumi.Output<string>;
  folders: BackupFolders;
  /** Only when the stack created the bucket. */
  bucket?: BackupBucket;
}

/** The AWS partition of a region (S3 ARNs carry it, not the region). */
export function partitionOf(region: string): string {
  if (region.startsWith("cn-")) return "aws-cn";
  if (region.startsWith("us-gov-")) return "aws-us-gov";
  return "aws";
}

/**
 * A created bucket is a BackupBucket named `name`; a given one is used as it is (nothing of its
 * configuration is managed, and a destroy never touches it).
 */
export function backupStorage(
  name: string,
  a: BackupStorageArgs,
  opts: pulumi.ComponentResourceOptions,
): BackupStorage {
  const folders = backupFolders(a.stack);
  const ref = a.bucket;
  switch (ref.kind) {
    case "existing":
      return {
        bucketName: pulumi.output(ref.name),
        bucketArn: pulumi.output(`arn:${partitionOf(a.region)}:s3:::${ref.name}`),
        folders,
      };
    case "new": {
      const bucket = new BackupBucket(
        name,
        {
          region: a.region,
          ...(a.kmsKeyArn !== undefined ? { kmsKeyArn: a.kmsKeyArn } : {}),
          forceDestroyBackups: ref.forceDestroy,
          protect: a.protect,
          tags: a.tags,
        },
        opts,
      );
      return { bucketName: bucket.bucketName, bucketArn: bucket.bucketArn, folders, bucket };
    }
    default: {
      const unknown: never = ref;
      throw new Error(`unknown backup bucket ${JSON.stringify(unknown)}`);
    }
  }
}
