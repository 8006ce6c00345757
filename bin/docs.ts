// `npm run docs [-- --check] [--stack-dir <dir>]`: regenerates the README's architecture diagrams
// from the offline plans of the example stacks (between `<!-- BEGIN plan:<stack>:mermaid -->`
// markers). The stacks come from test/fixtures/stacks, copies of the shipped examples: stacks/ is
// the user's to edit, and the README must not go stale when someone follows the Quick start.
import { readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { renderMermaid } from "../plan/mermaid";
import { runPlan } from "../plan/run";

const BLOCK = /(<!-- BEGIN plan:([\w.-]+):mermaid -->\n)[\s\S]*?(<!-- END plan:\2:mermaid -->)/g;

/** The stack files the README's diagrams are drawn from, relative to the project. */
export const DOCS_STACK_DIR = path.join("test", "fixtures", "stacks");

/** The README with every diagram block replaced by the current plan's diagram. */
export async function renderReadmeDiagrams(
  readme: string,
  projectDir = process.cwd(),
  stackDir = path.join(projectDir, DOCS_STACK_DIR),
): Promise<string> {
  const stacks = [...readme.matchAll(BLOCK)].map((m) => m[2]);
  const diagrams = new Map<string, string>();
  for (const stack of stacks) {
    diagrams.set(stack, renderMermaid(await runPlan({ stack, projectDir, stackDir })));
  }
  return readme.replace(
    BLOCK,
    (_all, begin: string, stack: string, end: string) =>
      `${begin}\`\`\`mermaid\n${diagrams.get(stack)!.trimEnd()}\n\`\`\`\n${end}`,
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
      process.stderr.write("README.md diagrams are stale: run npm run docs\n");
      return 1;
    }
    return 0;
  }
  if (next !== current) writeFileSync(file, next);
  process.stdout.write(
    next !== current ? "README.md diagrams updated\n" : "README.md diagrams are current\n",
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
