// Parses Mermaid text with the real `mermaid` package, in a child process (it is an ES module
// and needs a DOMPurify stub under Node: see test/mermaid-check.mjs).
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as path from "node:path";

export interface Parsed {
  diagramType: string;
  title?: string;
  tasks?: {
    id: string;
    section: string;
    task: string;
    start: number;
    end: number;
    crit: boolean;
  }[];
}

/** Parses a diagram with the real `mermaid` package (test/mermaid-check.mjs). */
export function mermaidParse(text: string): Parsed {
  const r = spawnSync(process.execPath, [path.join(__dirname, "mermaid-check.mjs")], {
    input: text,
    encoding: "utf8",
    timeout: 60_000,
  });
  assert.equal(r.status, 0, `mermaid rejected the diagram: ${r.stderr}\n${text}`);
  return JSON.parse(r.stdout) as Parsed;
}
