// `npm run bench`: how long the offline plan takes and how much memory it needs, per stack shape,
// beside the modeled first deploy of that shape (plan/estimate) and what computing the estimate
// costs. Numbers are printed, never asserted (timing belongs here, not in tests).
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { planEstimate } from "../plan/estimate";
import { runPlan } from "../plan/run";
import { skipSdkStackTraces } from "../plan/sdkStackTraces";

// The fixture stacks use the default nodeAccess (bastion: private servers behind a NAT gateway);
// the public variants show what the NAT gateway adds to the first deploy.
const CASES: { label: string; stack: string; overrides: string[] }[] = [
  { label: "dev (l4, 3 servers)", stack: "dev", overrides: [] },
  { label: "prod (l7, 3 servers)", stack: "prod", overrides: [] },
  { label: "dev (l4, 7 servers)", stack: "dev", overrides: ["serverCount=7"] },
  { label: "dev, public servers", stack: "dev", overrides: ["nodeAccess=public"] },
  {
    label: "dev, public, 7 servers",
    stack: "dev",
    overrides: ["nodeAccess=public", "serverCount=7"],
  },
];
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
// The tests' fixture copies of the example stacks: numbers stay comparable whatever stacks/ holds.
const STACK_DIR = path.join(__dirname, "..", "test", "fixtures", "stacks");

async function main(): Promise<void> {
  // As the plan command does (bin/plan.ts): the numbers are what `npm run plan` costs.
  skipSdkStackTraces();
  const startRss = process.memoryUsage().rss;
  console.log(`offline plan benchmark: ${RUNS} runs per case (first run includes module loading)`);
  for (const c of CASES) {
    const times: number[] = [];
    const estimateTimes: number[] = [];
    let resources = 0;
    let minutes = 0;
    for (let i = 0; i < RUNS; i++) {
      const t0 = performance.now();
      const plan = await runPlan({ stack: c.stack, overrides: c.overrides, stackDir: STACK_DIR });
      times.push(performance.now() - t0);
      resources = plan.resources.length;
      // Measured apart: the plan itself does not compute the estimate.
      const t1 = performance.now();
      minutes = planEstimate(plan).firstDeployMinutes;
      estimateTimes.push(performance.now() - t1);
    }
    const sorted = [...times].sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)];
    const est = [...estimateTimes].sort((a, b) => a - b)[Math.floor(estimateTimes.length / 2)];
    console.log(
      `${c.label.padEnd(24)} ${String(resources).padStart(4)} resources  first ${times[0].toFixed(0)} ms  median ${median.toFixed(0)} ms  max ${sorted[sorted.length - 1].toFixed(0)} ms  | modeled first deploy ${minutes.toFixed(1)} min (estimate computed in ${est.toFixed(1)} ms)`,
    );
  }
  const mem = process.memoryUsage();
  console.log(
    `peak-ish rss ${(mem.rss / 2 ** 20).toFixed(0)} MiB (start ${(startRss / 2 ** 20).toFixed(0)} MiB), heap used ${(mem.heapUsed / 2 ** 20).toFixed(0)} MiB`,
  );
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
