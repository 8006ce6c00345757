// Backups in the whole program's offline plan (the dev and prod fixture stacks): the bucket's
// hardening, every server's etcd-s3 keys, the operator releases rendered by the real chart, the
// servers' policy scoped to what those use, the restore command's target, and backups: false.
import * as assert from "node:assert/strict";
import { parse } from "yaml";
import { parseRestoreTarget } from "../../automation/restore/target";
import * as pulumi from "@pulumi/pulumi";
import { backupServerPolicy } from "../../components/backup/access";
import { backupFolders } from "../../components/backup/layout";
import { restoreTarget } from "../../components/backup/restoreTarget";
import { RANCHER_BACKUP_CHARTS, RANCHER_BACKUP_NAMESPACE } from "../../components/backup/charts";
import { DEFAULT_VERSIONS } from "../../components/versions";
import { plainStrings, Secret } from "../../plan/values";
import { releaseValues } from "../charts";
import { planWith } from "../config-helpers";
import { helmTemplate } from "../helm";
import { byName, ofType, plan, servers, unwrap, waitsFor } from "../helpers";
import { referencePath } from "../reference";
import { planComponents } from "./componentPlan";

const S3 = "aws:s3/";
const KMS = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const input = (r: { inputs: Record<string, unknown> }, k: string) => unwrap(r.inputs[k]);
/**
 * The plan's restoreTarget as the restore command parses it. The plan's placeholder instance IDs
 * (`<name>-id`) are not EC2's `i-…` form, so they are mapped to that form first (and checked).
 */
function target(p: Awaited<ReturnType<typeof plan>>) {
  const raw = p.outputs.restoreTarget as { servers: { instanceId: string }[] };
  const ids = servers(p).map((i) => `${i.name}-id`);
  assert.deepEqual(
    raw.servers.map((s) => s.instanceId),
    ids,
  );
  return parseRestoreTarget({
    ...raw,
    servers: raw.servers.map((s, i) => ({ ...s, instanceId: `i-0${i}` })),
  });
}
const serverConfig = (p: Awaited<ReturnType<typeof plan>>, i: number) =>
  parse((byName(p, `rancher-rke2-${i}-config`).inputs.source as { text: string }).text) as Record<
    string,
    unknown
  >;

