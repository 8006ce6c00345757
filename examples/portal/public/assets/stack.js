// The stack page: the configuration form (validated by the server on every change), the plan's
// architecture, timeline and estimate, the outputs, and the operation buttons.
import {
  api,
  el,
  formatChanges,
  initHeader,
  modeText,
  pathParts,
  showError,
  stackPath,
  statusBadge,
  timeAgo,
  VERBS,
} from "./app.js";
import { buildForm, readForm, showProblems } from "./form.js";
import { renderOutputs } from "./outputs.js";
import { renderEstimate, renderMermaid, timelineSource } from "./plan.js";

const { stack } = pathParts();
const $ = (id) => document.getElementById(id);
const form = $("config");
const problemsBox = $("problems");
const opError = $("op-error");
const busyBox = $("busy");
const buttons = ["btn-preview", "btn-up", "btn-refresh", "btn-destroy"].map($);

let schema;
let validation = 0;
let planned = "";
let planTimer;
let validateTimer;

function operationHref(id) {
  return `/stacks/${encodeURIComponent(stack)}/operations/${id}`;
}

function showBusy(body) {
  busyBox.hidden = false;
  busyBox.replaceChildren(
    el("p", {}, el("strong", { text: body.error ?? `stack ${stack} is busy` })),
  );
  if (body.operation?.id) {
    busyBox.append(
      el(
        "p",
        {},
        el("a", { href: operationHref(body.operation.id), text: "Follow the running operation →" }),
      ),
    );
  } else {
    busyBox.append(
      el("p", {
        text: "Another update holds the stack's lock (the Pulumi CLI, or another portal). Try again when it has finished.",
      }),
    );
  }
}

function facts(d) {
  const items = [];
  if (d.mode) items.push(el("span", { class: "badge mode", text: modeText(d.mode) }));
  if (d.servers)
    items.push(el("span", { text: `${d.servers} server${d.servers === 1 ? "" : "s"}` }));
  if (d.region) items.push(el("span", { text: d.region }));
  if (d.rancherUrl) {
    items.push(
      el("a", {
        href: d.rancherUrl,
        rel: "noopener noreferrer",
        target: "_blank",
        text: d.rancherUrl,
      }),
    );
  }
  items.push(
    el("span", {
      text:
        d.source === "file"
          ? `settings from stacks/Pulumi.${stack}.yaml`
          : d.source === "portal"
            ? "settings from this portal"
            : "no settings yet",
    }),
  );
  $("stack-facts").replaceChildren(...items);
}

function lastOperation(op) {
  if (!op) return;
  $("last-op").replaceChildren(
    el(
      "p",
      {},
      el("a", { href: operationHref(op.id), text: VERBS[op.kind] ?? op.kind }),
      " ",
      statusBadge(op.status),
      ` ${timeAgo(op.endedAt ?? op.startedAt)}`,
    ),
    op.changes
      ? el("p", { class: "muted", text: formatChanges(op.changes, op.kind === "preview") })
      : "",
    op.error ? el("p", { class: "field-error", text: op.error.message }) : "",
  );
}

async function plan(body) {
  const status = $("plan-status");
  status.textContent = "Planning…";
  const r =
    body === undefined
      ? await api("GET", `${stackPath(stack)}/plan`)
      : await api("POST", `${stackPath(stack)}/plan`, body);
  if (!r.ok) {
    status.textContent =
      r.status === 404
        ? "No settings yet: fill in the configuration to see the plan."
        : `No plan: ${r.body?.error ?? r.status}`;
    return;
  }
  const data = r.body;
  const total = Object.values(data.counts).reduce((a, b) => a + b, 0);
  status.textContent = `Offline plan: ${total} resources${data.warnings.length ? ` · ${data.warnings.length} warning(s)` : ""}. Cloud-assigned values are placeholders.`;
  try {
    await renderMermaid($("diagram"), data.mermaid, `Architecture of stack ${stack}`);
  } catch (e) {
    $("diagram").replaceChildren(el("pre", { text: data.mermaid }));
    status.textContent += ` (diagram not rendered: ${e.message})`;
  }
  // Timeline and estimate: shown when the plan provides them.
  const timeline = timelineSource(data);
  $("timeline-card").hidden = !timeline;
  if (timeline)
    await renderMermaid($("timeline"), timeline, `First deploy timeline of stack ${stack}`).catch(
      () => ($("timeline-card").hidden = true),
    );
  $("estimate-card").hidden = !(
    data.estimate &&
    typeof data.estimate === "object" &&
    renderEstimate($("estimate"), data.estimate)
  );
}

