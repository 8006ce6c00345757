// What a check:ts run reads (test/tools/check-ts.cjs), as its "nothing changed since the last
// clean check" test compares it. A snapshot holds:
// - the root file names tsconfig.json gives, and the text of every config file it extends;
// - the text hash of every source file under the root: JavaScript, TypeScript and JSON, any
//   package.json included (node_modules, .git and the cache aside), so a new, changed or removed
//   file counts; a symlinked file counts as the file it points to, as `eslint .` lints it;
// - where each import, reference and type reference of those files resolves (one hash over them
//   all): a package.json "types" or "main", a nested node_modules or a new declaration next to a
//   module can change what TypeScript reads without any project file changing;
// - the size and modification time of each declaration the run read from node_modules and
//   TypeScript's libs (`external`), which is tsc -b's own test.
"use strict";
const { createHash } = require("node:crypto");
const fs = require("node:fs");
const path = require("node:path");
const ts = require("typescript");

const SOURCE_FILE = /\.(?:[cm]?[jt]sx?|json)$/;
const CODE_FILE = /\.[cm]?[jt]sx?$/;

const sha256 = (data) => createHash("sha256").update(data).digest("hex");

/** `stat` of a path, or undefined when it does not exist. */
function statOrUndefined(file) {
  try {
    return fs.statSync(file);
  } catch (e) {
    if (e.code === "ENOENT") return undefined;
    throw e;
  }
}

/**
 * Every source file under `root`, relative to it, sorted: node_modules, .git and `cacheDir` aside;
 * symlinked files followed, symlinked directories not (as `eslint .` does).
 */
function sourceFiles(root, cacheDir) {
  const skip = path.resolve(cacheDir);
  const found = [];
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (entry.name === "node_modules" || entry.name === ".git") continue;
      const full = path.join(dir, entry.name);
      if (full === skip) continue;
      if (entry.isDirectory()) walk(full);
      else if (!SOURCE_FILE.test(entry.name)) continue;
      else if (entry.isFile() || (entry.isSymbolicLink() && statOrUndefined(full)?.isFile())) {
        found.push(path.relative(root, full));
      }
    }
  };
  walk(root);
  return found.sort();
}

/** One hash over where every import, reference and type reference of the code files resolves. */
function resolutions(root, options, files) {
  const host = ts.sys;
  const cache = ts.createModuleResolutionCache(root, (f) => f, options);
  const rel = (f) => (f ? path.relative(root, path.resolve(f)) : null);
  const lines = [];
  // tsconfig's `types` (or every @types package), as if named by a file at the root.
  const atRoot = path.join(root, "__inferred type names__.ts");
  for (const name of options.types ?? ts.getAutomaticTypeDirectiveNames(options, host)) {
    const r = ts.resolveTypeReferenceDirective(name, atRoot, options, host);
    lines.push(`types ${name} ${rel(r.resolvedTypeReferenceDirective?.resolvedFileName)}`);
  }
  for (const file of files.filter((f) => CODE_FILE.test(f))) {
    const full = path.join(root, file);
    const info = ts.preProcessFile(fs.readFileSync(full, "utf8"), true, true);
    for (const { fileName } of info.importedFiles) {
      const r = ts.resolveModuleName(fileName, full, options, host, cache);
      lines.push(`${file} import ${fileName} ${rel(r.resolvedModule?.resolvedFileName)}`);
    }
    for (const { fileName } of info.referencedFiles) {
      lines.push(
        `${file} path ${fileName} ${statOrUndefined(path.resolve(path.dirname(full), fileName)) ? "found" : "missing"}`,
      );
    }
    for (const { fileName } of info.typeReferenceDirectives) {
      const r = ts.resolveTypeReferenceDirective(fileName, full, options, host);
      lines.push(
        `${file} types ${fileName} ${rel(r.resolvedTypeReferenceDirective?.resolvedFileName)}`,
      );
    }
  }
  return sha256(lines.join("\n"));
}

/**
 * What a run with `parsed` (tsconfig.json as TypeScript parsed it) reads, `external` being the
 * declarations outside the project it read (absolute paths).
 */
function snapshot({ root, cacheDir, parsed, external }) {
  const files = sourceFiles(root, cacheDir);
  const text = (f) => {
    try {
      return sha256(fs.readFileSync(f));
    } catch (e) {
      if (e.code === "ENOENT") return "missing";
      throw e;
    }
  };
  const extended = parsed.options.configFile?.extendedSourceFiles ?? [];
  return {
    rootNames: parsed.fileNames.map((f) => path.relative(root, f)).sort(),
    extended: Object.fromEntries(extended.map((f) => [path.relative(root, f), text(f)])),
    texts: Object.fromEntries(files.map((f) => [f, text(path.join(root, f))])),
    resolutions: resolutions(root, parsed.options, files),
    external: Object.fromEntries(
      [...external].sort().map((f) => {
        const st = statOrUndefined(f);
        return [f, st ? `${st.size}:${st.mtimeMs}` : "missing"];
      }),
    ),
  };
}

/** Whether a declaration in `snap` was modified at or after `since` (a Date.now() value). */
function externalModifiedSince(snap, since) {
  return Object.values(snap.external).some(
    (v) => v === "missing" || Number(v.split(":")[1]) >= since,
  );
}

module.exports = { snapshot, externalModifiedSince };
