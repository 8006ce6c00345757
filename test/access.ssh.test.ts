// SshTransport registers what Rke2Cluster and the ingress tuning register today, so wiring it
// in leaves an SSH stack's plan as it is — except two deliberate changes, named below.
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import * as assert from "node:assert/strict";
import { SshTransport } from "../components/access/ssh";
import type { NodeTarget } from "../components/access/types";
import { installIngressTuning } from "../components/frontend/ingress";
import {
  NO_PREVIOUS_OUTPUT as TODAY_NO_PREVIOUS_OUTPUT,
  Rke2Cluster,
  STAGING_DIR as TODAY_STAGING,
  NODE_SCRIPTS_DIR as TODAY_SCRIPTS,
} from "../components/rke2/cluster";
import { NODE_SCRIPTS_DIR, STAGING_DIR } from "../components/access/nodeCommand";
import { NO_PREVIOUS_OUTPUT } from "../components/access/ssh";
import { renderIngressHelmChartConfig } from "../components/frontend/ingressHelmChartConfig";
import { RKE2_MANIFESTS_DIR } from "../components/rke2/render";
import type { RecordedResource } from "../plan/mocks";
import { Secret } from "../plan/values";
import { TransportCluster } from "./access/cluster";
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

/** The resources two programs have in common, side by side, by URN. */
function pairs(a: RecordedResource[], b: RecordedResource[]) {
  const byUrn = new Map(b.map((r) => [r.urn, r]));
  assert.deepEqual(
    b.map((r) => r.urn).sort(),
    a.map((r) => r.urn).sort(),
    "the same resources (types, names, parents)",
  );
  return a.map((r) => [r, byUrn.get(r.urn)!] as const);
}

/** What a recorded registration means to the engine, for comparison. */
function view(r: RecordedResource) {
  return {
    type: r.type,
    parent: r.parent,
    inputs: r.inputs,
    dependsOn: [...r.dependsOn].sort(),
    deletedWith: r.deletedWith,
    additionalSecretOutputs: r.additionalSecretOutputs,
    replaceOnChanges: r.replaceOnChanges,
    ignoreChanges: r.ignoreChanges,
    protect: r.protect,
  };
}

const secretValue = (v: unknown) => {
  assert.ok(v instanceof Secret, "connection is secret");
  return v.value as Record<string, unknown>;
};

class Parent extends pulumi.ComponentResource {
  constructor(name: string) {
    super("rancher-ha:frontend:NlbFrontEnd", name, {}, {});
  }
}