describe("backups in the plan", function () {
  this.timeout(120_000);

  it("creates one hardened bucket: SSE-S3, versioned, old versions expired, public access blocked, TLS only", async () => {
    const p = await plan("dev");
    const bucket = byName(p, "rancher-backup-bucket", "aws:s3/bucket:Bucket");
    assert.equal(input(bucket, "forceDestroy"), false);
    assert.equal(p.outputs.backupBucket, "rancher-backup-bucket-c98f7cb");
    const name = p.outputs.backupBucket;
    const child = (n: string) => byName(p, `rancher-backup-${n}`);
    for (const n of [
      "encryption",
      "public-access",
      "ownership",
      "policy",
      "versioning",
      "lifecycle",
    ]) {
      assert.equal(input(child(n), "bucket"), name, `${n} is on the bucket`);
    }
    assert.deepEqual(input(child("encryption"), "rules"), [
      { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } },
    ]);
    assert.deepEqual(input(child("versioning"), "versioningConfiguration"), { status: "Enabled" });
    for (const k of [
      "blockPublicAcls",
      "blockPublicPolicy",
      "ignorePublicAcls",
      "restrictPublicBuckets",
    ]) {
      assert.equal(input(child("public-access"), k), true, k);
    }
    assert.deepEqual(input(child("ownership"), "rule"), { objectOwnership: "BucketOwnerEnforced" });
    const policy = JSON.parse(input(child("policy"), "policy") as string);
    assert.deepEqual(policy.Statement, [
      {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: [`arn:aws:s3:::${name}`, `arn:aws:s3:::${name}/*`],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      },
    ]);
    const rules = input(child("lifecycle"), "rules") as Record<string, unknown>[];
    assert.deepEqual(
      rules.map((r) => r.id),
      ["expire-old-versions", "clean-delete-markers"],
    );
    assert.deepEqual(rules[0].noncurrentVersionExpiration, { noncurrentDays: 30 });
    assert.equal(ofType(p, "aws:s3/bucket:Bucket").length, 1);
  });

  it("protects the bucket with the stack (prod) and encrypts with a given KMS key", async () => {
    const prod = await plan("prod");
    const s3 = prod.resources.filter((x) => x.type.startsWith(S3));
    assert.ok(s3.length >= 5, "the bucket and its settings");
    for (const r of s3) assert.equal(r.protect, true, r.name);
    const kms = await plan("dev", [`backupKmsKeyArn=${KMS}`]);
    assert.deepEqual(input(byName(kms, "rancher-backup-encryption"), "rules"), [
      {
        applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: KMS },
        bucketKeyEnabled: true,
      },
    ]);
  });

  it("gives every server the same etcd-s3 keys: the bucket, the stack's folder, 28 runs × 3", async () => {
    const p = await plan("dev");
    const configs = [1, 2, 3].map((i) => serverConfig(p, i));
    const etcd = (c: Record<string, unknown>) =>
      Object.fromEntries(Object.entries(c).filter(([k]) => k.startsWith("etcd-")));
    assert.deepEqual(etcd(configs[0]), {
      "etcd-snapshot-schedule-cron": "0 */6 * * *",
      "etcd-snapshot-retention": 5,
      "etcd-snapshot-compress": true,
      "etcd-s3": true,
      "etcd-s3-bucket": p.outputs.backupBucket,
      "etcd-s3-region": "us-east-1",
      "etcd-s3-endpoint": "s3.us-east-1.amazonaws.com",
      "etcd-s3-folder": "rancher-ha/dev/etcd",
      "etcd-s3-retention": 84,
    });
    for (const c of configs.slice(1)) assert.deepEqual(etcd(c), etcd(configs[0]));
    const five = await plan("dev", ["serverCount=5", "etcdSnapshotRetention=10"]);
    assert.equal(serverConfig(five, 5)["etcd-s3-retention"], 50);
  });

  it("uses a given bucket as it is: no bucket resource, its name in the servers' keys", async () => {
    const p = await plan("dev", ["etcdBackupBucket=team-backups"]);
    assert.deepEqual(
      p.resources.filter((r) => r.type.startsWith(S3)),
      [],
    );
    assert.equal(serverConfig(p, 2)["etcd-s3-bucket"], "team-backups");
    assert.equal(p.outputs.backupBucket, "team-backups");
  });

  it("installs the operator beside the joins, backs up after Rancher, storing in the bucket's rancher folder, with no credentials", async () => {
    const p = await plan("dev");
    const crd = byName(p, "rancher-rancher-backup-crd");
    const operator = byName(p, "rancher-rancher-backup-operator");
    const chart = RANCHER_BACKUP_CHARTS["2.15"];
    for (const r of [crd, operator]) {
      assert.equal(r.inputs.version, chart.version);
      assert.deepEqual(r.inputs.repositoryOpts, { repo: "https://charts.rancher.io" });
      assert.equal(r.inputs.namespace, RANCHER_BACKUP_NAMESPACE);
    }
    const rancher = byName(p, "rancher-install-rancher");
    const firstRead = byName(p, "rancher-rke2-kubeconfig");
    const lastJoin = byName(p, "rancher-rke2-3-start");
    assert.ok(waitsFor(p, crd).has(firstRead.urn), "the CRDs wait for the first server");
    assert.ok(!waitsFor(p, crd).has(lastJoin.urn), "…not for the joins");
    assert.ok(!waitsFor(p, crd).has(rancher.urn), "…nor for Rancher");
    assert.ok(waitsFor(p, operator).has(crd.urn), "the operator waits for its CRDs");
    const values = releaseValues(p, "rancher-backup");
    assert.deepEqual(values, {
      s3: {
        enabled: true,
        bucketName: p.outputs.backupBucket,
        region: "us-east-1",
        folder: "rancher-ha/dev/rancher",
        endpoint: "s3.us-east-1.amazonaws.com",
      },
      persistence: { enabled: false },
    });
    const patch = byName(p, "rancher-rancher-backup-host-network");
    assert.ok(waitsFor(p, patch).has(operator.urn));
    const backup = byName(p, "rancher-rancher-backup-scheduled");
    assert.ok(waitsFor(p, backup).has(rancher.urn), "the first backup is of a running Rancher");
    assert.deepEqual(unwrap(backup.inputs.spec), {
      resourceSetName: "rancher-resource-set-full",
      encryptionConfigSecretName: "rancher-ha-backup-encryption",
      schedule: "30 */6 * * *",
      retentionCount: 28,
    });
    assert.ok(waitsFor(p, backup).has(patch.urn), "the first run reads S3 on the host network");
    const secret = byName(p, "rancher-rancher-backup-encryption");
    assert.ok(secret.inputs.stringData instanceof Secret, "kept as a secret");
    const config = (secret.inputs.stringData.value as Record<string, string>)[
      "encryption-provider-config.yaml"
    ];
    const key = /secret: (\S+)/.exec(config)?.[1] ?? "";
    assert.equal(Buffer.from(key, "base64").length, 32);
    const output = p.outputs.rancherBackupEncryptionConfig;
    assert.ok(output instanceof Secret && output.value === config, "exported, as a secret");
    const plain = JSON.stringify([
      p.resources.map((r) => plainStrings(r.inputs)),
      plainStrings(p.outputs),
    ]);
    assert.ok(!plain.includes(key), "the key is in no plaintext input or output");
  });

  it("the operator's plan values render with the vendored chart (helm, Kubernetes of the pinned RKE2)", async () => {
    const p = await plan("dev");
    const objects = await helmTemplate({
      release: "rancher-backup",
      namespace: RANCHER_BACKUP_NAMESPACE,
      chart: referencePath(`charts/rancher-backup-${RANCHER_BACKUP_CHARTS["2.15"].version}.tgz`),
      kubeVersion: DEFAULT_VERSIONS.rke2Version.replace(/\+.*$/, ""),
      values: releaseValues(p, "rancher-backup"),
    });
    const s3 = objects.find((o) => o.kind === "Secret" && o.metadata.name === "rancher-backup-s3");
    assert.deepEqual(s3?.stringData, {
      region: "us-east-1",
      bucketName: p.outputs.backupBucket,
      folder: "rancher-ha/dev/rancher",
      endpoint: "s3.us-east-1.amazonaws.com",
    });
    const deployment = objects.find((o) => o.kind === "Deployment");
    assert.equal(
      deployment?.metadata.name,
      "rancher-backup",
      "the name the host-network patch targets",
    );
    const patch = byName(p, "rancher-rancher-backup-host-network");
    assert.equal((patch.inputs.metadata as { name: string }).name, deployment?.metadata.name);
  });

  it("the servers' policy covers exactly the bucket and the two folders the servers and the operator use", async () => {
    const p = await plan("dev");
    const t = target(p);
    assert.equal(t.etcdFolder, serverConfig(p, 1)["etcd-s3-folder"]);
    assert.equal(
      t.rancherFolder,
      (releaseValues(p, "rancher-backup").s3 as { folder: string }).folder,
    );
    const doc = await planComponents(() => ({
      document: backupServerPolicy({
        bucketArn: `arn:aws:s3:::${t.bucket}`,
        folders: { etcd: t.etcdFolder, rancher: t.rancherFolder },
      }).document,
    }));
    const policy = JSON.parse(doc.outputs.document as string);
    const resources = policy.Statement.flatMap((s: { Resource: string | string[] }) => s.Resource);
    assert.deepEqual(resources, [
      `arn:aws:s3:::${t.bucket}`,
      `arn:aws:s3:::${t.bucket}/rancher-ha/dev/etcd/*`,
      `arn:aws:s3:::${t.bucket}/rancher-ha/dev/rancher/*`,
    ]);
    assert.ok(!JSON.stringify(policy).includes('"*"'), "no wildcard resource");
  });

  it("the servers' role carries that policy, and every server waits for it", async () => {
    const p = await plan("dev");
    const t = target(p);
    const inline = byName(p, "rancher-iam-rancher-ha-backups", "aws:iam/rolePolicy:RolePolicy");
    const role = byName(p, "rancher-iam-role", "aws:iam/role:Role");
    assert.ok(inline.dependsOn.includes(role.urn) || waitsFor(p, inline).has(role.urn));
    const resources = JSON.parse(String(unwrap(inline.inputs.policy))).Statement.flatMap(
      (st: { Resource: string | string[] }) => st.Resource,
    );
    assert.ok(resources.includes(`arn:aws:s3:::${t.bucket}/rancher-ha/dev/etcd/*`), resources);
    for (const s of servers(p)) assert.ok(waitsFor(p, s).has(inline.urn), s.name);
  });

  it("hands the restore command a target it accepts: bucket, folders, servers in order", async () => {
    const p = await plan("dev");
    const t = target(p);
    assert.equal(t.bucket, p.outputs.backupBucket);
    assert.deepEqual(
      t.servers.map((s) => [s.nodeName, s.privateIp]),
      [1, 2, 3].map((i) => [`rancher-server-${i}`, `10.0.0.1${i}`]),
    );
    // The stack's default access: through its bastion.
    assert.equal(t.nodeAccess, "bastion");
    assert.equal(t.bastionHost, p.outputs.bastionHost);
    assert.equal(t.registrationPort, 9345);
  });

  it("backups: false builds none of it and the plan says so", async () => {
    const p = await plan("dev", ["backups=false"]);
    assert.deepEqual(
      p.resources.filter(
        (r) =>
          r.type.startsWith(S3) || r.name.includes("rancher-backup") || r.type.includes("Backup"),
      ),
      [],
    );
    for (const i of [1, 2, 3]) {
      assert.deepEqual(
        Object.keys(serverConfig(p, i)).filter((k) => k.startsWith("etcd-")),
        [],
      );
    }
    for (const k of ["backupBucket", "rancherBackupEncryptionConfig", "restoreTarget"]) {
      assert.equal(p.outputs[k], undefined, k);
    }
    assert.ok(p.warnings.some((w) => w.startsWith("rancher-ha:backups is false")));
    const cli = await planWith(["backups=false"]);
    assert.equal(cli.code, 0);
    assert.match(
      cli.err + cli.out,
      /rancher-ha:backups is false: no etcd snapshot or Rancher backup/,
    );
  });

  it("the restore target follows the stack's node access (a bastion's address, SSM)", async () => {
    const storage = {
      bucketName: pulumi.output("team-backups"),
      bucketArn: pulumi.output("arn:aws:s3:::team-backups"),
      folders: backupFolders("prod"),
    };
    const servers = [1, 2, 3].map((i) => ({
      nodeName: `rancher-server-${i}`,
      instanceId: `i-0${i}`,
      privateIp: `10.0.0.1${i}`,
      publicIp: `198.51.100.1${i}`,
    }));
    const p = await planComponents(() => ({
      bastion: restoreTarget({
        region: "eu-west-1",
        access: { mode: "bastion", bastionHost: pulumi.output("203.0.113.9") },
        sshUser: "ubuntu",
        storage,
        registrationHost: "reg.example.com",
        servers,
      }),
      ssm: restoreTarget({
        region: "eu-west-1",
        access: { mode: "ssm", region: "eu-west-1" },
        sshUser: "ubuntu",
        storage,
        registrationHost: "reg.example.com",
        servers,
      }),
    }));
    const bastion = parseRestoreTarget(p.outputs.bastion);
    assert.equal(bastion.nodeAccess, "bastion");
    assert.equal(bastion.bastionHost, "203.0.113.9");
    const ssm = parseRestoreTarget(p.outputs.ssm);
    assert.equal(ssm.nodeAccess, "ssm");
    assert.equal(ssm.bastionHost, undefined);
  });
});
