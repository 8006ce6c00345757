// The deploy command's real entry point as a process (no Pulumi CLI → one line, exit 127;
// SIGINT during an update → exit 130), and its main on the real Automation API (a CLI too old).
import * as assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { PROJECT_DIR } from "../automation";
import { main } from "../bin/deploy";
import { fixtureProject } from "./helpers";

describe("deploy: the real entry point as a process", function () {
  this.timeout(30_000);
  // bin/deploy.ts's own entry (runAsProcess), pointed at the fixture project.
  const entry = path.join(PROJECT_DIR, "test", "fixtures", "deploy-entry.ts");
  let scratch: string;
  before(() => {
    scratch = mkdtempSync(path.join(tmpdir(), "deploy-entry-"));
  });
  after(() => rmSync(scratch, { recursive: true, force: true }));

  function spawnEntry(args: string[], env: Record<string, string>) {
    const child = spawn(
      process.execPath,
      ["--require", "tsx/cjs", entry, fixtureProject(), ...args],
      {
        cwd: PROJECT_DIR,
        env: { HOME: process.env.HOME ?? scratch, ...env },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    const exited = new Promise<{
      code: number | null;
      signal: string | null;
      out: string;
      err: string;
    }>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill("SIGKILL");
        reject(new Error(`no exit within 20 s\n--- stdout\n${out}\n--- stderr\n${err}`));
      }, 20_000);
      child.on("exit", (code, signal) => {
        clearTimeout(timer);
        resolve({ code, signal, out, err });
      });
    });
    return { child, exited, output: () => out };
  }

  it("without pulumi on PATH: exits 127 within seconds with one line on how to install it", async () => {
    const emptyBin = path.join(scratch, "empty-bin");
    mkdirSync(emptyBin);
    // A hang is caught by spawnEntry's 20 s kill timer; no wall-clock assertion (load-dependent).
    const r = await spawnEntry(["--stack", "dev", "--yes"], {
      PATH: emptyBin,
      PULUMI_BACKEND_URL: pathToFileURL(path.join(scratch, "state")).href,
    }).exited;
    assert.equal(r.code, 127, r.err);
    const lines = r.err.split("\n").filter(Boolean);
    assert.equal(lines.length, 1, r.err);
    assert.match(
      lines[0],
      /^deploy: the Pulumi CLI is not installed or not on PATH: install it with `curl -fsSL https:\/\/get\.pulumi\.com \| sh`/,
    );
    assert.equal(r.out, "");
  });

  it("SIGINT during an update interrupts the CLI and exits 130", async function () {
    // A stand-in `pulumi` that answers the Automation API's setup calls and runs "up" until
    // interrupted, as the real CLI does.
    const bin = path.join(scratch, "fake-bin");
    mkdirSync(bin);
    const log = path.join(scratch, "pulumi-calls.log");
    const fake = path.join(bin, "pulumi");
    writeFileSync(
      fake,
      [
        "#!/bin/bash",
        `echo "$*" >> ${JSON.stringify(log)}`,
        'case "$1" in',
        "  version) echo v3.248.0 ;;",
        '  config) if [[ " $* " == *" --json "* ]]; then echo "{}"; fi ;;',
        '  stack) if [[ "$2" == output ]]; then echo "{}"; fi ;;',
        "  up)",
        "    trap 'echo \"error: update canceled\" >&2; exit 255' INT",
        '    echo "Updating (dev)"',
        "    while true; do sleep 0.05; done ;;",
        "esac",
        "exit 0",
        "",
      ].join("\n"),
    );
    chmodSync(fake, 0o755);
    const p = spawnEntry(["--stack", "dev", "--yes"], {
      PATH: `${bin}:/usr/bin:/bin`,
      PULUMI_BACKEND_URL: pathToFileURL(path.join(scratch, "state")).href,
      PULUMI_CONFIG_PASSPHRASE: "test",
    });
    for (let i = 0; i < 300 && !p.output().includes("Updating (dev)"); i++) {
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.ok(p.output().includes("Updating (dev)"), "the update started");
    p.child.kill("SIGINT");
    const r = await p.exited;
    assert.equal(r.code, 130, r.err);
    assert.match(r.err, /cancelling/);
    assert.match(r.err, /up of stack dev was cancelled/);
    const calls = readFileSync(log, "utf8");
    assert.match(calls, /^up --yes --skip-preview .*--stack dev/m);
    assert.match(calls, /^cancel /m, "stack.cancel() asked the backend too");
  });
});

describe("deploy: main on the real Automation API", function () {
  this.timeout(30_000);
  let scratch: string;
  before(() => {
    scratch = mkdtempSync(path.join(tmpdir(), "deploy-main-"));
  });
  after(() => rmSync(scratch, { recursive: true, force: true }));

  // In-process: how main's exit code becomes the process's is the same path for every code,
  // proven by the 127 of the missing CLI above (runAsProcess); this proves the real SDK's
  // `pulumi version` read on PATH is held to the minimum.
  it("a Pulumi CLI older than v3.186.0: 127 with one line saying to upgrade", async () => {
    const bin = path.join(scratch, "old-bin");
    mkdirSync(bin);
    writeFileSync(
      path.join(bin, "pulumi"),
      '#!/bin/sh\n[ "$1" = version ] && echo v3.185.0\nexit 0\n',
    );
    chmodSync(path.join(bin, "pulumi"), 0o755);
    let out = "";
    let err = "";
    // The SDK finds `pulumi` on this process's PATH (as automation.ops.test.ts does); whatever
    // else would reach the process's stderr counts towards the one line.
    const saved = { path: process.env.PATH, write: process.stderr.write.bind(process.stderr) };
    process.env.PATH = `${bin}:/usr/bin:/bin`;
    process.stderr.write = (t: string | Uint8Array) => {
      err += t.toString();
      return true;
    };
    let code: number;
    try {
      code = await main(["--stack", "dev", "--yes"], {
        stdout: (t) => (out += t),
        stderr: (t) => (err += t),
        env: { PULUMI_BACKEND_URL: pathToFileURL(path.join(scratch, "state")).href },
        projectDir: fixtureProject(),
      });
    } finally {
      process.env.PATH = saved.path;
      process.stderr.write = saved.write;
    }
    assert.equal(code, 127, err);
    const lines = err.split("\n").filter(Boolean);
    assert.equal(lines.length, 1, err);
    assert.match(
      lines[0],
      /^deploy: the Pulumi CLI is v3\.185\.0, but this project needs v3\.186\.0 or newer .*upgrade it with/,
    );
    assert.equal(out, "");
  });
});
