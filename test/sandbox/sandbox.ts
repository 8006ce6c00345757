// A sandbox that runs the real node scripts (scripts/node/*.sh) against stubbed system tools.
//
// Layout of a sandbox directory:
//   bin/       stub wrappers, first on PATH (curl, systemctl, journalctl, cloud-init, kubectl, fuser,
//              sudo; rke2, rke2-uninstall.sh and rke2-killall.sh as tripwires: the scripts must
//              use the root paths)
//   root/      RANCHER_HA_ROOT; kubectl also at root/var/lib/rancher/rke2/bin/kubectl
//   home/      HOME of the SSH user; home/rancher-ha/ is the staging dir (scripts/, params.env, ...)
//   ctl/       per-test plans, one file per key (see stubs/stub-lib.bash)
//   state/     stub state: service.active (running version), service.enabled, counters
//   fixtures/  installer.sh (served by the curl stub), rke2.yaml (written by a service start)
//   calls.log  every stub call: NUL-separated records (see stub_log)
import * as assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  type ClusterParams,
  renderClusterParams,
  renderNodeParams,
  type NodeParams,
} from "../../components/rke2/params";
import { renderRestoreParams, type RestoreParams } from "../../components/rke2/restoreParams";
import { readTree, treeKey, type Tree, writeTree } from "./tree";

/** Both parameter files' inputs: params.env and cluster.env. */
export type TestParams = NodeParams & ClusterParams;

export const REPO_DIR = path.resolve(__dirname, "..", "..");
export const SCRIPTS_DIR = path.join(REPO_DIR, "scripts", "node");
const STUBS_DIR = path.join(__dirname, "stubs");
export const BASH = findBash();

export const TEST_VERSION = "v1.36.3+rke2r1";
export const NEXT_VERSION = "v1.36.4+rke2r1";
export const NODE_NAME = "rancher-ha-test-server-1";
export const NLB = "rancher-ha-test-nlb-0123456789.elb.eu-west-1.amazonaws.com";
export const INSTALL_URL = "https://get.rke2.example/install.sh";
/** The timeout (seconds) for a wait a test expects to run out. */
export const SHORT = 0.2;
/** A join token as RKE2 prints it; tests check it never leaks. */
export const TOKEN = "K10c0ffee1234567890abcdef::server:9f8e7d6c5b4a3f2e1d0c";

/**
 * Params with tiny intervals. Timeouts are 2 s so that waits which succeed have slack on a busy
 * machine; a test that expects a wait to time out lowers that one timeout to SHORT.
 */
export function testParams(overrides: Partial<TestParams> = {}): TestParams {
  return {
    role: "init",
    nodeName: NODE_NAME,
    rke2Version: TEST_VERSION,
    registrationAddress: NLB,
    controlPlaneEndpoint: `https://${NLB}:6443`,
    installUrl: INSTALL_URL,
    ...overrides,
    timeouts: {
      cloudInit: 2,
      aptLock: 2,
      download: 2,
      registration: 2,
      ready: 2,
      leave: 2,
      ...overrides.timeouts,
    },
    tuning: {
      installTimeout: 5,
      downloadAttempts: 3,
      retryInterval: 0.02,
      pollInterval: 0.02,
      ...overrides.tuning,
    },
  };
}

export interface Call {
  name: string;
  /** The wrapper that was executed (tells PATH's kubectl from the root's). */
  path: string;
  argv: string[];
  /** INSTALL_RKE2_* and RKE2_* variables the stub saw. */
  env: Record<string, string>;
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Stub calls made during this run only. */
  calls: Call[];
  /** The raw calls.log bytes of this run, for "secret never appears" checks. */
  rawCalls: string;
  ms: number;
  timedOut: boolean;
}

export interface RunOptions {
  stdin?: string;
  /** Hard limit; the whole process group is killed after it. Default 15 s. */
  timeoutMs?: number;
  /** Replaces the params-file argument (usage tests). */
  args?: string[];
}

