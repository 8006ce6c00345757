// Renders a plan for people (a tree) and for programs (one JSON document).
import { costLines, deployLine, planEstimate, PlanEstimate } from "./estimate";
import type { Plan } from "./run";
import { reveal } from "./values";

export interface PlanDocument {
  project: string;
  stack: string;
  note: string;
  warnings: string[];
  resources: {
    urn: string;
    type: string;
    name: string;
    parent: string | null;
    dependsOn: string[];
    inputs: unknown;
  }[];
  outputs: unknown;
  /** Modeled first-deploy time, critical path and monthly cost (estimates). */
  estimate: PlanEstimate;
}

export const PLACEHOLDER_NOTE =
  "Offline plan on Pulumi's mock runtime: cloud-assigned values (IDs, ARNs, IPs, DNS names) are placeholders; nothing was deployed.";

export function planDocument(plan: Plan, showSecrets: boolean): PlanDocument {
  return {
    project: plan.project,
    stack: plan.stack,
    note: PLACEHOLDER_NOTE,
    warnings: plan.warnings,
    resources: plan.resources.map((r) => ({
      urn: r.urn,
      type: r.type,
      name: r.name,
      parent: r.parent,
      dependsOn: r.dependsOn,
      inputs: reveal(r.inputs, showSecrets),
    })),
    outputs: reveal(plan.outputs, showSecrets),
    estimate: planEstimate(plan),
  };
}

export function renderJson(plan: Plan, showSecrets: boolean): string {
  return JSON.stringify(planDocument(plan, showSecrets), null, 2) + "\n";
}

/** A tree of resources by parent, the outputs, the cost; last, the first-deploy time. */
export function renderTree(plan: Plan, showSecrets: boolean): string {
  const c = plan.config;
  const lines = [
    `Offline plan for ${plan.project}/${plan.stack}: ${c.frontEnd.mode}, ${c.serverCount} server(s), ${c.region}, https://${c.hostname}`,
    PLACEHOLDER_NOTE,
    "",
  ];
  for (const w of plan.warnings) lines.push(`warning: ${w}`);
  const children = new Map<string | null, typeof plan.resources>();
  for (const r of plan.resources) {
    const list = children.get(r.parent) ?? [];
    list.push(r);
    children.set(r.parent, list);
  }
  const known = new Set(plan.resources.map((r) => r.urn));
  const walk = (parent: string | null, depth: number) => {
    for (const r of children.get(parent) ?? []) {
      const waits = r.dependsOn.filter((d) => known.has(d) && d !== r.parent).length;
      lines.push(
        `${"  ".repeat(depth)}+ ${r.type}  ${r.name}${r.protect ? "  [protected]" : ""}${waits ? `  (waits for ${waits})` : ""}`,
      );
      walk(r.urn, depth + 1);
    }
  };
  // Roots: no parent, or a parent outside the recorded set (the stack itself).
  for (const r of plan.resources.filter((x) => x.parent === null || !known.has(x.parent))) {
    if (r.parent !== null) children.set(r.parent, children.get(r.parent) ?? []);
  }
  walk(null, 0);
  for (const [p] of children) if (p !== null && !known.has(p)) walk(p, 0);
  lines.push("", "Outputs:");
  const outputs = reveal(plan.outputs, showSecrets) as Record<string, unknown>;
  for (const [k, v] of Object.entries(outputs)) {
    const text = typeof v === "string" ? v : JSON.stringify(v);
    lines.push(`  ${k}: ${text.includes("\n") ? JSON.stringify(text) : text}`);
  }
  const custom = plan.resources.filter((r) => r.custom).length;
  lines.push(
    "",
    `${plan.resources.length} resources (${custom} cloud/provider resources) would be created.`,
  );
  const estimate = planEstimate(plan);
  lines.push("", ...costLines(estimate.cost), "", deployLine(estimate));
  return lines.join("\n") + "\n";
}
