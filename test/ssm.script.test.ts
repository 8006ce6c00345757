// The bash the runner sends (ssm/script.ts), rendered and then run as the SSM agent would run it,
// in the sandbox: real bash, real gzip/base64/sha256sum.
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  comment,
  MAX_COMMENT,
  MAX_SCRIPT_BYTES,
  renderCopies,
  renderRun,
  STDERR_TAIL_BYTES,
  wrapScript,
} from "../ssm/script";
import { readDirFiles } from "../ssm/protocol";
import { SCRIPTS_DIR, Sandbox, explain } from "./sandbox/sandbox";
import { runOnNode } from "./ssm/node";

describe("ssm: the scripts sent to nodes (ssm/script.ts)", () => {
  let sb: Sandbox;
  beforeEach(() => (sb = new Sandbox()));
  afterEach(() => sb.cleanup());

  // GetCommandInvocation returns only the first 8,000 characters of stderr and 24,000 of stdout;
  // SendCommand's Comment takes at most 100 (SSM API reference, GetCommandInvocation/SendCommand).
  it("keeps its budgets inside SSM's documented limits", () => {
    assert.ok(STDERR_TAIL_BYTES < 8_000, "the stderr tail must fit StandardErrorContent");
    assert.ok(MAX_COMMENT <= 100, "SendCommand refuses a longer Comment");
    assert.ok(MAX_SCRIPT_BYTES > STDERR_TAIL_BYTES);
  });

  it("rendered scripts are shellcheck-clean bash", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rancher-ha-ssm-lint-"));
    try {
      const samples = [
        renderRun(
          "a step on a node",
          "sudo -n bash /opt/rancher-ha/node/rke2-start.sh /opt/rancher-ha/params.env",
          [{ name: "stdin", content: Buffer.from("hello") }],
        ),
        ...renderCopies("copy", [
          { path: "/opt/rancher-ha/params.env", mode: "0600", content: randomBytes(20_000) },
        ]),
      ];
      // The body runs as its own script: lint it on its own too.
      const bodies = samples.map(
        (s) => /<<'RANCHER_HA_STEP'\n([\s\S]*?)\nRANCHER_HA_STEP\n/.exec(s)![1],
      );
      const files = [...samples, ...bodies.map((b) => `#!/bin/bash\n${b}\n`)].map((text, i) => {
        const f = path.join(dir, `s${i}.sh`);
        fs.writeFileSync(f, text);
        return f;
      });
      const r = spawnSync("shellcheck", ["-S", "style", ...files], { encoding: "utf8" });
      assert.equal(r.status, 0, r.stdout + r.stderr);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("keeps the LAST 7,000 bytes of stderr and the real exit status; the work dir goes", async () => {
    const body =
      'for i in $(seq 1 2000); do echo "log line $i" >&2; done; echo "the real error" >&2; exit 3';
    const { result, invocation } = await runOnNode(sb, wrapScript("tail", body));
    assert.equal(result.code, 3, explain(result));
    assert.equal(Buffer.byteLength(result.stderr), STDERR_TAIL_BYTES);
    assert.match(result.stderr, /log line 2000\nthe real error\n$/);
    assert.equal(invocation.StandardErrorContent, result.stderr, "within SSM's 8,000 characters");
    assert.deepEqual(fs.readdirSync(path.join(sb.dir, "tmp")), []);
  });

  it("a failing command stops the step (its own set -e), even inside the wrapper's || ", async () => {
    const { result } = await runOnNode(sb, wrapScript("stop", 'false\necho "not reached"'));
    assert.equal(result.code, 1);
    assert.equal(result.stdout, "");
  });

  it("a failure on the left of a pipe fails the step (pipefail)", async () => {
    const { result } = await runOnNode(sb, renderRun("pipe", "{ false; } | cat"));
    assert.equal(result.code, 1);
  });

  it("work files arrive byte for byte before the command runs", async () => {
    const data = randomBytes(3000);
    const { result } = await runOnNode(
      sb,
      renderRun("files", 'sha256sum <"$RANCHER_HA_WORK/stdin"', [{ name: "stdin", content: data }]),
    );
    assert.equal(result.code, 0, explain(result));
    const want = spawnSync("sha256sum", { input: data, encoding: "utf8" }).stdout;
    assert.equal(result.stdout, want);
  });

  it("copies the scripts directory and a large file, split within the budget, idempotently", async () => {
    const big = randomBytes(40_000);
    const files = [
      ...readDirFiles(SCRIPTS_DIR).map((f) => ({
        path: `/opt/rancher-ha/node/${f.rel}`,
        mode: "0600" as const,
        content: f.content,
      })),
      { path: "/opt/rancher-ha/big.bin", mode: "0644" as const, content: big },
    ];
    const commands = renderCopies("copy", files);
    assert.ok(commands.length >= 5, `${commands.length} commands`);
    for (const c of commands) assert.ok(Buffer.byteLength(c) <= MAX_SCRIPT_BYTES);
    for (let round = 0; round < 2; round++) {
      for (const c of commands) {
        const { result } = await runOnNode(sb, c);
        assert.equal(result.code, 0, explain(result));
      }
      for (const f of files) {
        assert.deepEqual(fs.readFileSync(sb.rootPath(f.path)), f.content, f.path);
        assert.equal(sb.mode(f.path), Number.parseInt(f.mode, 8), f.path);
      }
      assert.deepEqual(
        fs.readdirSync(sb.rootPath("/opt/rancher-ha")).filter((f) => f.startsWith(".")),
        [],
        "no part or temp files left",
      );
    }
  });

  it("a file whose content does not match its checksum is not installed", async () => {
    const [c] = renderCopies("copy", [
      { path: "/opt/rancher-ha/params.env", mode: "0600", content: Buffer.from("A=1\n") },
    ]);
    const tampered = c.replace(
      /put (\S+) 0600 ([0-9a-f]{64})/,
      (_m, p: string) => `put ${p} 0600 ${"0".repeat(64)}`,
    );
    const { result } = await runOnNode(sb, tampered);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /params\.env: content does not match its checksum; not installed/);
    assert.equal(sb.exists("/opt/rancher-ha/params.env"), false);
  });

  it("comments fit SendCommand's 100 characters and carry no control characters", () => {
    const c = comment(`rancher-ha ${"x".repeat(200)}\n$(id)`);
    assert.equal(c.length, MAX_COMMENT);
    assert.doesNotMatch(c, /[\n$]/);
  });
});
