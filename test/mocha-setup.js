// Loaded by mocha (.mocharc.js `require`, after tsx) in every mocha process. Plain JavaScript, so
// that it can decide whether to load the test setup at all: in a parallel run (`mocha --parallel`,
// as `npm run test:unit` runs) the main process only hands files to the workers (MOCHA_WORKER_ID
// set) and prints their results, and loading the program there would only delay the workers.
"use strict";

const dispatchOnly =
  process.env.MOCHA_WORKER_ID === undefined && process.argv.includes("--parallel");
if (!dispatchOnly) require("./process-setup.ts");
