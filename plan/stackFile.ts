// Reads a stack's configuration the way the Pulumi CLI would for `pulumi up`: the project's
// declared defaults, then `stacks/Pulumi.<stack>.yaml`, then command-line overrides. The stack
// files may also come from another directory (`stackDir`): the tests plan their own fixture
// stacks, so that the example stacks in stacks/ stay the user's to edit.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { PROJECT } from "../components/config";

export interface StackConfig {
  /** `namespace:key` → string value (lists and maps as JSON), as Pulumi stores them. */
  values: Record<string, string>;
  /** Keys the stack file holds encrypted (`secure:`), which an offline plan cannot read. */
  encrypted: string[];
}

interface ProjectFile {
  name: string;
  stackConfigDir?: string;
  config?: Record<string, { default?: unknown } | undefined>;
}

/** The last project file parsed, by its text: plans and the portal read it once per stack. */
let parsedProject: { text: string; project: Readonly<ProjectFile> } | undefined;

/**
 * Pulumi.yaml, parsed. Read on every call; parsed again only when its text changed (its generated
 * config block makes a parse ~3 ms, and every plan and portal request reads it). Frozen, since
 * callers share it.
 */
export function readProject(projectDir: string): Readonly<ProjectFile> {
  const text = readFileSync(path.join(projectDir, "Pulumi.yaml"), "utf8");
  if (parsedProject?.text !== text) {
    parsedProject = { text, project: deepFreeze(parse(text) as ProjectFile) };
  }
  return parsedProject.project;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

function toConfigString(v: unknown): string {
  return typeof v === "string" ? v : JSON.stringify(v);
}

/** Declared defaults from Pulumi.yaml, keyed `rancher-ha:key`. */
export function projectDefaults(project: Readonly<ProjectFile>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, spec] of Object.entries(project.config ?? {})) {
    if (spec && spec.default !== undefined) {
      out[key.includes(":") ? key : `${project.name}:${key}`] = toConfigString(spec.default);
    }
  }
  return out;
}

/** Where the stack files are: `stackDir` when given, else the project's `stackConfigDir`. */
export function stackConfigDir(projectDir: string, stackDir?: string): string {
  return stackDir ?? path.join(projectDir, readProject(projectDir).stackConfigDir ?? ".");
}

export function stackFilePath(projectDir: string, stack: string, stackDir?: string): string {
  return path.join(stackConfigDir(projectDir, stackDir), `Pulumi.${stack}.yaml`);
}

export function listStacks(projectDir: string, stackDir?: string): string[] {
  const dir = stackConfigDir(projectDir, stackDir);
  return existsSync(dir)
    ? readdirSync(dir)
        .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
        .filter((s): s is string => s !== undefined)
        .sort()
    : [];
}

/**
 * Loads a stack file (from `stackDir` when given) on the project's declared defaults; throws with
 * the path when it does not exist.
 */
export function readStackConfig(projectDir: string, stack: string, stackDir?: string): StackConfig {
  const file = stackFilePath(projectDir, stack, stackDir);
  if (!existsSync(file)) {
    const known = listStacks(projectDir, stackDir);
    const shown = path.relative(projectDir, file);
    throw new Error(
      `no stack file ${shown.startsWith("..") ? file : shown} (stacks: ${known.join(", ") || "none"})`,
    );
  }
  const doc = (parse(readFileSync(file, "utf8")) ?? {}) as { config?: Record<string, unknown> };
  const project = readProject(projectDir);
  const values: Record<string, string> = { ...projectDefaults(project) };
  const encrypted: string[] = [];
  for (const [key, v] of Object.entries(doc.config ?? {})) {
    const full = key.includes(":") ? key : `${project.name}:${key}`;
    if (v !== null && typeof v === "object" && !Array.isArray(v) && "secure" in v) {
      encrypted.push(full);
      continue;
    }
    values[full] = toConfigString(v);
  }
  return { values, encrypted };
}

/** Applies `key=value` overrides; a bare key is in the project namespace. */
export function applyOverrides(
  values: Record<string, string>,
  overrides: string[],
): Record<string, string> {
  const out = { ...values };
  for (const o of overrides) {
    const eq = o.indexOf("=");
    if (eq <= 0) throw new Error(`--config expects key=value, got "${o}"`);
    const key = o.slice(0, eq);
    out[key.includes(":") ? key : `${PROJECT}:${key}`] = o.slice(eq + 1);
  }
  return out;
}
