import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import * as assert from "node:assert/strict";
import { RancherBackup } from "../../components/backup/operator";
import { plainStrings, Secret, secretStrings } from "../../plan/values";
import { named, planComponents } from "./componentPlan";

const BUCKET = "rancher-ha-prod-backups-bucket-0a1b2c3";
const GIVEN_KEY = Buffer.alloc(32, 5).toString("base64");
const MOCK_KEY = Buffer.alloc(32, 7).toString("base64"); // what componentPlan's RandomBytes yields

function planOperator(extra: Partial<ConstructorParameters<typeof RancherBackup>[1]> = {}) {
  return planComponents(() => {
    const provider = new k8s.Provider("k8s", { kubeconfig: "apiVersion: v1\nkind: Config\n" });
    const rancher = new k8s.helm.v3.Release(
      "rancher",
      { chart: "rancher", repositoryOpts: { repo: "https://example.invalid" } },
      { provider },
    );
    const firstReady = new random.RandomPassword("first-ready", { length: 8 });
    const lifetime = new random.RandomPassword("token", { length: 8 });
    const op = new RancherBackup("backup", {
      provider,
      rancherVersion: "2.15.0",
      bucket: pulumi.output(BUCKET),
      region: "eu-west-1",
      stack: "prod",
      schedule: "30 */6 * * *",
      retentionCount: 28,
      installAfter: [firstReady],
      backupAfter: [rancher],
      clusterLifetime: lifetime,
      ...extra,
    });
    return { encryptionConfig: op.encryptionConfig };
  });
}

