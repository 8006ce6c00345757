// Reads a stack's configuration the way the Pulumi CLI would for `pulumi up`: the project's
// declared defaults, then `stacks/Pulumi.<stack>.yaml`, then command-line overrides.
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

export function readProject(projectDir: string): ProjectFile {
  return parse(readFileSync(path.join(projectDir, "Pulumi.yaml"), "utf8")) as ProjectFile;
}

function toConfigString(v: unknown): string {
  return typeof v === "string" ? v : JSON.stringify(v);
}

/** Declared defaults from Pulumi.yaml, keyed `rancher-ha:key`. */
export function projectDefaults(project: ProjectFile): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, spec] of Object.entries(project.config ?? {})) {
    if (spec && spec.default !== undefined) {
      out[key.includes(":") ? key : `${project.name}:${key}`] = toConfigString(spec.default);
    }
  }
  return out;
}

export function stackFilePath(projectDir: string, stack: string): string {
  const project = readProject(projectDir);
  return path.join(projectDir, project.stackConfigDir ?? ".", `Pulumi.${stack}.yaml`);
}

export function listStacks(projectDir: string): string[] {
  const project = readProject(projectDir);
  const dir = path.join(projectDir, project.stackConfigDir ?? ".");
  return existsSync(dir)
    ? readdirSync(dir)
        .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
        .filter((s): s is string => s !== undefined)
        .sort()
    : [];
}

/** Loads a stack file; throws with the path when it does not exist. */
export function readStackConfig(projectDir: string, stack: string): StackConfig {
  const file = stackFilePath(projectDir, stack);
  if (!existsSync(file)) {
    const known = listStacks(projectDir);
    throw new Error(
      `no stack file ${path.relative(projectDir, file)} (stacks: ${known.join(", ") || "none"})`,
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
