// The SSM runner's step flows and its CLI against a test double of the SSM API: plain steps, a
// secret in (sealed to the node's one-run key), a secret out (sealed to the runner's), copies
// split within the parameter budget, and no secret in any parameter. The command and
// registration waits are in test/ssm.invoke.test.ts.
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { constants, privateDecrypt, randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { main } from "../bin/ssm-step";
import { ENV, RUNNER, stepEnvironment, type SsmStep } from "../ssm/protocol";
import { MAX_COMMENT, MAX_SCRIPT_BYTES } from "../ssm/script";
import { nodePublicKey, seal, unseal, type KeyPair } from "../ssm/seal";
import { runStep } from "../ssm/steps";
import { privatePem, sharedKeyPair, smallPublicPem } from "./keys";
import { REPO_DIR } from "./sandbox/sandbox";
import { AwsError, FakeClock, FakeSsm, success, workFiles, type NodeBehaviour } from "./ssm/fake";
import { deps, runStepOf } from "./ssm/runner";

const TOKEN = "K10c0ffee1234567890abcdef::server:9f8e7d6c5b4a3f2e1d0c";

/** A node that answers node-keys.sh with a real public key and remembers what it received. */
function sealingNode(keys: KeyPair, kubeconfig: string): NodeBehaviour {
  return (script) => {
    if (script.includes("node-keys.sh")) return [success(keys.publicPem)];
    const files = workFiles(script);
    if (files["recipient.pem"])
      return [
        success(seal(nodePublicKey(files["recipient.pem"].toString()), Buffer.from(kubeconfig))),
      ];
    return [success("", "rke2-start: ready\n")];
  };
}

describe("ssm runner: step flows (runStep)", () => {
  it("a plain step: one command running the node command, its stderr relayed", async () => {
    const api = new FakeSsm(() => [success("", "node-prepare: node is ready\n")]);
    const { d, relayed } = deps(api);
    const cmd = "sudo -n bash /opt/rancher-ha/node/node-prepare.sh /opt/rancher-ha/params.env";
    const out = await runStep(
      runStepOf({ kind: "run", commands: { create: cmd }, stdin: "none", stdout: "plain" }),
      "update",
      "",
      d,
    );
    assert.equal(out, "");
    assert.equal(api.scripts.length, 1);
    assert.ok(
      api.scripts[0].includes(`\n${cmd}\n`),
      "update without an update command runs create",
    );
    assert.deepEqual(relayed, ["node-prepare: node is ready\n"]);
    assert.ok(api.sent[0].Comment!.length <= MAX_COMMENT);
  });

  it("the join token reaches the node sealed to its one-run key, never in clear", async () => {
    const nodeKeys = sharedKeyPair("node");
    const api = new FakeSsm(sealingNode(nodeKeys, ""));
    const { d } = deps(api, new FakeClock(), { nonce: () => "0123456789abcdef0123456789abcdef" });
    const start = "sudo -n bash /opt/rancher-ha/node/rke2-start.sh /opt/rancher-ha/params.env";
    await runStep(
      runStepOf({ kind: "run", commands: { create: start }, stdin: "secret", stdout: "plain" }),
      "create",
      TOKEN,
      d,
    );
    assert.equal(api.scripts.length, 2);
    assert.ok(
      api.scripts[0].includes(
        "node-keys.sh /opt/rancher-ha/params.env 0123456789abcdef0123456789abcdef",
      ),
    );
    assert.ok(
      api.scripts[1].includes(
        `open-secret.sh /opt/rancher-ha/params.env 0123456789abcdef0123456789abcdef <"$RANCHER_HA_WORK/secret.sealed" | { ${start}; }`,
      ),
    );
    // What the node receives opens to the token with the node's key, and only with it.
    const sealed = workFiles(api.scripts[1])["secret.sealed"].toString();
    assert.equal(unseal(nodeKeys.privateKey, sealed).toString(), TOKEN);
    const json = JSON.stringify(api.requests);
    assert.ok(
      !json.includes(TOKEN) && !json.includes("9f8e7d6c5b4a3f2e1d0c"),
      "no token in any request",
    );
  });

  it("a secret on stdout comes back sealed to the runner's one-run key and is opened here", async () => {
    const kubeconfig =
      "apiVersion: v1\nkind: Config\nusers:\n- user:\n    client-key-data: c2VjcmV0LWtleQ==\n";
    let runnerKey: KeyPair | undefined;
    const api = new FakeSsm(sealingNode(sharedKeyPair("node"), kubeconfig));
    const { d } = deps(api, new FakeClock(), {
      newKeyPair: () => (runnerKey = sharedKeyPair("runner")),
    });
    const read = "sudo -n bash /opt/rancher-ha/node/rke2-kubeconfig.sh /opt/rancher-ha/params.env";
    const out = await runStep(
      runStepOf({ kind: "run", commands: { create: read }, stdin: "none", stdout: "secret" }),
      "create",
      "",
      d,
    );
    assert.equal(out, kubeconfig);
    assert.ok(
      api.scripts[0].includes(
        `{ ${read}; } | sudo -n bash /opt/rancher-ha/node/seal.sh /opt/rancher-ha/params.env "$RANCHER_HA_WORK/recipient.pem"`,
      ),
    );
    const everything = JSON.stringify(api.requests) + api.outputs.join("");
    assert.ok(!everything.includes("client-key-data"), "no kubeconfig in requests or outputs");
    const pem = privatePem(runnerKey!);
    assert.ok(!everything.includes(pem.split("\n")[1]), "the runner's private key never travels");
  });

  it("refuses a sealed answer it cannot open (not this run's key)", async () => {
    // This run's key, and an answer sealed to another (kept test keys: an RSA-3072 key made
    // here would cost the worker up to two seconds of CPU).
    const other = sharedKeyPair("node");
    const api = new FakeSsm(() => [
      success(seal(nodePublicKey(other.publicPem), Buffer.from("x"))),
    ]);
    const { d } = deps(api, new FakeClock(), { newKeyPair: () => sharedKeyPair("runner") });
    await assert.rejects(
      runStep(
        runStepOf({ kind: "run", commands: { create: "true" }, stdin: "none", stdout: "secret" }),
        "create",
        "",
        d,
      ),
      /the sealed output could not be opened: sealed chunk 1 of 1 does not decrypt with this run's key/,
    );
  });

  it("non-secret input (a manifest) travels as a file the command reads on stdin", async () => {
    const api = new FakeSsm();
    const { d } = deps(api);
    const write =
      "sudo -n install -D -m 0600 /dev/stdin /var/lib/rancher/rke2/server/manifests/x.yaml";
    await runStep(
      runStepOf({ kind: "run", commands: { create: write }, stdin: "plain", stdout: "plain" }),
      "create",
      "kind: HelmChartConfig\n",
      d,
    );
    assert.equal(workFiles(api.scripts[0]).stdin.toString(), "kind: HelmChartConfig\n");
    assert.ok(api.scripts[0].includes(`{ ${write}; } <"$RANCHER_HA_WORK/stdin"`));
  });

  it("a copy over the parameter budget is split into several commands, each within it", async () => {
    const api = new FakeSsm();
    const { d } = deps(api);
    await runStep(
      runStepOf({ kind: "copy", to: "/opt/rancher-ha/params.env" }),
      "create",
      randomBytes(30_000).toString("hex"),
      d,
    );
    assert.ok(api.scripts.length >= 3, `${api.scripts.length} commands`);
    for (const s of api.scripts) assert.ok(Buffer.byteLength(s) <= MAX_SCRIPT_BYTES);
    assert.deepEqual(
      api.sent.map((s) => s.Comment),
      api.scripts.map(
        (_, i) =>
          `rancher-ha rancher-rke2-2-start (${i + 1}/${api.scripts.length}) rancher-ha-test-server-2`,
      ),
    );
  });

  it("a directory copy refuses content that changed since the program read it", async () => {
    const api = new FakeSsm();
    const { d } = deps(api);
    await assert.rejects(
      runStep(
        runStepOf({
          kind: "copy",
          to: "/opt/rancher-ha",
          dir: { path: "scripts/node", sha256: "0".repeat(64) },
        }),
        "create",
        "",
        d,
      ),
      /scripts\/node changed since the program read it/,
    );
    assert.equal(api.count("SendCommand"), 0);
  });

  it("waits for registration with the step's bound before sending", async () => {
    const api = new FakeSsm();
    api.ping = [undefined];
    const { d } = deps(api);
    await assert.rejects(
      runStep(
        runStepOf(
          { kind: "run", commands: { create: "true" }, stdin: "none", stdout: "plain" },
          { registrationSeconds: 30 },
        ),
        "create",
        "",
        d,
      ),
      /did not register with SSM within 30s/,
    );
    assert.equal(api.count("SendCommand"), 0);
  });
});

describe("ssm runner: CLI (bin/ssm-step.ts)", () => {
  const io = (env: Record<string, string>, argv = ["create"], api = new FakeSsm(), stdin = "") => {
    const out: string[] = [];
    const err: string[] = [];
    return {
      out,
      err,
      run: () =>
        main({
          argv,
          env,
          readStdin: () => Promise.resolve(stdin),
          stdout: (t) => out.push(t),
          stderr: (t) => err.push(t),
          projectDir: process.cwd(),
          api,
          clock: new FakeClock(),
        }),
    };
  };
  const env = (step: SsmStep) => ({ AWS_REGION: "eu-west-1", ...stepEnvironment(step) });

  it("runs the phase's command and prints the node's stdout", async () => {
    const api = new FakeSsm(() => [success("hello")]);
    const c = io(
      env(
        runStepOf({
          kind: "run",
          commands: { create: "echo create", delete: "echo delete" },
          stdin: "none",
          stdout: "plain",
        }),
      ),
      ["delete"],
      api,
    );
    assert.equal(await c.run(), 0);
    assert.deepEqual(c.out, ["hello"]);
    assert.ok(api.scripts[0].includes("\necho delete\n"));
    assert.match(c.err.join(""), /\[ssm\] rancher-rke2-2-start: sent SSM command cmd-1/);
  });

  it("exits 2 with a usage line, or with every missing variable at once", async () => {
    const bad = io({}, ["destroy"]);
    assert.equal(await bad.run(), 2);
    assert.match(
      bad.err.join(""),
      /usage: node --import tsx bin\/ssm-step\.ts create\|update\|delete/,
    );
    const empty = io({ [ENV.stdin]: "none" });
    assert.equal(await empty.run(), 2);
    const text = empty.err.join("");
    for (const v of [
      ENV.step,
      ENV.node,
      ENV.instanceId,
      ENV.timeout,
      ENV.registrationTimeout,
      ENV.create,
      ENV.stdout,
    ]) {
      assert.match(text, new RegExp(`${v} is not set`));
    }
  });

  it("explains missing credentials and refused permissions in terms of what to fix", async () => {
    const step = runStepOf({
      kind: "run",
      commands: { create: "true" },
      stdin: "none",
      stdout: "plain",
    });
    const denied = new FakeSsm();
    denied.send = () =>
      Promise.reject(
        new AwsError(
          "AccessDeniedException",
          "not authorized to perform ssm:DescribeInstanceInformation",
        ),
      );
    const c = io(env(step), ["create"], denied);
    assert.equal(await c.run(), 1);
    assert.match(
      c.err.join(""),
      /needs ssm:SendCommand on the document arn:aws:ssm:<region>::document\/AWS-RunShellScript and on the instances, ssm:GetCommandInvocation and ssm:DescribeInstanceInformation/,
    );
    const nocreds = new FakeSsm();
    nocreds.send = () =>
      Promise.reject(
        new AwsError("CredentialsProviderError", "Could not load credentials from any providers"),
      );
    const n = io(env(step), ["create"], nocreds);
    assert.equal(await n.run(), 1);
    assert.match(
      n.err.join(""),
      /no AWS credentials for SSM on the machine running Pulumi .*AWS_PROFILE \(rancher-ha passes aws:profile\)/,
    );
    assert.deepEqual(n.out, []);
  });

  it("as a process (how local.Command runs it): the real SDK without credentials explains what is missing", function () {
    this.timeout(60_000);
    const home = fs.mkdtempSync(path.join(os.tmpdir(), "rancher-ha-nocreds-"));
    try {
      const step = runStepOf({
        kind: "run",
        commands: { create: "true" },
        stdin: "none",
        stdout: "plain",
      });
      const r = spawnSync("/bin/sh", ["-c", `${RUNNER} create`], {
        cwd: REPO_DIR,
        encoding: "utf8",
        timeout: 50_000,
        // Nothing to find credentials in: no variables, an empty home, no instance metadata.
        env: {
          PATH: process.env.PATH,
          HOME: home,
          AWS_EC2_METADATA_DISABLED: "true",
          ...env(step),
        },
      });
      assert.equal(r.status, 1, r.stderr);
      assert.match(
        r.stderr,
        /^rancher-rke2-2-start on rancher-ha-test-server-2 \(i-0abc1234def567890\): no AWS credentials for SSM on the machine running Pulumi/m,
      );
      assert.equal(r.stdout, "");
      const usage = spawnSync("/bin/sh", ["-c", `${RUNNER} create`], {
        cwd: REPO_DIR,
        encoding: "utf8",
        env: { PATH: process.env.PATH },
      });
      assert.equal(usage.status, 2);
      assert.match(usage.stderr, /RANCHER_HA_INSTANCE_ID is not set/);
    } finally {
      fs.rmSync(home, { recursive: true, force: true });
    }
  });

  it("a copy has nothing to undo: delete sends nothing", async () => {
    const api = new FakeSsm();
    const c = io(
      env(runStepOf({ kind: "copy", to: "/opt/rancher-ha/params.env" })),
      ["delete"],
      api,
    );
    assert.equal(await c.run(), 0);
    assert.equal(api.requests.length, 0);
  });

  it("seal interoperates with a plain OAEP-SHA256 decrypt (the node's OpenSSL side is in test/scripts.seal.test.ts)", () => {
    const { publicPem, privateKey } = sharedKeyPair("node");
    const sealed = seal(nodePublicKey(publicPem), Buffer.from(TOKEN));
    const line = sealed.trim().split("\n")[1];
    const opened = privateDecrypt(
      { key: privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: "sha256" },
      Buffer.from(line, "base64"),
    );
    assert.equal(opened.toString(), TOKEN);
    assert.throws(() => nodePublicKey(smallPublicPem()), /not RSA 3072/);
  });
});
