// Shared by every page: the API client (session, CSRF header, 401 → sign-in), a small DOM
// builder that only ever sets text (never HTML from data), and formatting helpers.

let sessionPromise;

/** The signed-in user and the CSRF token for mutating requests. */
export function session() {
  sessionPromise ??= request("GET", "/api/session").then((r) => r.body);
  return sessionPromise;
}

function toSignIn() {
  const next = location.pathname + location.search;
  location.assign(`/login?next=${encodeURIComponent(next)}`);
  return new Promise(() => {}); // the page is going away
}

async function request(method, path, body, headers = {}) {
  const res = await fetch(path, {
    method,
    credentials: "same-origin",
    headers: {
      accept: "application/json",
      ...(body === undefined ? {} : { "content-type": "application/json" }),
      ...headers,
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (res.status === 401) return toSignIn();
  let data = null;
  try {
    data = await res.json();
  } catch {
    data = null;
  }
  return { status: res.status, ok: res.ok, body: data };
}

/** JSON API call; mutating calls carry the session's CSRF token. */
export async function api(method, path, body) {
  const headers = {};
  if (method !== "GET" && method !== "HEAD") {
    const s = await session();
    if (s?.csrfToken) headers["x-csrf-token"] = s.csrfToken;
  }
  return request(method, path, body, headers);
}

/** document.createElement with attributes and children; strings become text nodes. */
export function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "class") e.className = v;
    else if (k === "text") e.textContent = v;
    else if (k.startsWith("on") && typeof v === "function") e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    e.append(c instanceof Node ? c : String(c));
  }
  return e;
}

/** One problem as the CLI prints it: `rancher-ha:<key>: <message>`. */
export function problemText(p) {
  if (p.text) return p.text;
  return `${p.key.includes(":") ? p.key : `rancher-ha:${p.key}`}: ${p.message}`;
}

/** An error answer as a notice: its problems as a list, or its message. */
export function showError(container, title, body) {
  container.replaceChildren();
  container.hidden = false;
  container.append(el("p", {}, el("strong", { text: title })));
  const problems = Array.isArray(body?.problems) ? body.problems : [];
  if (problems.length > 0) {
    container.append(
      el(
        "ul",
        {},
        problems.map((p) => el("li", { text: problemText(p) })),
      ),
    );
  } else if (body?.error) {
    container.append(el("p", { text: body.error }));
  }
}

export function formatDuration(ms) {
  if (!(ms >= 0)) return "";
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, "0");
  return h > 0 ? `${h}h ${String(m).padStart(2, "0")}m` : `${m}m ${sec}s`;
}

export function timeAgo(iso) {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return "";
  const s = Math.max(0, Math.round((Date.now() - t) / 1000));
  if (s < 60) return "just now";
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ago`;
  return new Date(t).toLocaleDateString();
}

const CHANGE_WORDS = {
  create: ["created", "to create"],
  update: ["updated", "to update"],
  replace: ["replaced", "to replace"],
  delete: ["deleted", "to delete"],
  same: ["unchanged", "unchanged"],
};

/** "3 created, 1 updated, 95 unchanged" (preview: "3 to create, …"). */
export function formatChanges(changes, preview) {
  const parts = Object.entries(changes ?? {})
    .filter(([, n]) => n > 0)
    .sort(([a], [b]) => order(a) - order(b))
    .map(([k, n]) => `${n} ${CHANGE_WORDS[k]?.[preview ? 1 : 0] ?? k}`);
  return parts.length > 0 ? parts.join(", ") : "no changes";
}
function order(k) {
  const i = Object.keys(CHANGE_WORDS).indexOf(k);
  return i < 0 ? 99 : i;
}

export const VERBS = { preview: "Preview", up: "Update", refresh: "Refresh", destroy: "Destroy" };

export function statusBadge(status) {
  return el("span", { class: `badge ${status}`, text: status });
}

export function modeText(mode) {
  return mode === "l7" ? "L7 · ALB" : mode === "l4" ? "L4 · NLB" : (mode ?? "");
}

/** The stack name (and operation id) in /stacks/<name>[/operations/<id>]. */
export function pathParts() {
  const m = /^\/stacks\/([^/]+)(?:\/operations\/([^/]+))?$/.exec(location.pathname);
  return { stack: m ? decodeURIComponent(m[1]) : "", operation: m?.[2] ?? "" };
}

export function stackPath(name) {
  return `/api/stacks/${encodeURIComponent(name)}`;
}

/** Where the stack page keeps rendered diagrams in sessionStorage (plan.js). */
export const DIAGRAM_KEY_PREFIX = "rancher-ha:diagram:";

let keepingDiagrams = true;

/** Whether a rendered diagram may be kept: not once the tab is signing out. */
export function mayKeepDiagrams() {
  return keepingDiagrams;
}

/**
 * Forgets every kept diagram: to make room for another, or `forGood` at sign-out, after which a
 * render still in flight (the page has not gone yet) keeps nothing either.
 */
export function forgetDiagrams({ forGood = false } = {}) {
  if (forGood) keepingDiagrams = false;
  try {
    const keys = Array.from({ length: sessionStorage.length }, (_, i) => sessionStorage.key(i));
    for (const k of keys) if (k?.startsWith(DIAGRAM_KEY_PREFIX)) sessionStorage.removeItem(k);
  } catch {
    // Storage unavailable: nothing kept.
  }
}

/** Fills the top bar: who is signed in, and a sign-out button for form sessions. */
export async function initHeader() {
  const s = await session();
  const user = document.getElementById("user");
  if (user) user.textContent = s.user === "token" ? "Signed in with the portal token" : s.user;
  const out = document.getElementById("sign-out");
  if (out && s.signOut) {
    out.hidden = false;
    out.addEventListener("click", async () => {
      // What a stack's plan looked like stays with the session. Forgotten before the server is
      // asked: a request that gets 401 once the session has ended navigates to sign-in at once,
      // and this handler would not run on.
      forgetDiagrams({ forGood: true });
      await fetch("/logout", {
        method: "POST",
        credentials: "same-origin",
        headers: { "x-csrf-token": s.csrfToken },
      });
      location.assign("/login");
    });
  }
  return s;
}
