// The plan command's output: one JSON document, secrets hidden unless asked for, and no secret
// value in any non-secret field of either example stack.
import * as assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import * as path from "node:path";
import { promisify } from "node:util";
import { main, OPTIONS, USAGE } from "../bin/plan";
import { MOCK_SECRET_PREFIX } from "../plan/mocks";
import { runPlan } from "../plan/run";
import { plainStrings, secretStrings } from "../plan/values";
import { selfSigned } from "./certs";
import { FIXTURE_STACKS } from "./helpers";

async function run(args: string[]) {
  let out = "";
  let err = "";
  const code = await main([...args, "--stack-dir", FIXTURE_STACKS], {
    out: (t) => (out += t),
    err: (t) => (err += t),
  });
  return { code, out, err };
}

describe("plan command", function () {
  this.timeout(120_000);

  it("prints one JSON document with urn, type, name, parent, dependsOn and inputs", async () => {
    const r = await run(["--stack", "dev", "--json"]);
    assert.equal(r.code, 0, r.err);
    const doc = JSON.parse(r.out);
    assert.equal(doc.project, "rancher-ha");
    assert.equal(doc.stack, "dev");
    assert.match(doc.note, /placeholders/);
    const urns = new Set(doc.resources.map((x: { urn: string }) => x.urn));
    for (const res of doc.resources) {
      assert.deepEqual(Object.keys(res), ["urn", "type", "name", "parent", "dependsOn", "inputs"]);
      if (res.parent !== null)
        assert.ok(urns.has(res.parent), `parent of ${res.name} is in the plan`);
      for (const d of res.dependsOn)
        assert.ok(urns.has(d), `dependency of ${res.name} is in the plan`);
    }
    const rancher = doc.resources.find(
      (x: { name: string }) => x.name === "rancher-install-rancher",
    );
    assert.equal(rancher.inputs.values, "[secret]");
    assert.equal(doc.outputs.kubeconfig, "[secret]");
    assert.equal(doc.outputs.rancherUrl, "https://rancher-dev.example.com");
  });

  it("prints a readable tree that says values are placeholders", async () => {
    const r = await run(["--stack", "prod"]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^Offline plan for rancher-ha\/prod: l7, 3 server\(s\), eu-west-1/);
    assert.match(r.out, /placeholders; nothing was deployed/);
    assert.match(r.out, /\+ aws:lb\/loadBalancer:LoadBalancer {2}rancher-l7-alb {2}\[protected\]/);
    assert.match(r.out, /bootstrapPassword: \[secret\]/);
  });

  it("applies --config overrides, lists as JSON", async () => {
    const r = await run([
      "--stack",
      "dev",
      "--json",
      "--config",
      "serverCount=5",
      "--config",
      'adminCidrs=["198.51.100.0/24"]',
    ]);
    const doc = JSON.parse(r.out);
    assert.equal(
      doc.resources.filter((x: { name: string }) => /^rancher-server-\d+$/.test(x.name)).length,
      5,
    );
    const ssh = doc.resources.find(
      (x: { name: string }) => x.name === "rancher-bastion-ssh-admin-198-51-100-0-24",
    );
    assert.equal(ssh.inputs.cidrIpv4, "198.51.100.0/24");
  });

  it("refuses an RKE2 upgrade that skips a minor, given the deployed version", async () => {
    const r = await run(["--stack", "dev", "--previous-rke2-version", "v1.34.10+rke2r1"]);
    assert.equal(r.code, 1);
    assert.equal(r.out, "");
    assert.match(
      r.err,
      /rancher-ha:rke2Version: v1\.34\.10\+rke2r1 → v1\.36\.3\+rke2r1 skips 1 minor release/,
    );
    const ok = await run(["--stack", "dev", "--previous-rke2-version", "v1.35.7+rke2r1"]);
    assert.equal(ok.code, 0, ok.err);
  });

  it("rejects bad arguments with usage and exit 2", async () => {
    for (const args of [
      [],
      ["--stack"],
      ["--stack", "dev", "--bogus"],
      ["--stack", "dev", "--format", "svg"],
    ]) {
      const r = await run(args);
      assert.equal(r.code, 2, args.join(" "));
      assert.match(r.err, /usage: npm run plan/);
      assert.equal(r.out, "");
    }
    const missing = await run(["--stack", "nope"]);
    assert.equal(missing.code, 1);
    assert.match(
      missing.err,
      /no stack file test\/fixtures\/stacks\/Pulumi.nope.yaml \(stacks: dev, prod\)/,
    );
  });

  it("--help lists every option, each with a description", async () => {
    const r = await run(["--help"]);
    assert.equal(r.code, 0);
    assert.equal(r.out, USAGE);
    for (const [name, spec] of Object.entries(OPTIONS)) {
      const short = "short" in spec ? `, -${spec.short}` : "";
      const line = r.out.split("\n").find((l) => l.trimStart().startsWith(`--${name}${short}`));
      assert.ok(line, `--${name} listed`);
      assert.match(line, /\S\s{2,}\S.{8,}$/, `--${name} has a description: ${line}`);
    }
  });

  it("--json with a different --format is a usage error, not a silent choice", async () => {
    for (const format of ["mermaid", "tree"]) {
      const r = await run(["--stack", "dev", "--format", format, "--json"]);
      assert.equal(r.code, 2, format);
      assert.match(r.err, new RegExp(`--json and --format ${format} conflict`));
      assert.equal(r.out, "");
    }
    const same = await run(["--stack", "dev", "--format", "json", "--json"]);
    assert.equal(same.code, 0, same.err);
    assert.equal(JSON.parse(same.out).stack, "dev");
  });

  for (const stack of ["dev", "prod"]) {
    it(`${stack}: no secret value appears outside a secret, with or without --show-secrets`, async () => {
      const plan = await runPlan({ stack, stackDir: FIXTURE_STACKS });
      const secrets = new Set<string>();
      for (const r of plan.resources) secretStrings(r.inputs).forEach((s) => secrets.add(s));
      secretStrings(plan.outputs).forEach((s) => secrets.add(s));
      // The join token, bootstrap password, SSH key and kubeconfig are all there to look for.
      const needles = [...secrets].filter((s) => s.includes(MOCK_SECRET_PREFIX));
      assert.ok(needles.length >= 3, `found ${needles.length} secret values`);
      const secretValues = needles.map((s) => /mock-secret-[\w-]+/.exec(s)![0]);
      for (const r of plan.resources) {
        for (const s of [
          ...plainStrings(r.inputs),
          { path: "name", value: r.name },
          { path: "urn", value: r.urn },
        ]) {
          for (const v of secretValues)
            assert.ok(!s.value.includes(v), `${v} in ${r.name}.${s.path}`);
        }
      }
      const hidden = await run(["--stack", stack, "--json"]);
      const tree = await run(["--stack", stack]);
      for (const v of secretValues) {
        assert.ok(!hidden.out.includes(v), `${v} in --json output`);
        assert.ok(!tree.out.includes(v), `${v} in tree output`);
        assert.ok(!hidden.err.includes(v) && !tree.err.includes(v), `${v} in logs`);
      }
      const shown = await run(["--stack", stack, "--json", "--show-secrets"]);
      assert.ok(
        secretValues.every((v) => shown.out.includes(v)),
        "--show-secrets reveals them",
      );
    });
  }
});