async function validate() {
  const mine = ++validation;
  const body = readForm(form, schema);
  const r = await api("POST", `${stackPath(stack)}/validate`, body);
  if (mine !== validation || !r.ok) return;
  showProblems(form, problemsBox, r.body.problems);
  const warnings = $("warnings");
  warnings.hidden = r.body.warnings.length === 0;
  warnings.replaceChildren(...r.body.warnings.map((w) => el("p", { text: `warning: ${w}` })));
  const key = JSON.stringify(body);
  if (r.body.valid && key !== planned) {
    clearTimeout(planTimer);
    planTimer = setTimeout(() => {
      planned = key;
      void plan(body);
    }, 800);
  }
}

function scheduleValidation(delay) {
  clearTimeout(validateTimer);
  validateTimer = setTimeout(() => void validate(), delay);
}

async function start(kind, body) {
  opError.hidden = true;
  buttons.forEach((b) => (b.disabled = true));
  try {
    const r = await api("POST", `${stackPath(stack)}/${kind}`, body);
    if (r.status === 202) {
      location.assign(operationHref(r.body.operationId));
      return;
    }
    if (r.status === 409) {
      showBusy(r.body);
      busyBox.focus?.();
      return;
    }
    if (Array.isArray(r.body?.problems)) showProblems(form, problemsBox, r.body.problems);
    showError(opError, `${VERBS[kind]} refused (${r.status})`, r.body);
  } finally {
    buttons.forEach((b) => (b.disabled = false));
  }
}

function destroyDialog() {
  const dialog = $("destroy-dialog");
  const input = $("destroy-confirm");
  const go = $("destroy-go");
  for (const n of dialog.querySelectorAll(".stack-name")) n.textContent = stack;
  input.addEventListener("input", () => (go.disabled = input.value !== stack));
  // Enter in the field destroys only when the name matches (the form's default is Cancel).
  input.addEventListener("keydown", (ev) => {
    if (ev.key !== "Enter") return;
    ev.preventDefault();
    if (input.value === stack) go.click();
  });
  $("btn-destroy").addEventListener("click", () => {
    input.value = "";
    go.disabled = true;
    dialog.showModal();
  });
  go.addEventListener("click", () => {
    if (input.value !== stack) return;
    dialog.close();
    void start("destroy", { confirm: input.value });
  });
}

async function main() {
  document.title = `${stack} · rancher-ha portal`;
  $("stack-title").textContent = stack;
  $("crumb-name").textContent = stack;
  await initHeader();
  const [s, d] = await Promise.all([api("GET", "/api/schema"), api("GET", stackPath(stack))]);
  if (!d.ok) {
    showError(opError, `Stack ${stack} cannot be opened`, d.body);
    buttons.forEach((b) => (b.disabled = true));
    return;
  }
  schema = s.body;
  const detail = d.body;
  facts(detail);
  lastOperation(detail.lastOperation);
  if (detail.busy)
    showBusy({
      error: `stack ${stack} is busy: ${detail.busy.kind} is running in this portal`,
      operation: detail.busy,
    });
  buildForm(form, schema, detail);
  showProblems(form, problemsBox, detail.problems);
  form.addEventListener("input", () => scheduleValidation(300));
  form.addEventListener("change", () => scheduleValidation(0));
  $("btn-preview").addEventListener("click", () => void start("preview", readForm(form, schema)));
  $("btn-up").addEventListener("click", () => void start("up", readForm(form, schema)));
  $("btn-refresh").addEventListener("click", () => void start("refresh", {}));
  destroyDialog();
  planned = JSON.stringify(readForm(form, schema));
  await Promise.all([plan(), renderOutputs($("outputs"), stack)]);
  form.dataset.ready = "true";
}

void main();
