// `npm run docs [-- --check] [--stack-dir <dir>]`: regenerates the README's blocks drawn from the
// offline plans of the example stacks, between `<!-- BEGIN plan:<stack>:<kind> -->` markers: the
// architecture (`mermaid`), the modeled first deploy (`timeline`) and the monthly cost estimate
// (`cost`). The stacks come from test/fixtures/stacks, copies of the shipped examples: stacks/ is
// the user's to edit, and the README must not go stale when someone follows the Quick start.
import { readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { costMarkdown, planEstimate, renderPlanTimeline } from "../plan/estimate";
import { renderMermaid } from "../plan/mermaid";
import { Plan, runPlan } from "../plan/run";

const BLOCK =
  /(<!-- BEGIN plan:([\w.-]+):(mermaid|timeline|cost) -->\n)[\s\S]*?(<!-- END plan:\2:\3 -->)/g;

/** The stack files the README's blocks are drawn from, relative to the project. */
export const DOCS_STACK_DIR = path.join("test", "fixtures", "stacks");

const fenced = (text: string) => `\`\`\`mermaid\n${text.trimEnd()}\n\`\`\`\n`;
const RENDERERS: Record<string, (plan: Plan) => string> = {
  mermaid: (plan) => fenced(renderMermaid(plan)),
  timeline: (plan) => fenced(renderPlanTimeline(plan)),
  cost: (plan) => costMarkdown(planEstimate(plan).cost),
};

/** The README with every plan block replaced by what the current plan renders. */
export async function renderReadmeDiagrams(
  readme: string,
  projectDir = process.cwd(),
  stackDir = path.join(projectDir, DOCS_STACK_DIR),
): Promise<string> {
  const stacks = new Set([...readme.matchAll(BLOCK)].map((m) => m[2]));
  const plans = new Map<string, Plan>();
  for (const stack of stacks) plans.set(stack, await runPlan({ stack, projectDir, stackDir }));
  return readme.replace(
    BLOCK,
    (_all, begin: string, stack: string, kind: string, end: string) =>
      `${begin}${RENDERERS[kind](plans.get(stack)!)}${end}`,
  );
}

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { check: { type: "boolean" }, "stack-dir": { type: "string" } },
    strict: true,
  });
  const file = path.resolve("README.md");
  const current = readFileSync(file, "utf8");
  const stackDir = values["stack-dir"] ? path.resolve(values["stack-dir"]) : undefined;
  const next = await renderReadmeDiagrams(current, process.cwd(), stackDir);
  if (values.check) {
    if (next !== current) {
      process.stderr.write("README.md plan blocks are stale: run npm run docs\n");
      return 1;
    }
    return 0;
  }
  if (next !== current) writeFileSync(file, next);
  process.stdout.write(
    next !== current ? "README.md plan blocks updated\n" : "README.md plan blocks are current\n",
  );
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (e: unknown) => {
      process.stderr.write(`docs: ${String(e)}\n`);
      process.exitCode = 1;
    },
  );
}
