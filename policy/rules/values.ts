// Value helpers: props are untyped data, possibly holding UNKNOWN.
import { UNKNOWN } from "./types";

export function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

export function field(v: unknown, key: string): unknown {
  return isObject(v) ? v[key] : undefined;
}

export function list(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

export function str(v: unknown): string | undefined {
  return typeof v === "string" ? v : undefined;
}

export function num(v: unknown): number | undefined {
  if (typeof v === "number") return v;
  if (typeof v === "string" && /^-?\d+$/.test(v)) return Number(v);
  return undefined;
}

export function show(v: unknown): string {
  if (v === undefined) return "not set";
  if (v === UNKNOWN) return "unknown";
  return JSON.stringify(v);
}
