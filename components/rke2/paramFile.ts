// What every parameter file the node scripts read holds to (params.env and cluster.env:
// ./params.ts; restore.env: ./restoreParams.ts). lib.sh's read_kv_file takes `KEY=VALUE` lines,
// known keys only, each value literally; the renderers still refuse anything that could be
// misread (newlines, quotes, `$`, backticks, backslashes, stray spaces), so the files stay boring
// and a bad input fails at preview time instead of on a node.

import { SUPERVISOR_PORT } from "../ports";

/** A DNS name or IPv4 address (IPv6 would need brackets in URLs; not supported). */
const HOST_RE = /^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$/;
// Anything a shell or a KEY=VALUE reader could trip on.
const UNSAFE_RE = /[\s'"`$\\]|[\u0000-\u001f\u007f]/;
const MAX_SECONDS = 86_400;

/** The checks of one file's renderer; errors name the file, the field and the value. */
export function paramChecks(file: string) {
  function fail(field: string, value: unknown, why: string): never {
    throw new Error(`${file}: ${field} ${JSON.stringify(value)} is invalid: ${why}`);
  }

  /** `valid`: a pattern, or one of the shared rules (names.ts, cidr.ts) for what they cover. */
  function checkString(
    field: string,
    value: unknown,
    valid: RegExp | ((s: string) => boolean),
    why: string,
    max = 253,
  ): string {
    if (typeof value !== "string" || value.length === 0)
      fail(field, value, "must be a non-empty string");
    if (UNSAFE_RE.test(value)) {
      fail(
        field,
        value,
        "must not contain whitespace, quotes, $, backticks, backslashes or control characters",
      );
    }
    if (value.length > max) fail(field, value, `must be at most ${max} characters`);
    if (!(valid instanceof RegExp ? valid.test(value) : valid(value))) fail(field, value, why);
    return value;
  }

  function checkPort(field: string, value: unknown): number {
    if (typeof value !== "number" || !Number.isInteger(value) || value < 1 || value > 65535) {
      fail(field, value, "must be an integer port between 1 and 65535");
    }
    return value;
  }

  /** Positive seconds, at most a day, with at most 3 decimals (the scripts accept fractions). */
  function checkSeconds(field: string, value: unknown): string {
    if (typeof value !== "number" || !Number.isFinite(value) || value <= 0 || value > MAX_SECONDS) {
      fail(field, value, `must be a number of seconds greater than 0 and at most ${MAX_SECONDS}`);
    }
    const text = String(value);
    if (!/^\d+(\.\d{1,3})?$/.test(text)) fail(field, value, "must have at most 3 decimals");
    return text;
  }

  function checkCount(field: string, value: unknown, max: number): string {
    if (typeof value !== "number" || !Number.isInteger(value) || value < 1 || value > max) {
      fail(field, value, `must be an integer between 1 and ${max}`);
    }
    return String(value);
  }

  function checkUrl(field: string, value: unknown): string {
    const text = checkString(field, value, /^https?:\/\/\S+$/, "must be an http(s) URL", 2048);
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      fail(field, value, "must be an http(s) URL");
    }
    if (url.protocol !== "https:" && url.protocol !== "http:")
      fail(field, value, "must be http(s)");
    return text;
  }

  /** Where joining servers register (the internal NLB), as cluster.env and restore.env carry it. */
  function checkRegistration(p: { registrationAddress: unknown; registrationPort?: unknown }) {
    return {
      REGISTRATION_ADDRESS: checkString(
        "registrationAddress",
        p.registrationAddress,
        HOST_RE,
        "must be a host name or IPv4 address",
      ),
      REGISTRATION_PORT: String(
        checkPort("registrationPort", p.registrationPort ?? SUPERVISOR_PORT),
      ),
    };
  }

  return { fail, checkString, checkPort, checkSeconds, checkCount, checkUrl, checkRegistration };
}

/** `KEY=VALUE` lines sorted by key, with a trailing newline. */
export function kvLines<K extends string>(keys: readonly K[], values: Record<K, string>): string {
  return (
    keys
      .map((key) => `${key}=${values[key]}`)
      .sort()
      .join("\n") + "\n"
  );
}
