// `npm run docs [-- --check]`: regenerates the README's architecture diagrams from the offline
// plans of the example stacks (between `<!-- BEGIN plan:<stack>:mermaid -->` markers).
import { readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { renderMermaid } from "../plan/mermaid";
import { runPlan } from "../plan/run";

const BLOCK = /(<!-- BEGIN plan:([\w.-]+):mermaid -->\n)[\s\S]*?(<!-- END plan:\2:mermaid -->)/g;

/** The README with every diagram block replaced by the current plan's diagram. */
export async function renderReadmeDiagrams(
  readme: string,
  projectDir = process.cwd(),
): Promise<string> {
  const stacks = [...readme.matchAll(BLOCK)].map((m) => m[2]);
  const diagrams = new Map<string, string>();
  for (const stack of stacks) {
    diagrams.set(stack, renderMermaid(await runPlan({ stack, projectDir })));
  }
  return readme.replace(
    BLOCK,
    (_all, begin: string, stack: string, end: string) =>
      `${begin}\`\`\`mermaid\n${diagrams.get(stack)!.trimEnd()}\n\`\`\`\n${end}`,
  );
}

async function main(): Promise<number> {
  const file = path.resolve("README.md");
  const current = readFileSync(file, "utf8");
  const next = await renderReadmeDiagrams(current);
  if (process.argv.includes("--check")) {
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
  main().then(
    (code) => (process.exitCode = code),
    (e: unknown) => {
      process.stderr.write(`docs: ${String(e)}\n`);
      process.exitCode = 1;
    },
  );
}
