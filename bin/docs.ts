// `npm run docs [-- --check] [--stack-dir <dir>]`: regenerates what the documentation derives
// from the code, between markers:
// - README.md, `<!-- BEGIN plan:<stack>:<kind> -->`: blocks drawn from the offline plans of the
//   example stacks: the architecture (`mermaid`), the modeled first deploy (`timeline`) and the
//   monthly cost estimate (`cost`). The stacks come from test/fixtures/stacks, copies of the
//   shipped examples: stacks/ is the user's to edit, and the README must not go stale when
//   someone follows the Quick start.
// - README.md, `<!-- BEGIN config:table -->`, and Pulumi.yaml, `# BEGIN config`: the
//   configuration table and the `config:` block, from components/config/schema.ts.
// With --check nothing is written, and the exit code is 1 when a file is stale.
import { readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { renderConfigTable, renderPulumiConfig } from "../components/config/docs";
import { costMarkdown, planEstimate, renderPlanTimeline } from "../plan/estimate";
import { renderMermaid } from "../plan/mermaid";
import { Plan, runPlan } from "../plan/run";

const BLOCK =
  /(<!-- BEGIN plan:([\w.-]+):(mermaid|timeline|cost) -->\n)[\s\S]*?(<!-- END plan:\2:\3 -->)/g;
const CONFIG_TABLE = /(<!-- BEGIN config:table -->\n)[\s\S]*?(<!-- END config:table -->)/g;
const PULUMI_CONFIG =
  /(# BEGIN config: generated from components\/config\/schema\.ts by `npm run docs`\n)[\s\S]*?(# END config\n)/g;

/** The stack files the README's blocks are drawn from, relative to the project. */
export const DOCS_STACK_DIR = path.join("test", "fixtures", "stacks");

const fenced = (text: string) => `\`\`\`mermaid\n${text.trimEnd()}\n\`\`\`\n`;
const RENDERERS: Record<string, (plan: Plan) => string> = {
  mermaid: (plan) => fenced(renderMermaid(plan)),
  timeline: (plan) => fenced(renderPlanTimeline(plan)),
  cost: (plan) => costMarkdown(planEstimate(plan).cost),
};

/** Replaces every block `re` matches (two groups: the begin and end markers); one at least. */
function replaceBlocks(text: string, re: RegExp, what: string, body: string): string {
  if (!text.match(re)) throw new Error(`no ${what} markers found`);
  return text.replace(re, (_all, begin: string, end: string) => `${begin}${body}${end}`);
}

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

/** The README with its configuration table rendered from the schema. */
export function renderReadmeConfig(readme: string): string {
  return replaceBlocks(readme, CONFIG_TABLE, "README config:table", renderConfigTable());
}

/** Pulumi.yaml with its `config:` block rendered from the schema. */
export function renderProjectConfig(pulumiYaml: string): string {
  return replaceBlocks(pulumiYaml, PULUMI_CONFIG, "Pulumi.yaml config", renderPulumiConfig());
}

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { check: { type: "boolean" }, "stack-dir": { type: "string" } },
    strict: true,
  });
  const stackDir = values["stack-dir"] ? path.resolve(values["stack-dir"]) : undefined;
  const files: { file: string; render: (text: string) => Promise<string> | string }[] = [
    {
      file: "README.md",
      render: async (t) =>
        renderReadmeConfig(await renderReadmeDiagrams(t, process.cwd(), stackDir)),
    },
    { file: "Pulumi.yaml", render: renderProjectConfig },
  ];
  let stale = 0;
  for (const { file, render } of files) {
    const full = path.resolve(file);
    const current = readFileSync(full, "utf8");
    const next = await render(current);
    if (next === current) {
      process.stdout.write(`${file}: current\n`);
    } else if (values.check) {
      process.stderr.write(`${file}: stale generated blocks: run npm run docs\n`);
      stale++;
    } else {
      writeFileSync(full, next);
      process.stdout.write(`${file}: updated\n`);
    }
  }
  return stale > 0 ? 1 : 0;
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
