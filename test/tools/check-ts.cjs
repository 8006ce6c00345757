// `npm run check:ts`: the type check and ESLint as one incremental check, on one TypeScript
// program. It reports what `tsc --noEmit` and `eslint .` would report, and fails when they would,
// but builds the program once (ESLint's type-aware rules get the program TypeScript checked
// instead of building their own through the project service) and lints again only the files
// whose lint result may have changed; every other file's result comes from the cache of the last
// run. Both outputs are printed whole, then one summary line (how many files were re-checked and
// re-linted).
//
// Why a cached lint result can be reused: a file's lint result depends on the lint setup (the
// rules, their options, the plugins' versions), the file's text and the types the file sees.
// - The setup: this script, the ESLint config, tsconfig.json and package-lock.json (which pins
//   TypeScript, ESLint, the plugins and every .d.ts in node_modules) are hashed into the cache's
//   key; when any changes, every file is linted again.
// - The text: each file's result is stored with the hash of the text it was linted from.
// - The types: a rule may read a declaration's source, not only its type (unbound-method tells an
//   arrow-function property from a method, which the declaration's .d.ts does not), so a file is
//   linted again when it, or any project file it reaches through imports and re-exports, changed
//   text (a changed file that declares globals or is a script counts as reached by every file).
//   Declarations in node_modules are pinned by package-lock.json; one edited in place changes its
//   importers' types, and TypeScript checks those again. A file is also linted again whenever
//   TypeScript checked it again: we record which files the builder checks
//   (`program.getBindAndCheckDiagnostics`, the call its cache guards). That set is at least the
//   files the builder reports as affected; if it is not (a TypeScript upgrade changed the
//   builder's insides), every file is linted.
// - The two caches (TypeScript's build info, our lint results) must describe the same moment: the
//   lint cache records the hash of the build info written with it, and is discarded when the build
//   info on disk is another (a run stopped between the two writes, another tool's build info).
//   The build info is this script's own, not `npm run typecheck`'s.
// - Nothing changed at all: a clean run (no error) records what it read (check-ts-inputs.cjs:
//   every source file's text under the root, where each import resolves, the declarations it read
//   from node_modules by size and modification time, tsc -b's own test). When the next run finds
//   the same, with the same setup key and output format, its report is the recorded one, and it is
//   replayed without building the program. The snapshot is taken before the check; a run records
//   it only if nothing it read changed while it ran.
// No cache (a fresh clone, CI) means every file is checked and linted.
// Files ESLint lints that are not in the TypeScript program (none today: every .ts file is in
// tsconfig.json's include, and ESLint ignores .js/.mjs) are linted every time with the unchanged
// configuration, as `eslint .` would.
//
// Usage: node test/tools/check-ts.cjs [--cache-dir DIR]   (in the project's directory; the cache
// goes to node_modules/.cache/rancher-ha/ by default). Exit 1 when tsc or ESLint found an error.
// CommonJS, so that its test runs `checkTs` in the test's process (one load of TypeScript and
// ESLint for all its runs) rather than as one process per run.
"use strict";
const { createHash } = require("node:crypto");
const fs = require("node:fs");
const path = require("node:path");
const ts = require("typescript");
const { externalModifiedSince, snapshot } = require("./check-ts-inputs.cjs");
/** Loaded on first use: a run that finds nothing changed never needs it. */
const eslintModule = () => require("eslint");

/**
 * Checks the project in `root`; writes the report through `write`; resolves to the exit code.
 * @param {{ root: string, cacheDir: string, write: (text: string) => void, colour?: boolean }} o
 */
