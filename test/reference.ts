// Loads the upstream reference data vendored in test/fixtures/upstream (SOURCES.md there says
// where each file came from and how to refresh it): RKE2's server config keys and the packaged
// charts. A missing file is a failure with a clear message, never a skip.
import Ajv2020 from "ajv/dist/2020";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import * as tar from "tar";
import { parse } from "yaml";

export const REFERENCE_DIR = path.join(__dirname, "fixtures", "upstream");
/** The packaged Rancher chart the program pins (DEFAULT_VERSIONS.rancherVersion). */
export const RANCHER_CHART = "charts/rancher-2.15.0.tgz";

/** Path of a vendored reference file; throws when it (or the directory) is missing. */
export function referencePath(relative: string, dir: string = REFERENCE_DIR): string {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    throw new Error(
      `Reference data directory not found: ${dir}. The upstream reference data is vendored in ` +
        "the repository (test/fixtures/upstream, see SOURCES.md there): restore it from git.",
    );
  }
  const file = path.join(dir, relative);
  if (!fs.existsSync(file)) {
    throw new Error(`Reference file missing: ${file} (see ${path.join(dir, "SOURCES.md")})`);
  }
  return file;
}

export function referenceFile(relative: string, dir: string = REFERENCE_DIR): string {
  return fs.readFileSync(referencePath(relative, dir), "utf8");
}

const chartFiles = new Map<string, Map<string, string>>();

/**
 * A file inside a vendored packaged chart (`charts/<name>-<version>.tgz`), e.g.
 * `chartFile("charts/rancher-2.15.0.tgz", "rancher/values.yaml")`.
 */
export function chartFile(chart: string, inside: string, dir: string = REFERENCE_DIR): string {
  const file = referencePath(chart, dir);
  let files = chartFiles.get(file);
  if (!files) {
    const read = new Map<string, string>();
    tar.t({
      file,
      sync: true,
      onReadEntry: (entry) => {
        const chunks: Buffer[] = [];
        entry.on("data", (c: Buffer) => chunks.push(c));
        entry.on("end", () => read.set(entry.path, Buffer.concat(chunks).toString("utf8")));
      },
    });
    files = read;
    chartFiles.set(file, files);
  }
  const text = files.get(inside);
  if (text === undefined) throw new Error(`${inside} is not in ${file}`);
  return text;
}

export function loadRke2ServerConfigKeys(dir?: string): string[] {
  const keys = referenceFile("rke2-server-config-keys.txt", dir)
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "" && !l.startsWith("#"));
  if (keys.length === 0) throw new Error("rke2-server-config-keys.txt lists no keys");
  return keys;
}

export function loadRancherValuesYaml(dir?: string): string {
  return chartFile(RANCHER_CHART, "rancher/values.yaml", dir);
}

export function loadRancherValuesSchema(dir?: string): Record<string, unknown> {
  return JSON.parse(chartFile(RANCHER_CHART, "rancher/values.schema.json", dir)) as Record<
    string,
    unknown
  >;
}

// ---------------------------------------------------------------------------------------------
// Known key paths of a chart's values.yaml, counting keys documented only in comments.

export interface KnownValueKeys {
  /** Every known dotted path (maps and leaves). */
  paths: Set<string>;
  /** Paths that have known children (maps). */
  maps: Set<string>;
  /** Paths whose default is `{}`: free-form maps whose children are not listed. */
  openMaps: Set<string>;
}

const KEY_LINE = /^([A-Za-z_][A-Za-z0-9_.-]*):(?:\s+(.*))?$/;

/**
 * Line-based reader of a Helm values.yaml. Real keys count, and so do commented `# key: value`
 * lines, at the indentation the comment's text sits at (`  # email: x` under `letsEncrypt:` is
 * letsEncrypt.email). Not counted: prose (a capitalised word, or a value listing options such as
 * `# options: rancher, letsEncrypt, secret`), list items (`- name: x`) and everything nested in
 * them, and the contents of block scalars (`key: |`).
 */
