// Parses Mermaid text with the real `mermaid` package (an ES module that needs a DOMPurify stub
// under Node: see test/mermaid-check.mjs), in a worker thread started once per test process:
// loading mermaid costs about a second, a parse a few milliseconds. The call stays synchronous:
// it blocks on an Atomics wait until the worker has answered.
import * as assert from "node:assert/strict";
import * as path from "node:path";
import { MessageChannel, MessagePort, receiveMessageOnPort, Worker } from "node:worker_threads";

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

const TIMEOUT_MS = 60_000;

let checker: { port: MessagePort; signal: Int32Array } | undefined;

function start(): { port: MessagePort; signal: Int32Array } {
  const signal = new Int32Array(new SharedArrayBuffer(4));
  const { port1, port2 } = new MessageChannel();
  const worker = new Worker(path.join(__dirname, "mermaid-check.mjs"), {
    workerData: { port: port2, signal },
    transferList: [port2],
  });
  worker.unref(); // never keeps a test process alive
  return { port: port1, signal };
}

/** Parses a diagram with the real `mermaid` package (test/mermaid-check.mjs). */
export function mermaidParse(text: string): Parsed {
  checker ??= start();
  const { port, signal } = checker;
  Atomics.store(signal, 0, 0);
  port.postMessage(text);
  const waited = Atomics.wait(signal, 0, 0, TIMEOUT_MS);
  const answer = receiveMessageOnPort(port)?.message as
    { parsed?: Parsed; error?: string } | undefined;
  assert.ok(answer, `mermaid checker gave no answer (${waited}) for:\n${text}`);
  assert.equal(answer.error, undefined, `mermaid rejected the diagram: ${answer.error}\n${text}`);
  assert.ok(answer.parsed);
  return answer.parsed;
}
