// A stack's outputs. Secret ones arrive as "[secret]"; the value is fetched only when someone
// presses Reveal, one output at a time, and lives in the page until Hide.
import { api, el, stackPath } from "./app.js";

const SECRET = "[secret]";

function valueText(v) {
  if (typeof v === "string") return v;
  if (Array.isArray(v) && v.every((x) => typeof x === "string")) return v.join(", ");
  return JSON.stringify(v, null, 2);
}

function secretCell(stack, key) {
  const cell = el("td");
  const hidden = () => {
    cell.replaceChildren(
      el("span", { class: "secret-hidden", text: "hidden" }),
      el("button", {
        type: "button",
        class: "small",
        "aria-label": `Reveal ${key}`,
        text: "Reveal",
        onclick: reveal,
      }),
    );
  };
  async function reveal() {
    const r = await api("GET", `${stackPath(stack)}/outputs?reveal=${encodeURIComponent(key)}`);
    if (!r.ok) {
      cell.append(el("p", { class: "field-error", text: r.body?.error ?? "could not read it" }));
      return;
    }
    const value = valueText(r.body.outputs[key]);
    const hide = el("button", { type: "button", class: "small", text: "Hide", onclick: hidden });
    cell.replaceChildren(
      el("pre", { class: "secret-value", "aria-label": `${key} (secret)`, text: value }),
      hide,
      " ",
      el("button", {
        type: "button",
        class: "small",
        text: "Copy",
        onclick: () => void navigator.clipboard?.writeText(value),
      }),
    );
    hide.focus();
  }
  hidden();
  return cell;
}

/** Fills `container` with the stack's outputs (a message when it is not deployed). */
export async function renderOutputs(container, stack) {
  const r = await api("GET", `${stackPath(stack)}/outputs`);
  if (r.status === 404) {
    container.replaceChildren(
      el("p", { class: "muted", text: "Not deployed yet: the backend has no such stack." }),
    );
    return;
  }
  if (!r.ok) {
    container.replaceChildren(
      el("p", { class: "muted", text: r.body?.error ?? `error ${r.status}` }),
    );
    return;
  }
  const entries = Object.entries(r.body.outputs);
  if (entries.length === 0) {
    container.replaceChildren(
      el("p", { class: "muted", text: "No outputs: nothing is deployed." }),
    );
    return;
  }
  container.replaceChildren(
    el(
      "table",
      { class: "kv" },
      el(
        "tbody",
        {},
        entries.map(([key, v]) =>
          el(
            "tr",
            { "data-output": key },
            el("td", { text: key }),
            v === SECRET
              ? secretCell(stack, key)
              : el(
                  "td",
                  {},
                  typeof v === "string" && /^https:\/\//.test(v)
                    ? el("a", { href: v, rel: "noopener noreferrer", target: "_blank", text: v })
                    : valueText(v),
                ),
          ),
        ),
      ),
    ),
  );
}
