// How long the first deploy of a plan takes and what the stack costs a month: both estimates,
// derived from the recorded resources (their dependency graph, types and inputs). Computed only
// when a renderer asks for it; the plan itself does not change.
import type { Plan } from "../run";
import { CostEstimate, estimateCost, PRICE_TABLE_PATH } from "./cost";
import { estimateDeploy } from "./deploy";
import { renderTimeline, shortDuration } from "./timeline";

export const ESTIMATE_NOTE =
  "Estimate, not a measurement or a quote: typical step durations (plan/estimate/durations.ts) over the plan's dependency graph, and on-demand list prices (" +
  PRICE_TABLE_PATH +
  ").";

export interface CriticalStep {
  name: string;
  type: string;
  /** What the step is (its kind in the duration table). */
  step: string;
  startSeconds: number;
  seconds: number;
}

export interface PlanEstimate {
  note: string;
  /** Modeled first `pulumi up`, minutes, one decimal. */
  firstDeployMinutes: number;
  /** Monthly total in USD, or null when part of the stack could not be priced. */
  monthlyCostUsd: number | null;
  criticalPath: CriticalStep[];
  /** Resources with no duration figure (counted as 0 s): the time is short by them. */
  unmodeled: { name: string; type: string }[];
  cost: CostEstimate;
}

export function planEstimate(plan: Plan): PlanEstimate {
  const deploy = estimateDeploy(plan.resources);
  const cost = estimateCost(plan.resources, plan.config.region);
  return {
    note: ESTIMATE_NOTE,
    firstDeployMinutes: Math.round(deploy.totalSeconds / 6) / 10,
    monthlyCostUsd: cost.monthlyUsd,
    criticalPath: deploy.criticalPath.map((s) => ({
      name: s.name,
      type: s.type,
      step: s.label,
      startSeconds: s.start,
      seconds: s.seconds,
    })),
    unmodeled: deploy.unmodeled,
    cost,
  };
}

/** The Mermaid gantt of the modeled first deploy. */
export function renderPlanTimeline(plan: Plan): string {
  const deploy = estimateDeploy(plan.resources);
  const minutes = (Math.round(deploy.totalSeconds / 6) / 10).toFixed(1);
  return renderTimeline(
    deploy,
    `First deploy of ${plan.project}/${plan.stack} - about ${minutes} min (modeled estimate)`,
  );
}

const usd = (x: number) => `$${x.toFixed(2)}`;

/** The cost as text lines (tree output). */
export function costLines(cost: CostEstimate): string[] {
  const lines = [
    `Monthly cost estimate for ${cost.region} (on-demand list prices from ${PRICE_TABLE_PATH}, compiled ${cost.pricesRetrieved}; an estimate, not a quote):`,
  ];
  const width = Math.max(0, ...cost.byKind.map((k) => `${k.label}: ${k.detail}`.length));
  for (const k of cost.byKind) {
    lines.push(`  ${`${k.label}: ${k.detail}`.padEnd(width)}  ${usd(k.monthlyUsd).padStart(9)}`);
  }
  if (cost.monthlyUsd !== null) {
    lines.push(`  ${"Total".padEnd(width)}  ${usd(cost.monthlyUsd).padStart(9)} a month`);
  } else {
    lines.push(`  No total: could not price ${cost.unpriced.join("; ")}.`);
    if (cost.lines.length > 0) lines.push(`  Priced part: ${usd(cost.pricedUsd)} a month.`);
  }
  for (const x of cost.assumptions) lines.push(`  Assumed: ${x}`);
  lines.push(`  Not included: ${cost.excluded.map((x) => x.replace(/ \(.*\)$/, "")).join("; ")}.`);
  return lines;
}

/** One line: the modeled first-deploy time and its critical path. */
export function deployLine(e: PlanEstimate): string {
  const path = e.criticalPath
    .map((s) => `${s.name} (${s.step}, ${shortDuration(s.seconds)})`)
    .join(" → ");
  const short = e.unmodeled.length
    ? ` [no duration for ${e.unmodeled.map((u) => `${u.name} (${u.type})`).join(", ")}]`
    : "";
  return `Expected first deploy: about ${e.firstDeployMinutes.toFixed(1)} min (modeled estimate)${short}; critical path: ${path}`;
}

/** The cost as a Markdown table with its basis (README). */
export function costMarkdown(cost: CostEstimate): string {
  const lines = ["| monthly cost estimate | USD |", "|---|---:|"];
  for (const k of cost.byKind) lines.push(`| ${k.label}: ${k.detail} | ${usd(k.monthlyUsd)} |`);
  if (cost.monthlyUsd !== null) lines.push(`| **Total** | **${usd(cost.monthlyUsd)}** |`);
  else lines.push(`| **Total** | not priced |`);
  lines.push("");
  const basis = [
    `Estimate for ${cost.region}, not a quote: on-demand list prices from \`${PRICE_TABLE_PATH}\`, compiled ${cost.pricesRetrieved}.`,
  ];
  if (cost.monthlyUsd === null) basis.push(`Could not price: ${cost.unpriced.join("; ")}.`);
  for (const x of cost.assumptions) basis.push(`Assumed: ${x}`);
  basis.push(`Not included: ${cost.excluded.map((x) => x.replace(/ \(.*\)$/, "")).join("; ")}.`);
  lines.push(basis.join(" "));
  return lines.join("\n") + "\n";
}
