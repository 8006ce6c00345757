// The pages and their assets: plain files from public/, plus the Mermaid renderer's browser
// bundle straight from node_modules (no CDN, no build step). Only files that exist under
// public/assets or in the vendor list are served; paths are never joined from the URL.
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import type * as http from "node:http";
import * as path from "node:path";
import { gzipSync } from "node:zlib";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
};

export const PAGES = ["login", "stacks", "stack", "operation", "not-found"] as const;
export type Page = (typeof PAGES)[number];

interface Cached {
  mtimeMs: number;
  body: Buffer;
  gzip?: Buffer;
  etag: string;
}

/** `require.resolve` of the Mermaid package's self-contained browser build. */
export function mermaidBundle(): string {
  return path.join(path.dirname(require.resolve("mermaid/package.json")), "dist/mermaid.min.js");
}

export class StaticFiles {
  private readonly files = new Map<string, string>();
  private readonly cache = new Map<string, Cached>();

  constructor(
    private readonly publicDir: string,
    vendor: Record<string, string> = { "/assets/vendor/mermaid.min.js": mermaidBundle() },
  ) {
    const walk = (dir: string, prefix: string) => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        if (e.isDirectory()) walk(path.join(dir, e.name), `${prefix}/${e.name}`);
        else if (TYPES[path.extname(e.name)]) {
          this.files.set(`${prefix}/${e.name}`, path.join(dir, e.name));
        }
      }
    };
    walk(path.join(publicDir, "assets"), "/assets");
    for (const [url, file] of Object.entries(vendor)) this.files.set(url, file);
  }

  has(urlPath: string): boolean {
    return this.files.has(urlPath);
  }

  /** Serves /assets/…; false when there is no such file. */
  asset(req: http.IncomingMessage, res: http.ServerResponse, urlPath: string): boolean {
    const file = this.files.get(urlPath);
    if (!file) return false;
    this.send(req, res, file, 200, "no-cache");
    return true;
  }

  page(req: http.IncomingMessage, res: http.ServerResponse, page: Page, status = 200): void {
    this.send(req, res, path.join(this.publicDir, `${page}.html`), status, "no-store");
  }

  private load(file: string): Cached {
    const mtimeMs = statSync(file).mtimeMs;
    const hit = this.cache.get(file);
    if (hit && hit.mtimeMs === mtimeMs) return hit;
    const body = readFileSync(file);
    const text = TYPES[path.extname(file)]?.startsWith("text/") ?? false;
    const entry: Cached = {
      mtimeMs,
      body,
      ...(text && body.length > 1024 ? { gzip: gzipSync(body) } : {}),
      etag: `"${createHash("sha256").update(body).digest("base64url").slice(0, 27)}"`,
    };
    this.cache.set(file, entry);
    return entry;
  }

  private send(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    file: string,
    status: number,
    cacheControl: string,
  ): void {
    const c = this.load(file);
    const headers: Record<string, string> = {
      "content-type": TYPES[path.extname(file)] ?? "application/octet-stream",
      "cache-control": cacheControl,
      etag: c.etag,
      vary: "accept-encoding",
    };
    if (status === 200 && req.headers["if-none-match"] === c.etag) {
      res.writeHead(304, headers);
      res.end();
      return;
    }
    const gzip = c.gzip && /\bgzip\b/.test(String(req.headers["accept-encoding"] ?? ""));
    const body = gzip ? c.gzip! : c.body;
    res.writeHead(status, {
      ...headers,
      ...(gzip ? { "content-encoding": "gzip" } : {}),
      "content-length": String(body.length),
    });
    res.end(req.method === "HEAD" ? undefined : body);
  }
}
