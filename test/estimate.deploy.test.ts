// The modeled first deploy of real plans: every resource kind has a duration (a new kind fails
// here instead of being silently counted as instant), step roles come from names and the graph,
// and the estimate follows the plan's dependencies rather than a list of steps.
import * as assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { estimateDeploy } from "../plan/estimate/deploy";
import { DURATIONS, durationOf, remoteRole, stepKind } from "../plan/estimate/durations";
import { deployLine, planEstimate } from "../plan/estimate";
import type { RecordedResource } from "../plan/mocks";
import type { Plan } from "../plan/run";
import { selfSigned } from "./certs";
import { byName, plan, TYPES, waitsFor } from "./helpers";

const seconds = (key: keyof typeof DURATIONS) => DURATIONS[key].seconds;

/** The example stacks and the variants that add or remove resource kinds. */
function variants(): [string, string, string[]][] {
  const tls = selfSigned("rancher-dev.example.com");
  return [
    ["dev (l4)", "dev", []],
    ["prod (l7)", "prod", []],
    ["dev, 7 servers", "dev", ["serverCount=7"]],
    ["dev, 1 server", "dev", ["serverCount=1"]],
    [
      "dev, TLS secret",
      "dev",
      [
        "tlsSource=secret",
        `tlsCertificate=${tls.cert}`,
        `tlsPrivateKey=${tls.key}`,
        `tlsCaCertificate=${tls.cert}`, // self-signed: its own CA, or the config refuses it
      ],
    ],
    ["dev, Let's Encrypt", "dev", ["tlsSource=letsEncrypt", "letsEncryptEmail=ops@example.com"]],
    [
      "dev, existing VPC",
      "dev",
      [
        "vpcId=vpc-0123456789abcdef0",
        'subnetIds=["subnet-0123456789abcdef0","subnet-0123456789abcdef1"]',
        'publicSubnetIds=["subnet-0123456789abcdef2","subnet-0123456789abcdef3"]',
      ],
    ],
    ["dev, public servers", "dev", ["nodeAccess=public"]],
    ["dev, SSM", "dev", ["nodeAccess=ssm"]],
    ["prod, SSM", "prod", ["nodeAccess=ssm"]],
    [
      "prod, own certificate",
      "prod",
      [
        "certificateArn=arn:aws:acm:eu-west-1:123456789012:certificate/00000000-0000-0000-0000-000000000000",
      ],
    ],
  ];
}

