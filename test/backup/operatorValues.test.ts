// The operator's values, Backup and Restore against the real charts: the rancher-backup charts
// packaged from upstream tag v11.0.0 (test/fixtures/upstream, SOURCES.md), rendered by helm.
import Ajv from "ajv";
import * as assert from "node:assert/strict";
import { parse } from "yaml";
import {
  RANCHER_BACKUP_CHARTS,
  RANCHER_BACKUP_NAMESPACE,
  rancherBackupChart,
} from "../../components/backup/charts";
import { encryptionKeyProblem } from "../../components/backup/validate";
import {
  ENCRYPTION_SECRET_KEY,
  ENCRYPTION_SECRET_NAME,
  OPERATOR_DEPLOYMENT,
  renderEncryptionConfiguration,
  renderHostNetworkPatch,
  renderRancherBackupValues,
  renderRestore,
  renderScheduledBackup,
} from "../../components/backup/operatorValues";
import { DEFAULT_VERSIONS, RANCHER_RELEASES } from "../../components/versions";
import { helmTemplate, Manifest } from "../helm";
import { chartFile, referencePath } from "../reference";

const CHART = `charts/rancher-backup-${RANCHER_BACKUP_CHARTS["2.15"].version}.tgz`;
const CRD_CHART = `charts/rancher-backup-crd-${RANCHER_BACKUP_CHARTS["2.15"].version}.tgz`;
const STORAGE = {
  bucket: "rancher-ha-prod-backups-bucket-0a1b2c3",
  region: "eu-west-1",
  stack: "prod",
};
const KEY = Buffer.alloc(32, 9).toString("base64");

function render(values: Record<string, unknown>): Promise<Manifest[]> {
  return helmTemplate({
    release: "rancher-backup",
    namespace: RANCHER_BACKUP_NAMESPACE,
    chart: referencePath(CHART),
    kubeVersion: DEFAULT_VERSIONS.rke2Version.replace(/\+.*$/, ""),
    values,
  });
}

async function crdSchema(kind: string): Promise<{ scope: string; schema: object }> {
  const crds = await helmTemplate({
    release: "rancher-backup-crd",
    namespace: RANCHER_BACKUP_NAMESPACE,
    chart: referencePath(CRD_CHART),
    kubeVersion: "v1.36.3",
  });
  const crd = crds.find((m) => m.kind === "CustomResourceDefinition" && m.spec.names.kind === kind);
  assert.ok(crd, `the CRD chart defines ${kind}`);
  const version = crd.spec.versions.find((v: { name: string }) => v.name === "v1");
  return { scope: crd.spec.scope, schema: version.schema.openAPIV3Schema };
}

