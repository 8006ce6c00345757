// The Automation library, operations side, against a fake engine: error mapping from the SDK's
// own error objects, streaming, abort and outputs.
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
  automationEngine,
  BackendNotLoggedInError,
  EngineError,
  openStack,
  OperationCancelledError,
  PROJECT_DIR,
  MIN_PULUMI_CLI_VERSION,
  PulumiCliMissingError,
  PulumiCliTooOldError,
  StackBusyError,
  stackOutputs,
  StackNotFoundError,
} from "../automation";
import { cliMissingError, FakeEngine, sdkCommandError } from "../automation/fake";
import { MOCK_SECRET_PREFIX } from "../plan/mocks";
import { MIN, open, REGION } from "./automation-helpers";

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

  it("pauseAfter: the events stop there until release(), then the rest arrive and it finishes", async () => {
    const engine = new FakeEngine();
    engine.scripts.up = { events: ["a\n", "b\n", "c\n"], pauseAfter: 2, changes: { create: 1 } };
    const stack = await open(engine, "t");
    const seen: string[] = [];
    let done = false;
    const running = stack.up({ onOutput: (o) => seen.push(o) }).then(() => (done = true));
    await engine.stack("t").paused();
    assert.deepEqual(seen, ["a\n", "b\n"]);
    assert.equal(done, false, "waits for release()");
    engine.stack("t").release();
    await running;
    assert.deepEqual(seen, ["a\n", "b\n", "c\n"]);
  });

  it("pauseAfter: an abort while paused cancels the update", async () => {
    const engine = new FakeEngine();
    engine.scripts.up = { events: ["a\n", "b\n"], pauseAfter: 1 };
    const stack = await open(engine, "t");
    const ac = new AbortController();
    const seen: string[] = [];
    const running = stack.up({ signal: ac.signal, onOutput: (o) => seen.push(o) });
    await engine.stack("t").paused();
    ac.abort();
    await assert.rejects(running, OperationCancelledError);
    assert.deepEqual(seen, ["a\n"]);
  });

  it("pauseAfter at or past the last event pauses after it; paused() waits for the pause", async () => {
    const engine = new FakeEngine();
    engine.scripts.up = { events: ["a\n"], pauseAfter: 5 };
    const stack = await open(engine, "t");
    const seen: string[] = [];
    let done = false;
    const running = stack.up({ onOutput: (o) => seen.push(o) }).then(() => (done = true));
    await engine.stack("t").paused();
    assert.deepEqual(seen, ["a\n"]);
    assert.equal(done, false, "paused after the last event");
    engine.stack("t").release();
    await running;
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
