// The vendored data the config checks use: sourced, dated, sane, and in step with the installed
// AWS provider where that provider has the same list.
import * as assert from "node:assert/strict";
import { Region } from "@pulumi/aws/types/enums";
import { AWS_PROVIDER_KEYS, AWS_REGIONS } from "../components/config/validators/aws";
import {
  instanceTypeNames,
  knownInstanceTypes,
  RKE2_MIN,
} from "../components/config/validators/instanceTypes";
import { DEFAULTS } from "../components/config";
import instanceTypeNameList from "../components/data/ec2-instance-type-names.json";
import instanceTypes from "../components/data/ec2-instance-types.json";
import policies from "../components/data/elb-security-policies.json";
import regions from "../components/data/aws-regions.json";

describe("vendored data", () => {
  it("every file names its source and the day it was taken", () => {
    for (const file of [instanceTypes, instanceTypeNameList, policies, regions]) {
      assert.ok(file.source.length > 20, file.source);
      assert.match(file.retrieved, /^\d{4}-\d{2}-\d{2}$/);
    }
  });

  it("regions: every region the installed @pulumi/aws knows (update the file when it grows)", () => {
    const missing = Object.values(Region).filter((r) => !AWS_REGIONS.includes(r));
    assert.deepEqual(missing, [], "add these to components/data/aws-regions.json");
    assert.ok(AWS_REGIONS.includes("us-east-1") && AWS_REGIONS.includes("eusc-de-east-1"));
  });

  it("aws: keys come from the installed provider's config module", () => {
    for (const k of ["region", "profile", "accessKey", "secretKey", "token", "assumeRoles"]) {
      assert.ok(AWS_PROVIDER_KEYS.includes(k), k);
    }
    assert.ok(AWS_PROVIDER_KEYS.includes("skipCredentialsValidation"));
    assert.ok(AWS_PROVIDER_KEYS.includes("defaultTags"));
  });

  it("instance types: parsed sizes, both architectures, the default fits RKE2", () => {
    const types = knownInstanceTypes();
    assert.ok(types.size > 1000, `${types.size} types`);
    for (const [name, t] of types) {
      assert.match(name, /^[a-z][a-z0-9-]*\.[a-z0-9-]+$/);
      assert.ok(t.arch === "x86_64" || t.arch === "arm64", name);
      assert.ok(Number.isInteger(t.vcpus) && t.vcpus > 0, name);
      assert.ok(Number.isInteger(t.memoryMiB) && t.memoryMiB > 0, name);
    }
    const def = types.get(DEFAULTS.instanceType)!;
    assert.deepEqual(def, { arch: "x86_64", vcpus: 4, memoryMiB: 16384 });
    assert.ok(def.vcpus >= RKE2_MIN.vcpus && def.memoryMiB >= RKE2_MIN.memoryMiB);
    assert.equal(types.get("m7g.large")?.arch, "arm64");
  });

  it("instance type names: EC2's whole list, holding every sized type", () => {
    const all = instanceTypeNames();
    assert.ok(all.size >= knownInstanceTypes().size, `${all.size} names`);
    const unlisted = [...knownInstanceTypes().keys()].filter((t) => !all.has(t));
    assert.deepEqual(unlisted, [], "a sized type EC2's own list does not name");
  });

  it("TLS policies: the default is there and accepts TLS 1.2 and up", () => {
    const all = policies.policies as Record<string, string>;
    assert.equal(all[DEFAULTS.sslPolicy], "1.2");
    for (const [name, lowest] of Object.entries(all)) {
      assert.match(name, /^ELBSecurityPolicy-/);
      assert.ok(["1.0", "1.1", "1.2", "1.3"].includes(lowest), name);
    }
  });
});
