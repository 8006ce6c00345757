// Pure checks for the backup settings. Each returns a problem (a sentence without the config key,
// which the config layer prefixes with `rancher-ha:<key>`) or undefined. The renderers in this
// directory call them too, so impossible input never reaches a node or a chart.

/** S3 "General purpose bucket naming rules" (AWS S3 User Guide, bucketnamingrules). */
export function bucketNameProblem(name: string): string | undefined {
  const fix =
    "use 3-63 lowercase letters, digits, '-' and '.', starting and ending with a letter or digit";
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(name)) {
    return `${JSON.stringify(name)} is not a valid S3 bucket name: ${fix}`;
  }
  if (name.includes("..")) return `${JSON.stringify(name)} has two adjacent periods: ${fix}`;
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(name)) {
    return `${JSON.stringify(name)} looks like an IP address, which S3 refuses as a bucket name`;
  }
  const prefix = ["xn--", "sthree-", "amzn-s3-demo-"].find((p) => name.startsWith(p));
  if (prefix) return `${JSON.stringify(name)} starts with "${prefix}", which S3 reserves`;
  const suffix = ["-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"].find((s) =>
    name.endsWith(s),
  );
  if (suffix) return `${JSON.stringify(name)} ends with "${suffix}", which S3 reserves`;
  return undefined;
}

// robfig/cron v3 standard parser (what RKE2's snapshot cron and the rancher-backup operator's
// cron.ParseStandard use): minute, hour, day of month, month, day of week; bounds as there.
const CRON_FIELDS = [
  { name: "minute", min: 0, max: 59 },
  { name: "hour", min: 0, max: 23 },
  { name: "day-of-month", min: 1, max: 31 },
  {
    name: "month",
    min: 1,
    max: 12,
    names: ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"],
  },
  { name: "day-of-week", min: 0, max: 6, names: ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] },
] as const;

/**
 * Exactly five cron fields, each a comma list of `*`, `?`, `n`, `a-b`, with an optional `/step`.
 * Descriptors (`@daily`, `@every 6h`) and `TZ=` prefixes are refused: RKE2 ignores a schedule it
 * cannot parse without a word (k3s `e.cron.AddJob` error dropped), so only what is certain passes.
 */
export function cronProblem(expr: string): string | undefined {
  const example = 'e.g. "0 */6 * * *"';
  const fields = expr.trim().split(/\s+/);
  if (expr.trim() === "" || fields.length !== 5) {
    return `${JSON.stringify(expr)} must be five cron fields (minute hour day-of-month month day-of-week), ${example}`;
  }
  for (const [i, spec] of CRON_FIELDS.entries()) {
    const problem = cronFieldProblem(fields[i], spec);
    if (problem) return `${JSON.stringify(expr)}: ${spec.name} ${problem}, ${example}`;
  }
  return undefined;
}

function cronFieldProblem(
  field: string,
  spec: { min: number; max: number; names?: readonly string[] },
): string | undefined {
  const value = (s: string): number | undefined => {
    if (/^\d+$/.test(s)) return Number(s);
    const i = spec.names?.indexOf(s.toLowerCase()) ?? -1;
    return i >= 0 ? i + spec.min : undefined;
  };
  for (const part of field.split(",")) {
    const m = /^([^/]+)(?:\/(\d+))?$/.exec(part);
    if (!m) return `"${part}" is not a value, range or step`;
    if (m[2] !== undefined && Number(m[2]) < 1) return `"${part}" has a step below 1`;
    if (m[1] === "*" || m[1] === "?") continue;
    const [lo, hi, ...rest] = m[1].split("-");
    const start = value(lo);
    const end = hi === undefined ? start : value(hi);
    if (rest.length > 0 || start === undefined || end === undefined) {
      return `"${part}" is not a number${spec.names ? " or name" : ""}`;
    }
    if (start < spec.min || end > spec.max) {
      return `"${part}" is outside ${spec.min}-${spec.max}`;
    }
    if (start > end) return `"${part}" starts after it ends`;
  }
  return undefined;
}

/** A whole number of backups to keep, at least 1 (the Backup CRD's `retentionCount` minimum). */
export function retentionProblem(n: number): string | undefined {
  return Number.isInteger(n) && n >= 1 && n <= 10_000
    ? undefined
    : `${JSON.stringify(n)} must be a whole number between 1 and 10000`;
}

// S3 API SSEKMSEncryption: a key ARN; AWS asks for the full ARN (aliases resolve in the caller's
// account). The region must be the stack's: SSE-KMS keys are regional.
const KMS_KEY_ARN = /^arn:(aws[a-z-]*):kms:([a-z0-9-]+):(\d{12}):key\/([A-Za-z0-9-]+)$/;

/** `region` undefined: only the form is checked (a missing region is reported on its own). */
export function kmsKeyArnProblem(arn: string, region?: string): string | undefined {
  const m = KMS_KEY_ARN.exec(arn);
  if (!m) {
    return `${JSON.stringify(arn)} is not a KMS key ARN (arn:aws:kms:<region>:<account>:key/<key-id>; aliases are not accepted)`;
  }
  if (region !== undefined && m[2] !== region) {
    return `${JSON.stringify(arn)} is in ${m[2]} but the stack deploys to ${region}; use a key in ${region}`;
  }
  return undefined;
}

/**
 * The rancher-backup encryption key: `secretbox` takes exactly 32 bytes (Kubernetes "Encrypting
 * Confidential Data at Rest", providers table), given base64-encoded. Never echoes the key.
 */
export function encryptionKeyProblem(keyBase64: string): string | undefined {
  if (!/^[A-Za-z0-9+/]{43}=$/.test(keyBase64) || Buffer.from(keyBase64, "base64").length !== 32) {
    return "must be 32 random bytes in base64 (44 characters ending in '='), e.g. from `head -c 32 /dev/urandom | base64`";
  }
  return undefined;
}

/** The AWS partition of a KMS key ARN ("aws", "aws-cn", "aws-us-gov"), or undefined. */
export function arnPartition(arn: string): string | undefined {
  return /^arn:(aws[a-z-]*):/.exec(arn)?.[1];
}
