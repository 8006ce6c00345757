// `npm run plan -- --stack <name> [--config key=value]… [--json] [--show-secrets]
//                 [--format tree|json|mermaid|timeline] [--policy] [--stack-dir <dir>]`
// Evaluates the real program for a stack on Pulumi's mock runtime: no credentials, no cloud.
import * as path from "node:path";
import { parseArgs } from "node:util";
import { ConfigError } from "../components/config";
import { renderPlanTimeline } from "../plan/estimate";
import { renderJson, renderTree } from "../plan/format";
import { renderMermaid } from "../plan/mermaid";
import { checkPlan, formatViolation } from "../policy/offline";
import { runPlan } from "../plan/run";

export const USAGE =
  "usage: npm run plan -- --stack <name> [--config key=value]... [--json] [--show-secrets] [--format tree|json|mermaid|timeline] [--policy] [--previous-rke2-version <version>] [--stack-dir <dir>]";

export interface Io {
  out(text: string): void;
  err(text: string): void;
}

/** Seams for tests: the policy check (default: the policy pack's offline checker). */
export interface PlanDeps {
  checkPlan?: typeof checkPlan;
}

export async function main(
  argv: string[],
  io: Io,
  projectDir = process.cwd(),
  deps: PlanDeps = {},
): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        stack: { type: "string", short: "s" },
        config: { type: "string", short: "c", multiple: true },
        json: { type: "boolean" },
        "show-secrets": { type: "boolean" },
        format: { type: "string" },
        policy: { type: "boolean" },
        "previous-rke2-version": { type: "string" },
        "stack-dir": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
    }));
  } catch (e) {
    io.err(`${(e as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (values.help) {
    io.out(USAGE + "\n");
    return 0;
  }
  if (!values.stack) {
    io.err(`--stack is required\n${USAGE}\n`);
    return 2;
  }
  const format = values.json ? "json" : (values.format ?? "tree");
  if (!["tree", "json", "mermaid", "timeline"].includes(format)) {
    io.err(`--format must be tree, json, mermaid or timeline\n${USAGE}\n`);
    return 2;
  }
  const showSecrets = values["show-secrets"] === true;
  try {
    const previous = values["previous-rke2-version"];
    const plan = await runPlan({
      stack: values.stack,
      overrides: values.config ?? [],
      projectDir,
      // Stack files from elsewhere than the project's stacks/ (the tests' fixture stacks).
      ...(values["stack-dir"] ? { stackDir: path.resolve(values["stack-dir"]) } : {}),
      // The deployed version (`pulumi stack output rke2Version`): refuses skips and downgrades.
      ...(previous ? { previousRke2Version: previous } : {}),
    });
    if (values.policy) {
      // The stack's own `protect` setting is what the protection rule holds it to.
      const check = deps.checkPlan ?? checkPlan;
      const violations = check(plan, { requireProtection: plan.config.protect });
      if (violations.length > 0) {
        io.err(`policy violations (${violations.length}):\n`);
        for (const v of violations) io.err(`  - ${formatViolation(v)}\n`);
        return 3;
      }
      io.err("policy: no violations\n");
    }
    if (format === "json") io.out(renderJson(plan, showSecrets));
    else if (format === "mermaid") io.out(renderMermaid(plan));
    else if (format === "timeline") io.out(renderPlanTimeline(plan));
    else io.out(renderTree(plan, showSecrets));
    return 0;
  } catch (e) {
    if (e instanceof ConfigError) {
      io.err(`rancher-ha: ${e.message}\n`);
      return 1;
    }
    io.err(`rancher-ha: ${(e as Error).message}\n`);
    return 1;
  }
}

if (require.main === module) {
  main(process.argv.slice(2), {
    out: (t) => process.stdout.write(t),
    err: (t) => process.stderr.write(t),
  }).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`rancher-ha: ${String(e)}\n`);
      process.exitCode = 1;
    },
  );
}
