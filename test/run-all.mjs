// `npm test`: mocha (`test:unit`, with its two workers) and, beside it at the lowest CPU priority
// (nice 19), the type check with lint (`check:ts`: one incremental TypeScript program for both,
// test/tools/check-ts.cjs), the format check and shellcheck. On two cores mocha's workers still
// leave a core idle now and then (waiting on the browser, on a script's retry sleep, on a child
// process); the checks run in those gaps and otherwise yield, so mocha's process-level tests (a
// command that must exit within seconds) keep the CPU they had when the checks ran first.
// mocha's output prints as it comes; each check's, whole, after it; then one line per tool.
// Each script runs as package.json states it, through sh with node_modules/.bin on PATH, as npm
// runs it, without a further npm process per script.
// Exits 1 if any failed; the tests run even when a check failed.
// Usage: node test/run-all.mjs [SCRIPT...] runs just those scripts, side by side.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const TESTS = "test:unit";
const CHECKS = ["check:ts", "format:check", "shellcheck"];
const scripts = process.argv.length > 2 ? process.argv.slice(2) : [TESTS, ...CHECKS];
const { scripts: defined } = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8"));
const started = Date.now();
const seconds = (since) => `${((Date.now() - since) / 1000).toFixed(1)} s`;
const env = {
  ...process.env,
  PATH: [path.join(ROOT, "node_modules", ".bin"), process.env.PATH].join(path.delimiter),
  // Keep colours when a person is watching, although the tools write to a pipe.
  ...(process.stdout.isTTY ? { FORCE_COLOR: "1" } : {}),
};

/**
 * Runs one package.json script. `live`: its output as it comes, else kept to print after the live
 * one. `yielding`: at nice 19, so that it takes only CPU the live one leaves idle.
 */
function run(script, { live, yielding }) {
  const t0 = Date.now();
  const command = defined[script];
  const output = [];
  const take = (d) => (live ? process.stdout.write(d) : output.push(d));
  const done = (ok, status) => ({
    script,
    ok,
    outcome: `${status}, ${seconds(t0)}`,
    text: Buffer.concat(output).toString("utf8").trimEnd(),
  });
  if (command === undefined) return Promise.resolve(done(false, "no such script"));
  if (live) process.stdout.write(`\n=== npm run ${script}\n`);
  const argv = [...(yielding ? ["nice", "-n", "19"] : []), "sh", "-c", command];
  const child = spawn(argv[0], argv.slice(1), {
    cwd: ROOT,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout.on("data", take);
  child.stderr.on("data", take);
  return new Promise((resolve) => {
    child.on("error", (e) => take(Buffer.from(`${e.message}\n`)));
    child.on("close", (code, signal) =>
      resolve(done(code === 0, code === 0 ? "ok" : `failed (${signal ?? `exit ${code}`})`)),
    );
  });
}

const live = scripts.includes(TESTS) ? TESTS : undefined;
const results = await Promise.all(
  scripts.map((s) => run(s, { live: s === live, yielding: live !== undefined && s !== live })),
);
for (const r of results.filter((r) => r.script !== live)) {
  process.stdout.write(`\n=== npm run ${r.script}: ${r.outcome}\n`);
  if (r.text) process.stdout.write(`${r.text}\n`);
}
process.stdout.write(`\n=== npm test: ${seconds(started)}\n`);
for (const r of results) {
  process.stdout.write(`  ${r.ok ? "ok    " : "FAILED"} ${r.script}: ${r.outcome}\n`);
}
process.exitCode = results.every((r) => r.ok) ? 0 : 1;
