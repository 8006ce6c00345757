// What the schema says of one configuration key (./schema.ts holds every key; ./keys/ by section).

/** How a value is stored: lists and maps as JSON (`pulumi config set --path`). */
export type KeyType = "string" | "integer" | "boolean" | "string[]" | "map";

/** Sections of the portal's form, in order; `open` ones start expanded. */
export const CONFIG_GROUPS = [
  { name: "Essentials", open: true },
  { name: "Servers", open: false },
  { name: "Network", open: false },
  { name: "TLS and load balancer", open: false },
  { name: "Rancher", open: false },
  { name: "Backups", open: false },
  { name: "Tags and protection", open: false },
] as const;
export type ConfigGroup = (typeof CONFIG_GROUPS)[number]["name"];

export interface KeySpec {
  readonly type: KeyType;
  /** The values a string key takes (the settings type narrows to them). */
  readonly choices?: readonly string[];
  /** One line: Pulumi.yaml and the portal's form. */
  readonly description: string;
  /** The effective default, when it is a fixed value. */
  readonly default?: string | number | boolean | readonly string[];
  /**
   * The raw value that means "not set". Pulumi.yaml declares it as the key's default, because
   * a declared key without a default is required by the CLI; the program derives the real
   * default (or reports the key as required). Keys with a fixed default get one when that
   * default must not reach a stack where the key does not apply (vpcCidr with vpcId).
   */
  readonly unset?: string;
  /** Never declared in Pulumi.yaml (a declared key without a default is required). */
  readonly secret?: boolean;
  readonly group: ConfigGroup;
  /** The README's configuration table: type and default as shown there, and the notes. */
  readonly doc: { readonly type?: string; readonly default?: string; readonly notes: string };
}
