import * as assert from "node:assert/strict";
import { parse } from "yaml";
import {
  ETCD_SNAPSHOT_CONFLICTING_KEYS,
  ETCD_SNAPSHOT_KEYS,
  renderEtcdSnapshotConfig,
  supportsEtcdS3Retention,
  type EtcdSnapshotArgs,
} from "../../components/backup/etcdConfig";
import { renderRke2ServerConfig } from "../../components/rke2/render";
import { referenceFile } from "../reference";

const ARGS: EtcdSnapshotArgs = {
  bucket: "rancher-ha-prod-backups-bucket-0a1b2c3",
  region: "eu-west-1",
  stack: "prod",
  schedule: "0 */6 * * *",
  retention: 28,
  serverCount: 3,
};

const upstreamKeys = referenceFile("rke2-server-config-keys.txt")
  .split("\n")
  .filter((l) => l.trim() !== "");

describe("backup: RKE2 etcd snapshot keys (renderEtcdSnapshotConfig)", () => {
  it("renders the snapshot schedule, the S3 target and both retentions", () => {
    assert.deepEqual(renderEtcdSnapshotConfig(ARGS), {
      "etcd-snapshot-schedule-cron": "0 */6 * * *",
      "etcd-snapshot-retention": 5,
      "etcd-snapshot-compress": true,
      "etcd-s3": true,
      "etcd-s3-bucket": "rancher-ha-prod-backups-bucket-0a1b2c3",
      "etcd-s3-region": "eu-west-1",
      "etcd-s3-endpoint": "s3.eu-west-1.amazonaws.com",
      "etcd-s3-folder": "rancher-ha/prod/etcd",
      "etcd-s3-retention": 84,
    });
  });

  it("S3 keeps retention × servers objects (the count spans every node's uploads); local ≤ 5", () => {
    assert.equal(renderEtcdSnapshotConfig({ ...ARGS, serverCount: 5 })["etcd-s3-retention"], 140);
    assert.equal(renderEtcdSnapshotConfig({ ...ARGS, retention: 3 })["etcd-snapshot-retention"], 3);
    assert.equal(renderEtcdSnapshotConfig({ ...ARGS, retention: 3 })["etcd-s3-retention"], 9);
  });

  it("renders exactly ETCD_SNAPSHOT_KEYS, each an upstream RKE2 server key", () => {
    assert.deepEqual(Object.keys(renderEtcdSnapshotConfig(ARGS)), [...ETCD_SNAPSHOT_KEYS]);
    for (const key of ETCD_SNAPSHOT_KEYS) assert.ok(upstreamKeys.includes(key), key);
  });

  it("never renders S3 credentials, the config secret or the off switch", () => {
    const keys = Object.keys(renderEtcdSnapshotConfig(ARGS));
    for (const key of ETCD_SNAPSHOT_CONFLICTING_KEYS) {
      assert.ok(upstreamKeys.includes(key), `${key} is a real key worth refusing`);
      assert.ok(!keys.includes(key), key);
    }
  });

  it("goes into the RKE2 server config through etcdSnapshots, on either role", () => {
    const keys = renderEtcdSnapshotConfig(ARGS);
    for (const role of ["init", "join"] as const) {
      const text = renderRke2ServerConfig({
        role,
        nodeName: "rancher-ha-prod-server-1",
        ...(role === "join" ? { serverUrl: "https://reg.example.com:9345" } : {}),
        tlsSans: ["rancher.example.com"],
        ingressController: "traefik",
        etcdSnapshots: ARGS,
      });
      const config = parse(text) as Record<string, unknown>;
      for (const [k, v] of Object.entries(keys)) assert.deepEqual(config[k], v, k);
    }
  });

  it("the RKE2 renderer refuses the snapshot keys, S3 credentials and the off switch as extra", () => {
    const base = {
      role: "init" as const,
      nodeName: "rancher-ha-prod-server-1",
      tlsSans: ["rancher.example.com"],
      ingressController: "traefik" as const,
    };
    assert.throws(
      () => renderRke2ServerConfig({ ...base, extra: { "etcd-s3-bucket": "other" } }),
      /"etcd-s3-bucket" is set by the renderer/,
    );
    assert.throws(
      () => renderRke2ServerConfig({ ...base, extra: { "etcd-s3-secret-key": "x" } }),
      /"etcd-s3-secret-key" is not allowed: secrets stay out of config.yaml/,
    );
    assert.throws(
      () =>
        renderRke2ServerConfig({
          ...base,
          etcdSnapshots: ARGS,
          extra: { "etcd-disable-snapshots": true },
        }),
      /would stop the scheduled snapshots/,
    );
    // Without backups the switch is the user's.
    assert.match(
      renderRke2ServerConfig({ ...base, extra: { "etcd-disable-snapshots": true } }),
      /etcd-disable-snapshots: true/,
    );
  });

  it("is identical for every server (no node name, no role in it)", () => {
    const a = renderEtcdSnapshotConfig(ARGS);
    assert.ok(!JSON.stringify(a).includes("server-"));
  });

  it("normalises the schedule's spacing; refuses a bucket or region that cannot be keys", () => {
    assert.equal(
      renderEtcdSnapshotConfig({ ...ARGS, schedule: " 0  */6 * * * " })[
        "etcd-snapshot-schedule-cron"
      ],
      "0 */6 * * *",
    );
    assert.throws(() => renderEtcdSnapshotConfig({ ...ARGS, bucket: "Bad" }), /not a valid S3/);
    assert.throws(
      () => renderEtcdSnapshotConfig({ ...ARGS, region: "mars" }),
      /not an AWS region name/,
    );
  });

  it("knows which RKE2 releases have etcd-s3-retention (k3s/rke2 docs version gate)", () => {
    for (const v of [
      "v1.36.3+rke2r1",
      "v1.34.0+rke2r1",
      "v1.33.4+rke2r1",
      "v1.32.8+rke2r1",
      "v1.31.12+rke2r1",
    ]) {
      assert.equal(supportsEtcdS3Retention(v), true, v);
    }
    for (const v of [
      "v1.33.3+rke2r1",
      "v1.32.7+rke2r1",
      "v1.31.11+rke2r1",
      "v1.30.14+rke2r1",
      "nope",
    ]) {
      assert.equal(supportsEtcdS3Retention(v), false, v);
    }
  });
});
