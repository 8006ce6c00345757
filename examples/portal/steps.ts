// Engine events → the steps a person follows: "Server 2: joining the cluster", "Installing
// Rancher". Resources that matter on their own (servers, RKE2 steps, load balancers, Helm releases)
// get a step each; the rest are counted under their component ("Network", "Security groups").
// Names and types are the program's (components/*); an unknown one still lands in a step.
import type { EngineEvent, StepEventMetadata } from "@pulumi/pulumi/automation";

export type StepStatus = "running" | "done" | "failed" | "stopped";

export interface Step {
  id: string;
  label: string;
  group: string;
  status: StepStatus;
  /** The most significant change among its resources (create, update, replace, delete, same…). */
  op: string;
  /** Resources started / finished. */
  resources: number;
  finished: number;
  /** Epoch milliseconds, as the portal saw the events. */
  startedAt: number;
  endedAt?: number;
  /** The first error reported for one of its resources. */
  error?: string;
}

const GROUPS: Record<string, string> = {
  Network: "Network",
  NodeSecurity: "Security groups",
  ServerNodes: "Servers",
  ControlPlaneEndpoint: "Control-plane load balancers",
  NlbFrontEnd: "Front end (NLB)",
  AlbFrontEnd: "Front end (ALB)",
  Rke2Cluster: "RKE2 cluster",
  RancherDns: "DNS",
  RancherInstall: "Rancher",
};

/** urn:pulumi:<stack>::<project>::<parent types joined by $>::<name> */
export function parseUrn(urn: string): { types: string[]; name: string } {
  const parts = urn.split("::");
  return { types: (parts[2] ?? "").split("$"), name: parts.slice(3).join("::") };
}

function groupOf(types: string[]): string {
  // The innermost rancher-ha component the resource sits in.
  for (let i = types.length - 2; i >= 0; i--) {
    const m = /^rancher-ha:[^:]+:(.+)$/.exec(types[i]);
    if (m && m[1] !== "RancherHa") return GROUPS[m[1]] ?? m[1];
  }
  return "Other resources";
}

/** Which step a resource belongs to; undefined for what is not work (stack, components, providers). */
export interface StepPlace {
  id: string;
  /** What the step does when it creates or changes something ("Server 2: joining the cluster"). */
  label: string;
  /** What it is, for deletes, reads and unchanged resources ("Server 2: cluster join"). */
  noun?: string;
  group: string;
}

export function stepOf(urn: string): StepPlace | undefined {
  const { types, name } = parseUrn(urn);
  const type = types[types.length - 1] ?? "";
  if (type.startsWith("pulumi:") || type.startsWith("rancher-ha:")) return undefined;
  const group = groupOf(types);
  const server = /-server-(\d+)$/.exec(name);
  if (type === "aws:ec2/instance:Instance" && server) {
    return {
      id: `server-${server[1]}-instance`,
      label: `Server ${server[1]}: EC2 instance`,
      group,
    };
  }
  const rke2 = /-rke2-(\d+)-([a-z0-9-]+)$/.exec(name);
  if (type.startsWith("command:remote:") && rke2) {
    const [, n, what] = rke2;
    if (what === "install") {
      const noun = `Server ${n}: RKE2 install`;
      return { id: `server-${n}-install`, label: `Server ${n}: installing RKE2`, noun, group };
    }
    if (what === "start") {
      const label =
        n === "1" ? "Server 1: starting the cluster" : `Server ${n}: joining the cluster`;
      const noun = n === "1" ? "Server 1: cluster start" : `Server ${n}: cluster join`;
      return { id: `server-${n}-start`, label, noun, group };
    }
    if (what === "member") {
      return { id: `server-${n}-member`, label: `Server ${n}: cluster membership`, group };
    }
    const noun = `Server ${n}: node files`;
    return { id: `server-${n}-prepare`, label: `Server ${n}: preparing the node`, noun, group };
  }
  if (type.startsWith("command:remote:") && name.endsWith("-kubeconfig")) {
    return { id: "kubeconfig", label: "Reading the kubeconfig", noun: "Kubeconfig", group };
  }
  if (type === "kubernetes:helm.sh/v3:Release" || type === "kubernetes:helm.sh/v4:Chart") {
    if (name.endsWith("-rancher")) {
      return { id: "rancher", label: "Installing Rancher", noun: "Rancher (Helm release)", group };
    }
    if (name.endsWith("-cert-manager")) {
      const noun = "cert-manager (Helm release)";
      return { id: "cert-manager", label: "Installing cert-manager", noun, group };
    }
    return { id: `release-${name}`, label: `Helm release ${name}`, group };
  }
  if (type === "aws:lb/loadBalancer:LoadBalancer") {
    return { id: `lb-${name}`, label: `Load balancer ${name}`, group };
  }
  if (type === "aws:acm/certificateValidation:CertificateValidation") {
    const noun = "ACM certificate validation";
    return { id: "certificate-validation", label: "Validating the ACM certificate", noun, group };
  }
  if (
    type === "random:index/randomPassword:RandomPassword" ||
    type === "tls:index/privateKey:PrivateKey"
  ) {
    const noun = "Passwords and keys";
    return { id: "secrets", label: "Generating passwords and keys", noun, group };
  }
  // Components whose main work has steps of its own: the rest is "other resources".
  const label = WITH_OWN_STEPS.has(group) ? `${group}: other resources` : group;
  return { id: `group-${group}`, label, group };
}

