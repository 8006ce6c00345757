// The portal's HTTP plumbing on node:http: errors as JSON, bodies with a size cap, and the security
// headers every response carries.
import type * as http from "node:http";

/** An answer other than 2xx, as JSON `{ error, ...extra }` (never a stack trace). */
export class HttpError extends Error {
  constructor(
    public readonly status: number,
    message: string,
    public readonly extra: Record<string, unknown> = {},
    public readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/**
 * No inline scripts, nothing from another origin. Styles allow 'unsafe-inline' because Mermaid
 * writes a <style> element and style attributes into every diagram it renders (mermaid-js/mermaid
 * issue #856, open): without it the diagrams lose their colours and label sizes.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self'",
  "font-src 'self'",
  "connect-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join("; ");

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "content-security-policy": CONTENT_SECURITY_POLICY,
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  // same-origin, not no-referrer: with no-referrer browsers send `Origin: null` on POSTs, which
  // the CSRF defence must refuse (Fetch standard, "append a request `Origin` header").
  "referrer-policy": "same-origin",
  "cross-origin-opener-policy": "same-origin",
  "cross-origin-resource-policy": "same-origin",
  "permissions-policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
};

export function setSecurityHeaders(res: http.ServerResponse): void {
  for (const [k, v] of Object.entries(SECURITY_HEADERS)) res.setHeader(k, v);
}

export function sendJson(
  res: http.ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body, null, 2) + "\n";
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": String(Buffer.byteLength(text)),
    // API answers can hold stack settings or (when asked) secret outputs: never cached.
    "cache-control": "no-store",
    ...headers,
  });
  res.end(text);
}

export function sendError(res: http.ServerResponse, e: unknown): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  if (e instanceof HttpError) {
    sendJson(res, e.status, { error: e.message, ...e.extra }, e.headers);
    return;
  }
  // The message only: a stack trace helps an attacker more than a user.
  sendJson(res, 500, { error: e instanceof Error ? e.message : String(e) });
}

export async function readBody(req: http.IncomingMessage, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) throw new HttpError(413, `request body over ${maxBytes} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

export async function readJson(req: http.IncomingMessage, maxBytes: number): Promise<unknown> {
  const text = (await readBody(req, maxBytes)).toString("utf8");
  if (text.trim() === "") return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new HttpError(400, "request body is not valid JSON");
  }
}

export async function readForm(
  req: http.IncomingMessage,
  maxBytes: number,
): Promise<URLSearchParams> {
  return new URLSearchParams((await readBody(req, maxBytes)).toString("utf8"));
}

/** 405 unless the request's method is one of `methods`. */
export function allowMethods(req: http.IncomingMessage, methods: string[], what: string): void {
  const method = req.method ?? "GET";
  if (!methods.includes(method)) {
    throw new HttpError(405, `${method} not allowed on ${what}`, {}, { allow: methods.join(", ") });
  }
}

export function redirect(res: http.ServerResponse, location: string, headers = {}): void {
  res.writeHead(303, { location, "cache-control": "no-store", ...headers });
  res.end();
}

/** The remote address without the IPv4-mapped IPv6 prefix. */
export function remoteAddress(req: http.IncomingMessage): string {
  return (req.socket.remoteAddress ?? "").replace(/^::ffff:/, "");
}
