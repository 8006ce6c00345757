import * as assert from "node:assert/strict";
import { backupFolders, backupTarget, s3Endpoint } from "../../components/backup/layout";
import {
  bucketNameProblem,
  cronProblem,
  kmsKeyArnProblem,
  retentionProblem,
} from "../../components/backup/validate";

describe("backup: pure checks", () => {
  describe("bucketNameProblem (S3 general purpose bucket naming rules)", () => {
    for (const ok of ["abc", "rancher-ha-backups", "my.bucket.name", "a".repeat(63), "0abc9"]) {
      it(`accepts ${ok.length > 20 ? `${ok.slice(0, 8)}… (${ok.length})` : ok}`, () =>
        assert.equal(bucketNameProblem(ok), undefined));
    }
    const bad: [string, RegExp][] = [
      ["ab", /3-63/],
      ["a".repeat(64), /3-63/],
      ["My_Bkt", /not a valid S3 bucket name/],
      ["-abc", /starting and ending/],
      ["abc-", /starting and ending/],
      ["a..b", /two adjacent periods/],
      ["192.168.5.4", /IP address/],
      ["xn--abc", /reserves/],
      ["sthree-x", /reserves/],
      ["amzn-s3-demo-x", /reserves/],
      ["abc-s3alias", /reserves/],
      ["abc--ol-s3", /reserves/],
      ["abc.mrap", /reserves/],
      ["abc--x-s3", /reserves/],
    ];
    for (const [name, re] of bad) {
      it(`refuses ${name.length > 20 ? `${name.length} characters` : JSON.stringify(name)}`, () =>
        assert.match(bucketNameProblem(name) ?? "", re));
    }
  });

  describe("cronProblem (robfig/cron v3 standard parser, five fields only)", () => {
    for (const ok of [
      "0 */6 * * *",
      "30 */6 * * *",
      "0 0 * * SUN",
      "0 0 1 jan-jun ?",
      "5,35 1-5/2 1 * 0-6",
      "59 23 31 12 6",
      "0 3/4 * * mon-fri",
    ]) {
      it(`accepts "${ok}"`, () => assert.equal(cronProblem(ok), undefined));
    }
    const bad: [string, RegExp][] = [
      ["0 */6 * *", /must be five cron fields/],
      ["0 0 */6 * * *", /must be five cron fields/],
      ["", /must be five cron fields/],
      ["@every 6h", /must be five cron fields/],
      ["@daily", /must be five cron fields/],
      ["60 * * * *", /minute "60" is outside 0-59/],
      ["0 24 * * *", /hour "24" is outside 0-23/],
      ["0 0 0 * *", /day-of-month "0" is outside 1-31/],
      ["0 0 * 13 *", /month "13" is outside 1-12/],
      ["0 0 * * 7", /day-of-week "7" is outside 0-6/],
      ["*/0 * * * *", /step below 1/],
      ["5-1 * * * *", /starts after it ends/],
      ["0 0 * * funday", /is not a number or name/],
      ["a * * * *", /minute "a" is not a number,/],
      ["1-2-3 * * * *", /is not a number/],
      ["0 0 * * MON/", /not a value, range or step/],
    ];
    for (const [expr, re] of bad) {
      it(`refuses "${expr}"`, () => assert.match(cronProblem(expr) ?? "", re));
    }
  });

  it("retentionProblem: whole numbers ≥ 1", () => {
    for (const ok of [1, 28, 10_000]) assert.equal(retentionProblem(ok), undefined);
    for (const bad of [0, -1, 1.5, Number.NaN, 10_001]) {
      assert.match(retentionProblem(bad) ?? "", /whole number between 1 and 10000/);
    }
  });

  it("kmsKeyArnProblem: a key ARN in the stack's region", () => {
    const arn = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    assert.equal(kmsKeyArnProblem(arn, "eu-west-1"), undefined);
    assert.equal(
      kmsKeyArnProblem("arn:aws:kms:eu-west-1:123456789012:key/mrk-1234abcd", "eu-west-1"),
      undefined,
      "multi-Region keys",
    );
    assert.match(
      kmsKeyArnProblem(arn, "us-east-1") ?? "",
      /is in eu-west-1 but the stack deploys to us-east-1; use a key in us-east-1/,
    );
    for (const bad of [
      "arn:aws:kms:eu-west-1:123456789012:alias/backups",
      "1234abcd-12ab-34cd-56ef-1234567890ab",
      "arn:aws:kms:eu-west-1:12345:key/abc",
    ]) {
      assert.match(kmsKeyArnProblem(bad, "eu-west-1") ?? "", /is not a KMS key ARN/);
    }
  });

  describe("layout", () => {
    it("one prefix per stack, one folder per producer, no slashes at either end", () => {
      assert.deepEqual(backupFolders("prod"), {
        etcd: "rancher-ha/prod/etcd",
        rancher: "rancher-ha/prod/rancher",
      });
      assert.deepEqual(backupFolders("Dev_1.a").etcd, "rancher-ha/Dev_1.a/etcd");
    });

    it("refuses stack names that path.Join would fold (k3s joins keys with it)", () => {
      for (const bad of [".", "..", "a/b", "", "a b"]) {
        assert.throws(() => backupFolders(bad), /cannot be a key prefix/, bad);
      }
    });

    it("regional endpoints, amazonaws.com.cn in China", () => {
      assert.equal(s3Endpoint("eu-west-1"), "s3.eu-west-1.amazonaws.com");
      assert.equal(s3Endpoint("us-gov-west-1"), "s3.us-gov-west-1.amazonaws.com");
      assert.equal(s3Endpoint("cn-north-1"), "s3.cn-north-1.amazonaws.com.cn");
      assert.throws(() => s3Endpoint("s3.amazonaws.com"), /not an AWS region name/);
    });

    it("backupTarget checks the bucket name", () => {
      assert.deepEqual(backupTarget("bkt-1", "eu-west-1", "prod"), {
        bucket: "bkt-1",
        region: "eu-west-1",
        endpoint: "s3.eu-west-1.amazonaws.com",
        folders: backupFolders("prod"),
      });
      assert.throws(() => backupTarget("Bad_Name", "eu-west-1", "prod"), /not a valid S3/);
    });
  });
});
