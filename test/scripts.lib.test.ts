import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { SCRIPTS_DIR, Sandbox, explain } from "./sandbox/sandbox";

/** Every node script and what it takes after the params file. */
const USAGE: Record<string, string> = {
  "node-prepare": "",
  "rke2-install": "",
  "rke2-images": "",
  "rke2-start": "",
  "rke2-kubeconfig": "",
  "rke2-leave": " [KIND]",
  "member-claim": " KIND",
  "node-keys": " NONCE",
  "open-secret": " NONCE",
  seal: " PUBLIC_KEY_FILE",
};
const SCRIPTS = Object.keys(USAGE);

describe("scripts: lib.sh and conventions", () => {
  let sb: Sandbox;
  beforeEach(() => (sb = new Sandbox()));
  afterEach(() => sb.cleanup());

  it("the list above covers every script in scripts/node", () => {
    const shipped = fs
      .readdirSync(SCRIPTS_DIR)
      .filter((f) => f.endsWith(".sh") && f !== "lib.sh")
      .map((f) => f.slice(0, -3));
    assert.deepEqual(shipped.sort(), [...SCRIPTS].sort());
  });

  it("every script is bash with set -euo pipefail and sources lib.sh", () => {
    for (const name of [...SCRIPTS, "lib"]) {
      const text = fs.readFileSync(path.join(SCRIPTS_DIR, `${name}.sh`), "utf8");
      assert.ok(text.startsWith("#!/usr/bin/env bash\n"), name);
      assert.match(text, /^set -euo pipefail$/m, name);
      if (name !== "lib")
        assert.match(text, /^source "\$\(dirname "\$\{BASH_SOURCE\[0\]\}"\)\/lib\.sh"$/m, name);
      assert.doesNotMatch(
        text,
        /^\s*(source|\.)\s+.*params/m,
        `${name} must not source the params file`,
      );
      assert.doesNotMatch(text, /^[^#\n]*\beval\b/m, `${name} must not eval`);
    }
  });

  for (const name of SCRIPTS) {
    it(`${name}.sh exits 2 with a usage line when the params file argument is missing`, async () => {
      const r = await sb.run(name, { args: [] });
      assert.equal(r.code, 2, explain(r));
      const args = USAGE[name].replace(/[[\]]/g, "\\$&");
      assert.match(r.stderr, new RegExp(`^usage: ${name} PARAMS_FILE${args}$`, "m"));
    });
  }

  it("fails clearly, naming the file, when the params file is missing", async () => {
    const r = await sb.run("rke2-install", { args: ['"$HOME/nope.env"'] });
    assert.equal(r.code, 1, explain(r));
    assert.match(
      r.stderr,
      /rke2-install: ERROR: params file .*\/home\/nope\.env is missing or unreadable/,
    );
  });

  it("log lines are timestamped, name the script and go to stderr", async () => {
    const r = await libRun(sb, 'log "hello"; warn "careful"; die "broken"; echo unreachable');
    assert.equal(r.code, 1);
    assert.equal(r.stdout, "");
    const lines = r.stderr.trim().split("\n");
    assert.match(lines[0], /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ demo: hello$/);
    assert.match(lines[1], /^\S+ demo: WARNING: careful$/);
    assert.match(lines[2], /^\S+ demo: ERROR: broken$/);
    assert.equal(lines.length, 3);
  });

  it("retry runs a command until it succeeds, within the attempt bound", async () => {
    const r = await libRun(
      sb,
      'n=0; flaky() { n=$((n + 1)); ((n >= 3)); }; retry 5 0.01 "flaky thing" flaky; echo "attempts=$n"',
    );
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, "attempts=3\n");
    assert.match(r.stderr, /WARNING: flaky thing failed \(attempt 2 of 5\); retrying in 0\.01s/);
  });

  it("retry dies naming the description after the last attempt", async () => {
    const r = await libRun(
      sb,
      'n=0; never() { n=$((n + 1)); echo "try $n"; false; }; retry 4 0.01 "the widget" never',
    );
    assert.equal(r.code, 1);
    assert.equal(r.stdout, "try 1\ntry 2\ntry 3\ntry 4\n");
    assert.match(r.stderr, /ERROR: the widget failed after 4 attempts/);
  });

  it("wait_until polls until success and dies with the description and timeout otherwise", async () => {
    const ok = await libRun(
      sb,
      'n=0; soon() { n=$((n + 1)); ((n >= 4)); }; wait_until 5 0.01 "the thing" soon; echo "polls=$n"',
    );
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(ok.stdout, "polls=4\n");
    const started = Date.now();
    const bad = await libRun(sb, 'wait_until 0.3 0.02 "the impossible" false');
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /ERROR: timed out after 0\.3s waiting for the impossible/);
    assert.ok(Date.now() - started < 2000);
  });

  it("bounded cuts a command off at the shared deadline", async () => {
    const r = await libRun(
      sb,
      'set_deadline 0.2; rc=0; bounded sleep 5 || rc=$?; echo "rc=$rc"; bounded true || echo "late=$?"',
    );
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, "rc=124\nlate=124\n");
    assert.ok(r.ms < 2000, explain(r));
  });

  it("install_file writes only when content or mode differs, and says whether it changed", async () => {
    const r = await libRun(
      sb,
      `src="$RANCHER_HA_ROOT/src"; dst="$RANCHER_HA_ROOT/etc/x/dst"
printf 'one\\n' >"$src"
install_file "$src" "$dst" 0600; echo "first=$FILE_CHANGED"
install_file "$src" "$dst" 0600; echo "same=$FILE_CHANGED"
chmod 0644 "$dst"; install_file "$src" "$dst" 0600; echo "mode=$FILE_CHANGED"
printf 'two\\n' >"$src"; install_file "$src" "$dst" 0600; echo "content=$FILE_CHANGED"
stat -c %a "$dst"; cat "$dst"; ls -A "$RANCHER_HA_ROOT/etc/x"`,
    );
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, "first=1\nsame=0\nmode=1\ncontent=1\n600\ntwo\ndst\n");
    assert.match(r.stderr, /installed .*\/etc\/x\/dst \(mode 0600\)/);
    assert.match(r.stderr, /\/etc\/x\/dst is up to date/);
  });
});

/** Runs bash code with lib.sh sourced, as a script called demo.sh, in the sandbox environment. */
function libRun(sb: Sandbox, code: string) {
  const file = path.join(sb.dir, "demo.sh");
  fs.writeFileSync(file, `source "${path.join(SCRIPTS_DIR, "lib.sh")}"\n${code}\n`);
  return sb.runShell(`bash "${file}"`);
}
