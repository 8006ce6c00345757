// Mocha's configuration. `npm run test:unit` runs the files in parallel (`mocha --parallel`, two
// worker processes); `npx mocha test/x.test.ts` runs one file in one process.
"use strict";

module.exports = {
  require: ["tsx/cjs", "test/mocha-setup.js"],
  extension: ["ts"],
  recursive: true,
  ignore: ["test/**/!(*.test).ts"],
  timeout: 60000,
  reporter: "spec",
  jobs: 2,
  "node-option": ["max-semi-space-size=64"],
};
