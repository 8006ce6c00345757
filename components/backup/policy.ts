// Pure IAM and bucket policy documents for the backups. No Pulumi, no I/O.
import type { BackupFolders } from "./layout";
import { arnPartition, bucketNameProblem } from "./validate";

export interface PolicyStatement {
  Sid: string;
  Effect: "Allow" | "Deny";
  Principal?: "*";
  Action: string | string[];
  Resource: string | string[];
  Condition?: Record<string, Record<string, string>>;
}

export interface PolicyDocument {
  Version: "2012-10-17";
  Statement: PolicyStatement[];
}

const BUCKET_ARN = /^arn:(aws[a-z-]*):s3:::([a-z0-9.-]+)$/;

function checkBucketArn(arn: string): string {
  const m = BUCKET_ARN.exec(arn);
  const problem = m ? bucketNameProblem(m[2]) : "not an S3 bucket ARN";
  if (problem) throw new Error(`backup policy: bucket ARN ${JSON.stringify(arn)}: ${problem}`);
  return arn;
}

function checkFolder(folder: string): string {
  if (!/^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/.test(folder) || /(^|\/)\.\.?(\/|$)/.test(folder)) {
    throw new Error(`backup policy: folder ${JSON.stringify(folder)} is not a plain key prefix`);
  }
  return folder;
}

export interface BackupAccessPolicyArgs {
  /** arn:<partition>:s3:::<bucket> */
  bucketArn: string;
  folders: BackupFolders;
  /** With SSE-KMS: the bucket's key (a full key ARN, same partition). */
  kmsKeyArn?: string;
}

/**
 * What the servers' instance role may do with the backups, derived from the calls the two
 * writers make (k3s pkg/etcd/s3/s3.go; backup-restore-operator pkg/objectstore/s3minio.go, both
 * minio-go): BucketExists (HeadBucket) and ListObjects need s3:ListBucket on the bucket; uploads
 * (multipart for large files) s3:PutObject and s3:AbortMultipartUpload; restores and StatObject
 * s3:GetObject; retention s3:DeleteObject — on the two folders only. s3:ListBucket carries no
 * s3:prefix condition because HeadBucket has no prefix and would be denied. With it, a missing
 * object answers 404 rather than 403, which k3s needs for the optional snapshot metadata.
 * No s3:DeleteObjectVersion: a compromised node can add delete markers, never purge versions.
 * SSE-KMS needs kms:GenerateDataKey (upload) and kms:Decrypt (download) on the key.
 */
export function renderBackupAccessPolicy(a: BackupAccessPolicyArgs): PolicyDocument {
  const bucketArn = checkBucketArn(a.bucketArn);
  const objects = [a.folders.etcd, a.folders.rancher].map(
    (folder) => `${bucketArn}/${checkFolder(folder)}/*`,
  );
  if (objects[0] === objects[1]) throw new Error("backup policy: the two folders must differ");
  const statements: PolicyStatement[] = [
    { Sid: "ListBackupBucket", Effect: "Allow", Action: "s3:ListBucket", Resource: bucketArn },
    {
      Sid: "BackupObjects",
      Effect: "Allow",
      Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"],
      Resource: objects,
    },
  ];
  if (a.kmsKeyArn !== undefined) {
    if (!/^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/.test(a.kmsKeyArn)) {
      throw new Error(`backup policy: ${JSON.stringify(a.kmsKeyArn)} is not a KMS key ARN`);
    }
    if (arnPartition(a.kmsKeyArn) !== arnPartition(bucketArn)) {
      throw new Error("backup policy: the KMS key and the bucket are in different partitions");
    }
    statements.push({
      Sid: "BackupKey",
      Effect: "Allow",
      Action: ["kms:GenerateDataKey", "kms:Decrypt"],
      Resource: a.kmsKeyArn,
    });
  }
  return { Version: "2012-10-17", Statement: statements };
}

/**
 * Refuses every request that does not come over TLS (AWS re:Post "S3 bucket policy for the
 * s3-bucket-ssl-requests-only Config rule"). A Deny is not "public", so the bucket's public
 * access block accepts it.
 */
export function renderTlsOnlyBucketPolicy(bucketArn: string): PolicyDocument {
  const arn = checkBucketArn(bucketArn);
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: [arn, `${arn}/*`],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      },
    ],
  };
}