describe("estimate: modeled first deploy", function () {
  this.timeout(180_000);

  for (const [label, stack, overrides] of variants()) {
    it(`${label}: every resource kind has a typical duration`, async () => {
      const p = await plan(stack, overrides);
      const { unmodeled } = estimateDeploy(p.resources);
      assert.deepEqual(
        unmodeled,
        [],
        `no figure in plan/estimate/durations.ts for: ${unmodeled.map((u) => `${u.name} (${u.type})`).join(", ")} — add one, with its source`,
      );
    });
  }

  it("over SSM the node steps keep SSH's node durations, grouped by server", async () => {
    const e = estimateDeploy((await plan("dev", ["nodeAccess=ssm"])).resources);
    const step = (name: string) => e.steps.find((st) => st.name === name)!;
    assert.equal(step("rancher-rke2-1-install").seconds, seconds("command:remote:Command#install"));
    assert.equal(
      step("rancher-rke2-2-start").seconds,
      seconds("command:remote:Command#start-join-preloaded"),
    );
    assert.equal(step("rancher-rke2-1-stage").seconds, seconds("command:local:Command#stage"));
    assert.equal(step("rancher-rke2-3-params").seconds, seconds("command:local:Command#copy"));
    assert.equal(step("rancher-rke2-2-install").group, "rancher-server-2");
  });

  it("a kind without a figure is listed as unmodeled and named in the summary line", async () => {
    const p = await plan("dev");
    const start = byName(p, "rancher-rke2-2-start");
    const extra: RecordedResource[] = [
      { ...start, urn: `${start.urn}-x`, name: "rancher-rke2-2-preload" },
      { ...start, urn: "urn:db", name: "rancher-db", type: "aws:rds/instance:Instance" },
    ];
    const e = estimateDeploy([...p.resources, ...extra]);
    assert.deepEqual(e.unmodeled, [
      { name: "rancher-rke2-2-preload", type: "command:remote:Command" },
      { name: "rancher-db", type: "aws:rds/instance:Instance" },
    ]);
    const line = deployLine({ ...planEstimate(p), unmodeled: e.unmodeled });
    assert.match(line, /no duration for rancher-rke2-2-preload \(command:remote:Command\)/);
  });

  it("remote step roles come from the name suffix", () => {
    assert.equal(remoteRole("rancher-rke2-1-stage"), "stage");
    assert.equal(remoteRole("rancher-rke2-12-install"), "install");
    assert.equal(remoteRole("rancher-rke2-kubeconfig"), "kubeconfig");
    assert.equal(remoteRole("rancher-l7-ingress-3"), "ingress");
    assert.equal(remoteRole("rancher-rke2-3-member"), "member");
    assert.equal(remoteRole("rancher-rke2-3-preload"), undefined);
    assert.equal(remoteRole("rancher-rke2-3-restart"), undefined, "whole suffix only");
  });

  it("a start that waits for another server's start is a join; the first initialises", async () => {
    const p = await plan("dev", ["preloadImages=false"]);
    const byUrn = new Map(p.resources.map((r) => [r.urn, r]));
    const kind = (n: string) => stepKind(byName(p, n), (u) => byUrn.get(u));
    assert.equal(kind("rancher-rke2-1-start"), "command:remote:Command#start-first");
    assert.equal(kind("rancher-rke2-2-start"), "command:remote:Command#start-join");
    assert.equal(kind("rancher-rke2-3-start"), "command:remote:Command#start-join");
    assert.equal(kind("rancher-install-rancher"), "kubernetes:helm.sh/v3:Release#rancher");
    assert.equal(
      kind("rancher-install-cert-manager"),
      "kubernetes:helm.sh/v3:Release#cert-manager",
    );
    assert.equal(kind("rancher-rke2"), "component");
    assert.equal(durationOf("component")!.seconds, 0);
  });

  it("a start that waits for its server's staged images starts from them (preloadImages)", async () => {
    const p = await plan("dev");
    const byUrn = new Map(p.resources.map((r) => [r.urn, r]));
    const kind = (n: string) => stepKind(byName(p, n), (u) => byUrn.get(u));
    assert.equal(kind("rancher-rke2-1-images"), "command:remote:Command#images");
    assert.equal(kind("rancher-rke2-1-start"), "command:remote:Command#start-first-preloaded");
    for (const i of [2, 3]) {
      assert.equal(kind(`rancher-rke2-${i}-start`), "command:remote:Command#start-join-preloaded");
    }
    assert.ok(
      seconds("command:remote:Command#start-join-preloaded") <
        seconds("command:remote:Command#start-join"),
    );
  });

  it("with preloadImages the first deploy is shorter by the pulls on the serial chain only", async () => {
    // Public servers: with private ones the NAT gateway shifts which pulls are on the chain.
    const pulls = estimateDeploy(
      (await plan("dev", ["nodeAccess=public", "preloadImages=false"])).resources,
    );
    const staged = estimateDeploy((await plan("dev", ["nodeAccess=public"])).resources);
    const saved =
      seconds("command:remote:Command#start-first") -
      seconds("command:remote:Command#start-first-preloaded") +
      2 *
        (seconds("command:remote:Command#start-join") -
          seconds("command:remote:Command#start-join-preloaded"));
    assert.equal(pulls.totalSeconds - staged.totalSeconds, saved);
    const images = staged.steps.filter((s) => s.name.endsWith("-images"));
    assert.equal(images.length, 3);
    assert.ok(
      images.every((s) => !s.critical),
      "staging is off the serial chain",
    );
  });

  it("dev, public servers: the serial chain through the NLB, first start, joins, Rancher and its first backup is critical", async () => {
    const e = estimateDeploy((await plan("dev", ["nodeAccess=public"])).resources);
    assert.deepEqual(
      e.criticalPath.map((s) => s.name),
      [
        "rancher-net-vpc",
        "rancher-cp-int",
        "rancher-cp-int",
        "rancher-rke2-1-cluster",
        "rancher-rke2-1-start",
        "rancher-rke2-2-start",
        "rancher-rke2-3-start",
        "rancher-install-rancher",
        // After Rancher (its ResourceSets name Rancher's objects), then the Backup last.
        "rancher-rancher-backup-scheduled",
      ],
    );
    assert.deepEqual(e.criticalPath.map((s) => s.type).slice(1, 3), [
      "aws:ec2/securityGroup:SecurityGroup",
      "aws:lb/loadBalancer:LoadBalancer",
    ]);
    assert.equal(
      e.totalSeconds,
      e.criticalPath.reduce((t, s) => t + s.seconds, 0),
    );
    assert.ok(e.criticalPath.every((s) => s.critical));
  });

  it("dev, private servers: the NAT gateway leads, then the first server's downloads", async () => {
    const e = estimateDeploy((await plan("dev")).resources);
    const path = e.criticalPath.map((s) => s.name);
    // The NAT gateway waits only for the internet gateway; the servers boot beside it, and
    // only the downloads (here the image archives) wait for the private subnets' route.
    assert.deepEqual(path.slice(0, 6), [
      "rancher-net-vpc",
      "rancher-net-igw",
      "rancher-net-nat-1",
      "rancher-net-private-1-default",
      "rancher-rke2-1-images",
      "rancher-rke2-1-start",
    ]);
    assert.ok(path.includes("rancher-rke2-3-start"));
    assert.deepEqual(path.slice(-2), [
      "rancher-install-rancher",
      "rancher-rancher-backup-scheduled",
    ]);
    const publicServers = estimateDeploy((await plan("dev", ["nodeAccess=public"])).resources);
    assert.ok(e.totalSeconds > publicServers.totalSeconds, "the NAT gateway costs time");
  });

  it("each extra server adds one join to the first deploy (joins are serial)", async () => {
    const three = estimateDeploy((await plan("dev")).resources).totalSeconds;
    const seven = estimateDeploy((await plan("dev", ["serverCount=7"])).resources).totalSeconds;
    assert.equal(seven - three, 4 * seconds("command:remote:Command#start-join-preloaded"));
  });

  it("installs wait for nothing from the load balancers: they run right after their files", async () => {
    // Public servers: private ones first wait for their NAT gateway (see above).
    const p = await plan("dev", ["nodeAccess=public"]);
    const e = estimateDeploy(p.resources);
    const lbs = p.resources.filter((r) => r.type === "aws:lb/loadBalancer:LoadBalancer");
    const step = (name: string) => e.steps.find((s) => s.name === name)!;
    for (const i of [1, 2, 3]) {
      const install = byName(p, `rancher-rke2-${i}-install`, TYPES.command);
      const closure = waitsFor(p, install);
      for (const lb of lbs) assert.ok(!closure.has(lb.urn), `install ${i} waits for ${lb.name}`);
      const files = Math.max(
        step(`rancher-rke2-${i}-scripts`).finish,
        step(`rancher-rke2-${i}-params`).finish,
      );
      assert.equal(step(install.name).start, files, `install ${i} right after its files`);
      assert.ok(
        step(install.name).finish <
          Math.min(...lbs.map((lb) => e.steps.find((s) => s.urn === lb.urn)!.finish)),
        `install ${i} is done before the load balancers are`,
      );
    }
  });

  it("steps are grouped by server, load balancers, DNS and certificate, Kubernetes and Helm", async () => {
    const e = estimateDeploy((await plan("prod")).resources);
    const group = (name: string, type?: string) =>
      e.steps.find((s) => s.name === name && (!type || s.type === type))!.group;
    assert.equal(group("rancher-server-2"), "rancher-server-2");
    assert.equal(group("rancher-rke2-2-start"), "rancher-server-2");
    // Server 1's cluster.env names its peers (depends on every instance): still server 1.
    assert.equal(group("rancher-rke2-1-cluster"), "rancher-server-1");
    assert.equal(group("rancher-l7-ingress-3"), "rancher-server-3");
    assert.equal(group("rancher-rke2-kubeconfig"), "rancher-server-1");
    assert.equal(group("rancher-l7-alb", "aws:lb/loadBalancer:LoadBalancer"), "Load balancers");
    assert.equal(
      group("rancher-l7-cert", "aws:acm/certificateValidation:CertificateValidation"),
      "DNS and certificate",
    );
    assert.equal(group("rancher-install-rancher"), "Kubernetes and Helm");
    assert.equal(group("rancher-net-vpc"), "Network and security");
  });

  it("planEstimate reports minutes with one decimal and the critical path as data", async () => {
    const p: Plan = await plan("dev");
    const e = planEstimate(p);
    assert.equal(
      e.firstDeployMinutes,
      Math.round(estimateDeploy(p.resources).totalSeconds / 6) / 10,
    );
    assert.deepEqual(Object.keys(e.criticalPath[0]), [
      "name",
      "type",
      "step",
      "startSeconds",
      "seconds",
    ]);
    assert.match(e.note, /Estimate/);
  });

  // Issue 12: what is off the serial chain must not be on the critical path. After the last join
  // only Rancher (its replicas spread over every server) and the first backup (of Rancher) may
  // remain; cert-manager and the backup operator install beside the joins.
  // Issue 12's goals on the model (npm run bench prints the figures), for the default private
  // servers and for public ones.
  for (const [label, overrides, goalMinutes] of [
    ["dev (3 servers, bastion)", [], 10],
    ["dev, 7 servers (bastion)", ["serverCount=7"], 13],
    ["dev with public servers, 7 servers", ["nodeAccess=public", "serverCount=7"], 13],
  ] as const) {
    it(`the modeled first deploy of ${label} meets issue 12's goal (≤ ${goalMinutes} min)`, async () => {
      const e = estimateDeploy((await plan("dev", [...overrides])).resources);
      assert.ok(e.totalSeconds <= goalMinutes * 60, `${(e.totalSeconds / 60).toFixed(1)} min`);
    });
  }

  it("after the last join (7 servers) the critical path is Rancher, then its first backup", async () => {
    const p = await plan("dev", ["serverCount=7"]);
    const names = estimateDeploy(p.resources).criticalPath.map((st) => st.name);
    const lastJoin = names.indexOf("rancher-rke2-7-start");
    assert.ok(lastJoin > 0, names.join(" → "));
    assert.deepEqual(names.slice(lastJoin + 1), [
      "rancher-install-rancher",
      "rancher-rancher-backup-scheduled",
    ]);
  });

  it("every figure in the duration table cites its source, or says estimate and why", () => {
    const text = readFileSync(path.resolve(__dirname, "../plan/estimate/durations.ts"), "utf8");
    const lines = text.split("\n");
    const start = lines.findIndex((l) => l.startsWith("export const DURATIONS"));
    let comment: string[] = [];
    let checked = 0;
    for (const l of lines.slice(start + 1)) {
      if (l.startsWith("}")) break;
      const t = l.trim();
      if (t.startsWith("//")) {
        comment.push(t);
        continue;
      }
      const key = /^"([^"]+)": s\(/.exec(t);
      if (!key) {
        comment = [];
        continue;
      }
      checked++;
      assert.match(
        comment.join(" "),
        // "estimate" followed by its reasoning ("estimate: …", "estimate 45 s: …"), a measured
        // median ("measured 104 s"), the issue's own figure, an upstream thread or a document.
        /\bestimate(?: \d+ (?:s|min)[^:]*)?:|measured \d+ s|issue 12 \(|#\d+|API reference|commit/,
        `${key[1]}: no source comment above it`,
      );
      // Consecutive entries share the comment above the first of them.
    }
    assert.equal(checked, Object.keys(DURATIONS).length);
  });
});