export function parseKnownValueKeys(valuesYaml: string): KnownValueKeys {
  const known: KnownValueKeys = { paths: new Set(), maps: new Set(), openMaps: new Set() };
  const stack: { indent: number; key: string }[] = [];
  let skipDeeperThan: number | undefined; // inside a list item or block scalar

  for (const raw of valuesYaml.split("\n")) {
    const line = raw.replace(/\s+$/, "");
    if (line.trim() === "") continue;
    const lead = line.length - line.trimStart().length;
    let indent: number;
    let text: string;
    let commented: boolean;
    if (line.trimStart().startsWith("#")) {
      const afterHashes = line.trimStart().replace(/^#+/, "");
      const inner = afterHashes.startsWith(" ") ? afterHashes.slice(1) : afterHashes;
      indent = lead + (inner.length - inner.trimStart().length);
      text = inner.trim();
      commented = true;
    } else {
      indent = lead;
      text = line.trim();
      commented = false;
    }

    if (skipDeeperThan !== undefined) {
      if (indent > skipDeeperThan) continue;
      skipDeeperThan = undefined;
    }
    if (text.startsWith("- ") || text === "-") {
      skipDeeperThan = indent;
      continue;
    }
    const m = KEY_LINE.exec(text.replace(/\s+#.*$/, ""));
    if (!m) continue;
    const key = m[1];
    const value = (m[2] ?? "").trim();
    if (commented && (/^[A-Z]/.test(key) || value.includes(", "))) continue;

    while (stack.length > 0 && stack[stack.length - 1].indent >= indent) stack.pop();
    const parent = stack.map((s) => s.key).join(".");
    const full = parent === "" ? key : `${parent}.${key}`;
    if (parent !== "") known.maps.add(parent);
    known.paths.add(full);
    if (value === "{}") known.openMaps.add(full);
    if (/^[|>][-+0-9]*$/.test(value)) {
      skipDeeperThan = indent;
      continue;
    }
    stack.push({ indent, key });
  }
  return known;
}

/**
 * Problems with the key paths of rendered values: a leaf path the chart does not know (unless it
 * lies under a free-form `{}` map), or a scalar where the chart has a map. Arrays are leaves.
 */
export function unknownValuePaths(
  values: Record<string, unknown>,
  known: KnownValueKeys,
): string[] {
  const problems: string[] = [];
  const underOpenMap = (parts: string[]) => {
    for (let i = 1; i < parts.length; i++) {
      if (known.openMaps.has(parts.slice(0, i).join("."))) return true;
    }
    return false;
  };
  const walk = (obj: Record<string, unknown>, prefix: string[]) => {
    for (const [k, v] of Object.entries(obj)) {
      const parts = [...prefix, k];
      const p = parts.join(".");
      if (underOpenMap(parts)) continue;
      const isMap = typeof v === "object" && v !== null && !Array.isArray(v);
      if (isMap && Object.keys(v).length > 0) {
        walk(v as Record<string, unknown>, parts);
      } else if (!known.paths.has(p)) {
        problems.push(`${p}: not a key of the chart's values.yaml`);
      } else if (!isMap && known.maps.has(p)) {
        problems.push(`${p}: the chart expects a map here`);
      }
    }
  };
  walk(values, []);
  return problems;
}

/**
 * What Helm validates against values.schema.json: the chart's defaults with the user's values
 * merged in (maps merge key by key, anything else replaces, null deletes a default).
 */
export function coalesceValues(
  defaults: Record<string, unknown>,
  overrides: Record<string, unknown>,
): Record<string, unknown> {
  const isMap = (v: unknown): v is Record<string, unknown> =>
    typeof v === "object" && v !== null && !Array.isArray(v);
  const out: Record<string, unknown> = { ...defaults };
  for (const [k, v] of Object.entries(overrides)) {
    if (v === null) delete out[k];
    else if (isMap(v) && isMap(out[k])) out[k] = coalesceValues(out[k], v);
    else out[k] = v;
  }
  return out;
}

/** The value at a key path of parsed YAML/JSON, or undefined (for tests that poke at documents). */
export function at(value: unknown, ...keys: string[]): unknown {
  let cur = value;
  for (const k of keys) {
    if (typeof cur !== "object" || cur === null || Array.isArray(cur)) return undefined;
    cur = (cur as Record<string, unknown>)[k];
  }
  return cur;
}

export interface RancherValuesCheck {
  known: KnownValueKeys;
  /** Schema validation of the chart's defaults merged with `values`, as Helm does it. */
  validate: (values: Record<string, unknown>) => boolean;
  /** The schema's errors from the last `validate`. */
  errors: () => unknown;
  /** Asserts `values` pass the schema and use only keys the chart's values.yaml knows. */
  check: (values: Record<string, unknown>, label: string) => void;
}

/**
 * Validation of rendered Rancher values against the vendored Rancher chart. Helm validates
 * the chart's defaults merged with the user's values, not the user's alone (the chart's if/then
 * on service.disableHTTP relies on the default being present).
 */
export function rancherValuesCheck(dir?: string): RancherValuesCheck {
  const text = loadRancherValuesYaml(dir);
  const known = parseKnownValueKeys(text);
  const defaults = parse(text) as Record<string, unknown>;
  const schema = new Ajv2020({ strict: false, allErrors: true }).compile(
    loadRancherValuesSchema(dir),
  );
  const validate = (values: Record<string, unknown>) => schema(coalesceValues(defaults, values));
  return {
    known,
    validate,
    errors: () => schema.errors,
    check: (values, label) => {
      assert.ok(validate(values), `${label}: schema: ${JSON.stringify(schema.errors)}`);
      assert.deepEqual(unknownValuePaths(values, known), [], `${label}: unknown keys`);
    },
  };
}
