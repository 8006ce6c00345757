// The offline plan for settings that are not (yet) in a stack file: what a portal shows before
// anyone approves an update. Same evaluation as `npm run plan` (runPlan on the mock runtime).
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import {
  ConfigError,
  maskSecrets,
  PROJECT,
  RancherHaConfig,
  RancherHaSettings,
  settingsToRaw,
} from "../components/config";
import { renderPlanTimeline } from "../plan/estimate";
import { renderMermaid } from "../plan/mermaid";
import { Plan, runPlan } from "../plan/run";
import { readProject } from "../plan/stackFile";
import { planDocument, PlanDocument } from "../plan/format";
import { SECRET_TEXT } from "../plan/values";
import { InvalidConfigError } from "./errors";
import { PROJECT_DIR, validateSettings, validateStackName } from "./stack";
import { REGION_KEY } from "./stackConfig";

/** `key=value` overrides that reproduce the settings exactly (runPlan's --config form). */
export function settingsOverrides(settings: RancherHaSettings, region: string): string[] {
  const raw = settingsToRaw(settings);
  return [`${REGION_KEY}=${region}`, ...Object.entries(raw).map(([k, v]) => `${k}=${v.value}`)];
}

/**
 * Plans the stack for these settings. Validates first (InvalidConfigError). The stack file in
 * the project, if any, is not read: the plan is of exactly these settings on the project's
 * declared defaults. Secrets stay in memory (never written to disk).
 */
export async function planStack(
  stackName: string,
  settings: RancherHaSettings,
  region: string,
  opts: { projectDir?: string } = {},
): Promise<Plan> {
  validateStackName(stackName);
  validateSettings(stackName, settings, region);
  const projectDir = opts.projectDir ?? PROJECT_DIR;
  // runPlan reads Pulumi.yaml + stacks/Pulumi.<stack>.yaml: give it a project with an empty
  // stack file and pass every setting as an override.
  const dir = mkdtempSync(path.join(tmpdir(), `${PROJECT}-plan-`));
  try {
    copyFileSync(path.join(projectDir, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
    const stacksDir = path.join(dir, readProject(projectDir).stackConfigDir ?? ".");
    mkdirSync(stacksDir, { recursive: true });
    writeFileSync(path.join(stacksDir, `Pulumi.${stackName}.yaml`), "config: {}\n");
    return await runPlan({
      stack: stackName,
      projectDir: dir,
      overrides: settingsOverrides(settings, region),
    });
  } catch (e) {
    if (e instanceof ConfigError && !(e instanceof InvalidConfigError)) {
      throw new InvalidConfigError(e.problems);
    }
    throw e;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface PlanData {
  project: string;
  stack: string;
  warnings: string[];
  /** Resolved config; secret values shown as "[secret]". */
  config: RancherHaConfig;
  /** Resource count by type. */
  counts: Record<string, number>;
  /** As `npm run plan -- --json` prints them, plus whether each is protected. */
  resources: (PlanDocument["resources"][number] & { protect: boolean })[];
  outputs: unknown;
  /** The architecture as a Mermaid flowchart. */
  mermaid: string;
  /** Modeled first-deploy time, critical path and monthly cost (estimates). */
  estimate: PlanDocument["estimate"];
  /** The modeled first deploy as a Mermaid gantt chart. */
  timeline: string;
}

/** JSON-safe plan data, secrets hidden unless asked for. */
export function planData(plan: Plan, opts: { showSecrets?: boolean } = {}): PlanData {
  const show = opts.showSecrets === true;
  const config = show ? plan.config : maskSecrets(plan.config, SECRET_TEXT);
  const counts: Record<string, number> = {};
  for (const r of plan.resources) counts[r.type] = (counts[r.type] ?? 0) + 1;
  // The same document `npm run plan -- --json` prints, plus what a portal shows around it.
  const doc = planDocument(plan, show);
  return {
    project: doc.project,
    stack: doc.stack,
    warnings: doc.warnings,
    config,
    counts,
    resources: doc.resources.map((r, i) => ({ ...r, protect: plan.resources[i].protect })),
    outputs: doc.outputs,
    mermaid: renderMermaid(plan),
    estimate: doc.estimate,
    timeline: renderPlanTimeline(plan),
  };
}
