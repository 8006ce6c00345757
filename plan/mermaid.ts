// The plan as a Mermaid flowchart (renders on GitHub): traffic from the Internet through DNS,
// load balancers (listeners, target groups) to the servers per availability zone, and the Helm
// releases on the cluster. Everything is derived from the recorded resources (types, inputs,
// dependencies), so the picture follows the program rather than being drawn by hand.
import { BASTION_ROLE, ROLE_TAG } from "../components/instanceRoles";
import type { RecordedResource } from "./mocks";
import type { Plan } from "./run";
import { Secret, UNKNOWN } from "./values";
import { KUBE_API_PORT } from "../components/ports";

const T = {
  loadBalancer: "aws:lb/loadBalancer:LoadBalancer",
  listener: "aws:lb/listener:Listener",
  targetGroup: "aws:lb/targetGroup:TargetGroup",
  attachment: "aws:lb/targetGroupAttachment:TargetGroupAttachment",
  instance: "aws:ec2/instance:Instance",
  natGateway: "aws:ec2/natGateway:NatGateway",
  subnet: "aws:ec2/subnet:Subnet",
  record: "aws:route53/record:Record",
  certificate: "aws:acm/certificate:Certificate",
  certificateValidation: "aws:acm/certificateValidation:CertificateValidation",
  release: "kubernetes:helm.sh/v3:Release",
} as const;

