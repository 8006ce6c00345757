// The restore command: arguments, confirmation, exit codes, Ctrl-C — on the fake transport and
// S3 of the library tests, and on the Automation library's fake engine for the stack side.
import * as assert from "node:assert/strict";
import { PulumiCliMissingError, StackNotFoundError } from "../../automation";
import { FakeEngine } from "../../automation/fake";
import {
  readRestoreInputs,
  RestoreTargetError,
  type RestoreInputs,
} from "../../automation/restore";
import { createRestoreTransport } from "../../automation/transport";
import { EXIT, main, parseArgs, type RestoreIo, type RestoreLibrary } from "../../bin/restore";
import { fixtureProject } from "../helpers";
import { FakeStore, FakeTransport, SNAP_NEW, SNAP_OLD, TARGET } from "./fakes";

const KEY =
  "-----BEGIN OPENSSH PRIVATE KEY-----\nsecret-key-material\n-----END OPENSSH PRIVATE KEY-----\n";
const NOW = () => new Date("2026-08-21T12:00:00Z");
const INPUTS: RestoreInputs = {
  target: TARGET,
  sshPrivateKey: KEY,
  status: { updateInProgress: false },
};

interface Run {
  code: number;
  out: string;
  err: string;
  transport: FakeTransport;
}

function library(
  t: FakeTransport,
  inputs: () => Promise<RestoreInputs> = () => Promise.resolve(INPUTS),
): RestoreLibrary {
  return { readInputs: inputs, store: () => new FakeStore(), transport: () => t };
}

async function run(
  argv: string[],
  extra: Partial<RestoreIo> & { transport?: FakeTransport } = {},
): Promise<Run> {
  let out = "";
  let err = "";
  const transport = extra.transport ?? new FakeTransport();
  const code = await main(
    argv,
    {
      stdout: (t) => (out += t),
      stderr: (t) => (err += t),
      env: {},
      library: library(transport),
      projectDir: fixtureProject(),
      ...extra,
    },
    NOW,
  );
  return { code, out, err, transport };
}

describe("restore command: arguments", () => {
  it("parses stack, snapshot choice and modes", () => {
    assert.deepEqual(parseArgs(["--stack", "prod", "--latest", "--yes"]), {
      stack: "prod",
      mode: { kind: "restore", snapshot: "latest" },
      yes: true,
    });
    assert.deepEqual(parseArgs(["-s", "prod", `--snapshot=${SNAP_OLD}`]), {
      stack: "prod",
      mode: { kind: "restore", snapshot: SNAP_OLD },
      yes: false,
    });
    assert.deepEqual(parseArgs(["--stack=prod"]).valueOf(), {
      stack: "prod",
      mode: { kind: "restore" },
      yes: false,
    });
    assert.deepEqual(parseArgs(["-s", "prod", "--list"]), {
      stack: "prod",
      mode: { kind: "list" },
      yes: false,
    });
    assert.deepEqual(parseArgs(["-s", "prod", "--abort", "-y"]), {
      stack: "prod",
      mode: { kind: "abort" },
      yes: true,
    });
    assert.equal(parseArgs(["--help"]), "help");
  });

  for (const [argv, re] of [
    [["--latest"], /--stack <name> is required/],
    [
      ["-s", "prod", "--snapshot", "a.zip", "--latest"],
      /--snapshot and --latest exclude each other/,
    ],
    [["-s", "prod", "--list", "--abort"], /one of --list, --abort or a snapshot at a time/],
    [["-s", "prod", "--abort", "--latest"], /one of --list, --abort or a snapshot at a time/],
    [["-s", "prod", "--snapshot", "../x"], /not a snapshot file name/],
    [["-s", "prod", "--snapshot"], /--snapshot needs a value/],
    [["-s", "bad/name"], /invalid stack name/],
    [["-s", "prod", "--force"], /unknown option --force/],
    [["-s", "prod", "now"], /unknown argument now/],
  ] as const) {
    it(`exit 2: ${argv.join(" ")}`, async () => {
      const r = await run([...argv]);
      assert.equal(r.code, EXIT.usage);
      assert.match(r.err, re);
      assert.match(r.err, /usage: npm run restore/);
      assert.deepEqual(r.transport.calls, []);
    });
  }

  it("--help prints the usage, exit 0", async () => {
    const r = await run(["--help"]);
    assert.equal(r.code, 0);
    assert.match(r.out, /--snapshot <name>/);
  });
});

