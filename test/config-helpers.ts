// Shared by the config check tests: the minimal raw stack config, problems as lines, and the
// plan command with overrides.
import * as assert from "node:assert/strict";
import { main } from "../bin/plan";
import {
  ConfigError,
  loadConfig,
  type Finding,
  type RancherHaSettings,
  type ValidationContext,
  type Validator,
} from "../components/config";
import { mockRuntimeStats } from "../plan/mocks";
import { FIXTURE_STACKS } from "./helpers";

export const CTX = { stack: "t", region: "us-east-1" };
export const RAW: Readonly<Record<string, string>> = {
  "rancher-ha:hostname": "rancher.example.com",
  "rancher-ha:hostedZone": "example.com",
  "rancher-ha:adminCidrs": '["203.0.113.0/24"]',
};

/** loadConfig's problems as "key: message" lines ([] when the config is good). */
export function problemLines(
  raw: Record<string, string>,
  ctx: { stack: string; region?: string } = CTX,
): string[] {
  try {
    loadConfig(raw, ctx);
    return [];
  } catch (e) {
    assert.ok(e instanceof ConfigError, String(e));
    return e.problems.map((p) => `${p.key}: ${p.message}`);
  }
}

/** The plan command on the dev fixture stack with overrides: exit code, output, registrations. */
export async function planWith(overrides: string[], args: string[] = []) {
  let out = "";
  let err = "";
  const before = mockRuntimeStats.installs;
  const code = await main(
    [
      ...["--stack", "dev", "--json", "--stack-dir", FIXTURE_STACKS, ...args],
      ...overrides.flatMap((o) => ["--config", o]),
    ],
    { out: (t) => (out += t), err: (t) => (err += t) },
  );
  return { code, out, err, registered: mockRuntimeStats.installs - before };
}

/** A validator's findings as lines: "key: message" for a problem, "warning: …" for a warning. */
export function findingLines(findings: Finding[]): string[] {
  return findings.map((f) => ("warning" in f ? `warning: ${f.warning}` : `${f.key}: ${f.message}`));
}

/** One row of a validator's table: settings (and context) in, every finding line out. */
export type Case = [
  what: string,
  settings: RancherHaSettings,
  expected: string[],
  ctx?: ValidationContext,
];

/**
 * A validator's table, the way pulumi-awsx tests its VPC validators: each row is one `it`, and
 * the whole list of findings must be exactly the expected lines (so nothing extra slips in).
 */
export function validatorTable(
  check: Validator,
  cases: Case[],
  ctx: ValidationContext = { region: "us-east-1" },
): void {
  for (const [what, settings, expected, rowCtx] of cases) {
    it(`${expected.length === 0 ? "accepts" : "reports"} ${what}`, () => {
      assert.deepEqual(findingLines(check(settings, rowCtx ?? ctx)), expected);
    });
  }
}
