// Who is asking, and may they change anything.
//
// Three ways in, all optional but at least one required:
// - `Authorization: Bearer <PORTAL_TOKEN>` (scripts, CI): no cookie, so no CSRF exposure.
// - the sign-in form: the same token once, then an HttpOnly, SameSite=Lax session cookie whose
//   id is random and only meaningful to this process (sessions live in memory).
// - a trusted header (e.g. X-Forwarded-Email) set by an authenticating proxy such as
//   oauth2-proxy: off unless configured, and honoured only from the proxy's own addresses.
// Mutating requests made with ambient credentials (cookie, proxy header) must come from this
// portal's origin and carry the session's CSRF token (synchronizer token + Origin check, OWASP
// CSRF Prevention Cheat Sheet).
import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type * as http from "node:http";
import { HttpError, remoteAddress } from "./http";

export interface AuthSettings {
  /** Shared secret for the bearer token and the sign-in form. */
  token?: string;
  /** Header an authenticating proxy sets to the signed-in user (off when unset). */
  trustedHeader?: string;
  /** Addresses the trusted header is accepted from (default: loopback). */
  trustedProxies?: string[];
  /** The portal's public origin (https://portal.example.com); default: from the Host header. */
  origin?: string;
  /** Mark the session cookie Secure (needed for anything but plain-HTTP loopback). */
  secureCookie?: boolean;
  sessionTtlMs?: number;
  /** Clock (tests). */
  now?: () => number;
}

export interface Principal {
  /** Display name: the proxy's user, or "token" for token holders. */
  user: string;
  via: "bearer" | "session" | "header";
  sessionId?: string;
}

interface Session {
  user: string;
  expiresAt: number;
  csrf: string;
}

export const DEFAULT_SESSION_TTL_MS = 8 * 60 * 60 * 1000;
const MAX_SESSIONS = 10_000;
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);
export const CSRF_HEADER = "x-csrf-token";

/** Constant-time comparison of two secrets of any length. */
function sameSecret(a: string, b: string): boolean {
  const h = (s: string) => createHash("sha256").update(s).digest();
  return timingSafeEqual(h(a), h(b));
}

function parseCookies(header: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of (header ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0) out.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  return out;
}

export class Auth {
  readonly cookieName: string;
  private readonly sessions = new Map<string, Session>();
  private readonly key = randomBytes(32);
  private readonly now: () => number;
  private readonly ttl: number;
  private readonly header?: string;
  private readonly proxies: Set<string>;

  constructor(private readonly settings: AuthSettings) {
    if (!settings.token && !settings.trustedHeader) {
      throw new Error("the portal needs a sign-in method: a token or a trusted proxy header");
    }
    this.now = settings.now ?? Date.now;
    this.ttl = settings.sessionTtlMs ?? DEFAULT_SESSION_TTL_MS;
    this.header = settings.trustedHeader?.toLowerCase();
    this.proxies = new Set(settings.trustedProxies ?? ["127.0.0.1", "::1"]);
    // The __Host- prefix makes the browser refuse the cookie unless Secure, host-only, Path=/.
    this.cookieName = settings.secureCookie ? "__Host-rancher-ha-portal" : "rancher-ha-portal";
  }

  get signInForm(): boolean {
    return this.settings.token !== undefined;
  }

  /** The request's principal, or undefined for an anonymous one. */
  authenticate(req: http.IncomingMessage): Principal | undefined {
    const authorization = req.headers.authorization;
    if (authorization !== undefined) {
      // An explicit credential that is wrong is never rescued by a cookie or a header.
      const m = /^Bearer +(\S+)$/i.exec(authorization);
      const token = this.settings.token;
      return m && token && sameSecret(m[1], token) ? { user: "token", via: "bearer" } : undefined;
    }
    if (this.header && this.proxies.has(remoteAddress(req))) {
      const value = req.headers[this.header];
      const user = (Array.isArray(value) ? value[0] : value)?.trim();
      if (user) return { user, via: "header" };
    }
    const id = parseCookies(req.headers.cookie).get(this.cookieName);
    if (id) {
      const s = this.sessions.get(id);
      if (s && s.expiresAt > this.now()) return { user: s.user, via: "session", sessionId: id };
      if (s) this.sessions.delete(id);
    }
    return undefined;
  }

