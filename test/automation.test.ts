// The Automation library against a fake engine: settings → stack config exactly as the CLI
// stores it, validation before the engine is touched, error mapping from the SDK's own error
// objects, streaming, abort, outputs, the offline plan — and one opt-in end-to-end run.
import * as assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import {
  ConcurrentUpdateError,
  StackNotFoundError as SdkStackNotFoundError,
} from "@pulumi/pulumi/automation";
import type { EngineEvent } from "@pulumi/pulumi/automation";
import {
  ConfigError,
  loadConfig,
  parseSettings,
  RancherHaSettings,
  resolveConfig,
} from "../components/config";
import {
  automationEngine,
  BackendNotLoggedInError,
  EngineError,
  InvalidConfigError,
  InvalidStackNameError,
  openStack,
  OperationCancelledError,
  planData,
  planStack,
  PROJECT_DIR,
  MIN_PULUMI_CLI_VERSION,
  PulumiCliMissingError,
  PulumiCliTooOldError,
  StackBusyError,
  stackOutputs,
  StackNotFoundError,
} from "../automation";
import { cliMissingError, FakeEngine, parseConfigPath, sdkCommandError } from "../automation/fake";
import { MOCK_SECRET_PREFIX } from "../plan/mocks";
import { projectDefaults, readProject, readStackConfig } from "../plan/stackFile";
import { e2eMissing } from "./e2e-env";
import { FIXTURE_STACKS } from "./helpers";

const REGION = "us-east-1";
const MIN: RancherHaSettings = {
  hostname: "rancher.example.com",
  hostedZone: "example.com",
  adminCidrs: ["203.0.113.0/24"],
};

function devFile(): { settings: RancherHaSettings; region: string } {
  const { values } = readStackConfig(PROJECT_DIR, "dev", FIXTURE_STACKS);
  const { settings, problems } = parseSettings(values);
  assert.deepEqual(problems, []);
  return { settings, region: values["aws:region"] };
}

/** The raw config `pulumi up` would hand the program: declared defaults, then the stack's. */
async function runtimeRaw(engine: FakeEngine, stack: string): Promise<Record<string, string>> {
  const stored = await engine.stack(stack).getAllConfig();
  const raw: Record<string, string> = { ...projectDefaults(readProject(PROJECT_DIR)) };
  for (const [k, v] of Object.entries(stored)) raw[k] = v.value;
  return raw;
}

/** The common case: the minimal settings in REGION, on a given engine. */
function open(engine: FakeEngine, stackName: string) {
  return openStack({ stackName, settings: MIN, region: REGION, options: { engine } });
}

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

