// The one module that turns stack configuration into a typed, validated object, in layers that
// `pulumi up`, the Automation API, the offline plan and the tests share:
//   raw strings (what Pulumi stores) ─parse.ts→ RancherHaSettings (typed, only what the user set)
//   ─validators/ + resolve.ts→ RancherHaConfig (defaults applied, what validation proved in the
//   types). Every problem is collected; nothing is registered until the whole config is good.
// The keys themselves are declared once, in keys/<section>.ts, joined by schema.ts.
export { parseSettings, settingsToRaw } from "./parse";
export {
  ConfigError,
  formatProblem,
  type ConfigProblem,
  type Finding,
  type ValidationContext,
  type Validator,
} from "./problems";
export {
  loadConfig,
  resolveConfig,
  validateSettings,
  type ConfigContext,
  type ResolvedConfig,
} from "./resolve";
export * from "./resolved";
export {
  CONFIG_GROUPS,
  CONFIG_SCHEMA,
  DEFAULTS,
  keySpec,
  PROJECT,
  SECRET_KEYS,
  SETTING_KEYS,
  type ConfigGroup,
  type KeySpec,
  type KeyType,
  type RancherHaSettings,
  type SettingKey,
} from "./schema";
