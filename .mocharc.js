// Mocha's configuration. JavaScript rather than JSON for one thing: the order of the files.
// `npm run test:unit` runs them in parallel (`mocha --parallel`, two worker processes), and mocha
// hands the files out in spec order, each to the next free worker; a slow file handed out last
// keeps one worker busy while the other has finished. So the spec is every test/**/*.test.ts, the
// slowest first (SLOWEST_FIRST, as measured: a file missing from it only runs in name order after
// them), which lets the short files even out the two workers' ends.
"use strict";
const fs = require("node:fs");
const path = require("node:path");

/** The files that take longest (CPU and waiting), longest first. */
const SLOWEST_FIRST = [
  "test/portal.browser.test.ts", // Chromium (partly waiting)
  "test/plan-cli.test.ts", // the plan command's outputs, and as a process
  "test/scripts.start.test.ts", // node scripts in a sandbox
  "test/scripts.restore.test.ts",
  "test/scripts.seal.test.ts", // RSA-3072 keys by OpenSSL
  "test/deploy.entry.test.ts", // the deploy command as processes
  "test/charts.rancher.test.ts", // helm template
  "test/check-ts.test.ts", // TypeScript and ESLint on a small project
  "test/charts.ingress.test.ts",
  "test/pulumi-loader.test.ts", // TypeScript type-checks the program under Pulumi's ts-node
  "test/restore/sandboxes.test.ts",
  "test/portal.auth.test.ts",
  "test/ssm.box.test.ts",
  "test/security.test.ts", // many distinct plans
  "test/restore/ssh.test.ts",
  "test/policy.runner.test.ts",
];

const testFiles = fs
  .readdirSync(path.join(__dirname, "test"), { recursive: true })
  .filter((f) => f.endsWith(".test.ts"))
  .map((f) => path.join("test", f))
  .sort();
const ordered = [
  ...SLOWEST_FIRST.filter((f) => testFiles.includes(f)),
  ...testFiles.filter((f) => !SLOWEST_FIRST.includes(f)),
];

// Mocha adds the files named on its command line to a configured spec: `mocha test/x.test.ts`
// must run that file only, so the spec is left to mocha's default (./test) then.
const TAKES_A_PATH = /^(-r|--require|--file|--config|--package|--ignore|--exclude|-R|--reporter)$/;
const namesFiles = process.argv
  .slice(2)
  .some(
    (a, i, args) => /\.[cm]?[jt]s$/.test(a) && fs.existsSync(a) && !TAKES_A_PATH.test(args[i - 1]),
  );

module.exports = {
  require: ["tsx/cjs", "test/mocha-setup.js"],
  extension: ["ts"],
  recursive: true,
  ignore: ["test/**/!(*.test).ts"],
  ...(namesFiles ? {} : { spec: ordered }),
  timeout: 60000,
  reporter: "spec",
  jobs: 2,
  "node-option": ["max-semi-space-size=64"],
};
