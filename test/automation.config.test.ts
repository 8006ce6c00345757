// The Automation library, settings side: settings → stack config exactly as the CLI stores it,
// validation before the engine is touched, and upgrade checks against the deployed version.
import * as assert from "node:assert/strict";
import {
  ConfigError,
  loadConfig,
  parseSettings,
  RancherHaSettings,
  resolveConfig,
} from "../components/config";
import { InvalidConfigError, InvalidStackNameError, openStack } from "../automation";
import { FakeEngine, parseConfigPath } from "../automation/fake";
import { devFile, MIN, open, REGION, runtimeRaw } from "./automation-helpers";

describe("automation: settings → stack config", () => {
  it("stores the dev stack's settings so the program resolves the same config as from the file", async () => {
    const engine = new FakeEngine();
    const { settings, region } = devFile();
    await openStack({ stackName: "dev", settings, region, options: { engine } });
    const expected = resolveConfig(settings, { stack: "dev", region });
    const stored = loadConfig(await runtimeRaw(engine, "dev"), { stack: "dev" });
    assert.deepEqual(stored, expected);
    assert.equal(stored.config.frontEnd.mode, "l4");
    assert.deepEqual(stored.config.tags, { environment: "dev", owner: "platform-team" });
  });

  it("writes lists and maps as structured values with --path (what Pulumi.yaml's types require)", async () => {
    const engine = new FakeEngine();
    const settings: RancherHaSettings = {
      ...MIN,
      adminCidrs: ["203.0.113.0/24", "198.51.100.0/24"],
      tags: { team: "platform", "cost.center": "x-1" },
      serverCount: 5,
      protect: true,
      bootstrapPassword: "correct-horse-battery",
    };
    await openStack({ stackName: "t", settings, region: REGION, options: { engine } });
    const s = engine.stack("t");
    assert.deepEqual(s.config.get("rancher-ha:adminCidrs"), {
      value: ["203.0.113.0/24", "198.51.100.0/24"],
      secret: false,
    });
    assert.deepEqual(s.config.get("rancher-ha:tags"), {
      value: { team: "platform", "cost.center": "x-1" },
      secret: false,
    });
    assert.deepEqual(s.config.get("rancher-ha:serverCount"), { value: "5", secret: false });
    assert.deepEqual(s.config.get("rancher-ha:bootstrapPassword"), {
      value: "correct-horse-battery",
      secret: true,
    });
    assert.deepEqual(s.config.get("aws:region"), { value: REGION, secret: false });
    const set = s.calls.find((c) => c.startsWith("setAllConfig"));
    assert.match(set ?? "", /^setAllConfig\(path\):/);
    assert.match(set ?? "", /rancher-ha:adminCidrs\[1\]/);
    assert.match(set ?? "", /rancher-ha:tags\["cost\.center"\]/);
    // Round trip through what the CLI reports back.
    const back = parseSettings(await runtimeRaw(engine, "t"));
    assert.deepEqual(back.problems, []);
    for (const [k, v] of Object.entries(settings)) {
      assert.deepEqual(back.settings[k as keyof RancherHaSettings], v, k);
    }
  });

  it("is idempotent, removes stale keys, and rewrites a shrunk list exactly", async () => {
    const engine = new FakeEngine();
    const s = engine.stack("t");
    await s.setAllConfig(
      {
        "rancher-ha:adminCidrs[0]": { value: "10.1.0.0/16" },
        "rancher-ha:adminCidrs[1]": { value: "10.2.0.0/16" },
        "rancher-ha:adminCidrs[2]": { value: "10.3.0.0/16" },
        "rancher-ha:sslPolicy": { value: "ELBSecurityPolicy-TLS13-1-2-2021-06" },
        "rancher-ha:loadBalancer": { value: "l4" },
        "other:hostnmae": { value: "another project's key" },
      },
      true,
    );
    assert.deepEqual(s.config.get("rancher-ha:adminCidrs")?.value, [
      "10.1.0.0/16",
      "10.2.0.0/16",
      "10.3.0.0/16",
    ]);
    await open(engine, "t");
    assert.deepEqual(s.config.get("rancher-ha:adminCidrs")?.value, ["203.0.113.0/24"]);
    assert.equal(s.config.has("rancher-ha:sslPolicy"), false, "stale key removed");
    assert.equal(
      s.config.get("other:hostnmae")?.value,
      "another project's key",
      "other namespaces are not ours",
    );
    assert.equal(
      s.config.get("rancher-ha:loadBalancer")?.value,
      "l4",
      "a key at its declared default is left alone",
    );
    const before = s.calls.length;
    await open(engine, "t");
    assert.deepEqual(
      s.calls.slice(before),
      ["outputs", "getAllConfig"],
      "nothing rewritten the second time (outputs: the deployed RKE2 version)",
    );
  });

  it("refuses stored keys that are not config keys (typos) with the program's problems, writing nothing", async () => {
    const engine = new FakeEngine();
    const s = engine.stack("t");
    const stored = {
      "rancher-ha:hostnmae": { value: "typo.example.com" },
      "rancher-ha:zzzzzzzzzzzzzz": { value: "1" },
      "rancher-ha:sslPolicy": { value: "ELBSecurityPolicy-TLS13-1-2-2021-06" },
      "rancher-ha:serverCount": { value: "not-a-number" },
    };
    await s.setAllConfig(stored);
    const snapshot = JSON.stringify([...s.config]);
    engine.calls.length = 0;
    // The problems `pulumi up` reports for these keys (the known, invalid one aside).
    const expected = parseSettings({
      "rancher-ha:hostnmae": "typo.example.com",
      "rancher-ha:zzzzzzzzzzzzzz": "1",
    }).problems;
    assert.equal(expected.length, 2);
    let thrown: unknown;
    await assert.rejects(open(engine, "t"), (e: unknown) => {
      thrown = e;
      return e instanceof InvalidConfigError;
    });
    const err = thrown as InvalidConfigError;
    assert.deepEqual(
      [...err.problems].sort((a, b) => a.key.localeCompare(b.key)),
      [...expected].sort((a, b) => a.key.localeCompare(b.key)),
    );
    assert.match(
      err.message,
      /rancher-ha:hostnmae: unknown key; did you mean "hostname"\? \(known keys are listed in Pulumi\.yaml\)/,
    );
    assert.match(err.message, /rancher-ha:zzzzzzzzzzzzzz: unknown key \(known keys/);
    assert.doesNotMatch(err.message, /sslPolicy|serverCount/, "only the unknown keys");
    assert.ok(
      !engine.calls.some((c) => /setAllConfig|removeAllConfig/.test(c)),
      `nothing written: ${JSON.stringify(engine.calls)}`,
    );
    assert.equal(JSON.stringify([...s.config]), snapshot, "stored config unchanged");
    // With stored keys kept (read before validating), the same refusal.
    engine.calls.length = 0;
    await assert.rejects(
      openStack({
        stackName: "t",
        settings: { ...MIN, bootstrapPassword: "correct-horse-battery" },
        region: REGION,
        options: { engine, keepStoredKeys: ["bootstrapPassword"] },
      }),
      (e: unknown) => e instanceof InvalidConfigError && /rancher-ha:hostnmae/.test(e.message),
    );
    assert.ok(!engine.calls.some((c) => /setAllConfig|removeAllConfig/.test(c)));
    // Once the user has dealt with the typos, the sync goes ahead (stale and invalid known keys go).
    await s.removeAllConfig(["rancher-ha:hostnmae", "rancher-ha:zzzzzzzzzzzzzz"]);
    await open(engine, "t");
    assert.equal(s.config.has("rancher-ha:sslPolicy"), false);
    assert.equal(s.config.has("rancher-ha:serverCount"), false);
    assert.equal(s.config.get("rancher-ha:hostname")?.value, "rancher.example.com");
  });

  it("rewrites a plaintext secret as a secret", async () => {
    const engine = new FakeEngine();
    const s = engine.stack("t");
    await s.setAllConfig({ "rancher-ha:bootstrapPassword": { value: "correct-horse-battery" } });
    await openStack({
      stackName: "t",
      settings: { ...MIN, bootstrapPassword: "correct-horse-battery" },
      region: REGION,
      options: { engine },
    });
    assert.equal(s.config.get("rancher-ha:bootstrapPassword")?.secret, true);
  });

  it("keeps stored (encrypted) keys, validating with their decrypted values", async () => {
    const engine = new FakeEngine();
    const s = engine.stack("t");
    await s.setAllConfig({
      "rancher-ha:bootstrapPassword": { value: "short", secret: true },
    });
    await assert.rejects(
      openStack({
        stackName: "t",
        settings: MIN,
        region: REGION,
        options: { engine, keepStoredKeys: ["bootstrapPassword"] },
      }),
      (e: unknown) =>
        e instanceof InvalidConfigError && /bootstrapPassword: is shorter/.test(e.message),
    );
    await s.setAllConfig({
      "rancher-ha:bootstrapPassword": { value: "long-enough-password", secret: true },
    });
    const stack = await openStack({
      stackName: "t",
      settings: MIN,
      region: REGION,
      options: { engine, keepStoredKeys: ["bootstrapPassword"] },
    });
    assert.equal(stack.settings.bootstrapPassword, "long-enough-password");
    assert.deepEqual(s.config.get("rancher-ha:bootstrapPassword"), {
      value: "long-enough-password",
      secret: true,
    });
  });

  it("the fake parses Pulumi config paths", () => {
    assert.deepEqual(parseConfigPath('ns:tags["a.b"]'), { root: "ns:tags", path: ["a.b"] });
    assert.deepEqual(parseConfigPath("ns:list[2]"), { root: "ns:list", path: [2] });
    assert.deepEqual(parseConfigPath("ns:plain"), { root: "ns:plain", path: [] });
    assert.throws(() => parseConfigPath("ns:bad[x"));
  });
});

describe("automation: validation before the engine", () => {
  it("rejects invalid settings with every problem, as the CLI reports them, touching nothing", async () => {
    const engine = new FakeEngine();
    const bad: RancherHaSettings = {
      hostname: "Not A Host",
      serverCount: 4,
      adminCidrs: ["0.0.0.0/0"],
      loadBalancer: "l7",
      tlsSource: "secret",
    };
    let cliProblems: unknown;
    try {
      resolveConfig(bad, { stack: "t", region: REGION });
    } catch (e) {
      assert.ok(e instanceof ConfigError);
      cliProblems = e;
    }
    assert.ok(cliProblems instanceof ConfigError);
    await assert.rejects(
      openStack({ stackName: "t", settings: bad, region: REGION, options: { engine } }),
      (e: unknown) => {
        assert.ok(e instanceof InvalidConfigError);
        assert.ok(e instanceof ConfigError);
        assert.deepEqual(e.problems, cliProblems.problems);
        assert.equal(e.message, cliProblems.message);
        assert.ok(e.problems.length >= 5, `every problem listed: ${e.message}`);
        for (const key of ["hostname", "serverCount", "adminCidrs", "tlsSource", "hostedZone"]) {
          assert.ok(
            e.problems.some((p) => p.key === key),
            `${key} reported`,
          );
        }
        return true;
      },
    );
    assert.deepEqual(engine.calls, [], "engine untouched");
  });

  it("rejects a bad region and a bad stack name before the engine", async () => {
    const engine = new FakeEngine();
    await assert.rejects(
      openStack({ stackName: "t", settings: MIN, region: "mars-1", options: { engine } }),
      (e: unknown) => e instanceof InvalidConfigError && /aws:region/.test(e.message),
    );
    for (const name of ["", "a/b", "has space", "x;rm"]) {
      await assert.rejects(
        openStack({ stackName: name, settings: MIN, region: REGION, options: { engine } }),
        InvalidStackNameError,
      );
    }
    assert.deepEqual(engine.calls, []);
  });
});

describe("automation: upgrades", () => {
  it("refuses an RKE2 upgrade that skips a minor, from the deployed version, before writing config", async () => {
    const engine = new FakeEngine();
    engine.stack("t").outputValues = { rke2Version: { value: "v1.34.10+rke2r1", secret: false } };
    await assert.rejects(
      open(engine, "t"),
      (e: unknown) =>
        e instanceof InvalidConfigError &&
        /rancher-ha:rke2Version: v1\.34\.10\+rke2r1 → v1\.36\.3\+rke2r1 skips 1 minor release/.test(
          e.message,
        ),
    );
    assert.ok(!engine.calls.some((c) => c.includes("setAllConfig")), "no config written");
    engine.stack("t").outputValues = { rke2Version: { value: "v1.35.7+rke2r1", secret: false } };
    await open(engine, "t");
  });
});
