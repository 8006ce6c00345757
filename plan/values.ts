// Plan values: what a resource's inputs look like once recorded, with secrets and unknowns
// kept visible so they can be rendered safely and checked by tests.

/** A value the program marked secret. */
export class Secret {
  constructor(public readonly value: unknown) {}
}

/** A value only known after deployment (an output of another resource). */
export const UNKNOWN = "[unknown until deployed]";
export const SECRET_TEXT = "[secret]";

const SIG = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const ASSET_SIG = "c44067f5952c0a294b673a41bacd8c17";
const ARCHIVE_SIG = "0def7320c3a5731c473e5ecbe6d01bc7";
const RESOURCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e";
const UNKNOWN_SENTINEL = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** Converts the wire form of inputs (a protobuf Struct as JS) into plan values. */
export function fromWire(v: unknown): unknown {
  if (v === UNKNOWN_SENTINEL) return UNKNOWN;
  if (Array.isArray(v)) return v.map(fromWire);
  if (v !== null && typeof v === "object") {
    const o = v as Record<string, unknown>;
    switch (o[SIG]) {
      case SECRET_SIG:
        return new Secret(fromWire(o.value));
      case ASSET_SIG:
        return o.text !== undefined
          ? { asset: "text", text: o.text }
          : { asset: "file", path: o.path };
      case ARCHIVE_SIG:
        return o.path !== undefined ? { archive: "path", path: o.path } : { archive: "assets" };
      case RESOURCE_SIG:
        return { resource: o.urn };
      default:
        return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, fromWire(x)]));
    }
  }
  return v;
}

/** Renders plan values as JSON-safe data: secrets hidden unless asked for. */
export function reveal(v: unknown, showSecrets: boolean): unknown {
  if (v instanceof Secret) return showSecrets ? reveal(v.value, true) : SECRET_TEXT;
  if (Array.isArray(v)) return v.map((x) => reveal(x, showSecrets));
  if (v !== null && typeof v === "object") {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, reveal(x, showSecrets)]));
  }
  return v;
}

/** Every string leaf that is NOT inside a secret, with its path (for hygiene checks). */
export function plainStrings(v: unknown, path = ""): { path: string; value: string }[] {
  if (v instanceof Secret) return [];
  if (typeof v === "string") return [{ path, value: v }];
  if (Array.isArray(v)) return v.flatMap((x, i) => plainStrings(x, `${path}[${i}]`));
  if (v !== null && typeof v === "object") {
    return Object.entries(v).flatMap(([k, x]) => plainStrings(x, path ? `${path}.${k}` : k));
  }
  return [];
}

/** Every value inside a secret. */
export function secretStrings(v: unknown, inSecret = false): string[] {
  if (v instanceof Secret) return secretStrings(v.value, true);
  if (typeof v === "string") return inSecret ? [v] : [];
  if (Array.isArray(v)) return v.flatMap((x) => secretStrings(x, inSecret));
  if (v !== null && typeof v === "object")
    return Object.values(v).flatMap((x) => secretStrings(x, inSecret));
  return [];
}