describe("automation: engine errors", () => {
  it("turns the SDK's ConcurrentUpdateError (service and file backends) into StackBusyError", async () => {
    for (const stderr of [
      "error: [409] Conflict: Another update is currently in progress.",
      "error: the stack is currently locked by 1 lock(s). Either wait for the other process(es) to end",
    ]) {
      const sdkError = sdkCommandError({ stderr });
      assert.ok(sdkError instanceof ConcurrentUpdateError, "the SDK's own class");
      const engine = new FakeEngine();
      engine.scripts.up = { error: sdkError };
      const stack = await open(engine, "t");
      await assert.rejects(stack.up(), (e: unknown) => {
        assert.ok(e instanceof StackBusyError);
        assert.equal(e.stackName, "t");
        assert.equal(e.cause, sdkError);
        return true;
      });
    }
  });

  it("maps a lock conflict while selecting the stack too", async () => {
    const engine = new FakeEngine();
    engine.selectError = sdkCommandError({
      stderr: "error: the stack is currently locked by 1 lock(s).",
    });
    await assert.rejects(open(engine, "t"), StackBusyError);
  });

  it("turns the SDK's StackNotFoundError into StackNotFoundError", async () => {
    const engine = new FakeEngine();
    await assert.rejects(stackOutputs({ stackName: "nope", options: { engine } }), (e: unknown) => {
      assert.ok(e instanceof StackNotFoundError);
      assert.ok((e.cause as Error) instanceof SdkStackNotFoundError);
      return true;
    });
  });

  it("wraps CommandError in EngineError naming the failed resource from the output", async () => {
    const engine = new FakeEngine();
    const stdout = [
      "Updating (dev):",
      "Diagnostics:",
      "  aws:ec2:Instance (rancher-server-2):",
      "    error: 1 error occurred:",
      "    \t* creating EC2 Instance: InsufficientInstanceCapacity: not enough m6i.xlarge",
      "  pulumi:pulumi:Stack (rancher-ha-dev):",
      "    error: update failed",
    ].join("\n");
    engine.scripts.up = { error: sdkCommandError({ stdout, stderr: "", code: 255 }) };
    const stack = await open(engine, "dev");
    await assert.rejects(stack.up(), (e: unknown) => {
      assert.ok(e instanceof EngineError);
      assert.equal(e.failedResource?.name, "rancher-server-2");
      assert.equal(e.failedResource?.type, "aws:ec2:Instance");
      assert.match(
        e.message,
        /up of stack dev failed at aws:ec2:Instance rancher-server-2: creating EC2 Instance/,
      );
      assert.equal(e.details.exitCode, 255);
      return true;
    });
  });

  it("prefers the URN from the engine events", async () => {
    const engine = new FakeEngine();
    const urn =
      "urn:pulumi:dev::rancher-ha::rancher-ha:index:RancherHa$rancher-ha:frontend:AlbFrontEnd$aws:acm/certificateValidation:CertificateValidation::rancher-l7-cert";
    const events: Partial<EngineEvent>[] = [
      {
        diagnosticEvent: {
          urn: "urn:pulumi:dev::rancher-ha::pulumi:pulumi:Stack::rancher-ha-dev",
          message: "update failed",
          color: "never",
          severity: "error",
        },
      },
      {
        diagnosticEvent: {
          urn,
          message: "\u001b[31mwaiting for ACM certificate validation: timeout\u001b[0m\n",
          color: "never",
          severity: "error",
        },
      },
      {
        resOpFailedEvent: {
          metadata: {
            op: "create",
            urn,
            type: "aws:acm/certificateValidation:CertificateValidation",
            provider: "",
          },
          status: 1,
          steps: 1,
        },
      },
    ];
    engine.scripts.up = { events, error: sdkCommandError({ stderr: "error: update failed" }) };
    const stack = await open(engine, "dev");
    await assert.rejects(stack.up(), (e: unknown) => {
      assert.ok(e instanceof EngineError);
      assert.deepEqual(e.failedResource, {
        urn,
        type: "aws:acm/certificateValidation:CertificateValidation",
        name: "rancher-l7-cert",
        message: "waiting for ACM certificate validation: timeout",
      });
      return true;
    });
  });

  it("reports a missing CLI as PulumiCliMissingError with install instructions, installing nothing", async () => {
    const engine = new FakeEngine();
    engine.cliMissing = true;
    await assert.rejects(open(engine, "t"), (e: unknown) => {
      assert.ok(e instanceof PulumiCliMissingError);
      assert.match(e.message, /curl -fsSL https:\/\/get\.pulumi\.com \| sh/);
      return true;
    });
    assert.deepEqual(engine.calls, ["pulumiCommand"], "no install without installCli");
    engine.cliMissing = false;
    await openStack({
      stackName: "t",
      settings: MIN,
      region: REGION,
      options: { engine, installCli: true },
    });
    assert.equal(engine.calls[1], "pulumiCommand(install)");
    assert.ok(cliMissingError().name === "CommandError");
  });

  it("refuses a Pulumi CLI older than v3.186.0 (Pulumi.yaml's object-typed key), creating nothing", async () => {
    for (const [version, ok] of [
      ["3.185.1", false],
      ["3.100.0", false],
      ["3.186.0", true],
      ["3.248.0", true],
      [null, true], // unreadable (version check skipped): let the CLI decide
    ] as const) {
      const engine = new FakeEngine();
      engine.cliVersion = version;
      const opened = open(engine, "t");
      if (ok) {
        await opened;
        continue;
      }
      await assert.rejects(opened, (e: unknown) => {
        assert.ok(e instanceof PulumiCliTooOldError, String(e));
        assert.equal(e.version, version);
        assert.equal(e.minimum, MIN_PULUMI_CLI_VERSION);
        assert.match(
          e.message,
          new RegExp(
            `^the Pulumi CLI is v${version.replace(/\./g, "\\.")}, but this project needs v3\\.186\\.0 or newer`,
          ),
        );
        return true;
      });
      assert.deepEqual(engine.calls, ["pulumiCommand"], `nothing else for ${version}`);
    }
    // A CLI passed in by the caller is held to the same minimum.
    const engine = new FakeEngine();
    const old = await Object.assign(new FakeEngine(), { cliVersion: "3.150.0" }).pulumiCommand({
      install: false,
    });
    await assert.rejects(
      openStack({
        stackName: "t",
        settings: MIN,
        region: REGION,
        options: { engine, pulumiCommand: old },
      }),
      PulumiCliTooOldError,
    );
    assert.equal(MIN_PULUMI_CLI_VERSION, "3.186.0");
  });

  it("with the real Automation API and no pulumi on PATH, fails fast with PulumiCliMissingError", async () => {
    const emptyDir = mkdtempSync(path.join(tmpdir(), "no-pulumi-"));
    const saved = process.env.PATH;
    process.env.PATH = emptyDir;
    const started = Date.now();
    try {
      await assert.rejects(automationEngine.pulumiCommand({ install: false }), (e: unknown) => {
        assert.equal(
          (e as Error).name,
          "CommandError",
          `what PulumiCommand.get() throws: ${String(e)}`,
        );
        return true;
      });
      await assert.rejects(
        openStack({
          stackName: "t",
          settings: MIN,
          region: REGION,
          options: { backendUrl: `file://${emptyDir}` },
        }),
        PulumiCliMissingError,
      );
    } finally {
      process.env.PATH = saved;
      rmSync(emptyDir, { recursive: true, force: true });
    }
    assert.ok(Date.now() - started < 5000, "no hang");
  });
});

