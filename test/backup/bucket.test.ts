import * as pulumi from "@pulumi/pulumi";
import * as assert from "node:assert/strict";
import { backupServerPolicy } from "../../components/backup/access";
import { BackupBucket } from "../../components/backup/bucket";
import { backupFolders } from "../../components/backup/layout";
import { json, named, planComponents } from "./componentPlan";

const KEY = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const TAGS = { team: "platform" };
const CHILDREN = [
  "backups-bucket",
  "backups-encryption",
  "backups-public-access",
  "backups-ownership",
  "backups-policy",
  "backups-versioning",
  "backups-lifecycle",
];

function planBucket(args: Partial<ConstructorParameters<typeof BackupBucket>[1]> = {}) {
  return planComponents(() => {
    const b = new BackupBucket("backups", {
      region: "eu-west-1",
      forceDestroyBackups: false,
      protect: false,
      tags: TAGS,
      ...args,
    });
    return { bucketName: b.bucketName, bucketArn: b.bucketArn };
  });
}

describe("backup: BackupBucket (Pulumi mocks)", function () {
  this.timeout(30_000);

  it("is one component with its hardening as children named <name>-<role>", async () => {
    const p = await planBucket();
    const component = named(p, "backups");
    assert.equal(component.type, "rancher-ha:backup:BackupBucket");
    assert.deepEqual(
      p.resources.filter((r) => r.parent === component.urn).map((r) => r.name),
      CHILDREN,
    );
    assert.equal(p.outputs.bucketName, "backups-bucket-0a1b2c3");
    assert.equal(p.outputs.bucketArn, "arn:aws:s3:::backups-bucket-0a1b2c3");
    const bucket = named(p, "backups-bucket");
    assert.equal(bucket.type, "aws:s3/bucket:Bucket", "s3.Bucket, not the deprecated BucketV2");
    assert.deepEqual(bucket.inputs.tags, { team: "platform", Name: "backups-bucket" });
    // Every configuration resource targets this bucket.
    for (const child of CHILDREN.slice(1)) {
      assert.equal(named(p, child).inputs.bucket, "backups-bucket-0a1b2c3", child);
    }
  });

  it("SSE-S3 by default", async () => {
    const p = await planBucket();
    const sse = named(p, "backups-encryption");
    assert.equal(
      sse.type,
      "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    );
    assert.deepEqual(sse.inputs.rules, [
      { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } },
    ]);
  });

  it("SSE-KMS with the given key and an S3 Bucket Key", async () => {
    const p = await planBucket({ kmsKeyArn: KEY });
    assert.deepEqual(named(p, "backups-encryption").inputs.rules, [
      {
        applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: KEY },
        bucketKeyEnabled: true,
      },
    ]);
  });

  it("versioning on; old versions expire, stale uploads and delete markers are cleaned", async () => {
    const p = await planBucket();
    assert.deepEqual(named(p, "backups-versioning").inputs.versioningConfiguration, {
      status: "Enabled",
    });
    assert.deepEqual(named(p, "backups-lifecycle").inputs.rules, [
      {
        id: "expire-old-versions",
        status: "Enabled",
        filter: {},
        noncurrentVersionExpiration: { noncurrentDays: 30 },
        abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
      },
      {
        id: "clean-delete-markers",
        status: "Enabled",
        filter: {},
        expiration: { expiredObjectDeleteMarker: true },
      },
    ]);
    const days = await planBucket({ noncurrentVersionDays: 90 });
    assert.equal(
      (named(days, "backups-lifecycle").inputs.rules as any[])[0].noncurrentVersionExpiration
        .noncurrentDays,
      90,
    );
  });

  it("blocks all public access, disables ACLs, and denies non-TLS requests", async () => {
    const p = await planBucket();
    const pab = named(p, "backups-public-access").inputs;
    for (const k of [
      "blockPublicAcls",
      "blockPublicPolicy",
      "ignorePublicAcls",
      "restrictPublicBuckets",
    ]) {
      assert.equal(pab[k], true, k);
    }
    assert.deepEqual(named(p, "backups-ownership").inputs.rule, {
      objectOwnership: "BucketOwnerEnforced",
    });
    const policy = json(named(p, "backups-policy").inputs.policy);
    assert.deepEqual(policy.Statement[0].Condition, { Bool: { "aws:SecureTransport": "false" } });
    assert.deepEqual(policy.Statement[0].Resource, [
      "arn:aws:s3:::backups-bucket-0a1b2c3",
      "arn:aws:s3:::backups-bucket-0a1b2c3/*",
    ]);
  });

  it("configures the bucket one change at a time, the policy after the access block", async () => {
    const p = await planBucket();
    for (let i = 2; i < CHILDREN.length; i++) {
      assert.ok(
        named(p, CHILDREN[i]).dependsOn.includes(named(p, CHILDREN[i - 1]).urn),
        `${CHILDREN[i]} waits for ${CHILDREN[i - 1]}`,
      );
    }
  });

  it("default: destroy forgets the bucket and every child but deletes nothing", async () => {
    const p = await planBucket();
    for (const child of CHILDREN) assert.equal(p.retainOnDelete[child], true, child);
    assert.equal(named(p, "backups-bucket").inputs.forceDestroy, false);
  });

  it("forceDestroyBackups: destroy deletes the bucket with its objects", async () => {
    const p = await planBucket({ forceDestroyBackups: true });
    for (const child of CHILDREN) assert.equal(p.retainOnDelete[child], false, child);
    assert.equal(named(p, "backups-bucket").inputs.forceDestroy, true);
  });

  it("protect follows the argument on every child", async () => {
    for (const protect of [true, false]) {
      const p = await planBucket({ protect });
      for (const child of CHILDREN) assert.equal(named(p, child).protect, protect, child);
    }
  });

  it("two instances never collide", async () => {
    const p = await planComponents(() => {
      const common = { region: "eu-west-1", forceDestroyBackups: false, protect: false, tags: {} };
      new BackupBucket("a", common);
      new BackupBucket("b", common);
    });
    const urns = p.resources.map((r) => r.urn);
    assert.equal(new Set(urns).size, urns.length);
  });

  it("refuses a KMS key from another region, a name S3 would refuse, bad day counts", () => {
    const common = { region: "us-east-1", forceDestroyBackups: false, protect: false, tags: {} };
    assert.throws(
      () => new BackupBucket("x", { ...common, kmsKeyArn: KEY }),
      /is in eu-west-1 but the stack deploys to us-east-1/,
    );
    assert.throws(() => new BackupBucket("Backups", common), /must be lowercase/);
    assert.throws(() => new BackupBucket("b".repeat(49), common), /at most 48/);
    assert.throws(
      () => new BackupBucket("x", { ...common, noncurrentVersionDays: 0 }),
      /noncurrentVersionDays/,
    );
  });
});

