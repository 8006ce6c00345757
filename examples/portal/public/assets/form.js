// The configuration form, built from the schema the server sends (/api/schema): one labelled
// field per config key, with its type, default and description. Values go to the server as
// Pulumi stores them (strings, lists, maps), so the server's checks and messages are the CLI's.
import { el, problemText } from "./app.js";

const REGION = "aws:region";

function fieldId(key) {
  return `f-${key.replace(/[^A-Za-z0-9]/g, "-")}`;
}

function shown(value, type) {
  if (value === undefined || value === null) return "";
  if (type === "string[]" && Array.isArray(value)) return value.join("\n");
  if (type === "map" && typeof value === "object") {
    return Object.entries(value)
      .map(([k, v]) => `${k}=${v}`)
      .join("\n");
  }
  return String(value);
}

function control(f, value, storedSecret) {
  const id = fieldId(f.key);
  const common = {
    id,
    name: f.key,
    "aria-describedby": `${id}-desc ${id}-error`,
  };
  if (f.choices || f.type === "boolean") {
    const choices = f.choices ?? ["true", "false"];
    const first = f.default !== undefined ? `default (${f.default})` : "not set";
    return el(
      "select",
      common,
      el("option", { value: "", text: first }),
      choices.map((c) => el("option", { value: c, text: c, selected: String(value) === c })),
    );
  }
  if (f.type === "string[]" || f.type === "map" || /\bPEM\b/.test(f.description)) {
    const placeholder =
      f.type === "map"
        ? "key=value, one per line"
        : f.type === "string[]"
          ? `one per line${f.default ? ` (default: ${f.default})` : ""}`
          : storedSecret
            ? "stored (hidden): leave empty to keep"
            : "";
    const rows = f.type === "string[]" || f.type === "map" ? 2 : 4;
    return el(
      "textarea",
      { ...common, rows, placeholder, spellcheck: "false" },
      shown(value, f.type),
    );
  }
  const placeholder = storedSecret
    ? "stored (hidden): leave empty to keep"
    : f.default !== undefined
      ? `${f.default} (default)`
      : "not set";
  return el("input", {
    ...common,
    type: f.secret ? "password" : "text",
    value: shown(value, f.type),
    placeholder,
    autocomplete: f.secret ? "new-password" : "off",
    spellcheck: "false",
    ...(f.type === "integer" ? { inputmode: "numeric" } : {}),
  });
}

function fieldRow(f, value, storedSecret) {
  const id = fieldId(f.key);
  const type = `${f.type}${f.secret ? ", secret" : ""}`;
  return el(
    "div",
    { class: "field", "data-key": f.key },
    el("label", { for: id }, f.key, el("span", { class: "type", text: type })),
    control(f, value, storedSecret),
    el("p", {
      class: "desc",
      id: `${id}-desc`,
      text: `${f.description}${f.default !== undefined ? ` Default: ${f.default}.` : ""}`,
    }),
    el("p", { class: "field-error", id: `${id}-error` }),
  );
}

/** Builds the form; `detail` is GET /api/stacks/:name. */
export function buildForm(form, schema, detail) {
  const region = {
    key: REGION,
    type: "string",
    description: "AWS region of the stack, e.g. us-east-1.",
    secret: false,
  };
  const groups = schema.groups.map((g, i) => {
    const fields = schema.fields.filter((f) => f.group === g.name);
    const rows = fields.map((f) =>
      fieldRow(f, detail.settings[f.key], detail.secrets.includes(f.key)),
    );
    if (i === 0) rows.unshift(fieldRow(region, detail.region, false));
    return el("details", { class: "group", open: g.open }, el("summary", { text: g.name }), rows);
  });
  form.replaceChildren(...groups);
}

/** The form's settings as the API takes them: `{ region, settings }`. */
export function readForm(form, schema) {
  const settings = {};
  for (const f of schema.fields) {
    const input = form.elements.namedItem(f.key);
    if (!input) continue;
    const text = f.secret ? input.value : input.value.trim();
    if (text === "") continue;
    if (f.type === "string[]") {
      settings[f.key] = text
        .split("\n")
        .map((s) => s.trim())
        .filter(Boolean);
    } else if (f.type === "map") {
      const lines = text
        .split("\n")
        .map((s) => s.trim())
        .filter(Boolean);
      // A line without "=" goes as typed: the server names the key and the expected form.
      settings[f.key] = lines.every((l) => l.includes("="))
        ? Object.fromEntries(
            lines.map((l) => [
              l.slice(0, l.indexOf("=")).trim(),
              l.slice(l.indexOf("=") + 1).trim(),
            ]),
          )
        : text;
    } else {
      settings[f.key] = text;
    }
  }
  return { region: form.elements.namedItem(REGION).value.trim(), settings };
}

/** Marks the fields the problems name, and lists every problem (the CLI's lines) above. */
export function showProblems(form, summary, problems) {
  const byField = new Map();
  for (const p of problems) {
    const key = p.key.startsWith("rancher-ha:") ? p.key.slice("rancher-ha:".length) : p.key;
    if (!byField.has(key)) byField.set(key, []);
    byField.get(key).push(p.message);
  }
  for (const row of form.querySelectorAll(".field")) {
    const key = row.dataset.key;
    const input = row.querySelector("input, select, textarea");
    const error = row.querySelector(".field-error");
    const messages = byField.get(key);
    error.textContent = messages ? messages.join(" ") : "";
    if (messages) input.setAttribute("aria-invalid", "true");
    else input.removeAttribute("aria-invalid");
    // A problem in a closed section opens it.
    if (messages) row.closest("details").open = true;
  }
  // Unchanged problems keep their list (and the keyboard focus inside it).
  const key = JSON.stringify(problems);
  if (summary.dataset.problems === key) return;
  summary.dataset.problems = key;
  summary.replaceChildren();
  if (problems.length === 0) return;
  summary.append(
    el(
      "p",
      {},
      el("strong", {
        text: `${problems.length} problem${problems.length === 1 ? "" : "s"} in this configuration`,
      }),
    ),
    el(
      "ul",
      {},
      problems.map((p) => {
        const key = p.key.startsWith("rancher-ha:") ? p.key.slice("rancher-ha:".length) : p.key;
        const target = form.querySelector(`[data-key="${CSS.escape(key)}"]`);
        if (!target) return el("li", { text: problemText(p) });
        const input = target.querySelector("input, select, textarea");
        // Keyboard users land in the field itself, not just scrolled to it.
        const go = (ev) => {
          ev.preventDefault();
          input.focus();
        };
        return el(
          "li",
          {},
          el("a", { href: `#${fieldId(key)}`, text: problemText(p), onclick: go }),
        );
      }),
    ),
  );
}
