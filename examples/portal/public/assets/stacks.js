// The stacks page: every stack, its mode, servers, Rancher URL and last operation.
import {
  api,
  el,
  formatChanges,
  initHeader,
  modeText,
  statusBadge,
  timeAgo,
  VERBS,
} from "./app.js";

const rows = document.getElementById("stack-rows");
const warning = document.getElementById("backend-warning");

function lastOperation(s) {
  const op = s.lastOperation;
  if (op) {
    const href = `/stacks/${encodeURIComponent(s.name)}/operations/${op.id}`;
    return [
      el("a", { href, text: VERBS[op.kind] ?? op.kind }),
      " ",
      statusBadge(op.status),
      el("div", {
        class: "muted",
        text: `${timeAgo(op.endedAt ?? op.startedAt)}${op.changes ? ` · ${formatChanges(op.changes, op.kind === "preview")}` : ""}`,
      }),
    ];
  }
  if (s.busy) return statusBadge("running");
  if (s.backend?.updateInProgress) return [statusBadge("running"), " outside this portal"];
  if (s.backend?.lastUpdate)
    return el("span", { class: "muted", text: `updated ${timeAgo(s.backend.lastUpdate)}` });
  return el("span", { class: "muted", text: "none" });
}

function backendCell(s, listed) {
  if (!listed) return el("span", { class: "muted", text: "unknown" });
  if (!s.backend) return el("span", { class: "muted", text: "not deployed" });
  const parts = [];
  if (typeof s.backend.resourceCount === "number")
    parts.push(`${s.backend.resourceCount} resources`);
  if (s.backend.lastUpdate) parts.push(`updated ${timeAgo(s.backend.lastUpdate)}`);
  return el("span", { text: parts.join(" · ") || "in the backend" });
}

function row(s, listed) {
  return el(
    "tr",
    {},
    el(
      "td",
      { class: "stack-name" },
      el("a", { href: `/stacks/${encodeURIComponent(s.name)}`, text: s.name }),
    ),
    el("td", {}, s.mode ? el("span", { class: "badge mode", text: modeText(s.mode) }) : "—"),
    el("td", { text: s.servers ?? "—" }),
    el(
      "td",
      {},
      s.rancherUrl
        ? el("a", {
            href: s.rancherUrl,
            rel: "noopener noreferrer",
            target: "_blank",
            text: s.rancherUrl,
          })
        : "—",
    ),
    el("td", { text: s.region || "—" }),
    el("td", {}, lastOperation(s)),
    el("td", {}, backendCell(s, listed)),
  );
}

async function load() {
  const r = await api("GET", "/api/stacks");
  if (!r.ok) {
    rows.replaceChildren(el("tr", {}, el("td", { colspan: 7, text: r.body?.error ?? "error" })));
    return;
  }
  warning.hidden = r.body.backend.ok;
  if (!r.body.backend.ok) {
    warning.textContent = `The Pulumi backend could not be listed, so stacks that exist only there are missing: ${r.body.backend.error}`;
  }
  rows.replaceChildren(
    ...(r.body.stacks.length > 0
      ? r.body.stacks.map((s) => row(s, r.body.backend.ok))
      : [
          el(
            "tr",
            {},
            el("td", {
              colspan: 7,
              class: "muted",
              text: "No stacks yet: add stacks/Pulumi.<name>.yaml or set PORTAL_STACKS.",
            }),
          ),
        ]),
  );
}

await initHeader();
await load();
// Operations finish while the page is open: keep the list current.
setInterval(() => void load(), 15_000);