describe("automation: operations", () => {
  it("streams output and events in order and reports changes and outputs", async () => {
    const engine = new FakeEngine();
    const events: Partial<EngineEvent>[] = [
      { preludeEvent: { config: {} } },
      {
        resourcePreEvent: {
          metadata: { op: "create", urn: "urn:a", type: "aws:ec2/vpc:Vpc", provider: "" },
        },
      },
      {
        summaryEvent: {
          maybeCorrupt: false,
          durationSeconds: 1,
          resourceChanges: { create: 1 },
          policyPacks: {},
        },
      },
    ];
    engine.scripts.up = {
      output: ["Updating (t)\n", "+ 1 created\n"],
      events,
      changes: { create: 95 },
    };
    const stack = await open(engine, "t");
    engine.stack("t").outputValues = {
      rancherUrl: { value: "https://rancher.example.com", secret: false },
      bootstrapPassword: { value: `${MOCK_SECRET_PREFIX}pw`, secret: true },
    };
    const seen: string[] = [];
    let out = "";
    const result = await stack.up({
      onOutput: (o) => (out += o),
      onEvent: (ev) => seen.push(Object.keys(ev).find((k) => k.endsWith("Event")) ?? "?"),
    });
    assert.deepEqual(seen, ["preludeEvent", "resourcePreEvent", "summaryEvent"]);
    assert.equal(out, "Updating (t)\n+ 1 created\n");
    assert.deepEqual(result.changes, { create: 95 });
    assert.equal(result.operation, "up");
    assert.deepEqual(await stack.outputs(), {
      bootstrapPassword: "[secret]",
      rancherUrl: "https://rancher.example.com",
    });
    assert.equal(
      (await stack.outputs({ showSecrets: true })).bootstrapPassword,
      `${MOCK_SECRET_PREFIX}pw`,
    );
    assert.deepEqual(await stackOutputs({ stackName: "t", options: { engine } }), {
      bootstrapPassword: "[secret]",
      rancherUrl: "https://rancher.example.com",
    });
  });

  it("runs preview, refresh and destroy through the engine", async () => {
    const engine = new FakeEngine();
    engine.scripts.preview = { changes: { create: 3 } };
    engine.scripts.destroy = { changes: { delete: 3 } };
    const stack = await open(engine, "t");
    assert.deepEqual((await stack.preview()).changes, { create: 3 });
    assert.deepEqual((await stack.refresh()).changes, {});
    assert.deepEqual((await stack.destroy()).changes, { delete: 3 });
    assert.deepEqual(engine.started, ["t.preview", "t.refresh", "t.destroy"]);
  });

  it("aborting cancels the update and raises OperationCancelledError", async () => {
    const engine = new FakeEngine();
    engine.scripts.up = { hold: true };
    const stack = await open(engine, "t");
    const ac = new AbortController();
    const running = stack.up({ signal: ac.signal });
    await new Promise((r) => setTimeout(r, 20));
    ac.abort();
    await assert.rejects(running, (e: unknown) => {
      assert.ok(e instanceof OperationCancelledError);
      assert.equal(e.operation, "up");
      return true;
    });
    assert.ok(engine.stack("t").calls.includes("cancel"), "stack.cancel() called");
  });

  it("an already-aborted signal starts nothing", async () => {
    const engine = new FakeEngine();
    const stack = await open(engine, "t");
    await assert.rejects(stack.destroy({ signal: AbortSignal.abort() }), OperationCancelledError);
    assert.deepEqual(engine.started, []);
  });

  it("uses the project directory and no backend of its own: the CLI's login, as for pulumi up", async () => {
    const engine = new FakeEngine();
    const saved = process.env.PULUMI_BACKEND_URL;
    try {
      delete process.env.PULUMI_BACKEND_URL;
      await openStack({
        stackName: "t",
        settings: MIN,
        region: REGION,
        options: { engine, passphrase: "p" },
      });
      assert.equal(engine.lastArgs?.workDir, PROJECT_DIR);
      assert.equal(engine.lastArgs?.program, "local");
      assert.equal(
        engine.lastArgs?.envVars.PULUMI_BACKEND_URL,
        undefined,
        "no file backend under the project: the CLI decides (pulumi login)",
      );
      assert.equal(engine.lastArgs?.envVars.PULUMI_CONFIG_PASSPHRASE, "p");
      // $PULUMI_BACKEND_URL reaches the CLI through the environment it inherits, untouched.
      process.env.PULUMI_BACKEND_URL = "s3://from-the-environment";
      await open(engine, "t");
      assert.equal(engine.lastArgs?.envVars.PULUMI_BACKEND_URL, undefined);
    } finally {
      if (saved !== undefined) process.env.PULUMI_BACKEND_URL = saved;
      else delete process.env.PULUMI_BACKEND_URL;
    }
    await openStack({
      stackName: "t",
      settings: MIN,
      region: REGION,
      options: { engine, backendUrl: "file:///tmp/asked-for", envVars: { AWS_PROFILE: "x" } },
    });
    assert.equal(engine.lastArgs?.envVars.PULUMI_BACKEND_URL, "file:///tmp/asked-for");
    assert.equal(engine.lastArgs?.envVars.AWS_PROFILE, "x");
  });

  it("a CLI logged in nowhere: BackendNotLoggedInError saying how to log in", async () => {
    const engine = new FakeEngine();
    engine.selectError = sdkCommandError({
      stderr:
        "error: PULUMI_ACCESS_TOKEN must be set for login during non-interactive CLI sessions",
    });
    await assert.rejects(open(engine, "t"), (e: unknown) => {
      assert.ok(e instanceof BackendNotLoggedInError, String(e));
      assert.match(e.message, /not logged in to a state backend: run `pulumi login`/);
      assert.match(e.message, /PULUMI_BACKEND_URL or the backendUrl option/);
      return true;
    });
  });
});

