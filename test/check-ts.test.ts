// The incremental type check + lint (test/tools/check-ts.cjs) on a tiny project of its own: it
// reports what a full `tsc --noEmit` + `eslint .` would, including a problem in a file that did not
// change (its import did), reuses cached lint results when nothing changed, and checks again,
// rather than replay its last report, when anything that report rests on changed: a new file, a
// declaration in node_modules, where an import resolves, a tsconfig it extends, or a file edited
// while the last run was checking.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

// In this process: TypeScript and ESLint load once for every run (the script is CommonJS).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { checkTs } = require("./tools/check-ts.cjs") as {
  checkTs: (o: {
    root: string;
    cacheDir: string;
    write: (text: string) => void;
  }) => Promise<number>;
};

// No @types and no standard library, so that each run loads a few dozen lines, not the repo's
// program nor TypeScript's 470 KB of ES2022 declarations: MINI_LIB (lib/mini.d.ts, which ESLint
// leaves alone) declares the few global types TypeScript needs and the Promise the rules look
// at. The tests that expect no-floating-promises and unbound-method errors prove it is enough.
const TSCONFIG = {
  compilerOptions: {
    strict: true,
    target: "ES2022",
    module: "commonjs",
    moduleResolution: "node",
    noLib: true,
    types: [],
    skipLibCheck: true,
    noEmit: true,
  },
  include: ["*.ts"],
  files: ["lib/mini.d.ts"],
};
const MINI_LIB = `/// <reference no-default-lib="true"/>
interface Array<T> { length: number; [n: number]: T }
interface Boolean {}
interface Function {}
interface CallableFunction extends Function {}
interface NewableFunction extends Function {}
interface IArguments {}
interface Number {}
interface Object {}
interface RegExp {}
interface String {}
type OnOk<T, A> = ((v: T) => A | PromiseLike<A>) | null;
type OnError<B> = ((e: unknown) => B | PromiseLike<B>) | null;
interface PromiseLike<T> {
  then<A = T, B = never>(f?: OnOk<T, A>, r?: OnError<B>): PromiseLike<A | B>;
}
interface Promise<T> {
  then<A = T, B = never>(f?: OnOk<T, A>, r?: OnError<B>): Promise<A | B>;
  catch<B = never>(r?: OnError<B>): Promise<T | B>;
}
interface PromiseConstructor {
  new <T>(run: (ok: (v: T) => void, no: (e?: unknown) => void) => void): Promise<T>;
}
declare var Promise: PromiseConstructor;
`;
const ESLINT_CONFIG = `import tseslint from "typescript-eslint";
export default [
  { ignores: ["**/*.mjs", "lib/**"] },
  {
    files: ["**/*.ts"],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { "@typescript-eslint": tseslint.plugin },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/unbound-method": "error",
    },
  },
];
`;
// a.ts calls load() through c.ts's re-export (c.ts's own declarations do not change when b.ts's
// do); d.ts calls it directly. u.ts takes k.ts's property m off its object: fine for an arrow
// function, unbound-method for a function expression, and the two have the same declaration.
const FILES = {
  "k.ts": "export class K {\n  m = (): number => 1;\n}\n",
  "u.ts": 'import { K } from "./k";\n\nexport const f = new K().m;\n',
  "b.ts": "export function load(): number {\n  return 1;\n}\n",
  "c.ts": 'export { load } from "./b";\n',
  "a.ts": 'import { load } from "./c";\n\nexport function run(): void {\n  load();\n}\n',
  "d.ts": 'import { load } from "./b";\n\nexport function go(): void {\n  load();\n}\n',
  "e.ts": 'import { depValue } from "dep";\n\nexport const v: number = depValue;\n',
};
/** A package in the project's node_modules that e.ts imports: a declaration outside the project. */
const DEP_TYPES = "export declare const depValue: number;\n";

interface Run {
  code: number;
  out: string;
  linted: number;
}

