// Engine events for the fake engine that look like a real first `up` of a plan: every resource
// of the offline plan starts once what it depends on has finished, and takes an illustrative
// time for its kind. Used by the browser tests and `npm run screenshots`; nothing is deployed.
import type { EngineEvent } from "@pulumi/pulumi/automation";
import { listStacks, openStack, planData, planStack, stackOutputs } from "../../automation";
import type { FakeEngine, FakeScript } from "../../automation/fake";
import type { RecordedResource } from "../../plan/mocks";
import type { Plan } from "../../plan/run";
import type { PortalLibrary } from "./api";

/** Seconds per kind of resource: for a believable order of events only, not an estimate. */
function seconds(r: RecordedResource): number {
  if (r.type === "aws:lb/loadBalancer:LoadBalancer") return 180;
  if (r.type === "aws:ec2/instance:Instance") return 35;
  if (r.type === "aws:acm/certificateValidation:CertificateValidation") return 120;
  if (r.type === "kubernetes:helm.sh/v3:Release") return r.name.endsWith("-rancher") ? 180 : 60;
  if (r.type.startsWith("command:remote:")) {
    if (r.name.endsWith("-install")) return 75;
    if (/-rke2-1-start$/.test(r.name)) return 120;
    if (r.name.endsWith("-start")) return 90;
    return 5;
  }
  return 2;
}

interface Timed {
  resource: RecordedResource;
  start: number;
  end: number;
}

/** When each custom resource of the plan would start and end, dependencies first. */
export function schedule(plan: Plan): Timed[] {
  const byUrn = new Map(plan.resources.map((r) => [r.urn, r]));
  const end = new Map<string, number>();
  const timed: Timed[] = [];
  const visit = (r: RecordedResource, seen: Set<string>): number => {
    const known = end.get(r.urn);
    if (known !== undefined) return known;
    if (seen.has(r.urn)) return 0;
    seen.add(r.urn);
    // A component is done when its children are; a resource waits for its dependencies.
    const deps = r.dependsOn.map((u) => byUrn.get(u)).filter((d): d is RecordedResource => !!d);
    const children = r.custom ? [] : plan.resources.filter((c) => c.parent === r.urn);
    const ready = Math.max(0, ...deps.map((d) => visit(d, seen)));
    const finish = r.custom
      ? ready + seconds(r)
      : Math.max(ready, ...children.map((c) => visit(c, seen)));
    end.set(r.urn, finish);
    if (r.custom) timed.push({ resource: r, start: ready, end: finish });
    return finish;
  };
  for (const r of plan.resources) visit(r, new Set());
  return timed.sort((a, b) => a.start - b.start || a.end - b.end);
}

/**
 * The fake engine's script for an `up` (or a `preview`) of the plan. With `holdWhile`, the
 * events stop while the named resource is running and the operation waits there (release()).
 */
export function demoScript(
  plan: Plan,
  opts: { kind?: "up" | "preview"; holdWhile?: string; delayMs?: number } = {},
): FakeScript {
  const kind = opts.kind ?? "up";
  const ing = kind === "up" ? "creating" : "create";
  const timed = schedule(plan);
  const points = timed
    .flatMap((t) => [
      { at: t.start, pre: true, t },
      { at: t.end, pre: false, t },
    ])
    .sort((a, b) => a.at - b.at || Number(b.pre) - Number(a.pre));
  const holdAt = opts.holdWhile
    ? timed.find((t) => t.resource.name === opts.holdWhile)?.end
    : undefined;
  const events: (Partial<EngineEvent> | string)[] = [
    `${kind === "up" ? "Updating" : "Previewing update"} (${plan.stack})\n\n`,
  ];
  for (const p of points) {
    if (holdAt !== undefined && p.at >= holdAt) break;
    const { urn, type, name } = p.t.resource;
    const metadata = { op: "create" as const, urn, type, provider: "" };
    if (p.pre) {
      events.push({ resourcePreEvent: { metadata } });
      events.push(` +  ${type} ${name} ${ing}\n`);
    } else {
      events.push({ resOutputsEvent: { metadata } });
      if (kind === "up") {
        events.push(` +  ${type} ${name} created (${p.t.end - p.t.start}s)\n`);
      }
    }
  }
  const total = timed.length;
  if (holdAt === undefined) {
    events.push(`\nResources:\n    + ${total} ${kind === "up" ? "created" : "to create"}\n`);
  }
  return {
    events,
    delayMs: opts.delayMs ?? 5,
    changes: { create: total },
    ...(holdAt !== undefined ? { hold: true } : {}),
  };
}

/** The real library functions on the fake engine: the portal's test double at the boundary. */
export function fakeLibrary(engine: FakeEngine): PortalLibrary {
  return {
    openStack: (args) => openStack({ ...args, options: { ...args.options, engine } }),
    stackOutputs: (args) => stackOutputs({ ...args, options: { ...args.options, engine } }),
    planStack: (name, settings, region) => planStack(name, settings, region),
    planData: (plan) => planData(plan),
    listStacks: (options) => listStacks({ ...options, engine }),
  };
}