describe("plan command: user-supplied secrets", function () {
  this.timeout(120_000);

  it("never shows a supplied TLS key, bootstrap password or SSH key outside a secret", async () => {
    const tls = selfSigned("rancher-dev.example.com");
    const ssh = selfSigned("ssh.invalid").key; // any PEM private key will do for the plan
    const password = "supplied-bootstrap-password-0123";
    const overrides = [
      "tlsSource=secret",
      `tlsCertificate=${tls.cert}`,
      `tlsPrivateKey=${tls.key}`,
      `tlsCaCertificate=${tls.cert}`,
      `bootstrapPassword=${password}`,
      `sshPrivateKey=${ssh}`,
    ];
    const plan = await runPlan({ stack: "dev", overrides, stackDir: FIXTURE_STACKS });
    const needles = [password, keyBody(tls.key), keyBody(ssh)];
    // They are there, as secrets: the search below could find them.
    const secrets = [
      ...plan.resources.flatMap((r) => secretStrings(r.inputs)),
      ...secretStrings(plan.outputs),
    ].join("\n");
    for (const n of needles) assert.ok(secrets.includes(n), "supplied secret present as a secret");
    for (const r of plan.resources) {
      for (const s of [...plainStrings(r.inputs), { path: "name", value: r.name }]) {
        for (const n of needles) assert.ok(!s.value.includes(n), `secret in ${r.name}.${s.path}`);
      }
    }
    for (const s of plainStrings(plan.outputs)) {
      for (const n of needles) assert.ok(!s.value.includes(n), `secret in output ${s.path}`);
    }
    const printed = await run([
      "--stack",
      "dev",
      "--json",
      ...overrides.flatMap((o) => ["--config", o]),
    ]);
    assert.equal(printed.code, 0, printed.err);
    for (const n of needles) {
      assert.ok(!printed.out.includes(n) && !printed.err.includes(n), "secret printed");
    }
  });
});

