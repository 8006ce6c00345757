// One evaluation per distinct plan in a test process. runPlan is a pure function of the stack
// name, the stack's raw config (file plus overrides), the placeholder cloud and the previous RKE2
// version; the plan command, docs, estimate and policy tests ask for the same fixture plans
// through the real entry points dozens of times, each a full evaluation on the mock runtime.
//
// installPlanCache (test/process-setup.ts, before any test file loads) replaces plan/run's runPlan
// export with one that evaluates each distinct input once and hands every caller its own deep
// copy, as a fresh run would. Config that fails validation is never cached (the real runPlan
// rejects it, registering nothing), nor is a failed evaluation. evaluatePlan is the uncached
// runPlan, for tests about evaluation itself (the same text from separate runs).
import * as run from "../plan/run";
import type { Plan, PlanOptions } from "../plan/run";
import { Secret } from "../plan/values";

/** The real runPlan: evaluates the program every time. */
export const evaluatePlan: (opts: PlanOptions) => Promise<Plan> = run.runPlan;

const plans = new Map<string, Promise<Plan>>();

/** The inputs a plan depends on, or undefined when its config does not validate. */
function planKey(opts: PlanOptions): string | undefined {
  try {
    const { raw } = run.planConfig(opts);
    return JSON.stringify([opts.stack, raw, opts.cloud ?? null, opts.previousRke2Version ?? null]);
  } catch {
    return undefined;
  }
}

/** A deep copy: plans hold plain objects, arrays, primitives and Secret. */
function copy<T>(v: T): T {
  if (v === null || typeof v !== "object") return v;
  if (Array.isArray(v)) return v.map(copy) as T;
  const proto = Object.getPrototypeOf(v) as object | null;
  if (proto !== Object.prototype && proto !== null && !(v instanceof Secret)) {
    throw new Error(`test/plan-cache.ts: cannot copy a ${proto.constructor.name} in a plan`);
  }
  const out = Object.create(proto) as Record<string, unknown>;
  for (const [k, x] of Object.entries(v)) out[k] = copy(x);
  return out as T;
}

function cachedRunPlan(opts: PlanOptions): Promise<Plan> {
  const key = planKey(opts);
  if (key === undefined) return evaluatePlan(opts);
  let p = plans.get(key);
  if (!p) {
    p = evaluatePlan(opts);
    plans.set(key, p);
    p.catch(() => plans.delete(key));
  }
  return p.then(copy);
}

/** Makes `require("../plan/run").runPlan` the cached one for every module loaded after this. */
export function installPlanCache(): void {
  const loaded = require.cache[require.resolve("../plan/run")];
  if (!loaded) throw new Error("test/plan-cache.ts: plan/run is not loaded");
  const exports = Object.getOwnPropertyDescriptors(loaded.exports as object);
  loaded.exports = Object.defineProperties(
    {},
    {
      ...exports,
      runPlan: { value: cachedRunPlan, enumerable: true },
    },
  );
}
