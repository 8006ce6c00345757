// Raw strings (what Pulumi stores; lists and maps as JSON) → typed settings, and back.
import { nearest } from "./nearest";
import type { ConfigProblem } from "./problems";
import {
  keySpec,
  PROJECT,
  type KeyType,
  type RancherHaSettings,
  type SettingKey,
  SETTING_KEYS,
} from "./schema";

/**
 * Types raw string values into settings. Keys are bare (`hostname`) or namespaced
 * (`rancher-ha:hostname`); other namespaces are ignored. A value equal to the key's "unset"
 * sentinel (what Pulumi.yaml declares as its default), or empty, is not set.
 */
export function parseSettings(raw: Readonly<Record<string, string>>): {
  settings: RancherHaSettings;
  problems: ConfigProblem[];
} {
  const problems: ConfigProblem[] = [];
  const settings: Record<string, unknown> = {};
  for (const [fullKey, value] of Object.entries(raw)) {
    const colon = fullKey.indexOf(":");
    const ns = colon < 0 ? PROJECT : fullKey.slice(0, colon);
    const key = colon < 0 ? fullKey : fullKey.slice(colon + 1);
    if (ns !== PROJECT) continue;
    if (!(SETTING_KEYS as string[]).includes(key)) {
      const near = nearest(key, SETTING_KEYS);
      problems.push({
        key,
        message: `unknown key${near ? `; did you mean "${near}"?` : ""} (known keys are listed in Pulumi.yaml)`,
      });
      continue;
    }
    const spec = keySpec(key as SettingKey);
    if (value === "" || value === spec.unset) continue;
    const typed = parseValue(key, spec.type, value, problems);
    if (typed !== undefined) settings[key] = typed;
  }
  return { settings: settings, problems };
}

function parseValue(key: string, type: KeyType, value: string, problems: ConfigProblem[]): unknown {
  switch (type) {
    case "string":
      return value;
    case "integer": {
      if (!/^-?\d+$/.test(value.trim())) {
        problems.push({ key, message: `"${value}" is not a whole number` });
        return undefined;
      }
      return Number(value.trim());
    }
    case "boolean": {
      if (value === "true" || value === "false") return value === "true";
      problems.push({ key, message: `"${value}" is not true or false` });
      return undefined;
    }
    case "string[]": {
      const parsed = tryJson(value);
      if (Array.isArray(parsed) && parsed.every((v) => typeof v === "string")) return parsed;
      problems.push({
        key,
        message: `must be a JSON list of strings, e.g. pulumi config set --path '${key}[0]' <value>, or '["a","b"]'`,
      });
      return undefined;
    }
    case "map": {
      const parsed = tryJson(value);
      // `pulumi config set --path tags.year 2024` stores a number: tags are strings to AWS.
      const scalar = (v: unknown) => ["string", "number", "boolean"].includes(typeof v);
      if (
        parsed !== null &&
        typeof parsed === "object" &&
        !Array.isArray(parsed) &&
        Object.values(parsed).every(scalar)
      ) {
        return Object.fromEntries(Object.entries(parsed).map(([k, v]) => [k, String(v)]));
      }
      problems.push({
        key,
        message: `must be a map of strings, e.g. pulumi config set --path '${key}.team' platform`,
      });
      return undefined;
    }
    default: {
      const unknown: never = type;
      throw new Error(`unknown key type ${String(unknown)}`);
    }
  }
}

function tryJson(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return undefined;
  }
}

/** The inverse of parseSettings: what `pulumi config set` (or the Automation API) stores. */
export function settingsToRaw(
  settings: RancherHaSettings,
): Record<string, { value: string; secret: boolean }> {
  const out: Record<string, { value: string; secret: boolean }> = {};
  for (const key of SETTING_KEYS) {
    const v = settings[key];
    if (v === undefined) continue;
    const value = typeof v === "string" ? v : JSON.stringify(v);
    out[`${PROJECT}:${key}`] = { value, secret: keySpec(key).secret === true };
  }
  return out;
}