describe("backup: RancherBackup operator (Pulumi mocks)", function () {
  this.timeout(30_000);

  it("installs the CRD chart, then the operator chart, matched to Rancher, from charts.rancher.io", async () => {
    const p = await planOperator();
    assert.equal(named(p, "backup").type, "rancher-ha:backup:RancherBackup");
    const crd = named(p, "backup-crd");
    const op = named(p, "backup-operator");
    for (const [r, chart] of [
      [crd, "rancher-backup-crd"],
      [op, "rancher-backup"],
    ] as const) {
      assert.equal(r.type, "kubernetes:helm.sh/v3:Release");
      assert.equal(r.inputs.name, chart);
      assert.equal(r.inputs.chart, chart);
      assert.equal(r.inputs.version, "110.0.0+up11.0.0");
      assert.deepEqual(r.inputs.repositoryOpts, { repo: "https://charts.rancher.io" });
      assert.equal(r.inputs.namespace, "cattle-resources-system");
    }
    assert.ok(op.dependsOn.includes(crd.urn), "CRDs first");
    const namespace = named(p, "backup-namespace");
    assert.ok(namespace.dependsOn.includes(named(p, "first-ready").urn), "once the API answers");
    assert.ok(!namespace.dependsOn.includes(named(p, "rancher").urn), "not after Rancher");
    assert.ok(
      named(p, "backup-scheduled").dependsOn.includes(named(p, "rancher").urn),
      "the first backup after Rancher",
    );
    assert.deepEqual(op.inputs.values, {
      s3: {
        enabled: true,
        bucketName: BUCKET,
        region: "eu-west-1",
        folder: "rancher-ha/prod/rancher",
        endpoint: "s3.eu-west-1.amazonaws.com",
      },
      persistence: { enabled: false },
    });
    assert.ok(!JSON.stringify(op.inputs.values).includes("credentialSecretName"));
  });

  it("its own namespace, labelled privileged for the host-network pod", async () => {
    const p = await planOperator();
    assert.deepEqual(named(p, "backup-namespace").inputs.metadata, {
      name: "cattle-resources-system",
      labels: { "pod-security.kubernetes.io/enforce": "privileged" },
    });
  });

  it("patches the operator's Deployment onto the host network after the release", async () => {
    const p = await planOperator();
    const patch = named(p, "backup-host-network");
    assert.equal(patch.type, "kubernetes:apps/v1:DeploymentPatch");
    assert.deepEqual(patch.inputs.metadata, {
      name: "rancher-backup",
      namespace: "cattle-resources-system",
    });
    assert.deepEqual(patch.inputs.spec, {
      template: { spec: { hostNetwork: true, dnsPolicy: "ClusterFirstWithHostNet" } },
    });
    assert.ok(patch.dependsOn.includes(named(p, "backup-operator").urn));
  });

  it("schedules an encrypted full Backup once the patch and the secret are in place", async () => {
    const p = await planOperator();
    const backup = named(p, "backup-scheduled");
    assert.equal(backup.type, "kubernetes:resources.cattle.io/v1:Backup");
    assert.deepEqual(backup.inputs.spec, {
      resourceSetName: "rancher-resource-set-full",
      encryptionConfigSecretName: "rancher-ha-backup-encryption",
      schedule: "30 */6 * * *",
      retentionCount: 28,
    });
    for (const dep of ["backup-host-network", "backup-encryption", "backup-crd"]) {
      assert.ok(backup.dependsOn.includes(named(p, dep).urn), dep);
    }
  });

  it("generates the key; the config lives only in secrets (state, Secret, output)", async () => {
    const p = await planOperator();
    const key = named(p, "backup-encryption-key");
    assert.equal(key.type, "random:index/randomBytes:RandomBytes");
    assert.equal(key.inputs.length, 32);
    const secret = named(p, "backup-encryption");
    assert.deepEqual(secret.inputs.metadata, {
      name: "rancher-ha-backup-encryption",
      namespace: "cattle-resources-system",
    });
    // The Secret's SDK wraps all of stringData; our value is secret on its own as well.
    assert.ok(secret.inputs.stringData instanceof Secret, "stringData is secret-wrapped");
    const data = (secret.inputs.stringData.value as Record<string, string>)[
      "encryption-provider-config.yaml"
    ];
    assert.ok(data.includes(`secret: ${MOCK_KEY}`));
    assert.ok(p.outputs.encryptionConfig instanceof Secret, "the output is secret");
    // Nowhere in plain text: no resource input outside a secret holds the key.
    for (const r of p.resources) {
      for (const s of plainStrings(r.inputs)) {
        assert.ok(!s.value.includes(MOCK_KEY), `${r.name} ${s.path}`);
      }
    }
    assert.ok(p.resources.some((r) => secretStrings(r.inputs).some((s) => s.includes(MOCK_KEY))));
  });

  it("reuses a given key instead of generating one", async () => {
    const p = await planOperator({ encryptionKey: pulumi.secret(GIVEN_KEY) });
    assert.ok(!p.resources.some((r) => r.type === "random:index/randomBytes:RandomBytes"));
    assert.ok(String((p.outputs.encryptionConfig as Secret).value).includes(GIVEN_KEY));
    for (const r of p.resources) {
      for (const s of plainStrings(r.inputs)) assert.ok(!s.value.includes(GIVEN_KEY), r.name);
    }
  });

  it("every Kubernetes object goes with the cluster on destroy (deletedWith), on the given provider", async () => {
    const p = await planOperator();
    const token = named(p, "token");
    const objects = p.resources.filter(
      (x) => x.name.startsWith("backup-") && x.type.startsWith("kubernetes:"),
    );
    assert.ok(objects.length >= 5, "namespace, secret, two releases, patch, Backup");
    for (const r of objects) {
      assert.equal(r.deletedWith, token.urn, r.name);
    }
  });

  it("refuses a Rancher without a chart row and a bad schedule at construction", () => {
    const provider = {} as k8s.Provider;
    const base = {
      provider,
      bucket: BUCKET,
      region: "eu-west-1",
      stack: "prod",
      retentionCount: 28,
      installAfter: [],
      backupAfter: [],
      clusterLifetime: {} as pulumi.Resource,
    };
    assert.throws(
      () => new RancherBackup("x", { ...base, rancherVersion: "2.11.3", schedule: "0 * * * *" }),
      /no rancher-backup chart is known for Rancher 2\.11\.3/,
    );
    assert.throws(
      () => new RancherBackup("y", { ...base, rancherVersion: "2.15.0", schedule: "daily" }),
      /must be five cron fields/,
    );
  });
});