export const DEFAULT_CONFIG = `token-file: /etc/rancher/rke2/token
node-name: ${NODE_NAME}
tls-san:
  - ${NLB}
write-kubeconfig-mode: "0600"
`;

export const KUBECONFIG_FIXTURE = `apiVersion: v1
clusters:
- cluster:
    certificate-authority-data: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCg==
    server: https://127.0.0.1:6443
  name: default
contexts:
- context:
    cluster: default
    user: default
  name: default
current-context: default
kind: Config
preferences: {}
users:
- name: default
  user:
    client-certificate-data: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCg==
    client-key-data: LS0tLS1CRUdJTiBFQyBQUklWQVRFIEtFWS0tLS0tCg==
`;

export class Sandbox {
  readonly dir: string;
  readonly root: string;
  readonly home: string;
  readonly stage: string;
  readonly bin: string;
  readonly ctl: string;
  readonly state: string;
  private params: TestParams = testParams();

  constructor() {
    this.dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "rancher-ha-sandbox-")));
    this.root = path.join(this.dir, "root");
    this.home = path.join(this.dir, "home");
    this.stage = path.join(this.home, "rancher-ha");
    this.bin = path.join(this.dir, "bin");
    this.ctl = path.join(this.dir, "ctl");
    this.state = path.join(this.dir, "state");
    for (const d of [this.root, this.bin, this.ctl, this.state, path.join(this.dir, "tmp")]) {
      fs.mkdirSync(d, { recursive: true });
    }
    fs.mkdirSync(path.join(this.root, "root"), { recursive: true });
    fs.mkdirSync(this.stage, { recursive: true, mode: 0o700 });
    fs.writeFileSync(path.join(this.dir, "calls.log"), "");

    const stubs: Record<string, string> = {
      curl: "curl",
      systemctl: "systemctl",
      journalctl: "journalctl",
      "cloud-init": "cloud-init",
      kubectl: "kubectl",
      fuser: "fuser",
      sudo: "sudo",
      rke2: "tripwire",
      "rke2-uninstall.sh": "tripwire",
      "rke2-killall.sh": "tripwire",
    };
    for (const [name, impl] of Object.entries(stubs))
      this.writeWrapper(path.join(this.bin, name), impl);
    this.writeWrapper(this.rootPath("/var/lib/rancher/rke2/bin/kubectl"), "kubectl");
    this.writeWrapper(path.join(this.dir, "fixtures", "installer.sh"), "installer", {
      posix: true,
    });
    fs.writeFileSync(path.join(this.dir, "fixtures", "rke2.yaml"), KUBECONFIG_FIXTURE);

    // What CopyToRemote puts on a node.
    fs.cpSync(SCRIPTS_DIR, path.join(this.stage, "scripts"), { recursive: true });
    this.setParams();
    this.stageConfig(DEFAULT_CONFIG);
  }

  /**
   * Installs an executable running stubs/IMPL.bash; same format as write_wrapper in
   * stubs/stub-lib.bash. `posix` makes it runnable by `sh FILE` (the downloaded installer).
   */
  writeWrapper(
    dest: string,
    impl: string,
    opts: { posix?: boolean; exports?: Record<string, string> } = {},
  ): void {
    fs.mkdirSync(path.dirname(dest), { recursive: true });
    const stub = path.join(STUBS_DIR, `${impl}.bash`);
    const lines = [
      opts.posix ? "#!/bin/sh" : `#!${BASH}`,
      `export STUB_SANDBOX='${this.dir}' STUB_PATH='${dest}'`,
      ...Object.entries(opts.exports ?? {}).map(([k, v]) => `export ${k}='${v}'`),
      opts.posix ? `exec '${BASH}' '${stub}' "$@"` : `source '${stub}' "$@"`,
    ];
    fs.writeFileSync(dest, lines.join("\n") + "\n", { mode: 0o755 });
  }

  /** Re-renders params.env and cluster.env from the test defaults plus `overrides`. */
  setParams(overrides: Partial<TestParams> = {}): void {
    this.params = testParams(overrides);
    this.writeParamsFile(renderNodeParams(this.params));
    fs.writeFileSync(path.join(this.stage, "cluster.env"), renderClusterParams(this.params));
  }

  /**
   * Writes restore.env (rke2-restore.sh / rke2-rejoin.sh) beside params.env: this node is
   * NODE_NAME in a three-server cluster, with tiny timeouts (2 s, as testParams).
   */
  setRestoreParams(overrides: Partial<RestoreParams> = {}): RestoreParams {
    const params: RestoreParams = {
      restoreId: "20260821-0a1b2c3d",
      snapshotName: `etcd-snapshot-${NODE_NAME}-1755750000.zip`,
      nodeName: NODE_NAME,
      nodeNames: [NODE_NAME, "rancher-ha-test-server-2", "rancher-ha-test-server-3"],
      registrationAddress: NLB,
      ...overrides,
      timeouts: { stop: 2, reset: 2, ready: 2, registration: 2, poll: 0.02, ...overrides.timeouts },
    };
    this.writeRestoreParamsFile(renderRestoreParams(params));
    return params;
  }

  writeRestoreParamsFile(text: string): void {
    fs.writeFileSync(path.join(this.stage, "restore.env"), text, { mode: 0o600 });
  }

  /** Runs a restore script the way the restore command does: params file, then the action word. */
  restore(script: "rke2-restore" | "rke2-rejoin", action: string, opts: RunOptions = {}) {
    return this.run(script, { ...opts, args: ['"$HOME/rancher-ha/restore.env"', action] });
  }

  writeParamsFile(text: string): void {
    fs.writeFileSync(this.paramsFile, text);
  }

  get paramsFile(): string {
    return path.join(this.stage, "params.env");
  }

  get nodeParams(): TestParams {
    return this.params;
  }

  /**
   * Publishes an RKE2 release for the curl stub: each archive under fixtures/artifacts/ and a
   * sha256sum-amd64.txt listing them (`sums` overrides a listed checksum).
   */
  publishRelease(archives: Record<string, Buffer>, sums: Record<string, string> = {}): void {
    const dir = path.join(this.dir, "fixtures", "artifacts");
    fs.mkdirSync(dir, { recursive: true });
    const lines = Object.entries(archives).map(([name, data]) => {
      fs.writeFileSync(path.join(dir, name), data);
      return `${sums[name] ?? createHash("sha256").update(data).digest("hex")}  ${name}`;
    });
    // The real file lists every amd64 artifact (rancher/rke2 scripts/checksum).
    lines.push(`${"0".repeat(64)}  rke2.linux-amd64.tar.gz`);
    fs.writeFileSync(path.join(dir, "sha256sum-amd64.txt"), lines.join("\n") + "\n");
  }

  stageConfig(text: string): void {
    fs.writeFileSync(path.join(this.stage, "config.yaml"), text);
  }

  /** Plans a stub's outcomes: consumed in order, the last one repeats. */
  plan(key: string, ...outcomes: string[]): void {
    fs.writeFileSync(path.join(this.ctl, key), outcomes.join("\n") + "\n");
    fs.rmSync(path.join(this.state, `${key}.count`), { force: true });
  }

  setJournal(text: string): void {
    fs.writeFileSync(path.join(this.ctl, "journal"), text);
  }

  /** How often a stub consulted its plan for `key`. */
  count(key: string): number {
    const file = path.join(this.state, `${key}.count`);
    return fs.existsSync(file) ? Number(fs.readFileSync(file, "utf8").trim()) : 0;
  }

  /** Version the pretend rke2-server runs, or undefined when stopped. */
  get runningVersion(): string | undefined {
    const file = path.join(this.state, "service.active");
    return fs.existsSync(file) ? fs.readFileSync(file, "utf8").trim() : undefined;
  }

  get serviceEnabled(): boolean {
    return fs.existsSync(path.join(this.state, "service.enabled"));
  }

  rootPath(p: string): string {
    if (!p.startsWith("/")) throw new Error(`not absolute: ${p}`);
    return path.join(this.root, p);
  }

  /** A stub state file (state/NAME), e.g. curl.archive.offsets. */
  readState(name: string): string {
    return fs.readFileSync(path.join(this.state, name), "utf8");
  }

  exists(p: string): boolean {
    return fs.existsSync(this.rootPath(p));
  }

  read(p: string): string {
    return fs.readFileSync(this.rootPath(p), "utf8");
  }

  write(p: string, text: string, mode = 0o644): void {
    const file = this.rootPath(p);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
    fs.chmodSync(file, mode);
  }

  /** Permission bits, e.g. 0o600. */
  mode(p: string): number {
    return fs.statSync(this.rootPath(p)).mode & 0o7777;
  }

  env(): NodeJS.ProcessEnv {
    return {
      PATH: `${this.bin}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin`,
      HOME: this.home,
      RANCHER_HA_ROOT: this.root,
      TMPDIR: path.join(this.dir, "tmp"),
      LANG: "C.UTF-8",
    };
  }

  /** Runs a node script the way the Pulumi side does: `sudo -n bash $HOME/rancher-ha/scripts/<name>.sh $HOME/rancher-ha/params.env`. */
  run(script: string, opts: RunOptions = {}): Promise<RunResult> {
    const args = opts.args ?? ['"$HOME/rancher-ha/params.env"'];
    const command = `sudo -n bash "$HOME/rancher-ha/scripts/${script}.sh" ${args.join(" ")}`;
    return this.runShell(command, opts);
  }

  /** Runs a bash command line in the sandbox environment (cwd: the sandbox directory). */
  runShell(command: string, opts: RunOptions = {}): Promise<RunResult> {
    const logFile = path.join(this.dir, "calls.log");
    const logStart = fs.statSync(logFile).size;
    const started = Date.now();
    const child = spawn(BASH, ["--norc", "-c", command], {
      cwd: this.dir,
      env: this.env(),
      detached: true, // own process group, so a timeout can kill every descendant
      stdio: ["pipe", "pipe", "pipe"],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (b: Buffer) => out.push(b));
    child.stderr.on("data", (b: Buffer) => err.push(b));
    child.stdin.on("error", () => undefined); // the script may exit before reading stdin
    child.stdin.end(opts.stdin ?? "");

    const killGroup = () => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
      } catch {
        // already gone
      }
    };
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup();
    }, opts.timeoutMs ?? 15_000);
    // Leftover descendants would keep the pipes open: clear the group once the script exits.
    child.on("exit", killGroup);

    return new Promise((resolve, reject) => {
      child.on("error", reject);
      child.on("close", (code, signal) => {
        clearTimeout(timer);
        const raw = fs.readFileSync(logFile).subarray(logStart);
        resolve({
          code,
          signal,
          stdout: Buffer.concat(out).toString("utf8"),
          stderr: Buffer.concat(err).toString("utf8"),
          calls: parseCalls(raw),
          rawCalls: raw.toString("utf8"),
          ms: Date.now() - started,
          timedOut,
        });
      });
    });
  }

  /**
   * Puts what the installer stub would install in place, without running rke2-install.sh (which
   * has its own tests): the rke2 binary reporting `version`, rke2-uninstall.sh, rke2-killall.sh.
   */
  preinstall(version = TEST_VERSION): void {
    this.writeWrapper(this.rootPath("/usr/local/bin/rke2"), "rke2", {
      exports: { STUB_RKE2_VERSION: version },
    });
    this.writeWrapper(this.rootPath("/usr/local/bin/rke2-uninstall.sh"), "rke2-uninstall");
    this.writeWrapper(this.rootPath("/usr/local/bin/rke2-killall.sh"), "rke2-killall");
  }

  /**
   * A converged first server: RKE2 installed and started by rke2-start.sh, node Ready.
   *
   * rke2-start.sh is deterministic, so it runs once per starting state and token in a process: a
   * sandbox that starts out as an earlier one (files and modes, the sandbox's name left out) gets
   * that run's tree byte for byte (stub state, calls.log), but not its mtimes (node-keys.sh reads
   * them). Most tests converge a fresh sandbox, and a run costs a hundred processes.
   */
  async converge(token = TOKEN): Promise<void> {
    this.preinstall();
    const before = readTree(this.dir);
    const key = before && treeKey(before, token);
    const converged = key && CONVERGED.get(key);
    if (converged) {
      writeTree(this.dir, converged);
      return;
    }
    expectOk(await this.run("rke2-start", { stdin: `${token}\n` }));
    const after = readTree(this.dir);
    if (key && after) CONVERGED.set(key, after);
  }

  cleanup(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Converged sandboxes (see Sandbox.converge), by treeKey of the starting tree and token. */
const CONVERGED = new Map<string, Tree>();

export function parseCalls(raw: Buffer): Call[] {
  const parts = raw.toString("utf8").split("\0");
  parts.pop(); // every field ends with NUL
  const calls: Call[] = [];
  let i = 0;
  const next = (): string => {
    if (i >= parts.length) throw new Error("truncated calls.log record");
    return parts[i++];
  };
  while (i < parts.length) {
    const name = next();
    const wrapper = next();
    const argc = Number(next());
    const argv = Array.from({ length: argc }, next);
    const envc = Number(next());
    const env: Record<string, string> = {};
    for (let k = 0; k < envc; k++) {
      const kv = next();
      const eq = kv.indexOf("=");
      env[kv.slice(0, eq)] = kv.slice(eq + 1);
    }
    calls.push({ name, path: wrapper, argv, env });
  }
  return calls;
}

/** Calls by stub name, optionally only those whose argv starts with `prefix`. */
export function callsOf(result: RunResult, name: string, ...prefix: string[]): Call[] {
  return result.calls.filter((c) => c.name === name && prefix.every((p, idx) => c.argv[idx] === p));
}

/** systemctl verbs used in a run, e.g. ["is-enabled", "enable", "is-active", "start"]. */
export function systemctlVerbs(result: RunResult): string[] {
  return callsOf(result, "systemctl").map((c) => c.argv.find((a) => !a.startsWith("-")) ?? "");
}

/** Asserts exit 0 and that no tripwire (rke2 taken from PATH) fired. */
export function expectOk(result: RunResult): void {
  assert.equal(result.code, 0, explain(result));
  assert.deepEqual(callsOf(result, "tripwire"), [], explain(result));
}

/** Asserts a failure (exit 1) whose stderr matches `message`. */
export function expectFailure(result: RunResult, message: RegExp): void {
  assert.equal(result.code, 1, explain(result));
  assert.match(result.stderr, message, explain(result));
  assert.deepEqual(callsOf(result, "tripwire"), [], explain(result));
}

/** A readable dump for assertion messages. */
export function explain(result: RunResult): string {
  const calls = result.calls.map((c) => `  ${c.name} ${c.argv.join(" ")}`).join("\n");
  return `exit ${result.code} after ${result.ms} ms\n--- stdout\n${result.stdout}--- stderr\n${result.stderr}--- calls\n${calls}`;
}

function findBash(): string {
  const found = spawnSync("bash", ["--norc", "-c", "command -v bash"], { encoding: "utf8" });
  const p = found.stdout.trim();
  if (found.status !== 0 || !p) throw new Error("bash not found on PATH");
  return p;
}
