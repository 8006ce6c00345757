// SsmTransport under the mock runtime: every node step is a local command running our runner,
// with the same order, triggers and delete behaviour as over SSH, and no secret anywhere but in
// stdin (marked secret) and stdout (an additional secret output).
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import * as assert from "node:assert/strict";
import { SshTransport } from "../components/access/ssh";
import { SsmTransport } from "../components/access/ssm";
import type { NodeTarget } from "../components/access/types";
import { rke2StepTimeouts } from "../components/rke2/steps";
import { MOCK_SECRET_PREFIX, type RecordedResource } from "../plan/mocks";
import { plainStrings, Secret } from "../plan/values";
import { dirDigest, readDirFiles, RUNNER } from "../ssm/protocol";
import { TransportCluster } from "./access/cluster";
import { record } from "./access/record";

const SERVERS: NodeTarget[] = [1, 2, 3].map((i) => ({
  nodeName: `rancher-ha-test-server-${i}`,
  instanceId: `i-0000000000000000${i}`,
  publicIp: `198.51.100.${10 + i}`,
  privateIp: `10.0.${i}.10`,
}));
const COMMON = {
  rke2Version: "v1.36.3+rke2r1",
  ingressController: "traefik" as const,
  hostname: "rancher.example.com",
  registrationHost: "reg-nlb.elb.eu-west-1.amazonaws.com",
  apiHost: "api-nlb.elb.eu-west-1.amazonaws.com",
  servers: SERVERS,
};
const KEY = `-----BEGIN OPENSSH PRIVATE KEY-----\n${MOCK_SECRET_PREFIX}ssh\n-----END OPENSSH PRIVATE KEY-----\n`;

const env = (r: RecordedResource) => r.inputs.environment as Record<string, string>;
const steps = (rs: RecordedResource[]) => rs.filter((r) => r.type.startsWith("command:"));