/** Escapes text for a quoted Mermaid label (entity codes; no raw quotes, angle brackets, #). */
export function escapeLabel(text: string): string {
  return text
    .replace(/#/g, "#35;")
    .replace(/"/g, "#quot;")
    .replace(/</g, "#lt;")
    .replace(/>/g, "#gt;")
    .replace(/`/g, "#96;")
    .replace(/[\r\n]+/g, " ");
}

/** A label of several lines, each escaped. */
function label(...lines: (string | undefined)[]): string {
  return lines
    .filter((l): l is string => l !== undefined && l !== "")
    .map(escapeLabel)
    .join("<br/>");
}

function str(v: unknown): string | undefined {
  if (v instanceof Secret) return undefined;
  if (typeof v === "string" && v !== UNKNOWN) return v;
  if (typeof v === "number") return String(v);
  return undefined;
}

function byName(a: RecordedResource, b: RecordedResource): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : a.urn < b.urn ? -1 : a.urn > b.urn ? 1 : 0;
}

function portOf(r: RecordedResource): number | undefined {
  const p = r.inputs.port;
  if (typeof p === "number") return p;
  if (typeof p === "string" && /^\d+$/.test(p)) return Number(p);
  return undefined;
}

class Graph {
  private readonly ids = new Map<string, string>();
  private readonly used = new Set<string>();
  readonly lines: string[] = [];
  readonly edges: string[] = [];
  private readonly edgeSet = new Set<string>();

  /** A Mermaid-safe, unique, stable ID for a key (URN or synthetic). */
  id(key: string, prefix: string, name: string): string {
    const known = this.ids.get(key);
    if (known) return known;
    const base = `${prefix}_${name.replace(/[^A-Za-z0-9_]/g, "_")}`;
    let id = base;
    for (let n = 2; this.used.has(id); n++) id = `${base}_${n}`;
    this.used.add(id);
    this.ids.set(key, id);
    return id;
  }

  edge(from: string, to: string, text?: string, dotted = false): void {
    const arrow = dotted ? "-.->" : "-->";
    const line = text ? `${from} ${arrow}|"${escapeLabel(text)}"| ${to}` : `${from} ${arrow} ${to}`;
    if (this.edgeSet.has(line)) return;
    this.edgeSet.add(line);
    this.edges.push(`  ${line}`);
  }
}

/** Renders the plan's architecture as a Mermaid `flowchart`. Deterministic for a given plan. */
export function renderMermaid(plan: Plan): string {
  const resources = [...plan.resources].sort(byName);
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  const ofType = (type: string) => resources.filter((r) => r.type === type);
  /** Resources a property (or, without one, the whole resource) depends on, of a type. */
  const deps = (r: RecordedResource, type: string, prop?: string): RecordedResource[] => {
    const urns = (prop && r.propertyDependencies[prop]) || r.dependsOn;
    return [...new Set(urns)]
      .map((u) => byUrn.get(u))
      .filter((d): d is RecordedResource => d?.type === type)
      .sort(byName);
  };

  const g = new Graph();
  const out: string[] = ["flowchart LR"];
  const users = "internet";
  out.push(`  ${users}(("${label("Users / Internet")}"))`);

  // Servers, grouped by availability zone (from the subnet each instance is placed in); the
  // bastion (tagged by its role) is drawn apart.
  const isBastion = (r: RecordedResource) => {
    const tags = r.inputs.tags;
    return (
      typeof tags === "object" &&
      tags !== null &&
      (tags as Record<string, unknown>)[ROLE_TAG] === BASTION_ROLE
    );
  };
  const instances = ofType(T.instance).filter((r) => !isBastion(r));
  const bastions = ofType(T.instance).filter(isBastion);
  const zones = new Map<string, { title: string; servers: RecordedResource[] }>();
  for (const inst of instances) {
    const subnet = deps(inst, T.subnet, "subnetId")[0];
    let key: string;
    let title: string;
    if (subnet) {
      const az = str(subnet.inputs.availabilityZone);
      key = az ? `az:${az}` : `subnet:${subnet.urn}`;
      title = az ?? `subnet ${subnet.name}`;
    } else {
      const id = str(inst.inputs.subnetId);
      key = id ? `subnet:${id}` : "subnet:?";
      title = id ? `subnet ${id}` : "unknown subnet";
    }
    const zone = zones.get(key) ?? { title, servers: [] };
    zone.servers.push(inst);
    zones.set(key, zone);
  }

  // Helm releases.
  const releases = ofType(T.release);
  const clusterKind = resources.some((r) => /:Rke2Cluster$/.test(r.type)) ? "RKE2" : "Kubernetes";
  const cluster = "cluster";
  out.push(
    `  subgraph ${cluster}["${label(`${clusterKind} cluster: ${instances.length} server${instances.length === 1 ? "" : "s"}`)}"]`,
  );
  for (const [key, zone] of [...zones.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    const zid = g.id(key, "az", zone.title);
    out.push(`    subgraph ${zid}["${label(zone.title)}"]`);
    for (const inst of zone.servers) {
      const sid = g.id(inst.urn, "srv", inst.name);
      out.push(`      ${sid}["${label(inst.name, str(inst.inputs.instanceType))}"]`);
    }
    out.push("    end");
  }
  if (releases.length > 0) {
    out.push(`    subgraph helm["${label("Helm releases")}"]`);
    for (const rel of releases) {
      const rid = g.id(rel.urn, "rel", rel.name);
      const chart = str(rel.inputs.chart) ?? rel.name;
      const version = str(rel.inputs.version);
      const ns = str(rel.inputs.namespace);
      out.push(
        `      ${rid}["${label(`${chart}${version ? ` ${version}` : ""}`, ns ? `namespace ${ns}` : undefined)}"]`,
      );
    }
    out.push("    end");
  }
  out.push("  end");
  for (const rel of releases) {
    for (const dep of deps(rel, T.release))
      g.edge(g.id(dep.urn, "rel", dep.name), g.id(rel.urn, "rel", rel.name), "before");
  }

  // Load balancers with their listeners.
  const lbs = ofType(T.loadBalancer);
  const listeners = ofType(T.listener);
  const listenersOf = new Map<string, RecordedResource[]>();
  for (const ls of listeners) {
    const lb = deps(ls, T.loadBalancer, "loadBalancerArn")[0];
    const key = lb?.urn ?? "";
    listenersOf.set(key, [...(listenersOf.get(key) ?? []), ls]);
  }
  const sortListeners = (a: RecordedResource, b: RecordedResource) =>
    (portOf(a) ?? 0) - (portOf(b) ?? 0) || byName(a, b);
  for (const lb of lbs) {
    const kind = str(lb.inputs.loadBalancerType) ?? "application";
    const short = kind === "network" ? "NLB" : kind === "application" ? "ALB" : kind;
    const lid = g.id(lb.urn, "lb", lb.name);
    out.push(
      `  subgraph ${lid}["${label(`${short} ${lb.name}`, lb.inputs.internal === true ? "internal" : "internet-facing")}"]`,
    );
    for (const ls of (listenersOf.get(lb.urn) ?? []).sort(sortListeners)) {
      const port = portOf(ls);
      const proto = str(ls.inputs.protocol) ?? "?";
      out.push(`    ${g.id(ls.urn, "ls", ls.name)}["${label(`${proto} :${port ?? "?"}`)}"]`);
    }
    out.push("  end");
  }
  const orphanListeners = listenersOf.get("") ?? [];
  for (const ls of orphanListeners.sort(sortListeners)) {
    out.push(
      `  ${g.id(ls.urn, "ls", ls.name)}["${label(`${str(ls.inputs.protocol) ?? "?"} :${portOf(ls) ?? "?"}`, "load balancer not in plan")}"]`,
    );
  }

  // Target groups and the servers registered in them.
  const attachments = ofType(T.attachment);
  for (const tg of ofType(T.targetGroup)) {
    const tid = g.id(tg.urn, "tg", tg.name);
    out.push(
      `  ${tid}[["${label(`target group ${tg.name}`, `${str(tg.inputs.protocol) ?? "?"} :${portOf(tg) ?? "?"}`)}"]]`,
    );
    for (const att of attachments.filter((a) =>
      deps(a, T.targetGroup, "targetGroupArn").some((t) => t.urn === tg.urn),
    )) {
      for (const inst of deps(att, T.instance, "targetId"))
        g.edge(tid, g.id(inst.urn, "srv", inst.name));
    }
  }

  // Listener actions: forward to target groups, redirects to another listener.
  for (const ls of [...listeners].sort(byName)) {
    const lsid = g.id(ls.urn, "ls", ls.name);
    for (const tg of deps(ls, T.targetGroup, "defaultActions"))
      g.edge(lsid, g.id(tg.urn, "tg", tg.name), "forward");
    const actions = Array.isArray(ls.inputs.defaultActions)
      ? (ls.inputs.defaultActions as unknown[])
      : [];
    for (const a of actions) {
      const redirect = (a as { redirect?: Record<string, unknown> } | null)?.redirect;
      if (!redirect) continue;
      const lb = deps(ls, T.loadBalancer, "loadBalancerArn")[0];
      const rawPort = str(redirect.port);
      const toPort = rawPort && rawPort !== "#{port}" ? Number(rawPort) : portOf(ls);
      const target = (listenersOf.get(lb?.urn ?? "") ?? []).find(
        (o) => o !== ls && portOf(o) === toPort,
      );
      const text =
        `redirect ${str(redirect.protocol) ?? ""} ${str(redirect.statusCode)?.replace(/^HTTP_/, "") ?? ""}`
          .replace(/\s+/g, " ")
          .trim();
      if (target) g.edge(lsid, g.id(target.urn, "ls", target.name), text, true);
    }
  }

  // Certificates: created ones, and existing ARNs a listener names.
  const certs = new Map<string, string>();
  for (const cert of ofType(T.certificate)) {
    const cid = g.id(cert.urn, "cert", cert.name);
    certs.set(cert.urn, cid);
    out.push(
      `  ${cid}{{"${label("ACM certificate", str(cert.inputs.domainName), str(cert.inputs.validationMethod) && `${str(cert.inputs.validationMethod)} validated`)}"}}`,
    );
  }
  for (const ls of listeners) {
    const lsid = g.id(ls.urn, "ls", ls.name);
    const direct = deps(ls, T.certificate, "certificateArn");
    const viaValidation = deps(ls, T.certificateValidation, "certificateArn").flatMap((v) =>
      deps(v, T.certificate, "certificateArn"),
    );
    const used = [...direct, ...viaValidation];
    for (const cert of used) g.edge(certs.get(cert.urn) ?? "", lsid, "TLS", true);
    const arn = str(ls.inputs.certificateArn);
    const propDeps = ls.propertyDependencies.certificateArn ?? [];
    if (used.length === 0 && arn && propDeps.length === 0) {
      const cid = g.id(`arn:${arn}`, "cert", arn.split("/").pop() ?? arn);
      if (!certs.has(`arn:${arn}`)) {
        certs.set(`arn:${arn}`, cid);
        out.push(`  ${cid}{{"${label("ACM certificate (existing)", arn)}"}}`);
      }
      g.edge(cid, lsid, "TLS", true);
    }
  }

  // DNS: records that alias a load balancer, and certificate validation records.
  for (const rec of ofType(T.record)) {
    const targets = deps(rec, T.loadBalancer, "aliases");
    const validates = deps(rec, T.certificate);
    if (targets.length === 0 && validates.length === 0) continue;
    const rid = g.id(rec.urn, "dns", rec.name);
    const name = str(rec.inputs.name) ?? rec.name;
    const type = str(rec.inputs.type) ?? "";
    if (targets.length > 0) {
      out.push(`  ${rid}["${label(`Route53 ${type} alias`.replace(/\s+/g, " "), name)}"]`);
      g.edge(users, rid, "HTTPS / HTTP");
      for (const lb of targets) g.edge(rid, g.id(lb.urn, "lb", lb.name));
    } else {
      out.push(`  ${rid}["${label(`Route53 ${type} (ACM validation)`.replace(/\s+/g, " "))}"]`);
      for (const cert of validates) g.edge(rid, certs.get(cert.urn) ?? "", "validates", true);
    }
  }

  // Private servers: the bastion admins reach them through, and the NAT gateways they leave by.
  for (const b of bastions) {
    const bid = g.id(b.urn, "bst", b.name);
    out.push(`  ${bid}{{"${label("Bastion", str(b.inputs.instanceType))}"}}`);
    g.edge(bid, cluster, "SSH");
  }
  const nats = ofType(T.natGateway);
  if (nats.length > 0) {
    out.push(
      `  nat["${label(nats.length === 1 ? "NAT gateway" : `NAT gateways × ${nats.length}`)}"]`,
    );
    g.edge(cluster, "nat", "egress");
  }

  // Admins reach the Kubernetes API on the internet-facing NLB (the internal one is the
  // servers'), and SSH on the bastion.
  const apiListeners = listeners.filter(
    (l) =>
      portOf(l) === KUBE_API_PORT &&
      deps(l, T.loadBalancer, "loadBalancerArn").some((lb) => lb.inputs.internal !== true),
  );
  if (apiListeners.length > 0 || bastions.length > 0) {
    const cidrs = plan.config.adminCidrs;
    out.push(`  admins(("${label("Admins", cidrs.length > 0 ? cidrs.join(", ") : undefined)}"))`);
    for (const l of apiListeners) g.edge("admins", g.id(l.urn, "ls", l.name), "kubectl");
    for (const b of bastions) g.edge("admins", g.id(b.urn, "bst", b.name), "SSH");
  }

  out.push(...g.edges);
  out.push(
    "  classDef lb fill:#e8f0fe,stroke:#4a6fa5",
    "  classDef srv fill:#eef7ee,stroke:#4a8a4a",
    "  classDef rel fill:#fff6e0,stroke:#b08a2e",
  );
  const classed = (prefix: string) =>
    out
      .map((l) => new RegExp(`^\\s+(${prefix}_[A-Za-z0-9_]+)\\[`).exec(l)?.[1])
      .filter((x): x is string => x !== undefined);
  const ls = classed("ls");
  const srv = classed("srv");
  const rel = classed("rel");
  if (ls.length > 0) out.push(`  class ${ls.join(",")} lb`);
  if (srv.length > 0) out.push(`  class ${srv.join(",")} srv`);
  if (rel.length > 0) out.push(`  class ${rel.join(",")} rel`);
  return out.join("\n") + "\n";
}
