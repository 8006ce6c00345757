// The portal's own settings, from the environment. Refuses to listen beyond loopback without a
// sign-in method; on loopback without one, a one-run token is generated and printed.
import { randomBytes } from "node:crypto";
import { isIP } from "node:net";
import { DEFAULT_SESSION_TTL_MS, type AuthSettings } from "./auth";

export interface PortalSettings {
  port: number;
  host: string;
  auth: AuthSettings;
  /** The token was generated for this run (loopback only) and must be shown to the user. */
  generatedToken?: string;
  /** Stack names accepted besides the stack files and the backend's stacks. */
  stacks: string[];
}

export class SettingsError extends Error {}

export const MIN_TOKEN_LENGTH = 16;

/** True for addresses only this machine can reach. */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, "").toLowerCase();
  if (h === "localhost") return true;
  if (isIP(h) === 4) return h.startsWith("127.");
  return h === "::1" || h === "::ffff:127.0.0.1";
}

const list = (v: string | undefined) =>
  (v ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);

export function settingsFromEnv(env: Readonly<Record<string, string | undefined>>): PortalSettings {
  const problems: string[] = [];
  const portText = env.PORTAL_PORT ?? "8080";
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65535) {
    problems.push(`PORTAL_PORT: "${portText}" is not a port number (0-65535)`);
  }
  const host = env.PORTAL_HOST?.trim() || "127.0.0.1";
  const token = env.PORTAL_TOKEN || undefined;
  if (token !== undefined && token.length < MIN_TOKEN_LENGTH) {
    problems.push(
      `PORTAL_TOKEN: at least ${MIN_TOKEN_LENGTH} characters (e.g. \`openssl rand -hex 32\`)`,
    );
  }
  const trustedHeader = env.PORTAL_TRUSTED_HEADER?.trim() || undefined;
  if (trustedHeader !== undefined && !/^[A-Za-z0-9-]+$/.test(trustedHeader)) {
    problems.push(`PORTAL_TRUSTED_HEADER: "${trustedHeader}" is not a header name`);
  }
  const trustedProxies = list(env.PORTAL_TRUSTED_PROXIES);
  for (const p of trustedProxies) {
    if (isIP(p) === 0) problems.push(`PORTAL_TRUSTED_PROXIES: "${p}" is not an IP address`);
  }
  let origin: string | undefined;
  if (env.PORTAL_ORIGIN) {
    try {
      origin = new URL(env.PORTAL_ORIGIN).origin;
      if (origin !== env.PORTAL_ORIGIN.replace(/\/$/, "")) throw new Error("not an origin");
    } catch {
      problems.push(
        `PORTAL_ORIGIN: "${env.PORTAL_ORIGIN}" is not an origin like https://portal.example.com`,
      );
    }
  }
  const hoursText = env.PORTAL_SESSION_HOURS;
  const hours = hoursText === undefined ? undefined : Number(hoursText);
  if (hours !== undefined && !(hours > 0 && hours <= 24 * 30)) {
    problems.push(`PORTAL_SESSION_HOURS: "${hoursText}" is not a number of hours (0-720)`);
  }
  const loopback = isLoopback(host);
  if (!token && !trustedHeader && !loopback) {
    problems.push(
      `refusing to listen on ${host} without sign-in: set PORTAL_TOKEN (bearer token and sign-in form) ` +
        `or PORTAL_TRUSTED_HEADER (behind an authenticating proxy), or listen on loopback only ` +
        `(PORTAL_HOST=127.0.0.1)`,
    );
  }
  if (problems.length > 0) throw new SettingsError(problems.join("\n"));
  // Loopback without a sign-in setting: a token for this run only, shown on the terminal.
  const generatedToken =
    !token && !trustedHeader ? randomBytes(24).toString("base64url") : undefined;
  return {
    port,
    host,
    auth: {
      ...(token || generatedToken ? { token: token ?? generatedToken } : {}),
      ...(trustedHeader ? { trustedHeader } : {}),
      ...(trustedProxies.length > 0 ? { trustedProxies } : {}),
      ...(origin ? { origin } : {}),
      // Browsers keep Secure cookies only over HTTPS (and http://localhost): anything reachable
      // from elsewhere must sit behind TLS, so its cookie is Secure.
      secureCookie: origin?.startsWith("https:") ?? !loopback,
      sessionTtlMs: hours !== undefined ? hours * 3600 * 1000 : DEFAULT_SESSION_TTL_MS,
    },
    ...(generatedToken ? { generatedToken } : {}),
    stacks: list(env.PORTAL_STACKS),
  };
}
