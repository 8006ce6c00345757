// The one schema of every configuration key: its type, description, default, "unset" sentinel,
// secrecy, form section and README notes. Each key is declared once, in the file of its form
// section (./keys/, what one key says: ./keySpec.ts). Everything else derives from it: the
// settings type (below), parsing (./parse.ts), the `config:` block of Pulumi.yaml and the README's
// configuration table (./docs.ts, written by `npm run docs`), and the portal's form.
//
// A plain object `as const` with mapped types rather than a schema library: Pulumi stores every
// value as a string (lists and maps as JSON), parsed by rules of this project (./parse.ts), and
// validation is mostly cross-key (./validators/), so a library would add a dependency while
// the metadata the docs need would still be declared beside it.
import { type KeySpec } from "./keySpec";
import { ESSENTIAL_KEYS } from "./keys/essentials";
import { SERVER_KEYS } from "./keys/servers";
import { NETWORK_KEYS } from "./keys/network";
import { FRONT_END_KEYS } from "./keys/frontEnd";
import { RANCHER_KEYS } from "./keys/rancher";
import { BACKUP_KEYS } from "./keys/backups";
import { TAG_KEYS } from "./keys/tags";

export { CONFIG_GROUPS, type ConfigGroup, type KeySpec, type KeyType } from "./keySpec";

export const PROJECT = "rancher-ha";

/** Every key, in the order of the form, the README table and Pulumi.yaml: section by section. */
export const CONFIG_SCHEMA = {
  ...ESSENTIAL_KEYS,
  ...SERVER_KEYS,
  ...NETWORK_KEYS,
  ...FRONT_END_KEYS,
  ...RANCHER_KEYS,
  ...BACKUP_KEYS,
  ...TAG_KEYS,
} as const satisfies Record<string, KeySpec>;

type Schema = typeof CONFIG_SCHEMA;
export type SettingKey = keyof Schema;

/** The TypeScript type of a key's value, from its spec. */
type ValueOf<S extends KeySpec> = S["type"] extends "string"
  ? S extends { choices: readonly (infer C extends string)[] }
    ? C
    : string
  : S["type"] extends "integer"
    ? number
    : S["type"] extends "boolean"
      ? boolean
      : S["type"] extends "string[]"
        ? string[]
        : Record<string, string>;

/** What a user may set: every key optional. Names are the config keys (namespace `rancher-ha`). */
export type RancherHaSettings = { -readonly [K in SettingKey]?: ValueOf<Schema[K]> };

type KeyWithDefault = {
  [K in SettingKey]: Schema[K] extends { default: unknown } ? K : never;
}[SettingKey];

/** The fixed defaults, typed as the settings they stand for. */
export type Defaults = {
  readonly [K in KeyWithDefault]: ValueOf<Schema[K]> extends string[]
    ? readonly string[]
    : ValueOf<Schema[K]>;
};

export const SETTING_KEYS = Object.keys(CONFIG_SCHEMA) as SettingKey[];

/** The schema by key, widened to KeySpec (for code that walks every key). */
export function keySpec(key: SettingKey): KeySpec {
  return CONFIG_SCHEMA[key];
}

export const SECRET_KEYS: readonly SettingKey[] = SETTING_KEYS.filter(
  (k) => keySpec(k).secret === true,
);

export const DEFAULTS = Object.freeze(
  Object.fromEntries(
    SETTING_KEYS.flatMap((k) => {
      const d = keySpec(k).default;
      return d === undefined ? [] : [[k, d]];
    }),
  ),
) as Defaults;
