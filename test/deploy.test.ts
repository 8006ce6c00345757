// The deploy command on a fake engine: arguments, exit codes, streamed output and summary,
// secrets hidden by default, Ctrl-C, confirmation. The real entry point as a process:
// deploy.entry.test.ts.
import * as assert from "node:assert/strict";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import {
  DeployIo,
  DeployLibrary,
  formatChanges,
  formatDuration,
  formatSummary,
  main,
  parseArgs,
} from "../bin/deploy";
import { openStack, PROJECT_DIR, RancherHaStack, stackOutputs } from "../automation";
import type { OpenStackArgs } from "../automation";
import { FakeEngine, sdkCommandError } from "../automation/fake";
import { fixtureProject } from "./helpers";

const SECRET = "bootstrap-secret-value-123";

function fakeLibrary(engine: FakeEngine, seen: OpenStackArgs[] = []): DeployLibrary {
  return {
    openStack: (args) => {
      seen.push(args);
      return openStack({ ...args, options: { ...args.options, engine } });
    },
    stackOutputs: (args) => stackOutputs({ ...args, options: { ...args.options, engine } }),
  };
}

interface Run {
  code: number;
  out: string;
  err: string;
}

async function run(
  argv: string[],
  extra: Partial<DeployIo> & { engine?: FakeEngine } = {},
): Promise<Run> {
  let out = "";
  let err = "";
  const engine = extra.engine ?? new FakeEngine();
  const code = await main(argv, {
    stdout: (t) => (out += t),
    stderr: (t) => (err += t),
    env: {},
    library: fakeLibrary(engine),
    projectDir: fixtureProject(),
    ...extra,
  });
  return { code, out, err };
}

function withOutputs(engine: FakeEngine): FakeEngine {
  engine.stack("dev").outputValues = {
    rancherUrl: { value: "https://rancher-dev.example.com", secret: false },
    bootstrapPassword: { value: SECRET, secret: true },
    kubeconfig: { value: "apiVersion: v1\nkind: Config\n", secret: true },
    serverPublicIps: { value: ["198.51.100.1"], secret: false },
  };
  return engine;
}