describe("check:ts (incremental tsc + eslint on one program)", function () {
  let dir: string;
  /** One check; `during` runs when the check writes its report (an edit made while it ran). */
  const run = async (files = Object.keys(FILES).length, during?: () => void): Promise<Run> => {
    let out = "";
    const code = await checkTs({
      root: dir,
      cacheDir: path.join(dir, "cache"),
      write: (text) => {
        out += text;
        during?.();
      },
    });
    const summary = /\((\d+) of (\d+) files linted/.exec(out);
    assert.ok(summary, out);
    assert.equal(summary[2], String(files), out);
    return { code, out, linted: Number(summary[1]) };
  };

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "check-ts-"));
    // The config imports typescript-eslint; the script, TypeScript and ESLint are the repo's.
    const repoModules = path.resolve(__dirname, "../node_modules");
    const modules = path.join(dir, "node_modules");
    fs.mkdirSync(modules);
    for (const name of fs.readdirSync(repoModules)) {
      fs.symlinkSync(path.join(repoModules, name), path.join(modules, name));
    }
    fs.mkdirSync(path.join(modules, "dep"));
    fs.writeFileSync(
      path.join(modules, "dep", "package.json"),
      '{"name":"dep","types":"index.d.ts"}',
    );
    fs.writeFileSync(path.join(modules, "dep", "index.d.ts"), DEP_TYPES);
    fs.writeFileSync(path.join(dir, "tsconfig.json"), JSON.stringify(TSCONFIG));
    fs.writeFileSync(path.join(dir, "eslint.config.mjs"), ESLINT_CONFIG);
    for (const [name, text] of Object.entries(FILES)) fs.writeFileSync(path.join(dir, name), text);
    fs.mkdirSync(path.join(dir, "lib"));
    fs.writeFileSync(path.join(dir, "lib", "mini.d.ts"), MINI_LIB);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("passes a clean project, then reuses every lint result when nothing changed", async () => {
    const first = await run();
    assert.equal(first.code, 0, first.out);
    assert.equal(first.linted, Object.keys(FILES).length, first.out);
    const second = await run();
    assert.equal(second.code, 0, second.out);
    assert.equal(second.linted, 0, second.out);
    assert.match(second.out, /nothing changed since the last clean check/, second.out);
  });

  it("checks again, not replaying the last report, after a new source file or an edited declaration in node_modules", async () => {
    assert.match((await run()).out, /nothing changed since the last clean check/);
    // A new file tsconfig.json's include takes in.
    fs.writeFileSync(path.join(dir, "n.ts"), "export const n: string = 1;\n");
    const added = await run(Object.keys(FILES).length + 1);
    assert.equal(added.code, 1, added.out);
    assert.match(added.out, /n\.ts\(1,14\): error TS2322/, added.out);
    fs.rmSync(path.join(dir, "n.ts"));
    assert.equal((await run()).code, 0);
    assert.match((await run()).out, /nothing changed since the last clean check/);
    // A new file ESLint lints although tsconfig.json leaves it out.
    fs.mkdirSync(path.join(dir, "sub"));
    fs.writeFileSync(path.join(dir, "sub", "x.ts"), "export const x = 1;\n");
    const outside = await run(Object.keys(FILES).length + 1);
    assert.equal(outside.code, 1, outside.out);
    assert.match(outside.out, /sub\/x\.ts\n.*error/, outside.out);
    fs.rmSync(path.join(dir, "sub"), { recursive: true });
    assert.equal((await run()).code, 0);
    // The package's declaration edited in place (package-lock.json unchanged).
    const dep = path.join(dir, "node_modules", "dep", "index.d.ts");
    fs.writeFileSync(dep, DEP_TYPES.replace("number", "boolean"));
    const edited = await run();
    assert.equal(edited.code, 1, edited.out);
    assert.match(edited.out, /e\.ts\(3,14\): error TS2322/, edited.out);
    fs.writeFileSync(dep, DEP_TYPES);
    assert.equal((await run()).code, 0);
  });

  it("records only what a run saw: a file edited while it ran is checked by the next run", async () => {
    fs.appendFileSync(path.join(dir, "d.ts"), "// checked again\n");
    const a = path.join(dir, "a.ts");
    const broken = `${FILES["a.ts"]}export const bad: string = 1;\n`;
    const r = await run(undefined, () => fs.writeFileSync(a, broken));
    assert.equal(r.code, 0, r.out);
    const next = await run();
    assert.equal(next.code, 1, next.out);
    assert.match(next.out, /a\.ts\(6,14\): error TS2322/, next.out);
    fs.writeFileSync(a, FILES["a.ts"]);
    fs.writeFileSync(path.join(dir, "d.ts"), FILES["d.ts"]);
    assert.equal((await run()).code, 0);
  });

  it("checks again when an import resolves elsewhere or a tsconfig it extends changed", async () => {
    assert.match((await run()).out, /nothing changed since the last clean check/);
    // dep's package.json points its types at another declaration, edited in place.
    const dep = path.join(dir, "node_modules", "dep");
    fs.writeFileSync(path.join(dep, "other.d.ts"), DEP_TYPES.replace("number", "boolean"));
    fs.writeFileSync(path.join(dep, "package.json"), '{"name":"dep","types":"other.d.ts"}');
    const moved = await run();
    assert.equal(moved.code, 1, moved.out);
    assert.match(moved.out, /e\.ts\(3,14\): error TS2322/, moved.out);
    fs.writeFileSync(path.join(dep, "package.json"), '{"name":"dep","types":"index.d.ts"}');
    assert.equal((await run()).code, 0);
    // tsconfig.json extends a base.json outside the project; then base.json changes.
    const baseDir = fs.mkdtempSync(path.join(os.tmpdir(), "check-ts-base-"));
    const base = path.join(baseDir, "base.json");
    fs.writeFileSync(base, JSON.stringify({ compilerOptions: { noUnusedLocals: false } }));
    fs.writeFileSync(
      path.join(dir, "tsconfig.json"),
      JSON.stringify({ ...TSCONFIG, extends: base }),
    );
    assert.equal((await run()).code, 0);
    assert.match((await run()).out, /nothing changed since the last clean check/);
    fs.writeFileSync(base, JSON.stringify({ compilerOptions: { noUnusedLocals: true } }));
    const extended = await run();
    assert.equal(extended.code, 0, extended.out);
    assert.doesNotMatch(extended.out, /nothing changed/, extended.out);
    fs.writeFileSync(path.join(dir, "tsconfig.json"), JSON.stringify(TSCONFIG));
    fs.rmSync(baseDir, { recursive: true });
    assert.equal((await run()).code, 0);
  });

  it("lints a symlinked source file, as eslint . does", async () => {
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), "check-ts-link-"));
    try {
      const target = path.join(outside, "x.ts");
      fs.writeFileSync(
        target,
        "async function f(): Promise<void> {}\n\nexport function g(): void {\n  f();\n}\n",
      );
      fs.symlinkSync(target, path.join(dir, "link.ts"));
      const r = await run(Object.keys(FILES).length + 1);
      assert.equal(r.code, 1, r.out);
      assert.match(r.out, /link\.ts\n\s+4:3\s+error .*no-floating-promises/, r.out);
    } finally {
      fs.rmSync(path.join(dir, "link.ts"), { force: true });
      fs.rmSync(outside, { recursive: true, force: true });
    }
    assert.equal((await run()).code, 0);
  });

  it("lints again a changed file and the files that import it, directly or not; no others", async () => {
    fs.appendFileSync(path.join(dir, "a.ts"), "// nobody imports a.ts\n");
    const leaf = await run();
    assert.equal(leaf.code, 0, leaf.out);
    assert.equal(leaf.linted, 1, leaf.out);
    // b.ts: c.ts re-exports it, a.ts imports c.ts, d.ts imports it.
    fs.appendFileSync(path.join(dir, "b.ts"), "// a comment\n");
    const shared = await run();
    assert.equal(shared.code, 0, shared.out);
    assert.equal(shared.linted, 4, shared.out);
  });

  it("reports unbound-method in an unchanged file when the property it takes turns into a method-like function", async () => {
    // The declaration (m: () => number) stays the same: TypeScript need not check u.ts again
    // (after a first change to k.ts, which it treats as a change of declarations).
    fs.appendFileSync(path.join(dir, "k.ts"), "// a comment\n");
    assert.equal((await run()).code, 0);
    fs.writeFileSync(
      path.join(dir, "k.ts"),
      "export class K {\n  m = function (): number {\n    return 1;\n  };\n}\n",
    );
    const r = await run();
    assert.equal(r.code, 1, r.out);
    assert.match(r.out, /u\.ts\n\s+3:18\s+error [\s\S]*?unbound-method/, r.out);
    fs.writeFileSync(path.join(dir, "k.ts"), FILES["k.ts"]);
    const fixed = await run();
    assert.equal(fixed.code, 0, fixed.out);
  });

  it("reports a floating promise in unchanged files when the function they call turns async", async () => {
    fs.writeFileSync(
      path.join(dir, "b.ts"),
      "export async function load(): Promise<number> {\n  return 1;\n}\n",
    );
    const r = await run();
    assert.equal(r.code, 1, r.out);
    for (const file of ["a.ts", "d.ts"]) {
      assert.match(r.out, new RegExp(`${file}\\n\\s+4:3\\s+error .*no-floating-promises`), r.out);
    }
    // From the cache, the next run reports the same problems and still fails.
    const again = await run();
    assert.equal(again.code, 1, again.out);
    assert.equal(again.linted, 0, again.out);
    assert.equal((again.out.match(/no-floating-promises/g) ?? []).length, 2, again.out);
  });

  it("reports a type error", async () => {
    fs.writeFileSync(path.join(dir, "b.ts"), FILES["b.ts"]);
    fs.writeFileSync(path.join(dir, "d.ts"), `${FILES["d.ts"]}export const n: string = 1;\n`);
    const r = await run();
    assert.equal(r.code, 1, r.out);
    assert.match(r.out, /d\.ts\(6,14\): error TS2322/, r.out);
    assert.doesNotMatch(r.out, /no-floating-promises/, r.out);
  });
});
