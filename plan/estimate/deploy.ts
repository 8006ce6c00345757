// The modeled first deploy of a plan: every recorded resource becomes a step with the typical
// duration of its kind (durations.ts), scheduled over the plan's own dependency graph
// (schedule.ts). Nothing here knows the program's steps by name: change the dependencies and the
// estimate follows.
import { BASTION_ROLE, ROLE_TAG } from "../../components/instanceRoles";
import type { RecordedResource } from "../mocks";
import { COMPONENT_KIND, durationOf, stepKind } from "./durations";
import { schedule } from "./schedule";

export interface Step {
  urn: string;
  name: string;
  type: string;
  /** Key into the duration table; undefined when the table has no figure for it. */
  kind: string | undefined;
  label: string;
  seconds: number;
  start: number;
  finish: number;
  critical: boolean;
  /** Timeline section: a server, load balancers, DNS and certificate, Kubernetes and Helm, … */
  group: string;
}

export interface DeployEstimate {
  totalSeconds: number;
  /** Steps (components left out), in the order the plan registered them. */
  steps: Step[];
  /** The chain that sets the total, first to last. */
  criticalPath: Step[];
  /** Resources whose kind has no duration (counted as 0 s): the estimate is short by them. */
  unmodeled: { name: string; type: string }[];
}

const INSTANCE = "aws:ec2/instance:Instance";

export const GROUPS = {
  network: "Network and security",
  loadBalancers: "Load balancers",
  dns: "DNS and certificate",
  kubernetes: "Kubernetes and Helm",
} as const;

export function estimateDeploy(resources: readonly RecordedResource[]): DeployEstimate {
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  const resolve = (u: string) => byUrn.get(u);
  const kinds = new Map(resources.map((r) => [r.urn, stepKind(r, resolve)]));
  const seconds = (r: RecordedResource) => {
    const k = kinds.get(r.urn);
    return k === undefined ? 0 : durationOf(k)!.seconds;
  };
  const sched = schedule(
    resources.map((r) => ({
      id: r.urn,
      seconds: seconds(r),
      dependsOn: r.dependsOn,
      parent: r.parent,
    })),
  );
  const onPath = new Set(sched.criticalPath);
  const servers = serverOf(resources);
  const steps: Step[] = [];
  for (const r of resources) {
    const kind = kinds.get(r.urn);
    if (kind === COMPONENT_KIND) continue;
    const t = sched.timing.get(r.urn)!;
    steps.push({
      urn: r.urn,
      name: r.name,
      type: r.type,
      kind,
      label: kind === undefined ? "unmodeled" : labelOf(r, durationOf(kind)!.label),
      seconds: seconds(r),
      start: t.start,
      finish: t.finish,
      critical: onPath.has(r.urn),
      group: groupOf(r, servers),
    });
  }
  const byStep = new Map(steps.map((st) => [st.urn, st]));
  return {
    totalSeconds: sched.total,
    steps,
    criticalPath: sched.criticalPath.map((u) => byStep.get(u)!),
    unmodeled: resources
      .filter((r) => kinds.get(r.urn) === undefined)
      .map((r) => ({ name: r.name, type: r.type })),
  };
}

function labelOf(r: RecordedResource, label: string): string {
  if (r.type === "aws:lb/loadBalancer:LoadBalancer") {
    const t = r.inputs.loadBalancerType;
    return t === "application" ? "ALB" : t === "network" ? "NLB" : label;
  }
  return label;
}

function groupOf(r: RecordedResource, servers: Map<string, string>): string {
  const server = servers.get(r.urn);
  if (server !== undefined) return server;
  if (r.type.startsWith("aws:lb/")) return GROUPS.loadBalancers;
  if (r.type.startsWith("aws:route53/") || r.type.startsWith("aws:acm/")) return GROUPS.dns;
  if (r.type.startsWith("kubernetes:") || r.type.startsWith("pulumi:providers:kubernetes")) {
    return GROUPS.kubernetes;
  }
  return GROUPS.network;
}

/**
 * The server each instance and remote step belongs to: the one instance it depends on directly;
 * when it depends on several (a parameter file naming the peers), the server of its remote-step
 * dependencies (the stage step on that server).
 */
function isBastion(r: RecordedResource): boolean {
  const tags = r.inputs.tags;
  return (
    typeof tags === "object" &&
    tags !== null &&
    (tags as Record<string, unknown>)[ROLE_TAG] === BASTION_ROLE
  );
}

function serverOf(resources: readonly RecordedResource[]): Map<string, string> {
  const instances = new Map(resources.filter((r) => r.type === INSTANCE).map((r) => [r.urn, r]));
  const out = new Map<string, string>();
  for (const r of instances.values()) out.set(r.urn, r.name);
  // Registration order: a step's dependencies are registered (and assigned) before it.
  for (const r of resources) {
    if (!r.type.startsWith("command:remote:") && r.type !== "command:local:Command") continue;
    // Steps through the bastion depend on it too: it is the way in, not their server.
    const direct = r.dependsOn.filter((u) => instances.has(u) && !isBastion(instances.get(u)!));
    if (direct.length === 1) {
      out.set(r.urn, instances.get(direct[0])!.name);
      continue;
    }
    const viaSteps = r.dependsOn
      .filter((u) => !instances.has(u) && out.has(u))
      .map((u) => out.get(u)!);
    const pick = viaSteps[0] ?? (direct[0] ? instances.get(direct[0])!.name : undefined);
    if (pick !== undefined) out.set(r.urn, pick);
  }
  return out;
}