/** The base64 body of a PEM key: what must never leak, whatever the line breaks. */
function keyBody(pem: string): string {
  return pem.split("\n").filter((l) => l && !l.startsWith("-----"))[0];
}

describe("plan command --policy", function () {
  this.timeout(120_000);

  for (const stack of ["dev", "prod"]) {
    it(`${stack}: the policy pack passes, holding the stack to its own protect setting`, async () => {
      const r = await run(["--stack", stack, "--policy", "--json"]);
      assert.equal(r.code, 0, r.err);
      assert.match(r.err, /policy: no violations/);
      assert.ok(JSON.parse(r.out).resources.length > 100);
    });
  }

  it("fails with the violated rule and resource named, and prints no plan", async () => {
    // A test double for the checker: the CLI's own output path is what is under test; the
    // rules themselves are tested on failing shapes in policy.*.test.ts.
    let seen: boolean | undefined;
    let out = "";
    let err = "";
    const code = await main(
      ["--stack", "dev", "--policy", "--json", "--stack-dir", FIXTURE_STACKS],
      { out: (t) => (out += t), err: (t) => (err += t) },
      process.cwd(),
      {
        checkPlan: (plan, options) => {
          seen = options?.requireProtection;
          const ssh = plan.resources.find(
            (x) => x.name === "rancher-bastion-ssh-admin-203-0-113-0-24",
          )!;
          return [
            {
              policy: "admin-ports-restricted",
              resourceUrn: ssh.urn,
              resourceName: ssh.name,
              resourceType: ssh.type,
              message: "port 22 is open to 0.0.0.0/0",
            },
          ];
        },
      },
    );
    assert.equal(seen, false, "dev does not set protect");
    assert.equal(code, 3);
    assert.equal(out, "");
    assert.match(
      err,
      /policy violations \(1\):\n {2}- \[admin-ports-restricted\] rancher-bastion-ssh-admin-203-0-113-0-24 \(aws:vpc\/securityGroupIngressRule:SecurityGroupIngressRule\): port 22 is open to 0\.0\.0\.0\/0/,
    );
  });
});

describe("plan command: the real entry point with a closed pipe", function () {
  this.timeout(60_000);
  const entry = path.resolve(__dirname, "../bin/plan.ts");

  /** Runs the entry with stdout closed by the reader before or while it writes. */
  function closedPipe(shell?: string): Promise<{ code: number | null; err: string }> {
    const child = shell
      ? spawn("bash", ["-o", "pipefail", "-c", shell], { stdio: ["ignore", "ignore", "pipe"] })
      : // --help: its first write already fails, and it does not evaluate a plan (the CPU).
        spawn(process.execPath, ["--require", "tsx/cjs", entry, "--help"], {
          stdio: ["ignore", "pipe", "pipe"],
        });
    child.stdout?.destroy(); // the reader goes away, as `head` does after its lines
    let err = "";
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    return new Promise((resolve) => child.on("exit", (code) => resolve({ code, err })));
  }

  it("ends quietly when the reader has gone (no EPIPE trace)", async () => {
    const r = await closedPipe();
    assert.equal(r.err, "");
    assert.equal(r.code, 0);
  });

  it("`plan --json | head -n 1` exits 0 with nothing on stderr (the JSON is larger than a pipe)", async () => {
    const node = `${JSON.stringify(process.execPath)} --require tsx/cjs ${JSON.stringify(entry)}`;
    const dir = JSON.stringify(FIXTURE_STACKS);
    const r = await closedPipe(
      `${node} --stack dev --json --stack-dir ${dir} | head -n 1 >/dev/null`,
    );
    assert.equal(r.err, "");
    assert.equal(r.code, 0);
  });

  it("answers --help and a usage error without loading the Pulumi SDK or the program", async () => {
    // In a process of its own: this one has loaded everything already.
    const script = `
      const { main } = require(${JSON.stringify(entry)});
      const quiet = { out() {}, err() {} };
      Promise.all([main(["--help"], quiet), main(["--format", "tree"], quiet)]).then((codes) =>
        console.log(JSON.stringify({ codes, loaded: Object.keys(require.cache).filter((f) =>
          f.includes("@pulumi/") || f.endsWith("components/config/index.ts")) })));`;
    const { stdout } = await promisify(execFile)(process.execPath, [
      "--require",
      "tsx/cjs",
      "-e",
      script,
    ]);
    assert.deepEqual(JSON.parse(stdout), { codes: [0, 2], loaded: [] });
  });
});
