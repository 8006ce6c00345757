// createTransport's SSH modes: Rke2Cluster and the ingress tuning dial the public IP (public) or the
// private IP through the bastion (bastion), as the stack's NodeAccess says. That an SSH stack's
// resources keep their URNs through the move to transports is test/urns.test.ts.
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import * as assert from "node:assert/strict";
import { SsmTransport } from "../components/access/ssm";
import { SshTransport } from "../components/access/ssh";
import { createTransport } from "../components/access/transport";
import type { NodeAccess, NodeTarget } from "../components/access/types";
import { installIngressTuning } from "../components/frontend/ingress";
import { Rke2Cluster } from "../components/rke2/cluster";
import { RKE2_MANIFESTS_DIR } from "../components/rke2/render";
import type { RecordedResource } from "../plan/mocks";
import { Secret } from "../plan/values";
import { record } from "./access/record";

const KEY =
  "-----BEGIN OPENSSH PRIVATE KEY-----\nmock-secret-ssh-key\n-----END OPENSSH PRIVATE KEY-----\n";
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
};
const BASTION = "203.0.113.7";

const secretValue = (v: unknown) => {
  assert.ok(v instanceof Secret, "connection is secret");
  return v.value as Record<string, unknown>;
};

class Parent extends pulumi.ComponentResource {
  constructor(name: string) {
    super("rancher-ha:frontend:NlbFrontEnd", name, {}, {});
  }
}

/** Rke2Cluster and an L7 ingress tuning over one NodeAccess, as RancherHa wires them. */
function program(access: NodeAccess) {
  return () => {
    const plumbing = new random.RandomPassword("plumbing", { length: 8 });
    const ssh = {
      access,
      sshUser: "ubuntu",
      sshPrivateKey: pulumi.secret(KEY),
      accessPlumbing: [plumbing],
    };
    const tuning = installIngressTuning(
      "rancher-l7",
      { mode: "l7", idleTimeoutSeconds: 3600 },
      { ...ssh, nodes: SERVERS, ingressController: "traefik", trustedCidrs: ["10.0.0.0/24"] },
      new Parent("rancher-l7"),
    );
    new Rke2Cluster("rancher-rke2", {
      ...COMMON,
      ...ssh,
      servers: SERVERS,
      preloadImages: true,
      registrationReady: [],
      beforeStart: tuning,
    });
  };
}

const remoteSteps = (rs: RecordedResource[]) =>
  rs.filter((r) => r.type.startsWith("command:remote:"));
/** The server a step runs on: from its name (the kubeconfig is read from server 1). */
function serverIndex(name: string): number {
  const m = /^rancher-rke2-(\d)-|^rancher-l7-ingress-(\d)$/.exec(name);
  return Number(m?.[1] ?? m?.[2] ?? "1");
}

describe("access: createTransport, SSH modes", function () {
  this.timeout(60_000);

  it("picks SshTransport for public and bastion, SsmTransport for ssm", () => {
    const o = { sshUser: "ubuntu", sshPrivateKey: KEY };
    assert.ok(createTransport({ mode: "public" }, o) instanceof SshTransport);
    assert.ok(
      createTransport({ mode: "bastion", bastionHost: BASTION }, o) instanceof SshTransport,
    );
    const ssm = createTransport({ mode: "ssm", region: "eu-west-1" }, o);
    assert.ok(ssm instanceof SsmTransport);
    assert.equal(ssm.kind, "ssm");
  });

  it("public: every step of RKE2 and the ingress tuning dials the server's public IP, no proxy", async () => {
    const recorded = await record(program({ mode: "public" }));
    const plumbing = recorded.find((r) => r.name === "plumbing")!.urn;
    const steps = remoteSteps(recorded);
    assert.equal(steps.length, 3 * 9 + 1 + 3, "9 steps per server, kubeconfig, tuning");
    for (const s of steps) {
      const conn = secretValue(s.inputs.connection);
      assert.equal(conn.host, SERVERS[serverIndex(s.name) - 1].publicIp, s.name);
      assert.equal(conn.user, "ubuntu", s.name);
      assert.equal(conn.proxy, undefined, s.name);
      assert.ok(s.dependsOn.includes(plumbing), `${s.name} waits for the transport's plumbing`);
    }
  });

  it("bastion: every step dials the server's private IP through the bastion as the SSH user", async () => {
    const recorded = await record(program({ mode: "bastion", bastionHost: BASTION }));
    const steps = remoteSteps(recorded);
    assert.equal(steps.length, 3 * 9 + 1 + 3, "9 steps per server, kubeconfig, tuning");
    for (const s of steps) {
      const conn = secretValue(s.inputs.connection);
      assert.equal(conn.host, SERVERS[serverIndex(s.name) - 1].privateIp, s.name);
      // ProxyConnectionArgs.user defaults to "root" (@pulumi/command v1.2.1): it must be set.
      // The hop dials with the step's own budget (a leave stays brief through the bastion).
      const { perDialTimeout, dialErrorLimit } = conn;
      assert.deepEqual(
        conn.proxy,
        {
          host: BASTION,
          port: 22,
          user: "ubuntu",
          privateKey: KEY,
          perDialTimeout,
          dialErrorLimit,
        },
        s.name,
      );
      if (s.name.endsWith("-member")) assert.equal(dialErrorLimit, 3, s.name);
      if (s.name.endsWith("-stage")) assert.equal(dialErrorLimit, 30, s.name);
    }
  });

  it("the ingress tuning writes its manifest from stdin with fixed command text, before RKE2 starts", async () => {
    const recorded = await record(program({ mode: "public" }));
    const writes = recorded.filter((r) => /^rancher-l7-ingress-\d$/.test(r.name));
    assert.equal(writes.length, 3);
    for (const [i, w] of writes.entries()) {
      assert.match(
        String(w.inputs.create),
        new RegExp(
          `^sudo -n install -D -m 0600 /dev/stdin ${RKE2_MANIFESTS_DIR}/[a-z0-9-]+\\.yaml$`,
        ),
      );
      assert.equal(w.inputs.update, w.inputs.create);
      assert.match(String(w.inputs.stdin), /kind: HelmChartConfig/);
      assert.deepEqual(w.inputs.triggers, [SERVERS[i].instanceId]);
      assert.equal(
        secretValue(w.inputs.connection).dialErrorLimit,
        30,
        "waits out a booting server",
      );
      const start = recorded.find((r) => r.name === `rancher-rke2-${i + 1}-start`)!;
      assert.ok(start.dependsOn.includes(w.urn), `start ${i + 1} waits for the tuning`);
    }
  });
});
