// The plan on the page: the architecture (Mermaid flowchart), and the first-deploy timeline
// (Mermaid gantt) and cost estimate when the plan data carries them. Mermaid is the npm
// package's browser bundle, served by the portal (/assets/vendor/mermaid.min.js).
import { DIAGRAM_KEY_PREFIX, el, forgetDiagrams, mayKeepDiagrams } from "./app.js";

let initialised = false;

function mermaid() {
  const m = window.mermaid;
  if (!m) throw new Error("the diagram renderer did not load");
  if (!initialised) {
    // strict: labels are sanitised and clicks/scripts in diagrams are disabled.
    m.initialize({
      startOnLoad: false,
      securityLevel: "strict",
      theme: "neutral",
      // Room under two-line subgraph titles ("NLB …<br/>internet-facing").
      flowchart: { subGraphTitleMargin: { top: 4, bottom: 18 } },
    });
    initialised = true;
  }
  return m;
}

// Each diagram as last rendered in this tab, by page and container: laying out a plan's
// architecture (about 160 resources) costs Mermaid a second or more of CPU on a small machine,
// and a stack shows the same diagrams every time it is opened until its plan changes.
const keyOf = (container) => `${DIAGRAM_KEY_PREFIX}${location.pathname}#${container.id}`;

function kept(container, source) {
  try {
    const entry = JSON.parse(sessionStorage.getItem(keyOf(container)) ?? "null");
    return entry && entry.source === source ? entry.svg : undefined;
  } catch {
    return undefined; // storage unavailable or the entry unreadable: render
  }
}

function keep(container, source, svg) {
  if (!mayKeepDiagrams()) return;
  const entry = JSON.stringify({ source, svg });
  try {
    sessionStorage.setItem(keyOf(container), entry);
  } catch {
    // Full (other stacks' diagrams): this one replaces them; else rendered again next time.
    forgetDiagrams();
    try {
      sessionStorage.setItem(keyOf(container), entry);
    } catch {
      // Unavailable, or too large alone.
    }
  }
}

/**
 * Renders Mermaid source into `container` as an SVG with an accessible name; the same source in
 * the same place again shows the SVG kept from the last render (`data-diagram` says which).
 */
export async function renderMermaid(container, source, label) {
  let svg = kept(container, source);
  container.dataset.diagram = svg === undefined ? "rendered" : "kept";
  if (svg === undefined) {
    // One id per container: a kept SVG and a fresh one never share the id Mermaid scopes its
    // styles with.
    ({ svg } = await mermaid().render(`mermaid-${container.id}`, source));
    keep(container, source, svg);
  }
  // Mermaid's output for our plan's diagram, sanitised by it (securityLevel strict) when it was
  // rendered; a kept one comes from this origin's own storage, and the page's CSP (script-src
  // 'self') runs no script in either.
  container.innerHTML = svg;
  const node = container.querySelector("svg");
  if (node) {
    node.setAttribute("role", "img");
    node.setAttribute("aria-label", label);
  }
}

const usd = (n) =>
  new Intl.NumberFormat("en-US", {
    style: "currency",
    currency: "USD",
    maximumFractionDigits: 0,
  }).format(n);

const num = (x) => (typeof x === "number" && Number.isFinite(x) ? x : undefined);

/** The monthly cost: the total, then its parts by kind (or line), as far as the data has them. */
function costRows(estimate) {
  const cost = estimate.cost && typeof estimate.cost === "object" ? estimate.cost : {};
  const rows = [];
  const total = num(estimate.monthlyCostUsd) ?? num(cost.monthlyUsd) ?? num(cost.total);
  if (total !== undefined) rows.push(["Monthly cost", `${usd(total)} a month`]);
  else if (Array.isArray(cost.unpriced) && cost.unpriced.length > 0) {
    rows.push(["Monthly cost", `not priced: ${cost.unpriced.join("; ")}`]);
  }
  const parts = Array.isArray(cost.byKind)
    ? cost.byKind
    : Array.isArray(cost.items)
      ? cost.items
      : [];
  for (const part of parts) {
    const amount = num(part.monthlyUsd) ?? num(part.usd);
    const name = part.label ?? part.kind ?? part.name;
    if (amount !== undefined && name) {
      rows.push([`· ${name}${part.detail ? ` (${part.detail})` : ""}`, usd(amount)]);
    }
  }
  return rows;
}

/** Whatever estimate the plan gives: deploy time, monthly cost (and its parts), critical path. */
export function renderEstimate(container, estimate) {
  const rows = [];
  const minutes = num(estimate.firstDeployMinutes);
  if (minutes !== undefined) rows.push(["First deploy", `about ${minutes} min`]);
  rows.push(...costRows(estimate));
  const path = Array.isArray(estimate.criticalPath)
    ? estimate.criticalPath
        .map((p) => (typeof p === "string" ? p : (p?.step ?? p?.label ?? p?.name ?? "")))
        .filter(Boolean)
    : [];
  if (path.length > 0) rows.push(["Critical path", path.join(" → ")]);
  const note =
    typeof estimate.note === "string"
      ? estimate.note
      : "An estimate, not a measurement or a quote.";
  const retrieved = estimate.cost?.pricesRetrieved;
  container.replaceChildren(
    el(
      "dl",
      { class: "estimate" },
      rows.map(([k, v]) => [el("dt", { text: k }), el("dd", { text: v })]),
    ),
    el("p", {
      class: "muted",
      text: `${note}${typeof retrieved === "string" ? ` Prices compiled ${retrieved}.` : ""}`,
    }),
  );
  return rows.length > 0;
}

/** The timeline's Mermaid source, wherever the plan data keeps it. */
export function timelineSource(data) {
  const t = data.timeline ?? data.estimate?.timeline;
  if (typeof t === "string") return t;
  if (t && typeof t.mermaid === "string") return t.mermaid;
  return undefined;
}