describe("access: SsmTransport", function () {
  this.timeout(60_000);
  let ssm: RecordedResource[];
  let ssh: RecordedResource[];
  let kubeconfigSecret: boolean;

  before(async () => {
    const program =
      (transport: (plumbing: pulumi.Resource) => SshTransport | SsmTransport) => () => {
        const plumbing = new random.RandomPassword("plumbing", { length: 8 });
        const ready = new random.RandomPassword("nlb-ready", { length: 8 });
        const c = new TransportCluster("rancher-rke2", {
          ...COMMON,
          transport: transport(plumbing),
          registrationReady: [ready],
        });
        void (c.kubeconfig as unknown as { isSecret: Promise<boolean> }).isSecret.then(
          (s) => (kubeconfigSecret = s),
        );
      };
    ssh = await record(
      program(
        (plumbing) =>
          new SshTransport({
            address: (n) => n.publicIp,
            user: "ubuntu",
            privateKey: pulumi.secret(KEY),
            plumbing: [plumbing],
          }),
      ),
    );
    ssm = await record(
      program(
        (plumbing) =>
          new SsmTransport({ region: "eu-west-1", profile: "ops", plumbing: [plumbing] }),
      ),
    );
  });

  it("every node step is a local command running the runner from the project, never SSH", () => {
    assert.deepEqual(
      ssm.filter((r) => r.type.startsWith("command:remote:")),
      [],
    );
    const s = steps(ssm);
    assert.equal(s.length, 3 * 8 + 1);
    for (const r of s) {
      assert.equal(r.type, "command:local:Command", r.name);
      assert.equal(r.inputs.create, `${RUNNER} create`, r.name);
      assert.equal(r.inputs.addPreviousOutputInEnv, false, r.name);
      assert.equal(r.inputs.dir, undefined, "runs in the project directory");
      assert.equal(env(r).AWS_REGION, "eu-west-1");
      assert.equal(env(r).AWS_PROFILE, "ops");
      const i = Number(/rancher-rke2-(\d)-/.exec(r.name)?.[1] ?? "1");
      assert.equal(env(r).RANCHER_HA_INSTANCE_ID, SERVERS[i - 1].instanceId, r.name);
      assert.equal(env(r).RANCHER_HA_NODE, SERVERS[i - 1].nodeName, r.name);
      assert.equal(env(r).RANCHER_HA_STEP, r.name);
    }
  });

  it("keeps the SSH steps' names, order, triggers and delete behaviour", () => {
    const byName = (rs: RecordedResource[]) => new Map(steps(rs).map((r) => [r.name, r]));
    const names = (rs: RecordedResource[], urns: string[]) =>
      urns.map((u) => rs.find((r) => r.urn === u)?.name ?? u).sort();
    const a = byName(ssh);
    const b = byName(ssm);
    assert.deepEqual([...b.keys()].sort(), [...a.keys()].sort());
    for (const [name, s] of a) {
      const m = b.get(name)!;
      assert.deepEqual(
        names(ssm, m.dependsOn),
        names(ssh, s.dependsOn),
        `${name} waits for the same steps`,
      );
      assert.ok(names(ssm, m.dependsOn).includes("plumbing"), `${name} waits for the plumbing`);
      assert.deepEqual(m.inputs.triggers, s.inputs.triggers, name);
      assert.deepEqual(m.replaceOnChanges, ["triggers[*]"], name);
      assert.equal(m.deletedWith === null, s.deletedWith === null, name);
      assert.equal(m.inputs.logging, s.inputs.logging, name);
    }
    const member = b.get("rancher-rke2-2-member")!;
    assert.equal(member.inputs.delete, `${RUNNER} delete`);
    assert.equal(
      env(member).RANCHER_HA_CREATE,
      "sudo -n bash /opt/rancher-ha/node/member-claim.sh /opt/rancher-ha/params.env ssm",
    );
    assert.equal(
      env(member).RANCHER_HA_DELETE,
      "sudo -n bash /opt/rancher-ha/node/rke2-leave.sh /opt/rancher-ha/params.env ssm",
    );
    assert.equal(env(member).RANCHER_HA_REGISTRATION_TIMEOUT, "60");
    assert.ok(member.deletedWith?.endsWith("::rancher-rke2-token"));
    assert.equal(b.get("rancher-rke2-2-start")!.inputs.update, `${RUNNER} update`);
    assert.equal(b.get("rancher-rke2-2-start")!.inputs.delete, undefined);
    assert.equal(env(b.get("rancher-rke2-1-stage")!).RANCHER_HA_REGISTRATION_TIMEOUT, "600");
  });

  it("no secret in environment, create, update or delete; the token only in secret stdin", () => {
    const token = ssm.find((r) => r.name === "rancher-rke2-token")!;
    assert.ok(token);
    for (const r of steps(ssm)) {
      for (const field of ["environment", "create", "update", "delete"]) {
        const v = r.inputs[field];
        assert.ok(!(v instanceof Secret), `${r.name}.${field} is plain (a diff stays readable)`);
        for (const s of plainStrings(v)) {
          assert.ok(
            !s.value.includes(MOCK_SECRET_PREFIX),
            `${r.name}.${field}${s.path ? "." + s.path : ""} holds a secret`,
          );
        }
      }
      const stdin = r.inputs.stdin;
      if (r.name.endsWith("-start")) {
        assert.ok(stdin instanceof Secret, `${r.name} stdin is secret`);
        assert.ok(String(stdin.value).startsWith(`${MOCK_SECRET_PREFIX}rancher-rke2-token`));
        assert.equal(env(r).RANCHER_HA_STDIN, "secret");
      } else {
        for (const s of plainStrings(stdin))
          assert.ok(!s.value.includes(MOCK_SECRET_PREFIX), r.name);
      }
    }
  });

  it("the kubeconfig comes back as a secret output that is never logged", () => {
    const k = steps(ssm).find((r) => r.name === "rancher-rke2-kubeconfig")!;
    assert.deepEqual(k.additionalSecretOutputs, ["stdout"]);
    assert.equal(k.inputs.logging, "none");
    assert.equal(env(k).RANCHER_HA_STDOUT, "secret");
    assert.equal(kubeconfigSecret, true);
    for (const r of steps(ssm).filter((x) => x !== k))
      assert.deepEqual(r.additionalSecretOutputs, [], r.name);
  });

  it("copies: the scripts directory by content digest, params and config as (non-secret) stdin", () => {
    const s = steps(ssm);
    const scripts = s.find((r) => r.name === "rancher-rke2-1-scripts")!;
    assert.deepEqual(
      {
        to: env(scripts).RANCHER_HA_COPY_TO,
        dir: env(scripts).RANCHER_HA_COPY_DIR,
        sha: env(scripts).RANCHER_HA_COPY_SHA256,
      },
      { to: "/opt/rancher-ha", dir: "scripts/node", sha: dirDigest(readDirFiles("scripts/node")) },
    );
    const params = s.find((r) => r.name === "rancher-rke2-1-params")!;
    assert.equal(env(params).RANCHER_HA_COPY_TO, "/opt/rancher-ha/params.env");
    assert.match(String(params.inputs.stdin), /^NODE_NAME=rancher-ha-test-server-1$/m);
    assert.equal(
      env(s.find((r) => r.name === "rancher-rke2-3-config")!).RANCHER_HA_COPY_TO,
      "/opt/rancher-ha/config.yaml",
    );
  });

  it("bounds each step by the node scripts' own timeouts plus a margin", () => {
    const t = rke2StepTimeouts();
    const s = new Map(steps(ssm).map((r) => [r.name, env(r).RANCHER_HA_TIMEOUT]));
    assert.equal(s.get("rancher-rke2-1-install"), String(t.install));
    assert.equal(s.get("rancher-rke2-1-start"), String(t.start));
    assert.equal(s.get("rancher-rke2-1-member"), String(t.leave));
    assert.equal(s.get("rancher-rke2-kubeconfig"), String(t.kubeconfig));
    // Defaults: install 600+300+5×(120+10)+5×(600+10)+60; start 30+2×900+2×900+60.
    assert.deepEqual([t.install, t.start, t.leave], [4660, 3690, 420]);
  });

  it("refuses specs that would leak or that SSM cannot run", async () => {
    await record(() => {
      const parent = new random.RandomPassword("p", { length: 8 });
      const t = new SsmTransport({ region: "eu-west-1" });
      const node = SERVERS[0];
      const create = {
        kind: "scripts" as const,
        calls: [{ script: "rke2-kubeconfig.sh" }] as const,
      };
      assert.throws(
        () => t.run(node, "x", { create, secretStdout: true, triggers: [] }, { parent }),
        /must not log stdout/,
      );
      assert.throws(
        () => t.run(node, "y", { create, secretStdin: "s", input: "i", triggers: [] }, { parent }),
        /either secretStdin or input/,
      );
      assert.throws(
        () => t.run(node, "z", { create, triggers: [], timeoutSeconds: 200_000 }, { parent }),
        /between 5 and 172800/,
      );
    });
  });
});
