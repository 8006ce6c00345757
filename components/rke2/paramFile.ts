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

/**
 * The checks of one file's renderer; errors name the file, the field and the value. Call them
 * through a const typed `ParamChecks` (`check.fail(...)`): TypeScript narrows after a `never`
 * call only through an explicitly typed name.
 */
export interface ParamChecks {
  fail(field: string, value: unknown, why: string): never;
  /** `valid`: a pattern, or one of the shared rules (names.ts, cidr.ts) for what they cover. */
  string(
    field: string,
    value: unknown,
    valid: RegExp | ((s: string) => boolean),
    why: string,
    max?: number,
  ): string;
  port(field: string, value: unknown): number;
  /** Positive seconds, at most a day, with at most 3 decimals (the scripts accept fractions). */
  seconds(field: string, value: unknown): string;
  count(field: string, value: unknown, max: number): string;
  url(field: string, value: unknown): string;
  /** Where joining servers register (the internal NLB), as cluster.env and restore.env carry it. */
  registration(p: { registrationAddress: unknown; registrationPort?: unknown }): {
    REGISTRATION_ADDRESS: string;
    REGISTRATION_PORT: string;
  };
}

export function paramChecks(file: string): ParamChecks {
  const check: ParamChecks = {
    fail(field, value, why) {
      throw new Error(`${file}: ${field} ${JSON.stringify(value)} is invalid: ${why}`);
    },
    string(field, value, valid, why, max = 253) {
      if (typeof value !== "string" || value.length === 0)
        check.fail(field, value, "must be a non-empty string");
      if (UNSAFE_RE.test(value)) {
        check.fail(
          field,
          value,
          "must not contain whitespace, quotes, $, backticks, backslashes or control characters",
        );
      }
      if (value.length > max) check.fail(field, value, `must be at most ${max} characters`);
      if (!(valid instanceof RegExp ? valid.test(value) : valid(value)))
        check.fail(field, value, why);
      return value;
    },
    port(field, value) {
      if (typeof value !== "number" || !Number.isInteger(value) || value < 1 || value > 65535) {
        check.fail(field, value, "must be an integer port between 1 and 65535");
      }
      return value;
    },
    seconds(field, value) {
      if (
        typeof value !== "number" ||
        !Number.isFinite(value) ||
        value <= 0 ||
        value > MAX_SECONDS
      ) {
        check.fail(
          field,
          value,
          `must be a number of seconds greater than 0 and at most ${MAX_SECONDS}`,
        );
      }
      const text = String(value);
      if (!/^\d+(\.\d{1,3})?$/.test(text)) check.fail(field, value, "must have at most 3 decimals");
      return text;
    },
    count(field, value, max) {
      if (typeof value !== "number" || !Number.isInteger(value) || value < 1 || value > max) {
        check.fail(field, value, `must be an integer between 1 and ${max}`);
      }
      return String(value);
    },
    url(field, value) {
      const text = check.string(field, value, /^https?:\/\/\S+$/, "must be an http(s) URL", 2048);
      let url: URL;
      try {
        url = new URL(text);
      } catch {
        check.fail(field, value, "must be an http(s) URL");
      }
      if (url.protocol !== "https:" && url.protocol !== "http:")
        check.fail(field, value, "must be http(s)");
      return text;
    },
    registration(p) {
      return {
        REGISTRATION_ADDRESS: check.string(
          "registrationAddress",
          p.registrationAddress,
          HOST_RE,
          "must be a host name or IPv4 address",
        ),
        REGISTRATION_PORT: String(
          check.port("registrationPort", p.registrationPort ?? SUPERVISOR_PORT),
        ),
      };
    },
  };
  return check;
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