describe("automation: offline plan", function () {
  this.timeout(60_000);

  it("plans exactly the given settings, and hides secrets in plan data", async () => {
    const plan = await planStack(
      "dev",
      { ...MIN, serverCount: 5, bootstrapPassword: "s3cret-password-123" },
      REGION,
    );
    const servers = plan.resources.filter((r) => r.type === "aws:ec2/instance:Instance");
    assert.equal(servers.length, 5);
    assert.equal(plan.config.hostname, "rancher.example.com", "not the dev stack file's hostname");
    const data = planData(plan);
    const json = JSON.stringify(data);
    assert.ok(!json.includes("s3cret-password-123"), "secret setting hidden");
    assert.ok(!json.includes(MOCK_SECRET_PREFIX), "generated secrets hidden");
    assert.equal(data.config.bootstrapPassword, "[secret]");
    assert.equal(data.counts["aws:ec2/instance:Instance"], 5);
    assert.match(data.mermaid, /^flowchart LR/);
    assert.ok(
      JSON.stringify(planData(plan, { showSecrets: true })).includes("s3cret-password-123"),
    );
  });

  it("rejects invalid settings with InvalidConfigError", async () => {
    await assert.rejects(
      planStack("dev", { ...MIN, serverCount: 2 }, REGION),
      (e: unknown) => e instanceof InvalidConfigError && /serverCount/.test(e.message),
    );
    await assert.rejects(planStack("../x", MIN, REGION), InvalidStackNameError);
  });
});