describe("restore command: runs", () => {
  it("--list shows snapshots (newest first) and Rancher backups, touching no server", async () => {
    const r = await run(["-s", "prod", "--list"]);
    assert.equal(r.code, 0, r.err);
    assert.ok(r.out.indexOf(SNAP_NEW) < r.out.indexOf(SNAP_OLD));
    assert.match(
      r.out,
      /etcd snapshots in s3:\/\/rancher-ha-prod-backups-bucket-0a1b2c3\/rancher-ha\/prod\/etcd\//,
    );
    assert.match(r.out, /from rancher-ha-prod-server-1/);
    assert.match(r.out, /rancher-ha-scheduled-uid-2026-08-21T00-30-00Z\.tar\.gz\.enc/);
    assert.deepEqual(r.transport.calls, []);
  });

  it("--latest --yes restores without asking, in order, and says so", async () => {
    const r = await run(["-s", "prod", "--latest", "--yes"]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, new RegExp(`Restoring stack prod from ${SNAP_NEW}`));
    assert.match(
      r.out,
      /Every server stops; Rancher and the Kubernetes API are down until the first server is back/,
    );
    assert.match(r.out, /reset rancher-ha-prod-server-1: done/);
    assert.match(r.out, new RegExp(`Restored stack prod from ${SNAP_NEW}\\.`));
    assert.equal(r.transport.steps().length, 10);
    assert.ok(r.transport.closed, "the transport is closed");
    assert.ok(!`${r.out}${r.err}`.includes("secret-key-material"), "the SSH key is never printed");
  });

  it("without a terminal and without --yes: exit 2 before reading anything", async () => {
    let read = false;
    const t = new FakeTransport();
    const r = await run(["-s", "prod", "--latest"], {
      library: { ...library(t), readInputs: () => ((read = true), Promise.resolve(INPUTS)) },
    });
    assert.equal(r.code, EXIT.usage);
    assert.match(
      r.err,
      /refusing to restore stack prod without confirmation: no terminal; pass --yes/,
    );
    assert.equal(read, false);
  });

  it("confirmation: the stack name must be typed; anything else declines (exit 1, nothing changed)", async () => {
    const questions: string[] = [];
    const no = await run(["-s", "prod", "--latest"], {
      ask: (q) => (questions.push(q), Promise.resolve("yes")),
    });
    assert.equal(no.code, EXIT.failed);
    assert.match(no.err, /declined; nothing changed/);
    assert.deepEqual(no.transport.steps(), []);
    assert.match(questions[0], /Type the stack name \(prod\) to restore it/);
    const yes = await run(["-s", "prod", "--latest"], { ask: () => Promise.resolve("prod\n") });
    assert.equal(yes.code, 0, yes.err);
  });

  it("no snapshot given, on a terminal: lists them, asks which, restores it", async () => {
    const answers = [SNAP_OLD, "prod"];
    const r = await run(["-s", "prod"], { ask: () => Promise.resolve(answers.shift()!) });
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /etcd snapshots of stack prod/);
    assert.match(r.out, new RegExp(`Restored stack prod from ${SNAP_OLD}`));
  });

  it("exit 3: a stack mid-update, a missing snapshot, a stack without restoreTarget, SSM not built in", async () => {
    const busy = await run(["-s", "prod", "--latest", "-y"], {
      library: library(new FakeTransport(), () =>
        Promise.resolve({ ...INPUTS, status: { updateInProgress: true } }),
      ),
    });
    assert.equal(busy.code, EXIT.refused);
    assert.match(busy.err, /stack prod is being updated right now/);

    const missing = await run(["-s", "prod", "--snapshot", "nope.zip", "-y"]);
    assert.equal(missing.code, EXIT.refused);
    assert.match(missing.err, /snapshot nope\.zip is not in the bucket/);

    const untargeted = await run(["-s", "prod", "--latest", "-y"], {
      library: library(new FakeTransport(), () =>
        Promise.reject(new RestoreTargetError("the stack has no restoreTarget output")),
      ),
    });
    assert.equal(untargeted.code, EXIT.refused);

    const ssm = await run(["-s", "prod", "--latest", "-y"], {
      library: {
        readInputs: () => Promise.resolve({ ...INPUTS, target: { ...TARGET, nodeAccess: "ssm" } }),
        store: () => new FakeStore(),
        transport: (target, inputs) => createRestoreTransport(target, inputs), // the real factory, no SSM runner
      },
    });
    assert.equal(ssm.code, EXIT.refused);
    assert.match(ssm.err, /no SSM transport was given/);
  });

  it("exit 1 at a failed step, with the node's output and what to do next", async () => {
    const t = new FakeTransport();
    t.fail("rancher-ha-prod-server-3", "rejoin");
    const r = await run(["-s", "prod", "--latest", "-y"], { transport: t });
    assert.equal(r.code, EXIT.failed);
    assert.match(r.err, /--- rancher-ha-prod-server-3\nERROR: rejoin failed/);
    assert.match(
      r.err,
      /rejoin on rancher-ha-prod-server-3 failed: .* it resumes at rancher-ha-prod-server-3/,
    );
    assert.match(r.out, /rejoin rancher-ha-prod-server-3: FAILED/);
    const again = await run(["-s", "prod", "--latest", "-y"], { transport: t });
    assert.equal(again.code, 0, again.err);
    assert.match(again.out, /Resuming stack prod/);
    assert.match(again.out, /reset rancher-ha-prod-server-1: already done/);
  });

  it("Ctrl-C finishes the running step, exits 130 and says how to resume; twice leaves at once", async () => {
    let interrupt: (() => void) | undefined;
    const t = new FakeTransport();
    t.onStep = (c) => {
      if (c.action === "start") interrupt?.();
    };
    const r = await run(["-s", "prod", "--latest", "-y"], {
      transport: t,
      onInterrupt: (h) => ((interrupt = h), () => (interrupt = undefined)),
    });
    assert.equal(r.code, EXIT.cancelled);
    assert.match(r.err, /stopping after the running node step/);
    assert.match(
      r.err,
      /interrupted after start rancher-ha-prod-server-1; .* run the same command again to resume/,
    );
    assert.equal(t.steps().at(-1), "start rancher-ha-prod-server-1");

    const u = new FakeTransport();
    u.onStep = (c) => {
      if (c.action === "reset") {
        interrupt?.();
        interrupt?.();
      }
    };
    const twice = await run(["-s", "prod", "--latest", "-y"], {
      transport: u,
      onInterrupt: (h) => ((interrupt = h), () => (interrupt = undefined)),
    });
    assert.equal(twice.code, EXIT.cancelled);
    assert.match(twice.err, /stopped; a node step may still be running/);
  });

  it("--abort before the reset restarts the servers as they were; after it, exit 3", async () => {
    const t = new FakeTransport();
    t.fail("rancher-ha-prod-server-1", "reset");
    await run(["-s", "prod", "--latest", "-y"], { transport: t });
    const ok = await run(["-s", "prod", "--abort", "-y"], { transport: t });
    assert.equal(ok.code, 0, ok.err);
    assert.match(ok.out, new RegExp(`Aborted the restore of ${SNAP_NEW}`));

    const u = new FakeTransport();
    u.fail("rancher-ha-prod-server-1", "start");
    await run(["-s", "prod", "--latest", "-y"], { transport: u });
    const late = await run(["-s", "prod", "--abort", "-y"], { transport: u });
    assert.equal(late.code, EXIT.refused);
    assert.match(late.err, /already reset/);
  });

  it("exit 127 without a Pulumi CLI; exit 2 for a stack that does not exist", async () => {
    const t = new FakeTransport();
    const noCli = await run(["-s", "prod", "--list"], {
      library: library(t, () => Promise.reject(new PulumiCliMissingError())),
    });
    assert.equal(noCli.code, EXIT.noCli);
    const noStack = await run(["-s", "prod", "--list"], {
      library: library(t, () => Promise.reject(new StackNotFoundError("prod"))),
    });
    assert.equal(noStack.code, EXIT.usage);
    assert.match(noStack.err, /stack prod does not exist/);
  });
});

