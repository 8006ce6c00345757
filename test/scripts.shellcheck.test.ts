import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { BASH, REPO_DIR } from "./sandbox/sandbox";

const SCRIPT = path.join(REPO_DIR, "test", "shellcheck.sh");

function lint(args: string[], env: NodeJS.ProcessEnv = process.env) {
  const r = spawnSync(BASH, ["--norc", SCRIPT, ...args], {
    encoding: "utf8",
    env,
    timeout: 60_000,
  });
  return { code: r.status, out: r.stdout + r.stderr };
}

describe("scripts: test/shellcheck.sh", () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "rancher-ha-lint-"))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const file = (name: string, text: string) => {
    const p = path.join(dir, name);
    fs.writeFileSync(p, text);
    return p;
  };

  // The full run over scripts/node and the stubs is `npm run shellcheck` (part of `npm test`);
  // here: that the gate can fail, and why.
  it("passes a clean file", () => {
    const r = lint([file("ok.sh", '#!/usr/bin/env bash\nset -euo pipefail\necho "${1:-}"\n')]);
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /shellcheck\.sh: 1 files clean/);
  });

  it("skips a set found clean while it is unchanged, and checks it again once it changes", () => {
    const env = { ...process.env, SHELLCHECK_CLEAN_RECORD: path.join(dir, "record") };
    const ok = file("ok.sh", '#!/usr/bin/env bash\nset -euo pipefail\necho "${1:-}"\n');
    assert.match(lint([ok], env).out, /1 files clean\n/);
    const again = lint([ok], env);
    assert.equal(again.code, 0, again.out);
    assert.match(again.out, /1 files clean \(unchanged since their last check\)/);
    fs.appendFileSync(ok, "echo $1\n");
    const changed = lint([ok], env);
    assert.equal(changed.code, 1, changed.out);
    assert.match(changed.out, /SC2086/);
    // A failing set is never recorded: it fails every time.
    assert.equal(lint([ok], env).code, 1);
  });

  it("fails on a shellcheck finding", () => {
    const r = lint([file("bad.sh", "#!/usr/bin/env bash\necho $1\n")]);
    assert.equal(r.code, 1, r.out);
    assert.match(r.out, /SC2086/);
  });

  it("fails on a disable directive without a reason, and accepts one with a reason", () => {
    const bare = file("bare.sh", "#!/usr/bin/env bash\n# shellcheck disable=SC2034\nx=1\n");
    const r = lint([bare]);
    assert.equal(r.code, 1, r.out);
    assert.match(r.out, /without a reason comment/);
    assert.match(r.out, /bare\.sh:2:# shellcheck disable=SC2034/);

    const why = file(
      "why.sh",
      "#!/usr/bin/env bash\n# shellcheck disable=SC2034 # read by a sourcing script\nx=1\n",
    );
    const ok = lint([why]);
    assert.equal(ok.code, 0, ok.out);
  });

  it("fails with an install hint when shellcheck is missing", () => {
    const bin = path.join(dir, "bin");
    fs.mkdirSync(bin);
    for (const tool of ["dirname"]) {
      const found = spawnSync(BASH, ["--norc", "-c", `command -v ${tool}`], { encoding: "utf8" });
      fs.symlinkSync(found.stdout.trim(), path.join(bin, tool));
    }
    const r = lint([], { PATH: bin });
    assert.equal(r.code, 1, r.out);
    assert.match(
      r.out,
      /shellcheck is not installed; install it with: apt-get install -y shellcheck/,
    );
  });
});
