// Earliest-start schedule and critical path of a deployment graph. Pure: nodes in, times out.
//
// The engine's rules, as the plan records them (plan/mocks.ts): a resource starts when every
// resource it depends on has finished (`pulumi up` runs independent operations in parallel,
// unbounded by default: `--parallel` "Defaults to unbounded", pulumi up CLI reference); depending
// on a component means waiting for all of its children (test/helpers.ts `waitsFor`).

export interface ScheduleNode {
  id: string;
  /** Seconds this step takes; 0 for components and instant steps. */
  seconds: number;
  dependsOn: readonly string[];
  parent: string | null;
}

export interface Timing {
  start: number;
  finish: number;
}

export interface Schedule {
  timing: Map<string, Timing>;
  /** When the last step finishes (seconds from the start of the deployment). */
  total: number;
  /** The chain of steps that sets `total`, first to last (components left out). */
  criticalPath: string[];
}

export class CycleError extends Error {
  constructor(public readonly cycle: string[]) {
    super(`dependency cycle: ${cycle.join(" → ")}`);
  }
}

/**
 * Each node's effective dependencies: its recorded ones that are in the graph (not itself, not
 * one of its ancestors, which it cannot wait for), and for a component its children too.
 */
export function effectiveDependencies(nodes: readonly ScheduleNode[]): Map<string, string[]> {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const ancestors = (n: ScheduleNode): Set<string> => {
    const seen = new Set<string>();
    for (let p = n.parent; p !== null && !seen.has(p); p = byId.get(p)?.parent ?? null) seen.add(p);
    return seen;
  };
  const deps = new Map<string, string[]>();
  for (const n of nodes) {
    const up = ancestors(n);
    deps.set(
      n.id,
      [...new Set(n.dependsOn)].filter((d) => d !== n.id && byId.has(d) && !up.has(d)),
    );
  }
  for (const n of nodes) {
    if (n.parent !== null && byId.has(n.parent)) deps.get(n.parent)!.push(n.id);
  }
  return deps;
}

/** Earliest start and finish of every node, the total, and the critical path. */
export function schedule(nodes: readonly ScheduleNode[]): Schedule {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  if (byId.size !== nodes.length) throw new Error("duplicate node ids");
  for (const n of nodes) {
    if (!(n.seconds >= 0 && Number.isFinite(n.seconds))) {
      throw new Error(`${n.id}: duration must be a finite number ≥ 0, got ${n.seconds}`);
    }
  }
  const deps = effectiveDependencies(nodes);
  const timing = new Map<string, Timing>();
  // Iterative depth-first search: plans are small, but a deep chain must not hit the stack.
  const state = new Map<string, "visiting" | "done">();
  for (const root of nodes) {
    if (state.get(root.id) === "done") continue;
    const stack: { id: string; next: number }[] = [{ id: root.id, next: 0 }];
    state.set(root.id, "visiting");
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      const ds = deps.get(top.id)!;
      if (top.next < ds.length) {
        const d = ds[top.next++];
        const s = state.get(d);
        if (s === "visiting") {
          const cycle = stack.slice(stack.findIndex((e) => e.id === d)).map((e) => e.id);
          throw new CycleError([...cycle, d]);
        }
        if (s === undefined) {
          state.set(d, "visiting");
          stack.push({ id: d, next: 0 });
        }
        continue;
      }
      const start = Math.max(0, ...ds.map((d) => timing.get(d)!.finish));
      timing.set(top.id, { start, finish: start + byId.get(top.id)!.seconds });
      state.set(top.id, "done");
      stack.pop();
    }
  }
  // The last node to finish (first in input order on ties) ends the deployment.
  let last: string | undefined;
  for (const n of nodes) {
    if (last === undefined || timing.get(n.id)!.finish > timing.get(last)!.finish) last = n.id;
  }
  const total = last === undefined ? 0 : timing.get(last)!.finish;
  return { timing, total, criticalPath: last === undefined ? [] : trace(last) };

  // Walk back through the dependency that finished last (the one that held each step up).
  function trace(from: string): string[] {
    const components = new Set(nodes.map((n) => n.parent).filter((p) => p !== null));
    const chain: string[] = [];
    for (let id: string | undefined = from; id !== undefined;) {
      if (!components.has(id) && byId.get(id)!.seconds > 0) chain.push(id);
      const start: number = timing.get(id)!.start;
      id = start > 0 ? deps.get(id)!.find((d) => timing.get(d)!.finish === start) : undefined;
    }
    return chain.reverse();
  }
}
