// `npm test`: the type check, lint, format check, shellcheck and mocha at the same time (they are
// independent, and each check is a single process that would otherwise wait for the others),
// each tool's output (stdout and stderr together) printed whole when it ends, in the order they
// end, then one line per tool. Exits 1 if any failed. Usage: node test/run-all.mjs [SCRIPT...]
import { spawn } from "node:child_process";

const DEFAULT = ["typecheck", "lint", "format:check", "shellcheck", "test:unit"];
const scripts = process.argv.length > 2 ? process.argv.slice(2) : DEFAULT;
const started = Date.now();
const seconds = (since) => `${((Date.now() - since) / 1000).toFixed(1)} s`;
// Keep colours when a person is watching, although the tools write to a pipe.
const env = process.stdout.isTTY ? { ...process.env, FORCE_COLOR: "1" } : process.env;

function run(script) {
  const t0 = Date.now();
  const child = spawn("npm", ["run", "--silent", script], {
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output = [];
  child.stdout.on("data", (d) => output.push(d));
  child.stderr.on("data", (d) => output.push(d));
  return new Promise((resolve) => {
    child.on("error", (e) => output.push(Buffer.from(`${e.message}\n`)));
    child.on("close", (code, signal) => {
      const status = code === 0 ? "ok" : `failed (${signal ?? `exit ${code}`})`;
      const text = Buffer.concat(output).toString("utf8").trimEnd();
      process.stdout.write(`\n=== npm run ${script}: ${status}, ${seconds(t0)}\n`);
      if (text) process.stdout.write(`${text}\n`);
      resolve({ script, ok: code === 0, line: `${script}: ${status}, ${seconds(t0)}` });
    });
  });
}

const results = await Promise.all(scripts.map(run));
process.stdout.write(`\n=== npm test: ${seconds(started)}\n`);
for (const r of results) process.stdout.write(`  ${r.ok ? "ok    " : "FAILED"} ${r.line}\n`);
process.exitCode = results.every((r) => r.ok) ? 0 : 1;
