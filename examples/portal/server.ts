// A self-service portal on the rancher-ha library: sign in, see every stack, edit a stack's
// configuration with the CLI's validation, look at its architecture, run preview/up/refresh/
// destroy and follow them live. node:http and plain files; see README.md next to this file.
//
//   main.ts        `npm run portal`: settings from the environment, then this server
//   server.ts      composition and page routes
//   settings.ts    PORTAL_* environment → settings (refuses an open portal off loopback)
//   auth.ts        bearer token, sign-in sessions, trusted proxy header, CSRF
//   api.ts         the JSON API under /api
//   operations.ts  running operations, 409, server-sent events
//   steps.ts       engine events → progress steps
//   stacks.ts      which stacks exist and their settings
//   schema.ts      the config form's schema (the one adapter over the config schema)
//   static.ts      pages and assets (public/, Mermaid from node_modules)
import * as http from "node:http";
import * as path from "node:path";
import {
  listStacks,
  openStack,
  planData,
  planStack,
  PROJECT_DIR,
  stackOutputs,
} from "../../automation";
import type { StackOptions } from "../../automation";
import { handleApi, PortalLibrary } from "./api";
import { Auth, AuthSettings } from "./auth";
import { HttpError, readForm, redirect, sendError, setSecurityHeaders } from "./http";
import { Operations } from "./operations";
import { StackCatalog } from "./stacks";
import { StaticFiles } from "./static";

export { settingsFromJson } from "./api";
export type { PortalLibrary } from "./api";
export { OPERATIONS } from "./operations";

export interface PortalOptions {
  /** How people and scripts sign in (at least a token or a trusted header). */
  auth: AuthSettings;
  library?: PortalLibrary;
  /** Stack names accepted besides stack files and the backend's stacks. */
  allowedStacks?: string[];
  /** Project directory (Pulumi.yaml, stacks/). */
  projectDir?: string;
  /** Passed to the library (backend, credentials…). */
  stackOptions?: StackOptions;
  /** Largest request body accepted (bytes). */
  maxBodyBytes?: number;
}

const realLibrary: PortalLibrary = {
  openStack,
  stackOutputs,
  planStack: (stackName, settings, region) => planStack(stackName, settings, region),
  planData: (plan) => planData(plan),
  listStacks,
};

export const PUBLIC_DIR = path.join(__dirname, "public");

/** Where to go after signing in: a path on this portal only (no open redirect). */
function safeNext(next: string | null): string {
  return next && /^\/(?![/\\])/.test(next) ? next : "/";
}

export function createPortal(opts: PortalOptions): http.Server {
  const projectDir = opts.projectDir ?? PROJECT_DIR;
  const library = opts.library ?? realLibrary;
  const stackOptions: StackOptions = { workDir: projectDir, ...(opts.stackOptions ?? {}) };
  const auth = new Auth(opts.auth);
  const files = new StaticFiles(PUBLIC_DIR);
  const maxBodyBytes = opts.maxBodyBytes ?? 1024 * 1024;
  const ctx = {
    library,
    catalog: new StackCatalog(
      projectDir,
      new Set(opts.allowedStacks ?? []),
      (o) => library.listStacks(o),
      stackOptions,
    ),
    operations: new Operations(),
    auth,
    stackOptions,
    maxBodyBytes,
  };

  async function route(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://portal.invalid");
    const method = req.method ?? "GET";
    // Assets (styles, scripts) are the same for everyone and hold no data: the sign-in page
    // needs them before anyone is signed in.
    const asset = url.pathname === "/favicon.ico" ? "/assets/favicon.svg" : url.pathname;
    if (asset.startsWith("/assets/") && (method === "GET" || method === "HEAD")) {
      if (files.asset(req, res, asset)) return;
      throw new HttpError(404, `no asset ${url.pathname}`);
    }
    if (url.pathname === "/login") {
      if (method === "GET") return files.page(req, res, "login");
      if (method !== "POST") throw new HttpError(405, `${method} not allowed on /login`);
      auth.checkOrigin(req);
      const form = await readForm(req, 16 * 1024);
      const next = safeNext(form.get("next"));
      const cookie = auth.signInForm ? auth.signIn(form.get("token") ?? "") : undefined;
      if (!cookie) {
        return redirect(res, `/login?failed=1&next=${encodeURIComponent(next)}`);
      }
      return redirect(res, next, { "set-cookie": cookie });
    }
    const principal = auth.authenticate(req);
    if (url.pathname.startsWith("/api/")) {
      if (!principal) throw auth.unauthorized();
      auth.checkCsrf(req, principal);
      return handleApi(ctx, req, res, principal, url);
    }
    if (!principal) {
      // Every page answers 401 to an anonymous request, with the sign-in form as its body.
      res.setHeader("www-authenticate", 'Bearer realm="rancher-ha portal"');
      return files.page(req, res, "login", 401);
    }
    if (url.pathname === "/logout") {
      if (method !== "POST") throw new HttpError(405, `${method} not allowed on /logout`);
      auth.checkCsrf(req, principal);
      return redirect(res, "/login", { "set-cookie": auth.signOut(principal) });
    }
    if (method !== "GET" && method !== "HEAD") {
      throw new HttpError(405, `${method} not allowed on ${url.pathname}`);
    }
    if (url.pathname === "/") return files.page(req, res, "stacks");
    if (/^\/stacks\/[^/]+$/.test(url.pathname)) return files.page(req, res, "stack");
    if (/^\/stacks\/[^/]+\/operations\/[^/]+$/.test(url.pathname)) {
      return files.page(req, res, "operation");
    }
    return files.page(req, res, "not-found", 404);
  }

  return http.createServer((req, res) => {
    setSecurityHeaders(res);
    route(req, res).catch((e: unknown) => sendError(res, e));
  });
}
