// `npm run plan -- --stack <name> [options]` (USAGE below lists them).
// Evaluates the real program for a stack on Pulumi's mock runtime: no credentials, no cloud.
import * as path from "node:path";
import { parseArgs } from "node:util";
import type * as Config from "../components/config";
import type * as Estimate from "../plan/estimate";
import type * as Format from "../plan/format";
import type * as Mermaid from "../plan/mermaid";
import type * as Run from "../plan/run";
import type * as StackTraces from "../plan/sdkStackTraces";
import type * as Policy from "../policy/offline";

/**
 * What a plan needs, loaded once the arguments are good: `--help` and a usage error answer at
 * once instead of after loading the Pulumi SDK and the program (about 1.5 s of CPU).
 */
function planner() {
  /* eslint-disable @typescript-eslint/no-require-imports -- loaded on first use (above) */
  return {
    config: require("../components/config") as typeof Config,
    estimate: require("../plan/estimate") as typeof Estimate,
    formats: require("../plan/format") as typeof Format,
    mermaid: require("../plan/mermaid") as typeof Mermaid,
    run: require("../plan/run") as typeof Run,
    stackTraces: require("../plan/sdkStackTraces") as typeof StackTraces,
    policy: require("../policy/offline") as typeof Policy,
  };
  /* eslint-enable @typescript-eslint/no-require-imports */
}

export const USAGE = `usage: npm run plan -- --stack <name> [options]

Evaluates the program for a stack on Pulumi's mock runtime: every resource \`pulumi up\` would
create, with no credentials and no cloud.

  --stack, -s <name>               stack; its settings come from stacks/Pulumi.<name>.yaml
  --config, -c <key>=<value>       override a setting (repeatable; lists and maps as JSON)
  --format <format>                tree (default), json, mermaid (architecture), timeline (deploy gantt)
  --json                           the same as --format json
  --show-secrets                   print secret values instead of "[secret]"
  --policy                         check the plan against the policy pack (exit 3 on violations)
  --previous-rke2-version <v>      the deployed RKE2 version: refuses skipped minors and downgrades
  --stack-dir <dir>                read Pulumi.<name>.yaml from <dir> instead of stacks/
  --help, -h                       this text

Exit codes: 0 planned, 1 invalid configuration, 2 usage, 3 policy violations.
`;

/** Every option (USAGE describes each; a test keeps the two in step). */
export const OPTIONS = {
  stack: { type: "string", short: "s" },
  config: { type: "string", short: "c", multiple: true },
  format: { type: "string" },
  json: { type: "boolean" },
  "show-secrets": { type: "boolean" },
  policy: { type: "boolean" },
  "previous-rke2-version": { type: "string" },
  "stack-dir": { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

export interface Io {
  out(text: string): void;
  err(text: string): void;
}

export interface PlanDeps {
  /** A seam for tests: the policy check (default: the policy pack's offline checker). */
  checkPlan?: typeof Policy.checkPlan;
  /** This process only plans: skip the SDK's stack traces the plan never shows (the command). */
  skipSdkStackTraces?: boolean;
}

export async function main(
  argv: string[],
  io: Io,
  projectDir = process.cwd(),
  deps: PlanDeps = {},
): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({ args: argv, options: OPTIONS, strict: true }));
  } catch (e) {
    io.err(`${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    io.out(USAGE);
    return 0;
  }
  if (!values.stack) {
    io.err(`--stack is required\n${USAGE}`);
    return 2;
  }
  if (values.json && values.format !== undefined && values.format !== "json") {
    io.err(`--json and --format ${values.format} conflict: --json means --format json\n${USAGE}`);
    return 2;
  }
  const format = values.json ? "json" : (values.format ?? "tree");
  if (!["tree", "json", "mermaid", "timeline"].includes(format)) {
    io.err(`--format must be tree, json, mermaid or timeline\n${USAGE}`);
    return 2;
  }
  const showSecrets = values["show-secrets"] === true;
  const { config, estimate, formats, mermaid, run, stackTraces, policy } = planner();
  // Half of a plan's CPU otherwise (plan/sdkStackTraces.ts).
  if (deps.skipSdkStackTraces) stackTraces.skipSdkStackTraces();
  try {
    const previous = values["previous-rke2-version"];
    const plan = await run.runPlan({
      stack: values.stack,
      overrides: values.config ?? [],
      projectDir,
      // Stack files from elsewhere than the project's stacks/ (the tests' fixture stacks).
      ...(values["stack-dir"] ? { stackDir: path.resolve(values["stack-dir"]) } : {}),
      // The deployed version (`pulumi stack output rke2Version`): refuses skips and downgrades.
      ...(previous ? { previousRke2Version: previous } : {}),
    });
    if (values.policy) {
      // The stack's own `protect` and `nodeAccess` settings are what the rules hold it to.
      const check = deps.checkPlan ?? policy.checkPlan;
      const violations = check(plan, {
        requireProtection: plan.config.protect,
        allowPublicServers: plan.config.access.mode === "public",
      });
      if (violations.length > 0) {
        io.err(`policy violations (${violations.length}):\n`);
        for (const v of violations) io.err(`  - ${policy.formatViolation(v)}\n`);
        return 3;
      }
      io.err("policy: no violations\n");
    }
    if (format === "json") io.out(formats.renderJson(plan, showSecrets));
    else if (format === "mermaid") io.out(mermaid.renderMermaid(plan));
    else if (format === "timeline") io.out(estimate.renderPlanTimeline(plan));
    else io.out(formats.renderTree(plan, showSecrets));
    return 0;
  } catch (e) {
    if (e instanceof config.ConfigError) {
      io.err(`rancher-ha: ${e.message}\n`);
      return 1;
    }
    io.err(`rancher-ha: ${(e as Error).message}\n`);
    return 1;
  }
}

if (require.main === module) {
  // \`npm run plan … | head\` closes stdout early: end quietly, as a shell filter does.
  process.stdout.on("error", (e: NodeJS.ErrnoException) => {
    if (e.code !== "EPIPE") throw e;
    process.exit(process.exitCode ?? 0);
  });
  main(
    process.argv.slice(2),
    { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) },
    process.cwd(),
    { skipSdkStackTraces: true },
  ).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`rancher-ha: ${String(e)}\n`);
      process.exitCode = 1;
    },
  );
}
