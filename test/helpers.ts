// Shared helpers for the program tests: plans are evaluated once per (stack, overrides).
// Tests plan their own fixture stacks (test/fixtures/stacks, the example stacks as shipped):
// stacks/ is the user's to edit, and following the Quick start must not break a test.
import * as assert from "node:assert/strict";
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import type { MockCloud, RecordedResource } from "../plan/mocks";
import { runPlan, Plan } from "../plan/run";
import { stackConfigDir } from "../plan/stackFile";
import { Secret } from "../plan/values";

/** The repository root: Pulumi.yaml, stacks/. */
export const REPO_DIR = path.resolve(__dirname, "..");

/** The tests' stack files: `Pulumi.dev.yaml` (l4) and `Pulumi.prod.yaml` (l7). */
export const FIXTURE_STACKS = path.join(__dirname, "fixtures", "stacks");

let fixtureProjectDir: string | undefined;

/**
 * A project directory for code that reads stacks from a project (deploy CLI, portal): the
 * repository's Pulumi.yaml with the fixture stacks in its stackConfigDir. Made once per test
 * process, removed when it exits.
 */
export function fixtureProject(): string {
  if (fixtureProjectDir === undefined) {
    const dir = mkdtempSync(path.join(tmpdir(), "rancher-ha-fixture-"));
    process.once("exit", () => rmSync(dir, { recursive: true, force: true }));
    copyFileSync(path.join(REPO_DIR, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
    const stacks = stackConfigDir(dir);
    mkdirSync(stacks, { recursive: true });
    for (const f of readdirSync(FIXTURE_STACKS)) {
      copyFileSync(path.join(FIXTURE_STACKS, f), path.join(stacks, f));
    }
    fixtureProjectDir = dir;
  }
  return fixtureProjectDir;
}

const cache = new Map<string, Promise<Plan>>();

/**
 * The plan of a fixture stack with `key=value` overrides, evaluated once per process; `cloud`
 * chooses what the placeholder cloud answers (zones, given subnets, previous inputs).
 */
export function plan(stack: string, overrides: string[] = [], cloud?: MockCloud): Promise<Plan> {
  const key = JSON.stringify([stack, overrides, cloud]);
  let p = cache.get(key);
  if (!p) {
    p = runPlan({ stack, overrides, stackDir: FIXTURE_STACKS, ...(cloud ? { cloud } : {}) });
    cache.set(key, p);
  }
  return p;
}

export function ofType(p: Plan, type: string): RecordedResource[] {
  return p.resources.filter((r) => r.type === type);
}

/** The RKE2 servers (not the bastion): instances named `<stack component>-server-<n>`. */
export function servers(p: Plan): RecordedResource[] {
  return ofType(p, TYPES.instance).filter((r) => /-server-\d+$/.test(r.name));
}

export function byName(p: Plan, name: string, type?: string): RecordedResource {
  const found = p.resources.filter((r) => r.name === name && (!type || r.type === type));
  assert.equal(
    found.length,
    1,
    `expected one resource named ${name}${type ? ` (${type})` : ""}, found ${found.length}`,
  );
  return found[0];
}

/** Every resource `r` waits for, directly or transitively (dependsOn closure). */
export function waitsFor(p: Plan, r: RecordedResource): Set<string> {
  const byUrn = new Map(p.resources.map((x) => [x.urn, x]));
  const seen = new Set<string>();
  const stack = [...r.dependsOn];
  while (stack.length) {
    const u = stack.pop()!;
    if (seen.has(u)) continue;
    seen.add(u);
    const dep = byUrn.get(u);
    if (dep) {
      stack.push(...dep.dependsOn);
      // Depending on a component means waiting for its children.
      for (const child of p.resources.filter((c) => c.parent === u)) stack.push(child.urn);
    }
  }
  return seen;
}

export function unwrap(v: unknown): unknown {
  return v instanceof Secret ? v.value : v;
}

export const TYPES = {
  instance: "aws:ec2/instance:Instance",
  subnet: "aws:ec2/subnet:Subnet",
  lb: "aws:lb/loadBalancer:LoadBalancer",
  listener: "aws:lb/listener:Listener",
  targetGroup: "aws:lb/targetGroup:TargetGroup",
  attachment: "aws:lb/targetGroupAttachment:TargetGroupAttachment",
  ingress: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
  egress: "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
  sg: "aws:ec2/securityGroup:SecurityGroup",
  record: "aws:route53/record:Record",
  cert: "aws:acm/certificate:Certificate",
  certValidation: "aws:acm/certificateValidation:CertificateValidation",
  command: "command:remote:Command",
  copy: "command:remote:CopyToRemote",
  release: "kubernetes:helm.sh/v3:Release",
  token: "random:index/randomPassword:RandomPassword",
} as const;