  /** 401 with a Bearer challenge (RFC 9110 §11.6.1 wants one on every 401). */
  unauthorized(): HttpError {
    return new HttpError(
      401,
      "sign in first: open /login, or send Authorization: Bearer <PORTAL_TOKEN>",
      {},
      { "www-authenticate": 'Bearer realm="rancher-ha portal"' },
    );
  }

  /** The CSRF token a page must send back on mutating requests. */
  csrfToken(p: Principal): string | undefined {
    switch (p.via) {
      case "bearer":
        return undefined;
      case "session":
        return this.sessions.get(p.sessionId ?? "")?.csrf;
      case "header":
        return createHmac("sha256", this.key).update(`csrf:${p.user}`).digest("base64url");
      default: {
        const never: never = p.via;
        throw new Error(`unknown principal kind ${String(never)}`);
      }
    }
  }

  /** Refuses a cross-site request: Origin (or Sec-Fetch-Site) must name this portal. */
  checkOrigin(req: http.IncomingMessage): void {
    const origin = req.headers.origin;
    if (origin === undefined) {
      if (req.headers["sec-fetch-site"] === "same-origin") return;
      throw new HttpError(403, "request refused: no Origin header (cross-site request defence)");
    }
    const host = req.headers.host;
    const allowed = this.settings.origin
      ? [this.settings.origin.replace(/\/$/, "")]
      : host
        ? [`http://${host}`, `https://${host}`]
        : [];
    if (!allowed.includes(origin)) {
      throw new HttpError(
        403,
        `request refused: Origin ${origin} is not this portal (cross-site request defence)`,
      );
    }
  }

  /** For mutating requests made with a cookie or a proxy header: Origin and CSRF token. */
  checkCsrf(req: http.IncomingMessage, p: Principal): void {
    if (SAFE_METHODS.has(req.method ?? "GET") || p.via === "bearer") return;
    this.checkOrigin(req);
    const sent = req.headers[CSRF_HEADER];
    const expected = this.csrfToken(p);
    if (typeof sent !== "string" || !expected || !sameSecret(sent, expected)) {
      throw new HttpError(403, `request refused: missing or wrong ${CSRF_HEADER} header`);
    }
  }

  /** Checks the sign-in token; on success returns the Set-Cookie value of a new session. */
  signIn(token: string): string | undefined {
    const expected = this.settings.token;
    if (!expected || !sameSecret(token, expected)) return undefined;
    this.prune();
    const id = randomBytes(32).toString("base64url");
    this.sessions.set(id, {
      user: "token",
      expiresAt: this.now() + this.ttl,
      csrf: randomBytes(32).toString("base64url"),
    });
    return this.cookie(id, Math.floor(this.ttl / 1000));
  }

  /** Ends the request's session; returns the Set-Cookie value that clears the cookie. */
  signOut(p: Principal): string {
    if (p.sessionId) this.sessions.delete(p.sessionId);
    return this.cookie("", 0);
  }

  expiresAt(p: Principal): number | undefined {
    return p.sessionId ? this.sessions.get(p.sessionId)?.expiresAt : undefined;
  }

  private cookie(value: string, maxAgeSeconds: number): string {
    return [
      `${this.cookieName}=${value}`,
      "Path=/",
      "HttpOnly",
      // Lax, not Strict: a link to the portal from chat or a ticket opens signed in. Every
      // mutating request is POST with a CSRF token and a same-origin Origin, so Lax's GET
      // top-level navigations cannot change anything.
      "SameSite=Lax",
      `Max-Age=${maxAgeSeconds}`,
      ...(this.settings.secureCookie ? ["Secure"] : []),
    ].join("; ");
  }

  private prune(): void {
    const now = this.now();
    for (const [id, s] of this.sessions) if (s.expiresAt <= now) this.sessions.delete(id);
    while (this.sessions.size >= MAX_SESSIONS) {
      this.sessions.delete(this.sessions.keys().next().value as string);
    }
  }
}
