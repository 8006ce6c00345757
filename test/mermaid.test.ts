// The Mermaid architecture diagram: derived from the plan (servers per AZ, listeners, target
// groups, DNS, certificate, Helm releases), deterministic, and structurally valid Mermaid.
import * as assert from "node:assert/strict";
import { escapeLabel, renderMermaid } from "../plan/mermaid";
import { Plan, runPlan } from "../plan/run";
import { UNKNOWN } from "../plan/values";
import { selfSigned } from "./certs";
import { FIXTURE_STACKS } from "./helpers";
import { evaluatePlan } from "./plan-cache";

const plans = new Map<string, Promise<Plan>>();
function plan(overrides: string[] = []): Promise<Plan> {
  const key = JSON.stringify(overrides);
  let p = plans.get(key);
  if (!p) {
    p = runPlan({ stack: "dev", overrides, stackDir: FIXTURE_STACKS });
    plans.set(key, p);
  }
  return p;
}

interface Parsed {
  nodes: Map<string, string>;
  subgraphs: Map<string, { label: string; parent: string | undefined; members: string[] }>;
  edges: { from: string; to: string; label?: string; dotted: boolean }[];
}

/**
 * A strict line parser for the subset of Mermaid flowchart syntax the renderer emits: every line
 * must be recognised, subgraphs balance, IDs are safe, labels carry no raw quotes.
 */