describe("backup: the servers' policy (backupServerPolicy, Pulumi mocks)", function () {
  this.timeout(30_000);

  it("names the least-privilege document of the created bucket's ARN, for the servers' role", async () => {
    const p = await planComponents(() => {
      const b = new BackupBucket("backups", {
        region: "eu-west-1",
        forceDestroyBackups: false,
        protect: false,
        tags: {},
      });
      const policy = backupServerPolicy({
        bucketArn: b.bucketArn,
        folders: backupFolders("prod"),
        kmsKeyArn: KEY,
      });
      return { name: pulumi.output(policy.name), document: policy.document };
    });
    assert.equal(p.outputs.name, "rancher-ha-backups");
    const doc = json(p.outputs.document);
    assert.deepEqual(
      doc.Statement.map((s: { Sid: string }) => s.Sid),
      ["ListBackupBucket", "BackupObjects", "BackupKey"],
    );
    assert.equal(doc.Statement[0].Resource, "arn:aws:s3:::backups-bucket-0a1b2c3");
    assert.deepEqual(doc.Statement[1].Resource, [
      "arn:aws:s3:::backups-bucket-0a1b2c3/rancher-ha/prod/etcd/*",
      "arn:aws:s3:::backups-bucket-0a1b2c3/rancher-ha/prod/rancher/*",
    ]);
    // No IAM resource: the servers' role (issue 10's ServerRole) attaches it.
    assert.deepEqual(
      p.resources.filter((r) => r.type.startsWith("aws:iam/")),
      [],
    );
  });
});
