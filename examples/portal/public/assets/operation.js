// The live operation view: the engine's events (server-sent events) as steps with their elapsed
// time, the full log, then the result (changes, or the error as its problem list) and outputs.
import {
  api,
  el,
  formatChanges,
  formatDuration,
  initHeader,
  pathParts,
  problemText,
  stackPath,
  statusBadge,
  VERBS,
} from "./app.js";
import { renderOutputs } from "./outputs.js";

const { stack, operation } = pathParts();
const $ = (id) => document.getElementById(id);
const stepsList = $("steps");
const log = $("log");
const steps = new Map();
let op;
let done;
let ticker;

// The CLI's colour codes and Pulumi's colour markup.
const ANSI = /\u001b\[[0-9;]*[A-Za-z]|<\{%[a-z]+%\}>/g;

function appendLog(text) {
  const atBottom = log.scrollHeight - log.scrollTop - log.clientHeight < 40;
  log.append(text.replace(ANSI, ""));
  if (atBottom) log.scrollTop = log.scrollHeight;
}

function stepTime(s) {
  return formatDuration((s.endedAt ?? Date.now()) - s.startedAt);
}

const STATUS_WORDS = { running: "running", done: "done", failed: "failed", stopped: "interrupted" };

function renderStep(s) {
  let li = steps.get(s.id)?.li;
  if (!li) {
    li = el("li", { "data-step": s.id });
    stepsList.append(li);
  }
  steps.set(s.id, { step: s, li });
  li.className = `${s.status}${s.op === "same" ? " same" : ""}`;
  li.replaceChildren(
    el("span", { class: "icon", "aria-hidden": "true" }),
    el(
      "span",
      {},
      el("span", { class: "label", text: s.label }),
      el("span", { class: "sr-only", text: `, ${STATUS_WORDS[s.status] ?? s.status}` }),
      el("span", {
        class: "group",
        // The component it belongs to (unless that is its name) and how far its resources are.
        text: [
          s.group !== s.label ? s.group : "",
          s.resources > 1 ? `${s.finished}/${s.resources} resources` : "",
        ]
          .filter(Boolean)
          .join(" · "),
      }),
    ),
    el("span", { class: "op", text: s.op === "same" ? "unchanged" : s.op }),
    el("span", { class: "time", text: stepTime(s) }),
    s.error ? el("span", { class: "step-error", text: s.error }) : "",
  );
  $("steps-empty").hidden = true;
}

function tick() {
  const end = done ? Date.parse(op.endedAt ?? "") || Date.now() : Date.now();
  $("op-elapsed").textContent = formatDuration(end - Date.parse(op.startedAt));
  for (const { step, li } of steps.values()) {
    if (step.status === "running") li.querySelector(".time").textContent = stepTime(step);
  }
  const running = [...steps.values()]
    .filter((x) => x.step.status === "running")
    .map((x) => x.step.label);
  if (!done) {
    const finished = [...steps.values()].filter((x) => x.step.status === "done").length;
    $("op-summary").textContent =
      running.length > 0
        ? `Now: ${running.join(" · ")} (${finished} steps done)`
        : `${finished} steps done`;
  }
}

function finish(d) {
  done = d;
  op.endedAt ??= new Date().toISOString();
  clearInterval(ticker);
  tick();
  $("btn-cancel").hidden = true;
  $("op-status").replaceChildren(statusBadge(d.status));
  const verb = VERBS[op.kind] ?? op.kind;
  const took = d.durationMs !== undefined ? ` in ${formatDuration(d.durationMs)}` : "";
  if (d.status === "succeeded") {
    $("op-summary").textContent =
      `${verb} succeeded${took}: ${formatChanges(d.changes, op.kind === "preview")}.`;
    if (op.kind !== "preview") {
      $("outputs-card").hidden = false;
      void renderOutputs($("outputs"), stack);
    }
    return;
  }
  $("op-summary").textContent = `${verb} ${d.status}.`;
  const box = $("op-error");
  box.hidden = false;
  const e = d.error ?? {};
  box.replaceChildren(
    el(
      "p",
      {},
      el("strong", { text: d.status === "cancelled" ? "Cancelled" : "The operation failed" }),
    ),
  );
  if (Array.isArray(e.problems) && e.problems.length > 0) {
    box.append(
      el(
        "ul",
        {},
        e.problems.map((p) => el("li", { text: problemText(p) })),
      ),
    );
  } else if (e.message) {
    box.append(el("p", { text: e.message }));
  }
  if (e.failedResource?.urn)
    box.append(el("p", { class: "muted", text: `resource: ${e.failedResource.urn}` }));
}

function follow() {
  const source = new EventSource(op.events);
  source.addEventListener("output", (m) => appendLog(JSON.parse(m.data).text));
  source.addEventListener("step", (m) => renderStep(JSON.parse(m.data)));
  source.addEventListener("done", (m) => {
    source.close();
    finish(JSON.parse(m.data));
  });
  // On a dropped connection EventSource reconnects by itself, resuming after the last event.
}

async function main() {
  $("crumb-stack").textContent = stack;
  $("crumb-stack").href = `/stacks/${encodeURIComponent(stack)}`;
  await initHeader();
  const r = await api("GET", `${stackPath(stack)}/operations/${encodeURIComponent(operation)}`);
  if (!r.ok) {
    const box = $("op-error");
    box.hidden = false;
    box.replaceChildren(
      el("p", {}, el("strong", { text: "No such operation" })),
      el("p", {
        text: `${r.body?.error ?? r.status}. The portal keeps its last 100 operations in memory, until it restarts.`,
      }),
    );
    $("steps-empty").hidden = true;
    return;
  }
  op = r.body;
  const verb = VERBS[op.kind] ?? op.kind;
  document.title = `${verb} of ${stack} · rancher-ha portal`;
  $("op-title").textContent = `${verb} of ${stack}`;
  $("op-status").replaceChildren(statusBadge("running"));
  const cancel = $("btn-cancel");
  cancel.hidden = op.status !== "running";
  cancel.addEventListener("click", async () => {
    cancel.disabled = true;
    const c = await api("POST", `${stackPath(stack)}/cancel`);
    if (!c.ok) cancel.disabled = false;
  });
  ticker = setInterval(tick, 1000);
  tick();
  follow();
}

void main();
