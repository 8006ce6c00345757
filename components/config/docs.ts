// The schema as documentation: Pulumi.yaml's `config:` block and the README's configuration
// table. `npm run docs` writes both between their markers; `npm run docs -- --check` fails when
// either differs from what the schema renders.
import { keySpec, SETTING_KEYS, type KeySpec, type KeyType } from "./schema";

const PULUMI_TYPE: Readonly<Record<KeyType, string>> = {
  string: "string",
  integer: "integer",
  boolean: "boolean",
  "string[]": "array",
  map: "object",
};

const TABLE_TYPE: Readonly<Record<KeyType, string>> = {
  string: "string",
  integer: "int",
  boolean: "bool",
  "string[]": "string[]",
  map: "map",
};

/** What Pulumi.yaml declares as the default: the "unset" sentinel when there is one. */
export function declaredDefault(spec: KeySpec): unknown {
  if (spec.unset !== undefined) return spec.unset === "" ? "" : JSON.parse(spec.unset);
  return spec.default;
}

/** The description Pulumi shows: the real default is named when the sentinel stands in for it. */
function pulumiDescription(spec: KeySpec): string {
  if (spec.unset === undefined || spec.default === undefined) return spec.description;
  const d = Array.isArray(spec.default) ? spec.default.join(", ") : String(spec.default);
  return `${spec.description} Default: ${d}.`;
}

/**
 * The `config:` block of Pulumi.yaml, with its comments, as lines of YAML (flow values are
 * JSON, which YAML reads as is). Secret keys are not declared: a declared key without a default
 * is required by the CLI, and a secret may not have a plaintext default.
 */
export function renderPulumiConfig(): string {
  const lines = [
    `# An empty default ("", [], -1, 0) means "not set": the program then applies the effective`,
    "# default given in the description, or reports the key as required.",
    "config:",
  ];
  const secrets: string[] = [];
  for (const key of SETTING_KEYS) {
    const spec = keySpec(key);
    if (spec.secret) {
      secrets.push(`#   ${key}: ${spec.description}`);
      continue;
    }
    lines.push(`  ${key}:`, `    type: ${PULUMI_TYPE[spec.type]}`);
    if (spec.type === "string[]") lines.push("    items:", "      type: string");
    lines.push(`    description: ${JSON.stringify(pulumiDescription(spec))}`);
    lines.push(`    default: ${JSON.stringify(declaredDefault(spec))}`);
  }
  lines.push(
    "# Secret keys are not declared here: a declared key without a default is required, and a",
    "# secret may not have a plaintext default. Set them with `pulumi config set --secret`:",
    ...secrets,
  );
  return lines.join("\n") + "\n";
}

function tableType(spec: KeySpec): string {
  if (spec.doc.type !== undefined) return spec.doc.type;
  if (spec.secret) return "secret";
  if (spec.choices) return spec.choices.map((c) => `\`${c}\``).join(" \\| ");
  return TABLE_TYPE[spec.type];
}

function tableDefault(spec: KeySpec): string {
  if (spec.doc.default !== undefined) return spec.doc.default;
  if (spec.default === undefined) return "—";
  return `\`${Array.isArray(spec.default) ? JSON.stringify(spec.default) : String(spec.default)}\``;
}

/** The README's configuration table (Markdown), one row per key in schema order. */
export function renderConfigTable(): string {
  const rows = SETTING_KEYS.map((key) => {
    const spec = keySpec(key);
    return `| \`${key}\` | ${tableType(spec)} | ${tableDefault(spec)} | ${spec.doc.notes} |`;
  });
  return ["| key | type | default | notes |", "|---|---|---|---|", ...rows].join("\n") + "\n";
}
