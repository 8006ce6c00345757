// The estimate in the plan's outputs: `--format timeline` is a Mermaid gantt chart that the real
// mermaid parser accepts (critical path tagged crit, bars as long as the model's steps), `--json`
// and the automation library's planData carry `estimate`, and the tree ends with the one-line
// first-deploy summary.
import * as assert from "node:assert/strict";
import { planData } from "../automation/plan";
import { main } from "../bin/plan";
import { estimateDeploy } from "../plan/estimate/deploy";
import { plan } from "./helpers";
import { mermaidParse } from "./mermaid-real";

async function run(args: string[]) {
  let out = "";
  let err = "";
  const code = await main(args, { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

describe("estimate in the plan command and library", function () {
  this.timeout(180_000);

  for (const [stack, overrides] of [
    ["dev", []],
    ["prod", []],
    ["dev", ["serverCount=7"]],
  ] as [string, string[]][]) {
    it(`--format timeline (${stack} ${overrides.join(" ")}): a valid gantt, critical path tagged crit`, async () => {
      const args = [
        "--stack",
        stack,
        "--format",
        "timeline",
        ...overrides.flatMap((o) => ["--config", o]),
      ];
      const r = await run(args);
      assert.equal(r.code, 0, r.err);
      assert.match(r.out, /^gantt\n/);
      const parsed = mermaidParse(r.out);
      assert.equal(parsed.diagramType, "gantt");
      const model = estimateDeploy((await plan(stack, overrides)).resources);
      assert.match(
        parsed.title!,
        new RegExp(`about ${(Math.round(model.totalSeconds / 6) / 10).toFixed(1)} min`),
      );
      const tasks = parsed.tasks!;
      // Every critical step is a crit bar, in order, and nothing else is.
      const crit = tasks.filter((t) => t.crit).sort((a, b) => a.start - b.start);
      assert.deepEqual(
        crit.map((t) => t.task.split(" ")[0]),
        model.criticalPath.map((s) => s.name),
      );
      // Bars are placed and sized as the model says (ms from the chart's origin).
      const origin = Math.min(...tasks.map((t) => t.start));
      for (const [i, s] of model.criticalPath.entries()) {
        assert.equal(crit[i].start - origin, s.start * 1000, `${s.name} start`);
        assert.equal(crit[i].end - crit[i].start, s.seconds * 1000, `${s.name} duration`);
      }
      assert.equal(Math.max(...tasks.map((t) => t.end)) - origin, model.totalSeconds * 1000);
      // Parallel work beside it, grouped: one section per server, the load balancers, Helm.
      const sections = new Set(tasks.map((t) => t.section));
      const servers = model.steps.filter((s) => s.type === "aws:ec2/instance:Instance");
      for (const s of servers) assert.ok(sections.has(s.name), `section for ${s.name}`);
      assert.ok(sections.has("Load balancers") && sections.has("Kubernetes and Helm"));
      assert.ok(
        tasks.some((t) => !t.crit && / NLB /.test(t.task)),
        "a load balancer beside the path",
      );
    });
  }

  it("--json carries estimate { firstDeployMinutes, monthlyCostUsd, criticalPath }", async () => {
    const r = await run(["--stack", "dev", "--json"]);
    assert.equal(r.code, 0, r.err);
    const { estimate } = JSON.parse(r.out);
    const model = estimateDeploy((await plan("dev")).resources);
    assert.equal(estimate.firstDeployMinutes, Math.round(model.totalSeconds / 6) / 10);
    assert.deepEqual(
      estimate.criticalPath.map((s: { name: string }) => s.name),
      model.criticalPath.map((s) => s.name),
    );
    assert.equal(typeof estimate.monthlyCostUsd, "number");
    assert.equal(estimate.monthlyCostUsd, estimate.cost.monthlyUsd);
    assert.match(estimate.note, /Estimate, not a measurement or a quote/);
    assert.deepEqual(estimate.unmodeled, []);
  });

  it("--json for a region without prices: monthlyCostUsd null and the reason", async () => {
    // sa-east-1 is not in plan/data/prices.json: no figure is guessed for it.
    const r = await run(["--stack", "dev", "--config", "aws:region=sa-east-1", "--json"]);
    assert.equal(r.code, 0, r.err);
    const { estimate } = JSON.parse(r.out);
    assert.equal(estimate.monthlyCostUsd, null);
    assert.match(estimate.cost.unpriced[0], /region sa-east-1: no prices/);
    assert.ok(estimate.firstDeployMinutes > 0, "the time is still modeled");
  });

  it("the tree ends with the expected first-deploy time and the critical path, in one line", async () => {
    const r = await run(["--stack", "dev"]);
    assert.equal(r.code, 0, r.err);
    const lines = r.out.trimEnd().split("\n");
    const last = lines[lines.length - 1];
    const model = estimateDeploy((await plan("dev")).resources);
    assert.match(
      last,
      /^Expected first deploy: about \d+\.\d min \(modeled estimate\); critical path: /,
    );
    assert.equal(last.split(" → ").length, model.criticalPath.length);
    assert.ok(
      last.includes("rancher-rke2-1-start (RKE2 first server start (staged images), 1m30s)"),
      last,
    );
    // The cost comes just before it, labelled as an estimate.
    assert.match(r.out, /Monthly cost estimate for us-east-1 .*an estimate, not a quote/);
    assert.match(r.out, /EC2 instances: 1 × t3\.micro, 3 × m6i\.xlarge +\$\d+\.\d\d/);
    assert.match(r.out, /Total +\$\d+\.\d\d a month/);
  });

  it("the tree of a stack in an unpriced region says what it could not price", async () => {
    const r = await run(["--stack", "dev", "--config", "aws:region=sa-east-1"]);
    assert.match(
      r.out,
      /No total: could not price region sa-east-1: no prices in plan\/data\/prices\.json/,
    );
  });

  it("the tree of prod prices it in eu-west-1", async () => {
    const r = await run(["--stack", "prod"]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /Monthly cost estimate for eu-west-1 /);
    assert.match(r.out, /Load balancers: 2 × NLB, 1 × ALB +\$\d+\.\d\d/);
    assert.match(r.out, /Total +\$\d+\.\d\d a month/);
  });

  it("an unknown --format names the choices", async () => {
    const r = await run(["--stack", "dev", "--format", "gantt"]);
    assert.equal(r.code, 2);
    assert.match(r.err, /--format must be tree, json, mermaid or timeline/);
  });

  it("planData (automation library) carries the same estimate and the timeline", async () => {
    const p = await plan("dev");
    const data = planData(p);
    const cli = JSON.parse((await run(["--stack", "dev", "--json"])).out);
    assert.deepEqual(JSON.parse(JSON.stringify(data.estimate)), cli.estimate);
    assert.match(data.timeline, /^gantt\n/);
    assert.equal(mermaidParse(data.timeline).diagramType, "gantt");
  });
});
