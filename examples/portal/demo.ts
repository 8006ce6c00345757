// Engine events for the fake engine that look like a real first `up` of a plan: every resource
// of the offline plan starts and finishes in the order of the plan's modeled first deploy
// (plan/estimate: typical durations over the dependency graph). Used by the browser tests and
// `npm run screenshots`; nothing is deployed.
import type { EngineEvent } from "@pulumi/pulumi/automation";
import { listStacks, openStack, planData, planStack, stackOutputs } from "../../automation";
import type { FakeEngine, FakeScript } from "../../automation/fake";
import { estimateDeploy } from "../../plan/estimate/deploy";
import type { Plan } from "../../plan/run";
import type { PortalLibrary } from "./api";

const phase = (p: { pre: boolean; step: { seconds: number } }) =>
  p.pre ? 1 : p.step.seconds > 0 ? 0 : 2;

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
  const steps = estimateDeploy(plan.resources).steps;
  const points = steps
    .flatMap((step) => [
      { at: step.start, pre: true, step },
      { at: step.finish, pre: false, step },
    ])
    // At one instant: what finishes, then what starts (it may be waiting for it), then what
    // takes no time at all finishes.
    .sort((a, b) => a.at - b.at || phase(a) - phase(b));
  const holdAt = opts.holdWhile
    ? steps.find((step) => step.name === opts.holdWhile)?.finish
    : undefined;
  const events: (Partial<EngineEvent> | string)[] = [
    `${kind === "up" ? "Updating" : "Previewing update"} (${plan.stack})\n\n`,
  ];
  for (const p of points) {
    if (holdAt !== undefined && p.at >= holdAt) break;
    const { urn, type, name } = p.step;
    const metadata = { op: "create" as const, urn, type, provider: "" };
    if (p.pre) {
      events.push({ resourcePreEvent: { metadata } });
      events.push(` +  ${type} ${name} ${ing}\n`);
    } else {
      events.push({ resOutputsEvent: { metadata } });
      if (kind === "up") events.push(` +  ${type} ${name} created (${p.step.seconds}s)\n`);
    }
  }
  const total = steps.length;
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