async function checkTs({ root, cacheDir, write, colour = false }) {
  const started = process.hrtime.bigint();
  const buildInfoFile = path.join(cacheDir, "check-ts.tsbuildinfo");
  const lintCacheFile = path.join(cacheDir, "check-ts.lint.json");
  const cleanFile = path.join(cacheDir, "check-ts.clean.json");
  const CACHE_FORMAT = 2;

  const sha256 = (data) => createHash("sha256").update(data).digest("hex");
  const readOrEmpty = (file) => {
    try {
      return fs.readFileSync(file);
    } catch (e) {
      if (e.code === "ENOENT") return Buffer.alloc(0);
      throw e;
    }
  };

  // --- TypeScript ---------------------------------------------------------------------------------

  // The build info TypeScript starts from, before this run's replaces it (see the lint cache).
  const previousBuildInfo = sha256(readOrEmpty(buildInfoFile));

  const configDiagnostics = [];
  const parsed = ts.getParsedCommandLineOfConfigFile(
    path.join(root, "tsconfig.json"),
    { incremental: true, tsBuildInfoFile: buildInfoFile, noEmit: true },
    { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => configDiagnostics.push(d) },
  );
  if (!parsed) {
    write(ts.formatDiagnostics(configDiagnostics, formatHost(root)));
    return 1;
  }

  const pretty = parsed.options.pretty ?? colour;
  const format = { pretty, colour };

  // Taken before the check: a clean run records it only if nothing it read changed meanwhile.
  const checkStarted = Date.now();
  const clean = readJson(cleanFile);
  const before = snapshot({
    root,
    cacheDir,
    parsed,
    external: Object.keys(clean?.inputs?.external ?? {}),
  });

  // The lint setup: when any of it changes, no cached result is reused. ESLint looks for its
  // config from each file's directory up, so any eslint.config.* under the root counts.
  const nestedConfigs = Object.keys(before.texts).filter((f) =>
    ESLINT_CONFIGS.includes(path.basename(f)),
  );
  const key = sha256(
    JSON.stringify([
      CACHE_FORMAT,
      ts.version,
      eslintVersion(root),
      ...[
        __filename,
        ...ESLINT_CONFIGS,
        ...nestedConfigs,
        "tsconfig.json",
        "package-lock.json",
      ].map((f) => sha256(readOrEmpty(path.resolve(root, f)))),
    ]),
  );
  if (clean?.key === key && JSON.stringify(clean.format) === JSON.stringify(format)) {
    if (JSON.stringify(before) === JSON.stringify(clean.inputs)) {
      const { program: n, linted: m, lintWarnings } = clean.counts;
      const seconds = (Number(process.hrtime.bigint() - started) / 1e9).toFixed(1);
      write(clean.report);
      write(
        `check:ts: tsc 0 errors (0 of ${n} files checked again), eslint 0 errors, ` +
          `${lintWarnings} warnings (0 of ${m} files linted, ${m} from cache; nothing changed ` +
          `since the last clean check), ${seconds} s\n`,
      );
      return 0;
    }
  }

  // As tsc's own hosts do (TypeScript 5.3+, executeCommandLine): JSDoc in .ts and .d.ts files is
  // parsed only where a type error may depend on it (@see, @link). No rule this project's ESLint
  // config enables reads JSDoc (only no-deprecated and unified-signatures do), and skipping it
  // spares parsing the doc comments of every provider declaration.
  const host = ts.createIncrementalCompilerHost(parsed.options);
  host.jsDocParsingMode = ts.JSDocParsingMode.ParseForTypeErrors;
  const builder = ts.createIncrementalProgram({
    rootNames: parsed.fileNames,
    options: parsed.options,
    host,
    configFileParsingDiagnostics: ts.getConfigFileParsingDiagnostics(parsed),
    projectReferences: parsed.projectReferences,
  });
  const program = builder.getProgram();
  /** The files whose semantic diagnostics the builder computes (it had none it could keep). */
  const checked = new Set();
  const getBindAndCheckDiagnostics = program.getBindAndCheckDiagnostics;
  program.getBindAndCheckDiagnostics = (sourceFile, token) => {
    checked.add(path.resolve(sourceFile.fileName));
    return getBindAndCheckDiagnostics.call(program, sourceFile, token);
  };
  const affected = [];
  for (;;) {
    const next = builder.getSemanticDiagnosticsOfNextAffectedFile();
    if (!next) break;
    if ("fileName" in next.affected) affected.push(path.resolve(next.affected.fileName));
  }
  // As tsc reports them: semantic diagnostics only when the files parse and the options are valid.
  // All are computed either way, so that `checked` is complete.
  const semantic = [...builder.getGlobalDiagnostics(), ...builder.getSemanticDiagnostics()];
  let tsDiagnostics = [...builder.getConfigFileParsingDiagnostics()];
  const syntactic = [...builder.getOptionsDiagnostics(), ...builder.getSyntacticDiagnostics()];
  tsDiagnostics.push(...(syntactic.length ? syntactic : semantic));
  tsDiagnostics = ts.sortAndDeduplicateDiagnostics(tsDiagnostics);
  builder.emit(); // with noEmit, only the build info

  const hookWorks = affected.every((f) => checked.has(f));
  const tsErrors = tsDiagnostics.filter((d) => d.category === ts.DiagnosticCategory.Error).length;

  // --- ESLint -------------------------------------------------------------------------------------

  const { ESLint } = eslintModule();
  const buildInfoHash = sha256(readOrEmpty(buildInfoFile));
  let cached = {};
  /** Every project file's text hash (JSON included) at the cached run. */
  let cachedSources = {};
  try {
    const saved = JSON.parse(fs.readFileSync(lintCacheFile, "utf8"));
    // Written with the build info TypeScript just started from?
    if (saved.key === key && saved.buildInfo === previousBuildInfo) {
      cached = saved.files;
      cachedSources = saved.sources;
    }
  } catch {
    // No cache, or an unreadable one: lint every file.
  }
  if (!hookWorks) cached = cachedSources = {};

  const eslint = new ESLint({
    cwd: root,
    overrideConfig: {
      languageOptions: { parserOptions: { programs: [program], projectService: false } },
    },
  });
  const lintedFiles = await filesToLint(eslint, root);
  /** The project's own files in the program (not TypeScript's libs, not node_modules). */
  const inProgram = new Set(
    program
      .getSourceFiles()
      .filter(
        (sf) =>
          !program.isSourceFileFromExternalLibrary(sf) && !program.isSourceFileDefaultLibrary(sf),
      )
      .map((sf) => path.resolve(sf.fileName)),
  );
  const hashes = new Map(lintedFiles.map((f) => [f, sha256(fs.readFileSync(f))]));
  const sources = {};
  for (const f of inProgram)
    sources[path.relative(root, f)] = hashes.get(f) ?? sha256(readOrEmpty(f));
  const stale = staleFiles(program, inProgram, parsed.options, (f) => {
    const rel = path.relative(root, f);
    return cachedSources[rel] !== sources[rel];
  });
  const reuse = (f) => {
    const entry = cached[path.relative(root, f)];
    return inProgram.has(f) && !checked.has(f) && !stale.has(f) && entry ? entry.result : null;
  };
  const fresh = lintedFiles.filter((f) => !reuse(f) && inProgram.has(f));
  const outside = lintedFiles.filter((f) => !inProgram.has(f));
  const results = [
    ...lintedFiles
      .map(reuse)
      .filter(Boolean)
      .map((r) => ({ ...r, filePath: path.resolve(root, r.filePath) })),
    ...(fresh.length ? await eslint.lintFiles(fresh) : []),
    ...(outside.length ? await new ESLint({ cwd: root }).lintFiles(outside) : []),
  ].sort((a, b) => (a.filePath < b.filePath ? -1 : a.filePath > b.filePath ? 1 : 0));

  fs.mkdirSync(cacheDir, { recursive: true });
  const files = {};
  for (const r of results) {
    if (!inProgram.has(r.filePath)) continue;
    const rel = path.relative(root, r.filePath);
    files[rel] = {
      hash: hashes.get(r.filePath),
      result: { ...r, filePath: rel, source: undefined },
    };
  }
  writeAtomically(lintCacheFile, JSON.stringify({ key, buildInfo: buildInfoHash, files, sources }));

  // --- Report -------------------------------------------------------------------------------------

  let report = "";
  if (tsDiagnostics.length) {
    const formatTs = pretty ? ts.formatDiagnosticsWithColorAndContext : ts.formatDiagnostics;
    report += formatTs(tsDiagnostics, formatHost(root)) + "\n";
  }
  // Colour as decided here, not by ESLint's look at stdout: a replayed report must match.
  report += await (await eslint.loadFormatter("stylish")).format(results, { color: colour });
  write(report);
  const lintErrors = results.reduce((n, r) => n + r.errorCount, 0); // fatal ones included
  const lintWarnings = results.reduce((n, r) => n + r.warningCount, 0);
  const seconds = (Number(process.hrtime.bigint() - started) / 1e9).toFixed(1);
  write(
    `check:ts: tsc ${tsErrors} errors (${[...inProgram].filter((f) => checked.has(f)).length} of ` +
      `${inProgram.size} files checked again), eslint ` +
      `${lintErrors} errors, ${lintWarnings} warnings (${fresh.length + outside.length} of ` +
      `${lintedFiles.length} files linted, ${lintedFiles.length - fresh.length - outside.length} ` +
      `from cache${hookWorks ? "" : "; check hook failed: linted all"}), ${seconds} s\n`,
  );
  const code = tsErrors || lintErrors ? 1 : 0;

  // What this clean run read, for the next run's "nothing changed" test: recorded only when it is
  // what the run saw (nothing changed while it ran); a failed run records nothing.
  fs.rmSync(cleanFile, { force: true });
  if (code === 0) {
    const external = program
      .getSourceFiles()
      .map((sf) => path.resolve(sf.fileName))
      .filter((f) => !inProgram.has(f));
    const after = snapshot({ root, cacheDir, parsed, external });
    const { external: _, ...sawBefore } = before;
    const { external: __, ...sawAfter } = after;
    if (
      JSON.stringify(sawBefore) === JSON.stringify(sawAfter) &&
      !externalModifiedSince(after, checkStarted)
    ) {
      const counts = { program: inProgram.size, linted: lintedFiles.length, lintWarnings };
      writeAtomically(cleanFile, JSON.stringify({ key, format, inputs: after, report, counts }));
    }
  }
  return code;
}

