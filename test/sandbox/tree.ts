// A sandbox directory's files in memory, with the directory's own name left out, so that the
// tree one sandbox holds can be compared with and copied into another (see Sandbox.converge).
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";

/** Files and directories by path relative to the sandbox (text: the bytes as latin1). */
export type Tree = Map<string, { mode: number; text?: string }>;

/** Stands for the sandbox directory in a Tree's file contents. */
const DIR_MARK = "\x01rancher-ha-sandbox-dir\x01";

/** Every file and directory under `dir`, or undefined when it holds anything else. */
export function readTree(dir: string): Tree | undefined {
  const tree: Tree = new Map();
  const walk = (rel: string): boolean => {
    const entries = fs.readdirSync(path.join(dir, rel), { withFileTypes: true });
    for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const r = path.join(rel, e.name);
      const abs = path.join(dir, r);
      const mode = fs.lstatSync(abs).mode & 0o7777;
      if (e.isDirectory()) {
        tree.set(r, { mode });
        if (!walk(r)) return false;
      } else if (e.isFile()) {
        // latin1 maps bytes 1:1, so the (ASCII) directory name can be swapped in any file.
        const text = fs.readFileSync(abs).toString("latin1").split(dir).join(DIR_MARK);
        tree.set(r, { mode, text });
      } else return false;
    }
    return true;
  };
  return walk("") ? tree : undefined;
}

/** Replaces the contents of `dir` with `tree` (read from another directory), modes included. */
export function writeTree(dir: string, tree: Tree): void {
  for (const name of fs.readdirSync(dir)) {
    fs.rmSync(path.join(dir, name), { recursive: true, force: true });
  }
  const dirs: [string, number][] = [];
  for (const [rel, { mode, text }] of tree) {
    const abs = path.join(dir, rel);
    if (text === undefined) {
      fs.mkdirSync(abs);
      dirs.push([abs, mode]);
    } else {
      fs.writeFileSync(abs, Buffer.from(text.split(DIR_MARK).join(dir), "latin1"));
      fs.chmodSync(abs, mode);
    }
  }
  // Directory modes last (deepest first): a read-only directory must not stop the writes.
  for (const [abs, mode] of dirs.reverse()) fs.chmodSync(abs, mode);
}

/** A digest of `tree` and `extra` (what else a run depends on, e.g. its stdin). */
export function treeKey(tree: Tree, extra: string): string {
  const h = createHash("sha256").update(`${extra}\0`);
  for (const [rel, { mode, text }] of tree) h.update(`${rel}\0${mode}\0${text ?? "/"}\0`);
  return h.digest("hex");
}
