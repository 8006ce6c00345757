// listStacks: the project's stacks in the backend, as the portal's stacks page lists them —
// through the fake engine, and through the real engine (LocalWorkspace) driving a stub CLI that
// records how it was called.
import * as assert from "node:assert/strict";
import {
  chmodSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { PulumiCommand } from "@pulumi/pulumi/automation";
import { automationEngine, listStacks, PROJECT_DIR, PulumiCliMissingError } from "../automation";
import { FakeEngine, sdkCommandError } from "../automation/fake";

describe("automation: listStacks", () => {
  it("lists the backend's stacks by name, with their last update and whether one is running", async () => {
    const engine = new FakeEngine();
    engine.stack("zeta").scripts.up = { hold: true };
    engine.stack("alpha");
    const running = engine.stack("zeta").up();
    const listed = await listStacks({ engine });
    assert.deepEqual(
      listed.map((s) => [s.name, s.updateInProgress]),
      [
        ["alpha", false],
        ["zeta", true],
      ],
    );
    engine.stack("zeta").release();
    await running;
    const after = await listStacks({ engine });
    assert.equal(after[1].updateInProgress, false);
    assert.match(after[1].lastUpdate ?? "", /^\d{4}-\d\d-\d\dT/);
    assert.ok(engine.calls.includes("listStacks"));
  });

  it("maps a missing CLI and backend errors to the library's errors", async () => {
    const engine = new FakeEngine();
    engine.cliMissing = true;
    await assert.rejects(listStacks({ engine }), PulumiCliMissingError);
    engine.cliMissing = false;
    engine.selectError = sdkCommandError({ stderr: "error: could not reach the backend\n" });
    await assert.rejects(listStacks({ engine }), /could not reach the backend/);
  });

  it("the real engine runs `pulumi stack ls --json` in the project directory (this project only, no --all)", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "rancher-ha-ls-"));
    try {
      const log = path.join(dir, "calls.log");
      mkdirSync(path.join(dir, "cli", "bin"), { recursive: true });
      const cli = path.join(dir, "cli", "bin", "pulumi");
      const stacks = JSON.stringify([
        { name: "prod", current: false, updateInProgress: false, resourceCount: 97 },
        { name: "dev", current: true, lastUpdate: "2026-11-01T10:00:00.000Z" },
      ]);
      writeFileSync(
        cli,
        [
          "#!/usr/bin/env bash",
          `echo "$PWD|$*" >> '${log}'`,
          'case "$1" in',
          '  version) echo "v3.200.0" ;;',
          `  stack) echo '${stacks}' ;;`,
          '  *) echo "unexpected: $*" >&2; exit 1 ;;',
          "esac",
        ].join("\n") + "\n",
      );
      chmodSync(cli, 0o755);
      const project = path.join(dir, "project");
      mkdirSync(project);
      copyFileSync(path.join(PROJECT_DIR, "Pulumi.yaml"), path.join(project, "Pulumi.yaml"));
      const pulumiCommand = await PulumiCommand.get({
        root: path.join(dir, "cli"),
        skipVersionCheck: true,
      });
      const listed = await automationEngine.listStacks({
        workDir: project,
        program: "local",
        pulumiCommand,
        envVars: { PULUMI_BACKEND_URL: `file://${path.join(dir, "state")}` },
      });
      assert.deepEqual(listed, [
        { name: "prod", updateInProgress: false, resourceCount: 97 },
        { name: "dev", lastUpdate: "2026-11-01T10:00:00.000Z" },
      ]);
      const calls = readFileSync(log, "utf8").trim().split("\n");
      const ls = calls.filter((c) => c.includes("|stack "));
      assert.equal(ls.length, 1, calls.join("\n"));
      const [cwd, args] = ls[0].split("|");
      assert.equal(cwd, project);
      assert.match(args, /^stack ls --json\b/);
      assert.doesNotMatch(args, /--all/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
