// Parses Mermaid diagrams with the real `mermaid` package under Node and answers what it
// understood: the diagram type and, for a gantt chart, every task as Mermaid compiled it
// (section, start and end in ms, crit), or the parser's message for invalid input.
//
// Runs as a worker thread of test/mermaid-real.ts (one per test process: loading mermaid takes
// about a second), or by hand: `node test/mermaid-check.mjs < diagram.mmd` prints the JSON and
// exits 1 on invalid input.
//
// Mermaid's text sanitizer is DOMPurify, which needs a browser window; under Node its default
// export has no methods, so they are stubbed with the identity. That skips HTML sanitising only:
// the grammar (jison) and the gantt task compiler (dates, durations, ids) are the real ones.
import DOMPurify from "dompurify";
import mermaid from "mermaid";
import { isMainThread, workerData } from "node:worker_threads";

DOMPurify.addHook = () => undefined;
DOMPurify.sanitize = (text) => text;

/** `{ parsed }` or `{ error }` for one diagram. */
async function check(text) {
  try {
    const { diagramType } = await mermaid.parse(text);
    const parsed = { diagramType };
    if (diagramType === "gantt") {
      const diagram = await mermaid.mermaidAPI.getDiagramFromText(text);
      parsed.title = diagram.db.getDiagramTitle();
      parsed.tasks = diagram.db.getTasks().map((t) => ({
        id: t.id,
        section: t.section,
        task: t.task,
        start: t.startTime.valueOf(),
        end: t.endTime.valueOf(),
        crit: Boolean(t.crit),
      }));
    }
    return { parsed };
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e) };
  }
}

if (isMainThread) {
  const chunks = [];
  for await (const c of process.stdin) chunks.push(c);
  const { parsed, error } = await check(Buffer.concat(chunks).toString("utf8"));
  if (error === undefined) process.stdout.write(JSON.stringify(parsed));
  else {
    process.stderr.write(`${error}\n`);
    process.exitCode = 1;
  }
} else {
  // One request at a time: the caller blocks on `signal` until the answer is on the port.
  const { port, signal } = workerData;
  port.on("message", async (text) => {
    port.postMessage(await check(text));
    Atomics.store(signal, 0, 1);
    Atomics.notify(signal, 0);
  });
}
