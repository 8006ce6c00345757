// The configuration form's schema. Everything the page knows about a config key comes through
// configSchema(): the one adapter over the project's schema (components/config/schema.ts:
// type, description, default, secrecy, choices and form section of every key).
import { CONFIG_GROUPS, keySpec, SETTING_KEYS, type KeySpec } from "../../components/config";

export interface ConfigField {
  key: string;
  type: KeySpec["type"];
  description: string;
  /** The declared default, as the form shows it ("3", "l4", "0.0.0.0/0"). */
  default?: string;
  secret: boolean;
  /** Allowed values, when the key is one of a fixed set. */
  choices?: string[];
  /** Form section. */
  group: string;
}

export interface ConfigSchema {
  groups: { name: string; open: boolean }[];
  fields: ConfigField[];
}

function defaultText(spec: KeySpec): string | undefined {
  const d = spec.default;
  if (d === undefined) return undefined;
  return Array.isArray(d) ? d.join(", ") : String(d);
}

/** Every config key as a form field, in the schema's order (which is the form's). */
export function configSchema(): ConfigSchema {
  const fields = SETTING_KEYS.map((key): ConfigField => {
    const spec = keySpec(key);
    const def = defaultText(spec);
    return {
      key,
      type: spec.type,
      description: spec.description,
      ...(def !== undefined ? { default: def } : {}),
      secret: spec.secret === true,
      ...(spec.choices ? { choices: [...spec.choices] } : {}),
      group: spec.group,
    };
  });
  return { groups: CONFIG_GROUPS.map(({ name, open }) => ({ name, open })), fields };
}
