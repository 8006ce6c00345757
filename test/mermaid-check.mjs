// Parses a Mermaid diagram (stdin) with the real `mermaid` package under Node and prints what it
// understood as JSON: the diagram type and, for a gantt chart, every task as Mermaid compiled it
// (section, start and end in ms, crit). Exits 1 with the parser's message on invalid input.
//
// Mermaid's text sanitizer is DOMPurify, which needs a browser window; under Node its default
// export has no methods, so they are stubbed with the identity. That skips HTML sanitising only:
// the grammar (jison) and the gantt task compiler (dates, durations, ids) are the real ones.
import DOMPurify from "dompurify";
import mermaid from "mermaid";

DOMPurify.addHook = () => undefined;
DOMPurify.sanitize = (text) => text;

const chunks = [];
for await (const c of process.stdin) chunks.push(c);
const text = Buffer.concat(chunks).toString("utf8");

try {
  const { diagramType } = await mermaid.parse(text);
  const out = { diagramType };
  if (diagramType === "gantt") {
    const diagram = await mermaid.mermaidAPI.getDiagramFromText(text);
    out.title = diagram.db.getDiagramTitle();
    out.tasks = diagram.db.getTasks().map((t) => ({
      id: t.id,
      section: t.section,
      task: t.task,
      start: t.startTime.valueOf(),
      end: t.endTime.valueOf(),
      crit: Boolean(t.crit),
    }));
  }
  process.stdout.write(JSON.stringify(out));
} catch (e) {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
}
