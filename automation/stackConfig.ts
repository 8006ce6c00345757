// Settings → the stack's stored configuration, as `pulumi config set` would store it.
//
// Lists and maps are written with `--path` (`adminCidrs[0]`, `tags["team"]`) so the stack file
// holds real YAML lists/maps: Pulumi.yaml declares them `type: array`/`object`, and the CLI
// rejects a JSON string for such a key. Only keys whose value changes are written, and keys the
// settings no longer have are removed, so the stored config always equals the settings.
//
// Stored `rancher-ha:` keys that are not config keys at all are almost always typos made with
// `pulumi config set` (`rancher-ha:hostnmae`): they are reported, as the program reports them,
// never deleted — the user fixes the name and keeps the value.
import type { ConfigMap } from "@pulumi/pulumi/automation";
import {
  keySpec,
  ConfigProblem,
  parseSettings,
  PROJECT,
  RancherHaSettings,
  SettingKey,
  SETTING_KEYS,
  settingsToRaw,
} from "../components/config";
import { projectDefaults, readProject } from "../plan/stackFile";
import type { EngineStack } from "./engine";
import { InvalidConfigError } from "./errors";

export const REGION_KEY = "aws:region";

const fullKey = (k: SettingKey) => `${PROJECT}:${k}`;

/** Typed value of one raw stored value, as JSON (undefined: not set; "!": unparseable). */
function normalise(key: SettingKey, raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const { settings, problems } = parseSettings({ [fullKey(key)]: raw });
  if (problems.length > 0) return `!${raw}`;
  const v = settings[key];
  return v === undefined ? undefined : JSON.stringify(v);
}

/** The `--path` entries that store one setting. */
export function pathEntries(key: SettingKey, settings: RancherHaSettings): ConfigMap {
  const v = settings[key];
  const secret = keySpec(key).secret === true;
  const base = fullKey(key);
  if (v === undefined) return {};
  if (Array.isArray(v)) {
    return Object.fromEntries(v.map((item, i) => [`${base}[${i}]`, { value: item, secret }]));
  }
  if (typeof v === "object") {
    return Object.fromEntries(
      Object.entries(v).map(([k, item]) => [
        `${base}[${JSON.stringify(k)}]`,
        { value: item, secret },
      ]),
    );
  }
  return { [base]: { value: settingsToRaw({ [key]: v })[base].value, secret } };
}

/**
 * Stored keys of this project that are not config keys, each with the problem `pulumi up`
 * reports for it (parseSettings' "unknown key; did you mean …?").
 */
export function unknownStoredKeys(current: ConfigMap): ConfigProblem[] {
  const known = new Set<string>(SETTING_KEYS);
  const raw: Record<string, string> = {};
  for (const [k, v] of Object.entries(current)) {
    if (k.startsWith(`${PROJECT}:`)) raw[k] = v.value;
  }
  return parseSettings(raw).problems.filter((p) => !known.has(p.key));
}

export interface ConfigChanges {
  /** Keys removed first (settings no longer set, and lists/maps about to be rewritten). */
  remove: string[];
  /** `--path` entries set afterwards. */
  set: ConfigMap;
}

/**
 * What must change so the stored config equals `settings` + region. `current` is what
 * `pulumi config --json` reports; `defaults` the Pulumi.yaml defaults (`rancher-ha:key` → raw),
 * so a key left at its declared default is not churned; `keep` are keys never touched.
 * Throws InvalidConfigError when `current` holds keys of this project that are not config keys
 * (see unknownStoredKeys): those are the user's to rename, not ours to delete.
 */
export function configChanges(
  current: ConfigMap,
  settings: RancherHaSettings,
  region: string,
  defaults: Record<string, string> = {},
  keep: readonly SettingKey[] = [],
): ConfigChanges {
  const unknown = unknownStoredKeys(current);
  if (unknown.length > 0) throw new InvalidConfigError(unknown);
  const remove: string[] = [];
  const set: ConfigMap = {};
  for (const key of SETTING_KEYS) {
    if (keep.includes(key)) continue;
    const k = fullKey(key);
    const cur = current[k];
    const def = normalise(key, defaults[k]);
    const want = settings[key] === undefined ? undefined : JSON.stringify(settings[key]);
    const have = normalise(key, cur?.value);
    const secretOk =
      cur === undefined || want === undefined || !!cur.secret === !!keySpec(key).secret;
    if ((have ?? def) === (want ?? def) && secretOk) continue;
    const structured = keySpec(key).type === "string[]" || keySpec(key).type === "map";
    if (cur !== undefined && (want === undefined || structured || !secretOk)) remove.push(k);
    Object.assign(set, pathEntries(key, settings));
  }
  if (current[REGION_KEY]?.value !== region || current[REGION_KEY]?.secret) {
    set[REGION_KEY] = { value: region, secret: false };
  }
  return { remove, set };
}

/** Pulumi.yaml's declared defaults, or none when the project file cannot be read. */
export function declaredDefaults(workDir: string): Record<string, string> {
  try {
    return projectDefaults(readProject(workDir));
  } catch {
    return {};
  }
}

/**
 * Brings the stack's stored config in line with the settings; returns what changed. Throws
 * InvalidConfigError, writing nothing, when the stored config holds unknown project keys.
 */
export async function syncStackConfig(
  stack: EngineStack,
  settings: RancherHaSettings,
  region: string,
  opts: {
    defaults?: Record<string, string>;
    keep?: readonly SettingKey[];
    current?: ConfigMap;
  } = {},
): Promise<ConfigChanges> {
  const current = opts.current ?? (await stack.getAllConfig());
  const changes = configChanges(current, settings, region, opts.defaults, opts.keep);
  if (changes.remove.length > 0) await stack.removeAllConfig(changes.remove);
  if (Object.keys(changes.set).length > 0) await stack.setAllConfig(changes.set, true);
  return changes;
}

/** Settings stored in the stack (e.g. decrypted secrets), for the given keys. */
export function storedSettings(current: ConfigMap, keys: readonly SettingKey[]): RancherHaSettings {
  const raw: Record<string, string> = {};
  for (const key of keys) {
    const v = current[fullKey(key)];
    if (v !== undefined) raw[fullKey(key)] = v.value;
  }
  return parseSettings(raw).settings;
}