describe("deploy: arguments", () => {
  it("parses the command, stack and flags (default command up)", () => {
    assert.deepEqual(parseArgs(["--stack", "dev"]), {
      command: "up",
      stack: "dev",
      yes: false,
      showSecrets: false,
    });
    assert.deepEqual(parseArgs(["destroy", "--stack=prod", "-y", "--show-secrets"]), {
      command: "destroy",
      stack: "prod",
      yes: true,
      showSecrets: true,
    });
    assert.equal(parseArgs(["-h"]), "help");
  });

  for (const [argv, message] of [
    [[], /--stack <name> is required/],
    [["up"], /--stack <name> is required/],
    [["--stack"], /--stack needs a stack name/],
    [["--stack", "dev", "deploy"], /unknown command deploy/],
    [["--stack", "dev", "--force"], /unknown option --force/],
    [["--stack", "dev", "up", "destroy"], /one command at a time/],
    [["--stack", "../etc"], /invalid stack name/],
  ] as [string[], RegExp][]) {
    it(`exits 2 with usage for ${JSON.stringify(argv)}`, async () => {
      const engine = new FakeEngine();
      const r = await run(argv, { engine });
      assert.equal(r.code, 2);
      assert.match(r.err, message);
      assert.match(r.err, /^usage: npm run deploy -- --stack <name>/m);
      assert.equal(r.out, "");
      assert.deepEqual(engine.calls, []);
    });
  }

  it("--help prints usage and exits 0", async () => {
    const r = await run(["--help"]);
    assert.equal(r.code, 0);
    assert.match(r.out, /^usage:/);
  });

  it("exits 2 for a stack without a stack file, listing the stacks there are", async () => {
    const engine = new FakeEngine();
    const r = await run(["--stack", "nope", "--yes"], { engine });
    assert.equal(r.code, 2);
    assert.match(r.err, /no stack file stacks\/Pulumi\.nope\.yaml \(stacks: .*dev/);
    assert.deepEqual(engine.calls, []);
  });
});

describe("deploy: operations", () => {
  it("up --yes: settings from the stack file, streamed output, summary, secrets hidden", async () => {
    const engine = withOutputs(new FakeEngine());
    engine.scripts.up = {
      output: ["Updating (dev)\n", " +  aws:ec2:Vpc rancher-net-vpc created\n"],
      changes: { create: 95, same: 2 },
    };
    const r = await run(["--stack", "dev", "--yes"], { engine });
    assert.equal(r.code, 0, r.err);
    assert.match(
      r.out,
      /^Update of rancher-ha\/dev \(l4, us-east-1, rancher-dev\.example\.com\)$/m,
    );
    assert.ok(
      r.out.includes(" +  aws:ec2:Vpc rancher-net-vpc created\n"),
      "engine output streamed",
    );
    assert.match(r.out, /^Update of stack dev succeeded in \d+\.\ds: 95 created, 2 unchanged\.$/m);
    assert.match(r.out, /^Rancher: https:\/\/rancher-dev\.example\.com$/m);
    assert.match(r.out, /^Bootstrap password: \[secret\] \(add --show-secrets to print it\)$/m);
    assert.ok(!(r.out + r.err).includes(SECRET), "secret not printed");
    const stored = engine.stack("dev").config;
    assert.equal(stored.get("rancher-ha:hostname")?.value, "rancher-dev.example.com");
    assert.equal(stored.get("aws:region")?.value, "us-east-1");
    assert.deepEqual(engine.started, ["dev.up"], "no preview with --yes");
  });

  it("leaves the backend to the CLI's login unless $PULUMI_BACKEND_URL names one", async () => {
    for (const [env, expected] of [
      [{}, undefined],
      [{ PULUMI_BACKEND_URL: "s3://state-bucket" }, "s3://state-bucket"],
    ] as const) {
      const seen: OpenStackArgs[] = [];
      const engine = withOutputs(new FakeEngine());
      const code = await main(["--stack", "dev", "preview"], {
        stdout: () => undefined,
        stderr: () => undefined,
        env,
        projectDir: fixtureProject(),
        library: fakeLibrary(engine, seen),
      });
      assert.equal(code, 0);
      assert.equal(seen[0].options?.backendUrl, expected);
      assert.equal(engine.lastArgs?.envVars.PULUMI_BACKEND_URL, expected);
    }
  });

  it("--show-secrets prints the bootstrap password", async () => {
    const engine = withOutputs(new FakeEngine());
    const r = await run(["--stack", "dev", "--yes", "--show-secrets"], { engine });
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, new RegExp(`^Bootstrap password: ${SECRET}$`, "m"));
  });

  it("preview needs no confirmation and reports changes to make", async () => {
    const engine = new FakeEngine();
    engine.scripts.preview = { changes: { create: 3, update: 1 } };
    const r = await run(["preview", "--stack", "dev"], { engine });
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /Preview of stack dev done in .*: 3 to create, 1 to update\./);
    assert.deepEqual(engine.started, ["dev.preview"]);
  });

  it("without --yes: refuses without a terminal (2), previews then asks on one", async () => {
    let engine = new FakeEngine();
    let r = await run(["--stack", "dev"], { engine });
    assert.equal(r.code, 2);
    assert.match(r.err, /refusing to up stack dev without confirmation: no terminal; pass --yes/);
    assert.deepEqual(engine.started, []);

    engine = new FakeEngine();
    const questions: string[] = [];
    r = await run(["--stack", "dev"], {
      engine,
      confirm: (q) => {
        questions.push(q);
        return Promise.resolve(false);
      },
    });
    assert.equal(r.code, 1);
    assert.match(r.err, /up declined; nothing changed/);
    assert.deepEqual(engine.started, ["dev.preview"]);
    assert.deepEqual(questions, ["Perform this up on stack dev?"]);

    engine = new FakeEngine();
    r = await run(["destroy", "--stack", "dev"], { engine, confirm: () => Promise.resolve(true) });
    assert.equal(r.code, 0, r.err);
    assert.deepEqual(engine.started, ["dev.destroy"]);
  });

  it("destroy --yes reports deletions", async () => {
    const engine = new FakeEngine();
    engine.scripts.destroy = { changes: { delete: 97 } };
    const r = await run(["destroy", "--stack", "dev", "--yes"], { engine });
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /Destroy of stack dev succeeded in .*: 97 deleted\./);
  });

  it("outputs: secrets hidden unless --show-secrets, multi-line values indented", async () => {
    const engine = withOutputs(new FakeEngine());
    let r = await run(["outputs", "--stack", "dev"], { engine });
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^bootstrapPassword: \[secret\]$/m);
    assert.match(r.out, /^kubeconfig: \[secret\]$/m);
    assert.match(r.out, /^rancherUrl: https:\/\/rancher-dev\.example\.com$/m);
    assert.match(r.out, /^serverPublicIps: \["198\.51\.100\.1"\]$/m);
    assert.ok(!r.out.includes(SECRET));
    r = await run(["outputs", "--stack", "dev", "--show-secrets"], { engine });
    assert.match(r.out, new RegExp(`^bootstrapPassword: ${SECRET}$`, "m"));
    assert.match(r.out, /^kubeconfig:\n {2}apiVersion: v1\n {2}kind: Config\n/m);
  });

  it("outputs of a stack the backend does not have: exit 1", async () => {
    const r = await run(["outputs", "--stack", "dev"]);
    assert.equal(r.code, 1);
    assert.match(r.err, /stack dev does not exist/);
  });
});