// --- Helpers ------------------------------------------------------------------------------------

function writeAtomically(file, text) {
  const tmp = `${file}.${process.pid}`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
}

function readJson(file) {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8"));
  } catch {
    return undefined; // none yet, or unreadable: not a record
  }
}

/** ESLint's version, from its package.json: loading ESLint itself costs a third of a second. */
function eslintVersion(root) {
  let dir = path.dirname(require.resolve("eslint", { paths: [root] }));
  for (;;) {
    const pkg = readJson(path.join(dir, "package.json"));
    if (pkg?.name === "eslint") return pkg.version;
    if (path.dirname(dir) === dir) return "unknown";
    dir = path.dirname(dir);
  }
}

/** The flat config files ESLint may load (whichever exists first wins): all in the cache's key. */
const ESLINT_CONFIGS = [
  "eslint.config.js",
  "eslint.config.mjs",
  "eslint.config.cjs",
  "eslint.config.ts",
  "eslint.config.mts",
  "eslint.config.cts",
];

/**
 * The project files whose cached lint result cannot be reused: the changed ones (`changed`), and
 * every project file that reaches one through imports and re-exports; all of them when a changed
 * file declares globals or is a script (no import or export), which any file may see.
 */
function staleFiles(program, inProgram, options, changed) {
  const host = ts.sys;
  const cache = ts.createModuleResolutionCache(host.getCurrentDirectory(), (f) => f, options);
  /** Who imports each project file. */
  const importers = new Map();
  const stale = new Set();
  let global = false;
  for (const sf of program.getSourceFiles()) {
    const file = path.resolve(sf.fileName);
    if (!inProgram.has(file)) continue;
    if (changed(file)) {
      stale.add(file);
      // A script (no import or export; JSON modules aside) or a global augmentation.
      const script = !ts.isExternalModule(sf) && !file.endsWith(".json");
      if (script || /\bdeclare\s+global\b/.test(sf.text)) global = true;
    }
    const info = ts.preProcessFile(sf.text, true, true);
    const specifiers = [...info.importedFiles, ...info.referencedFiles].map((r) => r.fileName);
    for (const spec of specifiers) {
      const resolved = ts.resolveModuleName(spec, sf.fileName, options, host, cache).resolvedModule;
      const target = resolved && path.resolve(resolved.resolvedFileName);
      if (!target || !inProgram.has(target)) continue;
      if (!importers.has(target)) importers.set(target, new Set());
      importers.get(target).add(file);
    }
  }
  if (global) return new Set(inProgram);
  const queue = [...stale];
  while (queue.length) {
    for (const importer of importers.get(queue.pop()) ?? []) {
      if (!stale.has(importer)) {
        stale.add(importer);
        queue.push(importer);
      }
    }
  }
  return stale;
}

