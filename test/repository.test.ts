// Rules for the repository as a whole, not for one module.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "..");
/** Code we write: TypeScript, JavaScript, shell, the portal's pages and styles. */
const SOURCE = /\.(ts|js|cjs|mjs|sh|bash|css|html)$/;
/** Not ours (vendored upstream data), or not source (installed, generated, local state). */
const SKIP = new Set([".git", "bin-out", "test/fixtures/upstream"]);
const MAX_LINES = 500;

/** Every source file under the root, relative; local dot-directories (state, scratch) skipped. */
function sourceFiles(dir = ""): string[] {
  return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = path.posix.join(dir, e.name);
    if (SKIP.has(rel) || e.name === "node_modules") return []; // policy/ may have its own
    if (e.isDirectory()) return e.name.startsWith(".") && e.name !== ".ci" ? [] : sourceFiles(rel);
    return SOURCE.test(e.name) || rel === ".ci/run" ? [rel] : [];
  });
}

describe("repository", () => {
  it(`has no source file over ${MAX_LINES} lines (split it by what it holds)`, () => {
    const files = sourceFiles();
    assert.ok(files.includes("components/rancherHa.ts") && files.includes(".ci/run"), "walks all");
    const over = files
      .map((f) => ({
        f,
        lines: fs.readFileSync(path.join(ROOT, f), "utf8").split("\n").length - 1,
      }))
      .filter((x) => x.lines > MAX_LINES)
      .map((x) => `${x.f}: ${x.lines} lines`);
    assert.deepEqual(over, []);
  });
});