const WITH_OWN_STEPS = new Set(["Servers", "RKE2 cluster", "Rancher"]);

const OP_WEIGHT: Record<string, number> = {
  same: 0,
  read: 1,
  refresh: 1,
  "discard-replaced": 1,
  update: 2,
  delete: 3,
  "delete-replaced": 3,
  "create-replacement": 4,
  replace: 4,
  create: 5,
};

const CHANGING = new Set(["create", "update", "replace", "create-replacement"]);

/** Follows one operation's events; each call returns the steps that changed. */
export class StepTracker {
  private readonly steps = new Map<string, Step>();
  private readonly running = new Map<string, string>();

  constructor(private readonly now: () => number = Date.now) {}

  all(): Step[] {
    return [...this.steps.values()];
  }

  onEvent(ev: EngineEvent): Step[] {
    const pre = ev.resourcePreEvent?.metadata;
    if (pre) return this.start(pre.urn, pre.op);
    const out = ev.resOutputsEvent?.metadata;
    if (out) return this.finish(out.urn);
    const failed = ev.resOpFailedEvent?.metadata;
    if (failed) return this.fail(failed.urn);
    const diag = ev.diagnosticEvent;
    if (diag?.severity === "error" && diag.urn) return this.fail(diag.urn, diag.message);
    return [];
  }

  /** At the end of the operation: whatever still runs was interrupted. */
  stop(): Step[] {
    const changed: Step[] = [];
    for (const s of this.steps.values()) {
      if (s.status === "running") {
        s.status = "stopped";
        s.endedAt = this.now();
        changed.push({ ...s });
      }
    }
    return changed;
  }

  private start(urn: string, op: string): Step[] {
    const where = stepOf(urn);
    if (!where || this.running.has(urn)) return [];
    let s = this.steps.get(where.id);
    if (!s) {
      const { id, group } = where;
      s = {
        id,
        label: "",
        group,
        status: "running",
        op,
        resources: 0,
        finished: 0,
        startedAt: this.now(),
      };
      this.steps.set(where.id, s);
    }
    if ((OP_WEIGHT[op] ?? 2) > (OP_WEIGHT[s.op] ?? 2)) s.op = op;
    // "Installing Rancher" while it is installed or upgraded; "Rancher (Helm release)" while it
    // is deleted, refreshed or left alone.
    s.label = CHANGING.has(s.op) ? where.label : (where.noun ?? where.label);
    s.resources++;
    if (s.status === "done") s.status = "running";
    delete s.endedAt;
    this.running.set(urn, where.id);
    return [{ ...s }];
  }

  private finish(urn: string): Step[] {
    const id = this.running.get(urn);
    const s = id === undefined ? undefined : this.steps.get(id);
    if (!s) return [];
    this.running.delete(urn);
    s.finished++;
    if (s.finished >= s.resources && s.status === "running") {
      s.status = "done";
      s.endedAt = this.now();
    }
    return [{ ...s }];
  }

  private fail(urn: string, message?: string): Step[] {
    const where = stepOf(urn);
    const s = where ? this.steps.get(where.id) : undefined;
    if (!s) return [];
    this.running.delete(urn);
    s.status = "failed";
    s.endedAt ??= this.now();
    // Diagnostics carry the CLI's colour markup: the message text only.
    if (message && !s.error) s.error = message.replace(/<\{%[a-z]+%\}>/g, "").trim();
    return [{ ...s }];
  }
}

/**
 * The event as the portal streams it: what happened to which resource, without the resources'
 * old/new state (inputs and outputs). The engine already blinds secret values in events; not
 * sending state at all keeps anything secret out of the page even if one slipped through.
 */
export function slimEvent(ev: EngineEvent): EngineEvent {
  const slim = <T extends { metadata: StepEventMetadata }>(e: T): T => {
    const metadata = { ...e.metadata };
    delete metadata.old;
    delete metadata.new;
    return { ...e, metadata };
  };
  return {
    ...ev,
    ...(ev.resourcePreEvent ? { resourcePreEvent: slim(ev.resourcePreEvent) } : {}),
    ...(ev.resOutputsEvent ? { resOutputsEvent: slim(ev.resOutputsEvent) } : {}),
    ...(ev.resOpFailedEvent ? { resOpFailedEvent: slim(ev.resOpFailedEvent) } : {}),
  };
}