describe("access: SshTransport", function () {
  this.timeout(60_000);

  it("shares the node paths and the previous-output rule with cluster.ts", () => {
    assert.equal(STAGING_DIR, TODAY_STAGING);
    assert.equal(NODE_SCRIPTS_DIR, TODAY_SCRIPTS);
    assert.deepEqual(NO_PREVIOUS_OUTPUT, TODAY_NO_PREVIOUS_OUTPUT);
  });

  describe("RKE2's steps for three servers, public mode", () => {
    let today: RecordedResource[];
    let transport: RecordedResource[];
    before(async () => {
      const helpers = () => ({
        ready: new random.RandomPassword("nlb-ready", { length: 8 }),
        tuning: [1, 2, 3].map((i) => new random.RandomPassword(`tuning-${i}`, { length: 8 })),
      });
      today = await record(() => {
        const h = helpers();
        new Rke2Cluster("rancher-rke2", {
          ...COMMON,
          servers: SERVERS.map((s) => ({ ...s, host: s.publicIp })),
          sshUser: "ubuntu",
          sshPrivateKey: pulumi.secret(KEY),
          registrationReady: [h.ready],
          beforeStart: h.tuning,
        });
      });
      transport = await record(() => {
        const h = helpers();
        new TransportCluster("rancher-rke2", {
          ...COMMON,
          transport: new SshTransport({
            address: (n) => n.publicIp,
            user: "ubuntu",
            privateKey: pulumi.secret(KEY),
          }),
          servers: SERVERS,
          registrationReady: [h.ready],
          beforeStart: h.tuning,
        });
      });
    });

    it("registers the same resources with the same inputs and options, but for two deliberate changes", () => {
      const changed = new Set<string>();
      for (const [a, b] of pairs(today, transport)) {
        const expected = view(a);
        const name = a.name;
        if (name.endsWith("-stage")) {
          // 1. The stage takes back files an SSM period wrote as root, so sftp can overwrite
          //    them after a switch back (pulumi-command v1.2.1 copyController.go: sftp Create
          //    opens O_TRUNC).
          expected.inputs = {
            ...a.inputs,
            create: `${String(a.inputs.create)} && sudo -n chown -R "$(id -u):$(id -g)" /opt/rancher-ha`,
          };
          changed.add(name);
        } else if (name.endsWith("-member")) {
          // 2. The member claims membership for its transport; its leave names the transport
          //    (design-10 §12): a switch must not take every server out of etcd.
          assert.equal(a.inputs.create, "true");
          expected.inputs = {
            ...a.inputs,
            create:
              "sudo -n bash /opt/rancher-ha/node/member-claim.sh /opt/rancher-ha/params.env ssh",
            delete: `${String(a.inputs.delete)} ssh`,
          };
          changed.add(name);
        }
        assert.deepEqual(view(b), expected, name);
      }
      assert.deepEqual([...changed].sort(), [
        "rancher-rke2-1-member",
        "rancher-rke2-1-stage",
        "rancher-rke2-2-member",
        "rancher-rke2-2-stage",
        "rancher-rke2-3-member",
        "rancher-rke2-3-stage",
      ]);
      // The comparison covered every step kind.
      const kinds = new Set(
        transport.map((r) => `${r.type} ${r.name.replace(/^rancher-rke2-\d-/, "")}`),
      );
      for (const k of ["stage", "scripts", "params", "config", "install", "member", "start"]) {
        assert.ok(
          [...kinds].some((x) => x.endsWith(` ${k}`)),
          k,
        );
      }
    });
  });

  it("the ingress tuning's manifest write is today's resource, unchanged", async () => {
    const ingressArgs = {
      nodes: SERVERS.map((s) => ({ host: s.publicIp, instanceId: s.instanceId })),
      sshUser: "ubuntu",
      sshPrivateKey: pulumi.secret(KEY),
      ingressController: "traefik" as const,
      trustedCidrs: ["10.0.0.0/24"],
    };
    const today = await record(() => {
      installIngressTuning(
        "rancher-l7",
        { mode: "l7", idleTimeoutSeconds: 3600 },
        ingressArgs,
        new Parent("rancher-l7"),
      );
    });
    const transport = await record(() => {
      const parent = new Parent("rancher-l7");
      const ssh = new SshTransport({
        address: (n) => n.publicIp,
        user: "ubuntu",
        privateKey: pulumi.secret(KEY),
      });
      const rendered = renderIngressHelmChartConfig({
        ingressController: "traefik",
        mode: "l7",
        trustedCidrs: ingressArgs.trustedCidrs,
        idleTimeoutSeconds: 3600,
      });
      const write = {
        kind: "writeFile" as const,
        path: `${RKE2_MANIFESTS_DIR}/${rendered.fileName}`,
        mode: "0600" as const,
      };
      SERVERS.forEach((node, i) =>
        ssh.run(
          node,
          `rancher-l7-ingress-${i + 1}`,
          {
            create: write,
            update: write,
            input: rendered.manifest,
            triggers: [node.instanceId],
            logging: "stderr",
            reach: "firstContact",
          },
          { parent },
        ),
      );
    });
    const steps = pairs(today, transport).filter(([a]) => a.custom);
    assert.equal(steps.length, 3);
    for (const [a, b] of steps) assert.deepEqual(view(b), view(a), a.name);
  });

  it("bastion mode: every step dials the server's private IP through the bastion as the SSH user", async () => {
    const recorded = await record(() => {
      const plumbing = new random.RandomPassword("bastion", { length: 8 });
      new TransportCluster("rancher-rke2", {
        ...COMMON,
        transport: new SshTransport({
          address: (n) => n.privateIp,
          user: "ubuntu",
          privateKey: pulumi.secret(KEY),
          proxy: { host: "203.0.113.7", user: "ubuntu", privateKey: pulumi.secret(KEY) },
          plumbing: [plumbing],
        }),
        servers: SERVERS,
        registrationReady: [],
      });
    });
    const plumbingUrn = recorded.find((r) => r.name === "bastion")!.urn;
    const steps = recorded.filter((r) => r.type.startsWith("command:remote:"));
    assert.equal(steps.length, 3 * 7 + 1);
    for (const s of steps) {
      const conn = secretValue(s.inputs.connection);
      const i = Number(/rancher-rke2-(\d)-/.exec(s.name)?.[1] ?? "1");
      assert.equal(conn.host, SERVERS[i - 1].privateIp, s.name);
      assert.deepEqual(
        conn.proxy,
        {
          host: "203.0.113.7",
          port: 22,
          user: "ubuntu",
          privateKey: KEY,
          perDialTimeout: 15,
          dialErrorLimit: 30,
        },
        s.name,
      );
      assert.ok(s.dependsOn.includes(plumbingUrn), `${s.name} waits for the bastion`);
    }
  });
});