function formatHost(root) {
  return {
    getCanonicalFileName: (f) => f,
    getCurrentDirectory: () => root,
    getNewLine: () => ts.sys.newLine,
  };
}

function isForcedColour() {
  const v = process.env.FORCE_COLOR;
  return v !== undefined && v !== "0" && v !== "false";
}

/**
 * Every file `eslint .` lints: the files under root that some config object matches, symlinked
 * files included (symlinked directories are not followed).
 */
async function filesToLint(eslint, root) {
  const found = [];
  const walk = async (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (entry.name === "node_modules" || entry.name === ".git") continue;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) await walk(full);
      else if (!entry.isFile() && !fs.statSync(full, { throwIfNoEntry: false })?.isFile()) continue;
      else if (await eslint.calculateConfigForFile(full)) found.push(full);
    }
  };
  await walk(root);
  return found.sort();
}

module.exports = { checkTs };

if (require.main === module) {
  const args = process.argv.slice(2);
  if (!(args.length === 0 || (args.length === 2 && args[0] === "--cache-dir"))) {
    process.stderr.write("usage: node test/tools/check-ts.cjs [--cache-dir DIR]\n");
    process.exit(2);
  }
  checkTs({
    root: process.cwd(),
    cacheDir: path.resolve(args[1] ?? "node_modules/.cache/rancher-ha"),
    write: (text) => process.stdout.write(text),
    colour: Boolean(process.stdout.isTTY) || isForcedColour(),
  }).then(
    (code) => (process.exitCode = code),
    (e) => {
      process.stderr.write(`check:ts: ${e && e.stack ? e.stack : String(e)}\n`);
      process.exitCode = 1;
    },
  );
}
