// `npm test`: the type check with lint (`check:ts`: one incremental TypeScript program for both,
// test/tools/check-ts.cjs), the format check and shellcheck side by side (each is a single
// process: together they keep both cores busy), then mocha on its own, with its own two workers.
// Running mocha beside the checks would save little on two cores, and its process-level tests (a
// command that must exit within seconds) would compete with the linter for the CPU. Each tool's
// output (stdout and stderr together) is printed whole when it ends (mocha's as it comes, since
// it runs alone), then one line per tool.
// Exits 1 if any failed; the tests run even when a check failed.
// Usage: node test/run-all.mjs [SCRIPT...] runs just those scripts, side by side.
import { spawn } from "node:child_process";

const PHASES = [["check:ts", "format:check", "shellcheck"], ["test:unit"]];
const phases = process.argv.length > 2 ? [process.argv.slice(2)] : PHASES;
const started = Date.now();
const seconds = (since) => `${((Date.now() - since) / 1000).toFixed(1)} s`;
// Keep colours when a person is watching, although the tools write to a pipe.
const env = process.stdout.isTTY ? { ...process.env, FORCE_COLOR: "1" } : process.env;

/** Runs one npm script; `live`: its output as it comes, else whole when it ends. */
function run(script, live) {
  const t0 = Date.now();
  if (live) process.stdout.write(`\n=== npm run ${script}\n`);
  const child = spawn("npm", ["run", "--silent", script], {
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output = [];
  const take = (d) => (live ? process.stdout.write(d) : output.push(d));
  child.stdout.on("data", take);
  child.stderr.on("data", take);
  return new Promise((resolve) => {
    child.on("error", (e) => take(Buffer.from(`${e.message}\n`)));
    child.on("close", (code, signal) => {
      const status = code === 0 ? "ok" : `failed (${signal ?? `exit ${code}`})`;
      const text = Buffer.concat(output).toString("utf8").trimEnd();
      process.stdout.write(`\n=== npm run ${script}: ${status}, ${seconds(t0)}\n`);
      if (text) process.stdout.write(`${text}\n`);
      resolve({ script, ok: code === 0, line: `${script}: ${status}, ${seconds(t0)}` });
    });
  });
}

const results = [];
for (const phase of phases) {
  results.push(...(await Promise.all(phase.map((s) => run(s, phase.length === 1)))));
}
process.stdout.write(`\n=== npm test: ${seconds(started)}\n`);
for (const r of results) process.stdout.write(`  ${r.ok ? "ok    " : "FAILED"} ${r.line}\n`);
process.exitCode = results.every((r) => r.ok) ? 0 : 1;