describe("automation: end-to-end against AWS (opt-in)", function () {
  const E2E_TIMEOUT = 90 * 60_000;
  this.timeout(E2E_TIMEOUT);
  const stackName = `e2e-${process.pid}`;
  let workState: string | undefined;

  after(function () {
    if (!workState) return;
    rmSync(path.join(PROJECT_DIR, "stacks", `Pulumi.${stackName}.yaml`), { force: true });
    rmSync(workState, { recursive: true, force: true });
  });

  it("up → Rancher answers /ping → destroy (RANCHER_HA_E2E=1, AWS credentials, Pulumi CLI)", async function () {
    // Skipped only when not asked for; `npm run test:e2e` asks (RANCHER_HA_E2E=1), and then an
    // incomplete environment is a failure listing what is missing, never a pass or a skip.
    if (process.env.RANCHER_HA_E2E !== "1") {
      this.test!.title += " [SKIPPED: run it with npm run test:e2e]";
      this.skip();
    }
    const missing = e2eMissing(process.env);
    if (missing.length > 0) {
      throw new Error(`npm run test:e2e needs: ${missing.join("; ")}`);
    }
    workState = mkdtempSync(path.join(tmpdir(), "rancher-ha-e2e-"));
    const stack = await openStack({
      stackName,
      settings: {
        hostname: process.env.RANCHER_HA_E2E_HOSTNAME!,
        hostedZone: process.env.RANCHER_HA_E2E_ZONE!,
        adminCidrs: [process.env.RANCHER_HA_E2E_ADMIN_CIDR!],
        serverCount: 3,
      },
      region: process.env.AWS_REGION!,
      options: {
        backendUrl: `file://${workState}`,
        passphrase: process.env.PULUMI_CONFIG_PASSPHRASE ?? "e2e",
      },
    });
    try {
      const up = await stack.up({ onOutput: (o) => process.stdout.write(o) });
      assert.ok((up.changes.create ?? 0) > 0);
      const url = String((await stack.outputs()).rancherUrl);
      // Self-signed by default (tlsSource rancher): only reachability and the answer matter here.
      const prev = process.env.NODE_TLS_REJECT_UNAUTHORIZED;
      process.env.NODE_TLS_REJECT_UNAUTHORIZED = "0";
      try {
        const res = await fetch(`${url}/ping`);
        assert.equal(await res.text(), "pong");
      } finally {
        if (prev === undefined) delete process.env.NODE_TLS_REJECT_UNAUTHORIZED;
        else process.env.NODE_TLS_REJECT_UNAUTHORIZED = prev;
      }
    } finally {
      await stack.destroy({ onOutput: (o) => process.stdout.write(o) });
    }
  });
});