describe("deploy: failures and exit codes", () => {
  it("engine failure: exit 1 naming the failed resource", async () => {
    const engine = new FakeEngine();
    engine.scripts.up = {
      error: sdkCommandError({
        stdout:
          "Diagnostics:\n  aws:route53:Record (rancher-dns-alias):\n    error: zone not found\n",
        stderr: "",
      }),
    };
    const r = await run(["--stack", "dev", "--yes"], { engine });
    assert.equal(r.code, 1);
    assert.match(
      r.err,
      /up of stack dev failed at aws:route53:Record rancher-dns-alias: zone not found/,
    );
  });

  it("a busy stack: exit 1 saying so", async () => {
    const engine = new FakeEngine();
    engine.scripts.up = {
      error: sdkCommandError({ stderr: "error: the stack is currently locked by 1 lock(s)." }),
    };
    const r = await run(["--stack", "dev", "--yes"], { engine });
    assert.equal(r.code, 1);
    assert.match(r.err, /stack dev is busy: another update is in progress/);
  });

  it("no Pulumi CLI: one line with install instructions, exit 127", async () => {
    const engine = new FakeEngine();
    engine.cliMissing = true;
    const r = await run(["--stack", "dev"], { engine });
    assert.equal(r.code, 127);
    assert.equal(r.err.split("\n").filter(Boolean).length, 1);
    assert.match(r.err, /Pulumi CLI is not installed.*curl -fsSL https:\/\/get\.pulumi\.com \| sh/);
    assert.equal(r.out, "");
  });

  describe("with a project of its own", () => {
    let dir: string;
    beforeEach(() => {
      dir = mkdtempSync(path.join(tmpdir(), "deploy-project-"));
      copyFileSync(path.join(PROJECT_DIR, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
      mkdirSync(path.join(dir, "stacks"));
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it("invalid config: exit 1 listing every problem, engine untouched", async () => {
      writeFileSync(
        path.join(dir, "stacks", "Pulumi.bad.yaml"),
        "config:\n  aws:region: us-east-1\n  rancher-ha:hostname: Bad Host\n  rancher-ha:serverCount: 4\n  rancher-ha:adminCidrs: []\n",
      );
      const engine = new FakeEngine();
      const r = await run(["--stack", "bad", "--yes"], { engine, projectDir: dir });
      assert.equal(r.code, 1);
      assert.match(r.err, /invalid configuration \(\d+ problems\)/);
      for (const key of ["hostname", "serverCount", "adminCidrs", "hostedZone"]) {
        assert.match(r.err, new RegExp(`rancher-ha:${key}: `));
      }
      assert.deepEqual(engine.calls, []);
    });

    it("a typo'd aws: key in the stack file: exit 1 naming it, engine untouched", async () => {
      writeFileSync(
        path.join(dir, "stacks", "Pulumi.typo.yaml"),
        "config:\n  aws:regoin: us-east-1\n  rancher-ha:hostname: rancher.example.com\n  rancher-ha:hostedZone: example.com\n  rancher-ha:adminCidrs: ['203.0.113.0/24']\n",
      );
      const engine = new FakeEngine();
      const r = await run(["--stack", "typo", "--yes"], { engine, projectDir: dir });
      assert.equal(r.code, 1);
      assert.match(
        r.err,
        /aws:regoin: is not an AWS provider setting; did you mean "aws:region"\?/,
      );
      assert.deepEqual(engine.calls, []);
    });

    it("keys stored encrypted in the stack file are kept in the stack, not overwritten", async () => {
      writeFileSync(
        path.join(dir, "stacks", "Pulumi.sec.yaml"),
        [
          "config:",
          "  aws:region: us-east-1",
          "  rancher-ha:hostname: rancher.example.com",
          "  rancher-ha:hostedZone: example.com",
          "  rancher-ha:adminCidrs: ['203.0.113.0/24']",
          "  rancher-ha:bootstrapPassword:",
          "    secure: v1:AAAA",
          "",
        ].join("\n"),
      );
      const engine = new FakeEngine();
      // What the CLI decrypts the secure value to.
      await engine.stack("sec").setAllConfig({
        "rancher-ha:bootstrapPassword": { value: "decrypted-password", secret: true },
      });
      const seen: OpenStackArgs[] = [];
      let err = "";
      const code = await main(["--stack", "sec", "--yes"], {
        stdout: () => undefined,
        stderr: (t) => (err += t),
        env: {},
        projectDir: dir,
        library: fakeLibrary(engine, seen),
      });
      assert.equal(code, 0, err);
      assert.deepEqual(seen[0].options?.keepStoredKeys, ["bootstrapPassword"]);
      assert.equal(seen[0].settings.bootstrapPassword, undefined);
      assert.deepEqual(engine.stack("sec").config.get("rancher-ha:bootstrapPassword"), {
        value: "decrypted-password",
        secret: true,
      });
    });
  });

  it("Ctrl-C aborts the operation (stack cancelled) and exits 130", async () => {
    const engine = new FakeEngine();
    engine.scripts.up = { hold: true, output: ["Updating (dev)\n"] };
    let interrupt: (() => void) | undefined;
    let unsubscribed = false;
    const done = run(["--stack", "dev", "--yes"], {
      engine,
      onInterrupt: (h) => {
        interrupt = h;
        return () => (unsubscribed = true);
      },
    });
    for (let i = 0; i < 100 && engine.started.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 10));
    }
    assert.deepEqual(engine.started, ["dev.up"]);
    interrupt!();
    const r = await done;
    assert.equal(r.code, 130);
    assert.match(r.err, /cancelling/);
    assert.match(r.err, /up of stack dev was cancelled/);
    assert.ok(engine.stack("dev").calls.includes("cancel"));
    assert.ok(unsubscribed);
  });

  it("a second Ctrl-C stops at once even if the engine does not", async () => {
    let interrupt: (() => void) | undefined;
    const never: DeployLibrary = {
      openStack: () => new Promise<RancherHaStack>(() => undefined),
      stackOutputs: () => Promise.resolve({}),
    };
    const done = run(["--stack", "dev", "--yes"], {
      library: never,
      onInterrupt: (h) => {
        interrupt = h;
        return () => undefined;
      },
    });
    await new Promise((r) => setTimeout(r, 20));
    interrupt!();
    interrupt!();
    const r = await Promise.race([
      done,
      new Promise<Run>((_, reject) => setTimeout(() => reject(new Error("hung")), 2000)),
    ]);
    assert.equal(r.code, 130);
    assert.match(r.err, /stopped/);
  });
});

describe("deploy: formatting", () => {
  it("summarises changes by kind in a fixed order", () => {
    assert.equal(
      formatChanges({ same: 2, delete: 1, create: 3 }),
      "3 created, 1 deleted, 2 unchanged",
    );
    assert.equal(formatChanges({ create: 3, update: 0 }, true), "3 to create");
    assert.equal(formatChanges({}), "no changes");
    assert.equal(
      formatChanges({ "create-replacement": 1, replace: 1 }),
      "1 replaced, 1 create-replacement",
    );
  });

  it("formats durations", () => {
    assert.equal(formatDuration(4200), "4.2s");
    assert.equal(formatDuration(12 * 60_000 + 3000), "12m 03s");
    assert.equal(formatDuration(3_723_000), "1h 02m 03s");
  });

  it("a summary shows a non-secret password but never a secret one", () => {
    const base = {
      operation: "up" as const,
      stackName: "s",
      changes: { create: 1 },
      durationMs: 1000,
    };
    const secret = formatSummary(
      { ...base, outputs: { bootstrapPassword: { value: "pw-123456789", secret: true } } },
      false,
    );
    assert.ok(!secret.includes("pw-123456789"));
    assert.match(
      formatSummary(
        { ...base, outputs: { bootstrapPassword: { value: "pw-123456789", secret: true } } },
        true,
      ),
      /Bootstrap password: pw-123456789/,
    );
  });
});