describe("restore command: the stack side (Automation library, fake engine)", () => {
  const target = { value: TARGET, secret: false };

  it("reads restoreTarget and the generated SSH key from the outputs", async () => {
    const engine = new FakeEngine();
    engine.stack("prod").outputValues = {
      restoreTarget: target,
      sshPrivateKey: { value: KEY, secret: true },
    };
    const inputs = await readRestoreInputs("prod", { engine, workDir: fixtureProject() });
    assert.deepEqual(inputs.target, TARGET);
    assert.equal(inputs.sshPrivateKey, KEY);
    assert.deepEqual(inputs.status, { updateInProgress: false });
  });

  it("falls back to the configured key and the stack's aws:profile", async () => {
    const engine = new FakeEngine();
    const s = engine.stack("prod");
    s.outputValues = { restoreTarget: target };
    await s.setAllConfig({
      "rancher-ha:sshPrivateKey": { value: KEY, secret: true },
      "aws:profile": { value: "ops" },
    });
    const inputs = await readRestoreInputs("prod", { engine, workDir: fixtureProject() });
    assert.equal(inputs.sshPrivateKey, KEY);
    assert.equal(inputs.awsProfile, "ops");
  });

  it("sees an update in progress (listStacks) and the command refuses it (exit 3)", async () => {
    const engine = new FakeEngine();
    const s = engine.stack("prod");
    s.outputValues = { restoreTarget: target, sshPrivateKey: { value: KEY, secret: true } };
    s.scripts.up = { hold: true };
    const up = s.up();
    const t = new FakeTransport();
    const r = await run(["-s", "prod", "--latest", "-y"], {
      transport: t,
      library: {
        readInputs: (name, options) => readRestoreInputs(name, { ...options, engine }),
        store: () => new FakeStore(),
        transport: () => t,
      },
    });
    s.release();
    await up;
    assert.equal(r.code, EXIT.refused);
    assert.match(r.err, /stack prod is being updated right now/);
    assert.deepEqual(t.calls, []);
  });

  it("a stack deployed without backups has no restoreTarget: exit 3 naming the fix", async () => {
    const engine = new FakeEngine();
    engine.stack("prod").outputValues = {};
    const r = await run(["-s", "prod", "--list"], {
      library: {
        readInputs: (name, options) => readRestoreInputs(name, { ...options, engine }),
        store: () => new FakeStore(),
        transport: () => new FakeTransport(),
      },
    });
    assert.equal(r.code, EXIT.refused);
    assert.match(
      r.err,
      /stack prod: the stack has no restoreTarget output; deploy it with backups on first/,
    );
  });
});