function parse(text: string): Parsed {
  const lines = text.trimEnd().split("\n");
  assert.equal(lines[0], "flowchart LR");
  const nodes = new Map<string, string>();
  const subgraphs: Parsed["subgraphs"] = new Map();
  const edges: Parsed["edges"] = [];
  const open: string[] = [];
  const ID = "[A-Za-z][A-Za-z0-9_]*";
  const LABEL = '"([^"]*)"';
  for (const line of lines.slice(1)) {
    let m: RegExpExecArray | null;
    if ((m = new RegExp(`^\\s*subgraph (${ID})\\[${LABEL}\\]$`).exec(line))) {
      assert.ok(!subgraphs.has(m[1]) && !nodes.has(m[1]), `duplicate id ${m[1]}`);
      subgraphs.set(m[1], { label: m[2], parent: open[open.length - 1], members: [] });
      if (open.length) subgraphs.get(open[open.length - 1])!.members.push(m[1]);
      open.push(m[1]);
    } else if (/^\s*end$/.test(line)) {
      assert.ok(open.pop(), "end without subgraph");
    } else if (
      (m = new RegExp(
        `^\\s*(${ID})(?:\\(\\(${LABEL}\\)\\)|\\[\\[${LABEL}\\]\\]|\\{\\{${LABEL}\\}\\}|\\[${LABEL}\\])$`,
      ).exec(line))
    ) {
      assert.ok(!nodes.has(m[1]) && !subgraphs.has(m[1]), `duplicate id ${m[1]}`);
      nodes.set(m[1], m[2] ?? m[3] ?? m[4] ?? m[5]);
      if (open.length) subgraphs.get(open[open.length - 1])!.members.push(m[1]);
    } else if (
      (m = new RegExp(`^\\s*(${ID}) (-->|-\\.->)(?:\\|${LABEL}\\|)? (${ID})$`).exec(line))
    ) {
      edges.push({
        from: m[1],
        to: m[4],
        dotted: m[2] === "-.->",
        ...(m[3] ? { label: m[3] } : {}),
      });
    } else if (
      /^\s*classDef [A-Za-z]+ [\w:#,.-]+$/.test(line) ||
      new RegExp(`^\\s*class ${ID}(,${ID})* [A-Za-z]+$`).test(line)
    ) {
      // styling
    } else {
      assert.fail(`unrecognised Mermaid line: ${JSON.stringify(line)}`);
    }
  }
  assert.deepEqual(open, [], "every subgraph is closed");
  for (const e of edges) {
    for (const end of [e.from, e.to]) {
      assert.ok(nodes.has(end) || subgraphs.has(end), `edge endpoint ${end} is declared`);
    }
  }
  return { nodes, subgraphs, edges };
}

const edge = (p: Parsed, from: string, to: string) =>
  p.edges.find((e) => e.from === from && e.to === to);
const nodeIds = (p: Parsed, prefix: string) =>
  [...p.nodes.keys()].filter((k) => k.startsWith(prefix));

/** Release labels other than the backup operator's two (drawn whenever backups are on). */
const withoutBackups = (labels: string[]): string[] =>
  labels.filter((l) => !l.startsWith("rancher-backup"));

describe("mermaid diagram", function () {
  this.timeout(60_000);

  it("dev (l4): Internet → DNS → NLB with 80/443/6443/9345 → target groups → 3 servers in 3 AZs", async () => {
    const p = parse(renderMermaid(await plan()));
    const dns = nodeIds(p, "dns_");
    assert.equal(dns.length, 1);
    assert.match(p.nodes.get(dns[0])!, /rancher-dev\.example\.com/);
    assert.ok(edge(p, "internet", dns[0]));
    const lbs = [...p.subgraphs.keys()].filter((k) => k.startsWith("lb_"));
    assert.equal(
      lbs.length,
      2,
      "l4 shares the public control-plane NLB; servers register internally",
    );
    const pub = lbs.find((k) => /internet-facing/.test(p.subgraphs.get(k)!.label))!;
    const internal = lbs.find((k) => /internal/.test(p.subgraphs.get(k)!.label))!;
    assert.ok(edge(p, dns[0], pub), "DNS aliases the public NLB");
    assert.ok(!edge(p, dns[0], internal));
    assert.match(p.subgraphs.get(pub)!.label, /^NLB /);
    const listeners = p.subgraphs.get(pub)!.members.map((m) => p.nodes.get(m));
    assert.deepEqual(listeners, ["TCP :80", "TCP :443", "TCP :6443"]);
    const internalListeners = p.subgraphs.get(internal)!.members.map((m) => p.nodes.get(m));
    assert.deepEqual(internalListeners, ["TCP :6443", "TCP :9345"]);
    const servers = nodeIds(p, "srv_");
    assert.equal(servers.length, 3);
    const azs = [...p.subgraphs.entries()].filter(([k]) => k.startsWith("az_"));
    assert.deepEqual(
      azs.map(([, v]) => v.label),
      ["us-east-1a", "us-east-1b", "us-east-1c"],
    );
    for (const [, az] of azs) assert.equal(az.members.length, 1, "one server per AZ");
    const tgs = nodeIds(p, "tg_");
    assert.equal(tgs.length, 5);
    for (const tg of tgs) {
      assert.equal(
        p.edges.filter((e) => e.from === tg && e.to.startsWith("srv_")).length,
        3,
        `${tg} → every server`,
      );
      assert.equal(
        p.edges.filter((e) => e.to === tg && e.label === "forward").length,
        1,
        `one listener forwards to ${tg}`,
      );
    }
    assert.equal(nodeIds(p, "cert_").length, 0, "no ACM certificate in l4");
    const releases = nodeIds(p, "rel_").map((r) => p.nodes.get(r)!);
    assert.equal(releases.length, 4);
    assert.match(releases.join("|"), /cert-manager v1\.21\.1/);
    assert.match(releases.join("|"), /rancher 2\.15\.0/);
    const backupRel = (chart: string) =>
      nodeIds(p, "rel_").find((r) => p.nodes.get(r)!.startsWith(`${chart} 110.0.0+up11.0.0`))!;
    assert.ok(
      edge(p, backupRel("rancher-backup-crd"), backupRel("rancher-backup")),
      "the backup operator's CRDs before the operator",
    );
    const cm = nodeIds(p, "rel_").find((r) => /cert-manager/.test(p.nodes.get(r)!))!;
    const rancher = nodeIds(p, "rel_").find((r) => /^rancher /.test(p.nodes.get(r)!))!;
    assert.ok(edge(p, cm, rancher), "cert-manager before Rancher");
    assert.equal(p.subgraphs.get("helm")?.parent, "cluster", "releases run on the cluster");
    const adminEdges = p.edges.filter((e) => e.from === "admins");
    assert.deepEqual(
      adminEdges.map((e) => [e.to.replace(/_.*/, ""), e.label]).sort(),
      [
        ["bst", "SSH"],
        ["ls", "kubectl"],
      ],
      "admins reach only the public API listener and the bastion",
    );
    // Private servers: reached through the bastion, leaving through the NAT gateway.
    assert.ok(p.edges.some((e) => e.from.startsWith("bst_") && e.to === "cluster"));
    assert.ok(p.edges.some((e) => e.from === "cluster" && e.to === "nat" && e.label === "egress"));
    assert.ok(p.subgraphs.get(pub)!.members.includes(adminEdges[0].to));
    assert.match(p.nodes.get("admins")!, /203\.0\.113\.0\/24/);
  });

  it("l7: ALB with HTTPS 443 and an HTTP 80 redirect, ACM certificate, separate control-plane NLB, no cert-manager", async () => {
    const p = parse(renderMermaid(await plan(["loadBalancer=l7"])));
    const lbs = [...p.subgraphs.entries()].filter(([k]) => k.startsWith("lb_"));
    assert.equal(lbs.length, 3);
    const alb = lbs.find(([, v]) => /^ALB /.test(v.label))!;
    const nlb = lbs.find(([, v]) => /^NLB .*internal/.test(v.label))!;
    assert.deepEqual(
      alb[1].members.map((m) => p.nodes.get(m)),
      ["HTTP :80", "HTTPS :443"],
    );
    assert.deepEqual(
      nlb[1].members.map((m) => p.nodes.get(m)),
      ["TCP :6443", "TCP :9345"],
    );
    const [http, https] = alb[1].members;
    const redirect = edge(p, http, https);
    assert.ok(redirect?.dotted);
    assert.equal(redirect?.label, "redirect HTTPS 301");
    assert.equal(
      p.edges.filter((e) => e.from === http && e.label === "forward").length,
      0,
      "80 only redirects",
    );
    const dns = nodeIds(p, "dns_").find((d) => /alias/.test(p.nodes.get(d)!))!;
    assert.ok(edge(p, dns, alb[0]), "DNS aliases the ALB");
    assert.ok(!edge(p, dns, nlb[0]));
    const certs = nodeIds(p, "cert_");
    assert.equal(certs.length, 1);
    assert.match(p.nodes.get(certs[0])!, /ACM certificate<br\/>rancher-dev\.example\.com/);
    assert.equal(edge(p, certs[0], https)?.label, "TLS");
    const validation = nodeIds(p, "dns_").find((d) => /validation/.test(p.nodes.get(d)!))!;
    assert.equal(edge(p, validation, certs[0])?.label, "validates");
    const releases = withoutBackups(nodeIds(p, "rel_").map((r) => p.nodes.get(r)!));
    assert.equal(releases.length, 1);
    assert.match(releases[0], /^rancher /);
    assert.equal(nodeIds(p, "srv_").length, 3);
  });

  it("an existing certificate ARN is drawn from the listener's input", async () => {
    const arn =
      "arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555";
    const p = parse(renderMermaid(await plan(["loadBalancer=l7", `certificateArn=${arn}`])));
    const certs = nodeIds(p, "cert_");
    assert.equal(certs.length, 1);
    assert.match(p.nodes.get(certs[0])!, /\(existing\)<br\/>arn:aws:acm/);
    assert.equal(nodeIds(p, "dns_").length, 1, "no validation record");
  });

  it("cert-manager only when the TLS source needs it (none for tlsSource secret)", async function () {
    const { cert, key } = selfSigned("rancher-dev.example.com");
    const p = parse(
      renderMermaid(
        await plan([
          "tlsSource=secret",
          `tlsCertificate=${cert}`,
          `tlsPrivateKey=${key}`,
          `tlsCaCertificate=${cert}`,
        ]),
      ),
    );
    assert.deepEqual(
      withoutBackups(nodeIds(p, "rel_").map((r) => p.nodes.get(r)!.split("<br/>")[0])),
      ["rancher 2.15.0"],
    );
    const le = parse(
      renderMermaid(await plan(["tlsSource=letsEncrypt", "letsEncryptEmail=ops@example.com"])),
    );
    assert.equal(
      withoutBackups(nodeIds(le, "rel_").map((r) => le.nodes.get(r)!)).length,
      2,
      "Let's Encrypt needs cert-manager",
    );
  });

  it("follows serverCount: 5 servers spread over 3 AZs", async () => {
    const p = parse(renderMermaid(await plan(["serverCount=5"])));
    assert.equal(nodeIds(p, "srv_").length, 5);
    const sizes = [...p.subgraphs.entries()]
      .filter(([k]) => k.startsWith("az_"))
      .map(([, v]) => v.members.length);
    assert.deepEqual(sizes, [2, 2, 1]);
    assert.match(p.subgraphs.get("cluster")!.label, /5 servers/);
  });

  it("groups by subnet when the AZ is unknown, and by subnet ID for an existing VPC", async () => {
    const base = await plan();
    const unknownAz: Plan = {
      ...base,
      resources: base.resources.map((r) =>
        r.type === "aws:ec2/subnet:Subnet"
          ? { ...r, inputs: { ...r.inputs, availabilityZone: UNKNOWN } }
          : r,
      ),
    };
    const p = parse(renderMermaid(unknownAz));
    assert.deepEqual(
      [...p.subgraphs.entries()].filter(([k]) => k.startsWith("az_")).map(([, v]) => v.label),
      [
        "subnet rancher-net-private-1",
        "subnet rancher-net-private-2",
        "subnet rancher-net-private-3",
      ],
    );
    const existing = parse(
      renderMermaid(
        await plan([
          "vpcId=vpc-0123456789abcdef0",
          'subnetIds=["subnet-0123456789abcdef0","subnet-0123456789abcdef1"]',
          'publicSubnetIds=["subnet-0123456789abcdef2","subnet-0123456789abcdef3"]',
        ]),
      ),
    );
    const groups = [...existing.subgraphs.entries()].filter(([k]) => k.startsWith("az_"));
    assert.deepEqual(
      groups.map(([, v]) => v.label),
      ["subnet subnet-0123456789abcdef0", "subnet subnet-0123456789abcdef1"],
    );
    assert.equal(
      groups.reduce((n, [, v]) => n + v.members.length, 0),
      3,
    );
  });

  it("is deterministic: same text for separate runs and for shuffled resources", async () => {
    const a = renderMermaid(await plan(["loadBalancer=l7"]));
    const again = await evaluatePlan({
      stack: "dev",
      overrides: ["loadBalancer=l7"],
      stackDir: FIXTURE_STACKS,
    });
    assert.equal(renderMermaid(again), a);
    const shuffled: Plan = { ...again, resources: [...again.resources].reverse() };
    assert.equal(renderMermaid(shuffled), a);
  });

  it("escapes labels and keeps IDs Mermaid-safe whatever the names", async () => {
    assert.equal(escapeLabel('say "hi" <b>#1'), "say #quot;hi#quot; #lt;b#gt;#35;1");
    const base = await plan();
    // Three names that sanitise to the same ID, with every character a label must escape.
    const names = ['end "x" <y>#1', 'end "x" <y>.1', 'end "x" <y>-1'];
    let i = 0;
    const weird: Plan = {
      ...base,
      resources: base.resources.map((r) =>
        r.type === "aws:ec2/instance:Instance" && r.name.startsWith("rancher-server-")
          ? { ...r, name: names[i++], inputs: { ...r.inputs, instanceType: 'm6i."big"' } }
          : r,
      ),
    };
    const text = renderMermaid(weird);
    const p = parse(text);
    for (const id of [...p.nodes.keys(), ...p.subgraphs.keys()]) {
      assert.match(id, /^[A-Za-z][A-Za-z0-9_]*$/);
    }
    assert.deepEqual(nodeIds(p, "srv_").sort(), [
      "srv_end__x___y__1",
      "srv_end__x___y__1_2",
      "srv_end__x___y__1_3",
    ]);
    assert.ok(text.includes("end #quot;x#quot; #lt;y#gt;#35;1"));
  });

  it("never shows secret values", async () => {
    const p = await plan(["bootstrapPassword=super-secret-password-1"]);
    const text = renderMermaid(p);
    assert.ok(!text.includes("super-secret-password-1"));
    assert.ok(!text.includes("mock-secret-"));
  });
});
