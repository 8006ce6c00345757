// plan/stackFile.ts's readProject keeps the last parse of Pulumi.yaml by its text: a changed
// file must be seen at once, and the shared result must not be writable by one caller.
import * as assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { projectDefaults, readProject } from "../plan/stackFile";

describe("readProject", () => {
  let dir: string;
  const write = (defaultSize: string) =>
    writeFileSync(
      path.join(dir, "Pulumi.yaml"),
      `name: p\nstackConfigDir: stacks\nconfig:\n  size:\n    type: string\n    default: ${defaultSize}\n`,
    );
  beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), "stackfile-"))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("sees a changed Pulumi.yaml on the next call, and parses an unchanged one once", () => {
    write("small");
    const first = readProject(dir);
    assert.deepEqual(projectDefaults(first), { "p:size": "small" });
    assert.equal(readProject(dir), first, "same text, same parse");
    write("large");
    assert.deepEqual(projectDefaults(readProject(dir)), { "p:size": "large" });
    write("small");
    assert.deepEqual(projectDefaults(readProject(dir)), { "p:size": "small" });
  });

  it("shares a frozen result, so no caller can change another's", () => {
    write("small");
    const project = readProject(dir) as { config: Record<string, { default: unknown }> };
    assert.throws(() => {
      project.config.size.default = "huge";
    }, TypeError);
    assert.deepEqual(projectDefaults(readProject(dir)), { "p:size": "small" });
  });
});