function validate(schema: object, doc: unknown): string[] {
  const check = new Ajv({ strict: false, allErrors: true, validateFormats: false }).compile(schema);
  return check(doc) ? [] : (check.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}

describe("backup: rancher-backup chart table", () => {
  it("has a row for every Rancher minor the program knows", () => {
    for (const minor of Object.keys(RANCHER_RELEASES)) {
      assert.ok(RANCHER_BACKUP_CHARTS[minor], minor);
    }
    assert.equal(rancherBackupChart("2.15.0")?.version, "110.0.0+up11.0.0");
    assert.equal(rancherBackupChart("2.14.4")?.version, "109.0.0+up10.0.0");
    assert.equal(rancherBackupChart("2.13.8")?.version, "108.0.0+up9.0.0");
    assert.equal(rancherBackupChart("2.12.12")?.version, "107.0.0+up8.0.0");
    assert.equal(rancherBackupChart("2.11.0"), undefined);
    assert.equal(rancherBackupChart("nope"), undefined);
  });

  it("the vendored 2.15 chart is that version, for Rancher 2.15, with that kubeVersion floor", () => {
    const chart = parse(chartFile(CHART, "rancher-backup/Chart.yaml")) as Record<string, any>;
    assert.equal(chart.version, RANCHER_BACKUP_CHARTS["2.15"].version);
    assert.equal(chart.annotations["catalog.cattle.io/rancher-version"], ">= 2.15.0-0 < 2.16.0-0");
    assert.equal(chart.kubeVersion, ">= 1.34.0-0");
    assert.deepEqual(RANCHER_BACKUP_CHARTS["2.15"].kubeAtLeast, { major: 1, minor: 34 });
    const crd = parse(chartFile(CRD_CHART, "rancher-backup-crd/Chart.yaml")) as Record<string, any>;
    assert.equal(crd.version, chart.version);
  });
});

describe("backup: operator values rendered by the real chart (helm template)", function () {
  this.timeout(60_000);

  it("default storage is the stack's bucket, folder and regional endpoint; no credentials", async () => {
    const values = renderRancherBackupValues(STORAGE);
    assert.deepEqual(values, {
      s3: {
        enabled: true,
        bucketName: STORAGE.bucket,
        region: "eu-west-1",
        folder: "rancher-ha/prod/rancher",
        endpoint: "s3.eu-west-1.amazonaws.com",
      },
      persistence: { enabled: false },
    });
    const objects = await render(values);
    const secret = objects.find(
      (o) => o.kind === "Secret" && o.metadata.name === "rancher-backup-s3",
    );
    assert.ok(secret, "the chart renders its S3 storage secret");
    assert.deepEqual(secret.stringData, {
      region: "eu-west-1",
      bucketName: STORAGE.bucket,
      folder: "rancher-ha/prod/rancher",
      endpoint: "s3.eu-west-1.amazonaws.com",
    });
    const deployment = objects.find((o) => o.kind === "Deployment");
    assert.equal(deployment?.metadata.name, OPERATOR_DEPLOYMENT);
    assert.equal(deployment?.metadata.namespace, RANCHER_BACKUP_NAMESPACE);
    const env = deployment?.spec.template.spec.containers[0].env as {
      name: string;
      value: string;
    }[];
    assert.deepEqual(
      env.find((e) => e.name === "DEFAULT_S3_BACKUP_STORAGE_LOCATION"),
      { name: "DEFAULT_S3_BACKUP_STORAGE_LOCATION", value: "rancher-backup-s3" },
    );
    // The chart has no host-network value: the program's patch supplies it.
    assert.equal(deployment?.spec.template.spec.hostNetwork, undefined);
    assert.ok(
      objects.some(
        (o) => o.kind === "ResourceSet" && o.metadata.name === "rancher-resource-set-full",
      ),
    );
  });

  it("the chart refuses what the renderer never produces (endpoint missing, PV with S3)", async () => {
    const values = renderRancherBackupValues(STORAGE) as { s3: Record<string, unknown> };
    await assert.rejects(
      render({ ...values, s3: { ...values.s3, endpoint: "" } }),
      /A valid .Values.endpoint is required/,
    );
    await assert.rejects(
      render({ ...values, persistence: { enabled: true } }),
      /Cannot configure both s3 and PV/,
    );
  });

  it("the host-network patch names the chart's Deployment and sets only the two fields", () => {
    assert.deepEqual(renderHostNetworkPatch(), {
      metadata: { name: "rancher-backup", namespace: "cattle-resources-system" },
      spec: { template: { spec: { hostNetwork: true, dnsPolicy: "ClusterFirstWithHostNet" } } },
    });
  });
});

describe("backup: Backup and Restore against the CRDs (rancher-backup-crd chart)", function () {
  this.timeout(60_000);

  it("the scheduled Backup: full resource set, encrypted, schedule and retention; schema-valid", async () => {
    const backup = renderScheduledBackup({ schedule: "30 */6 * * *", retentionCount: 28 });
    assert.deepEqual(backup, {
      apiVersion: "resources.cattle.io/v1",
      kind: "Backup",
      metadata: { name: "rancher-ha-scheduled" },
      spec: {
        resourceSetName: "rancher-resource-set-full",
        encryptionConfigSecretName: ENCRYPTION_SECRET_NAME,
        schedule: "30 */6 * * *",
        retentionCount: 28,
      },
    });
    const { scope, schema } = await crdSchema("Backup");
    assert.equal(scope, "Cluster", "no namespace on the Backup");
    assert.deepEqual(validate(schema, backup), []);
    assert.notDeepEqual(
      validate(schema, { ...backup, spec: { ...backup.spec, retentionCount: 0 } }),
      [],
      "the schema really checks (retentionCount minimum 1)",
    );
  });

  it("refuses a bad schedule or retention before the operator would", () => {
    assert.throws(
      () => renderScheduledBackup({ schedule: "@daily", retentionCount: 0 }),
      /schedule "@daily" must be five cron fields.*retentionCount 0/,
    );
  });

  it("a Restore of an encrypted file uses the same secret, prunes by default; schema-valid", async () => {
    const file =
      "rancher-ha-scheduled-0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0-2026-08-20T06-30-00Z.tar.gz.enc";
    const restore = renderRestore({ backupFilename: file, now: new Date("2026-08-21T10:11:12Z") });
    assert.deepEqual(restore, {
      apiVersion: "resources.cattle.io/v1",
      kind: "Restore",
      metadata: { name: "restore-20260821101112" },
      spec: {
        backupFilename: file,
        encryptionConfigSecretName: ENCRYPTION_SECRET_NAME,
        prune: true,
      },
    });
    const { scope, schema } = await crdSchema("Restore");
    assert.equal(scope, "Cluster");
    assert.deepEqual(validate(schema, restore), []);
    assert.deepEqual(renderRestore({ backupFilename: "x.tar.gz", prune: false, name: "r1" }).spec, {
      backupFilename: "x.tar.gz",
      prune: false,
    });
  });

  it("a Restore refuses paths and other files", () => {
    for (const bad of ["../x.tar.gz", "a/b.tar.gz.enc", "x.zip", ""]) {
      assert.throws(
        () => renderRestore({ backupFilename: bad }),
        /not a rancher-backup file name/,
        bad,
      );
    }
    assert.throws(() => renderRestore({ backupFilename: "x.tar.gz", name: "Bad" }), /object name/);
  });
});

describe("backup: encryption configuration", () => {
  it("secretbox with the 32-byte key, under the key the operator reads", () => {
    const doc = parse(renderEncryptionConfiguration(KEY)) as Record<string, any>;
    assert.deepEqual(doc, {
      apiVersion: "apiserver.config.k8s.io/v1",
      kind: "EncryptionConfiguration",
      resources: [
        {
          resources: ["secrets"],
          providers: [{ secretbox: { keys: [{ name: "key1", secret: KEY }] } }],
        },
      ],
    });
    assert.equal(ENCRYPTION_SECRET_KEY, "encryption-provider-config.yaml");
  });

  it("refuses a key that is not 32 bytes of base64, without repeating it", () => {
    for (const bad of [Buffer.alloc(16, 1).toString("base64"), "not-base64-at-all", `${KEY}x`]) {
      const problem = encryptionKeyProblem(bad) ?? "";
      assert.match(problem, /32 random bytes in base64/);
      assert.ok(!problem.includes(bad));
      assert.throws(
        () => renderEncryptionConfiguration(bad),
        (e: Error) => !e.message.includes(bad),
      );
    }
    assert.equal(encryptionKeyProblem(KEY), undefined);
  });
});
