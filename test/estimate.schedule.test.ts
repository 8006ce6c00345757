// The critical-path schedule: small hand-made graphs with known answers, the engine's rules for
// components (waiting for a component means waiting for its children), and properties checked
// on random graphs against a brute-force longest path.
import * as assert from "node:assert/strict";
import {
  CycleError,
  effectiveDependencies,
  schedule,
  ScheduleNode,
} from "../plan/estimate/schedule";

const node = (
  id: string,
  seconds: number,
  dependsOn: string[] = [],
  parent: string | null = null,
): ScheduleNode => ({ id, seconds, dependsOn, parent });

describe("estimate: schedule", () => {
  it("a chain adds up; a step starts when its dependency finishes", () => {
    const s = schedule([node("a", 5), node("b", 10, ["a"]), node("c", 1, ["b"])]);
    assert.deepEqual(s.timing.get("b"), { start: 5, finish: 15 });
    assert.equal(s.total, 16);
    assert.deepEqual(s.criticalPath, ["a", "b", "c"]);
  });

  it("parallel branches: the longer one is critical, the join waits for both", () => {
    const s = schedule([
      node("vpc", 5),
      node("lb", 180, ["vpc"]),
      node("vm", 35, ["vpc"]),
      node("ssh", 45, ["vm"]),
      node("install", 75, ["lb", "ssh"]),
    ]);
    assert.equal(s.timing.get("install")!.start, 185);
    assert.equal(s.total, 260);
    assert.deepEqual(s.criticalPath, ["vpc", "lb", "install"]);
  });

  it("depending on a component waits for all of its children", () => {
    const s = schedule([
      node("cluster", 0),
      node("start-1", 120, [], "cluster"),
      node("start-2", 90, ["start-1"], "cluster"),
      node("rancher", 180, ["cluster"]),
    ]);
    assert.equal(s.timing.get("cluster")!.finish, 210);
    assert.equal(s.timing.get("rancher")!.start, 210);
    assert.deepEqual(s.criticalPath, ["start-1", "start-2", "rancher"], "components left out");
  });

  it("a child never waits for its own ancestors; unknown and self dependencies are ignored", () => {
    const nodes = [
      node("top", 0),
      node("comp", 0, [], "top"),
      node("x", 10, ["comp", "top", "x", "urn:not-in-plan"], "comp"),
    ];
    assert.deepEqual(effectiveDependencies(nodes).get("x"), []);
    assert.equal(schedule(nodes).total, 10);
  });

  it("zero-duration steps are not on the reported path", () => {
    const s = schedule([node("token", 0), node("start", 120, ["token"])]);
    assert.deepEqual(s.criticalPath, ["start"]);
  });

  it("ties resolve deterministically (first dependency, first node)", () => {
    const nodes = [node("a", 10), node("b", 10), node("c", 5, ["a", "b"]), node("d", 15)];
    const s = schedule(nodes);
    assert.equal(s.total, 15);
    assert.deepEqual(s.criticalPath, ["a", "c"], "c finishes at 15 before d in input order");
    assert.deepEqual(schedule(nodes).criticalPath, s.criticalPath);
  });

  it("refuses a cycle, naming it", () => {
    assert.throws(
      () => schedule([node("a", 1, ["c"]), node("b", 1, ["a"]), node("c", 1, ["b"])]),
      (e: unknown) =>
        e instanceof CycleError &&
        JSON.stringify(e.cycle) === JSON.stringify(["a", "c", "b", "a"]) &&
        e.message === "dependency cycle: a → c → b → a",
    );
  });

  it("refuses negative or non-finite durations and duplicate ids", () => {
    assert.throws(() => schedule([node("a", -1)]), /a: duration/);
    assert.throws(() => schedule([node("a", NaN)]), /a: duration/);
    assert.throws(() => schedule([node("a", 1), node("a", 2)]), /duplicate/);
  });

  it("an empty graph takes no time", () => {
    assert.deepEqual(schedule([]).criticalPath, []);
    assert.equal(schedule([]).total, 0);
  });

  it("a long chain does not overflow the stack", () => {
    const nodes = Array.from({ length: 20_000 }, (_, i) =>
      node(`n${i}`, 1, i ? [`n${i - 1}`] : []),
    );
    assert.equal(schedule(nodes).total, 20_000);
  });

  describe("properties on random graphs", () => {
    // A small deterministic generator (mulberry32): reproducible failures.
    const rng = (seed: number) => () => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    const randomGraph = (seed: number): ScheduleNode[] => {
      const r = rng(seed);
      const n = 2 + Math.floor(r() * 25);
      const nodes: ScheduleNode[] = [];
      for (let i = 0; i < n; i++) {
        // Dependencies only on earlier nodes: a DAG (components are covered above).
        const deps = nodes.filter(() => r() < 0.2).map((x) => x.id);
        nodes.push(node(`n${i}`, Math.floor(r() * 200), deps));
      }
      // Shuffle so that input order is not a topological order.
      for (let i = nodes.length - 1; i > 0; i--) {
        const j = Math.floor(r() * (i + 1));
        [nodes[i], nodes[j]] = [nodes[j], nodes[i]];
      }
      return nodes;
    };
    /** Longest path by brute force over all paths (exponential; fine for small graphs). */
    const longest = (nodes: ScheduleNode[]): number => {
      const byId = new Map(nodes.map((x) => [x.id, x]));
      const memo = new Map<string, number>();
      const f = (id: string): number => {
        if (memo.has(id)) return memo.get(id)!;
        const x = byId.get(id)!;
        const v = x.seconds + Math.max(0, ...x.dependsOn.map(f));
        memo.set(id, v);
        return v;
      };
      return Math.max(0, ...nodes.map((x) => f(x.id)));
    };

    for (let seed = 1; seed <= 200; seed++) {
      it(`seed ${seed}: total is the longest path; the path is a tight chain summing to it`, () => {
        const nodes = randomGraph(seed);
        const s = schedule(nodes);
        const byId = new Map(nodes.map((x) => [x.id, x]));
        assert.equal(s.total, longest(nodes));
        for (const x of nodes) {
          const t = s.timing.get(x.id)!;
          assert.equal(t.finish, t.start + x.seconds);
          for (const d of x.dependsOn) assert.ok(s.timing.get(d)!.finish <= t.start);
        }
        const path = s.criticalPath;
        assert.equal(
          path.reduce((sum, id) => sum + byId.get(id)!.seconds, 0),
          s.total,
          "the critical path's durations add up to the total",
        );
        for (let i = 1; i < path.length; i++) {
          assert.equal(s.timing.get(path[i])!.start, s.timing.get(path[i - 1])!.finish);
        }
      });
    }
  });
});
