import * as assert from "node:assert/strict";
import { backupFolders } from "../../components/backup/layout";
import {
  renderBackupAccessPolicy,
  renderTlsOnlyBucketPolicy,
} from "../../components/backup/policy";

const ARN = "arn:aws:s3:::rancher-ha-prod-backups-bucket-0a1b2c3";
const KEY = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const folders = backupFolders("prod");

/** Every Resource of every statement. */
const resources = (doc: { Statement: { Resource: string | string[] }[] }) =>
  doc.Statement.flatMap((s) => (Array.isArray(s.Resource) ? s.Resource : [s.Resource]));

describe("backup: server access policy (renderBackupAccessPolicy)", () => {
  it("lists the bucket, reads and writes only the two folders: exact actions and resources", () => {
    assert.deepEqual(renderBackupAccessPolicy({ bucketArn: ARN, folders }), {
      Version: "2012-10-17",
      Statement: [
        { Sid: "ListBackupBucket", Effect: "Allow", Action: "s3:ListBucket", Resource: ARN },
        {
          Sid: "BackupObjects",
          Effect: "Allow",
          Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"],
          Resource: [`${ARN}/rancher-ha/prod/etcd/*`, `${ARN}/rancher-ha/prod/rancher/*`],
        },
      ],
    });
  });

  it("adds the KMS statement only with a key, on that key alone", () => {
    const doc = renderBackupAccessPolicy({ bucketArn: ARN, folders, kmsKeyArn: KEY });
    assert.deepEqual(doc.Statement.at(-1), {
      Sid: "BackupKey",
      Effect: "Allow",
      Action: ["kms:GenerateDataKey", "kms:Decrypt"],
      Resource: KEY,
    });
    const without = renderBackupAccessPolicy({ bucketArn: ARN, folders });
    assert.ok(!JSON.stringify(without).includes("kms:"));
  });

  it("never grants a wildcard resource, version purges or bucket reconfiguration", () => {
    for (const doc of [
      renderBackupAccessPolicy({ bucketArn: ARN, folders }),
      renderBackupAccessPolicy({ bucketArn: ARN, folders, kmsKeyArn: KEY }),
    ]) {
      for (const r of resources(doc)) {
        assert.notEqual(r, "*");
        assert.ok(r.startsWith(ARN) || r === KEY, r);
        assert.ok(!r.startsWith(`${ARN}/*`), `${r}: whole bucket`);
      }
      const actions = doc.Statement.flatMap((s) => s.Action);
      for (const a of actions) assert.ok(!a.includes("*"), a);
      assert.ok(!actions.includes("s3:DeleteObjectVersion"));
      assert.ok(!actions.some((a) => a.startsWith("s3:PutBucket")));
    }
  });

  it("follows the bucket's partition (GovCloud, China)", () => {
    const gov = "arn:aws-us-gov:s3:::bkt-1";
    assert.deepEqual(resources(renderBackupAccessPolicy({ bucketArn: gov, folders })), [
      gov,
      `${gov}/rancher-ha/prod/etcd/*`,
      `${gov}/rancher-ha/prod/rancher/*`,
    ]);
    assert.throws(
      () => renderBackupAccessPolicy({ bucketArn: gov, folders, kmsKeyArn: KEY }),
      /different partitions/,
    );
  });

  it("refuses what is not a bucket ARN, a bad folder or a bad key", () => {
    assert.throws(
      () => renderBackupAccessPolicy({ bucketArn: "arn:aws:s3:::*", folders }),
      /not an S3 bucket ARN/,
    );
    assert.throws(
      () => renderBackupAccessPolicy({ bucketArn: "rancher-ha-backups", folders }),
      /not an S3 bucket ARN/,
    );
    for (const etcd of ["", "/rancher-ha/x", "rancher-ha/x/", "a/../b", "a/*"]) {
      assert.throws(
        () => renderBackupAccessPolicy({ bucketArn: ARN, folders: { ...folders, etcd } }),
        /not a plain key prefix/,
        etcd,
      );
    }
    assert.throws(
      () => renderBackupAccessPolicy({ bucketArn: ARN, folders: { etcd: "a", rancher: "a" } }),
      /must differ/,
    );
    assert.throws(
      () =>
        renderBackupAccessPolicy({
          bucketArn: ARN,
          folders,
          kmsKeyArn: "arn:aws:kms:eu-west-1:123456789012:alias/x",
        }),
      /not a KMS key ARN/,
    );
  });
});

describe("backup: bucket policy (renderTlsOnlyBucketPolicy)", () => {
  it("denies every non-TLS request to the bucket and its objects", () => {
    assert.deepEqual(renderTlsOnlyBucketPolicy(ARN), {
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "DenyInsecureTransport",
          Effect: "Deny",
          Principal: "*",
          Action: "s3:*",
          Resource: [ARN, `${ARN}/*`],
          Condition: { Bool: { "aws:SecureTransport": "false" } },
        },
      ],
    });
  });

  it("grants nothing: every statement is a Deny", () => {
    assert.ok(renderTlsOnlyBucketPolicy(ARN).Statement.every((s) => s.Effect === "Deny"));
  });
});
