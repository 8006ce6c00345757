// What validation reports: problems (the config is refused: every one at once, each naming its
// key and the fix) and warnings (the config stands, the user should know).
import { PROJECT, type RancherHaSettings } from "./schema";

export interface ConfigProblem {
  /** A bare key (`hostname`, in the project namespace) or a namespaced one (`aws:region`). */
  key: string;
  message: string;
}

/** A validator's finding: a problem, or a warning printed as a whole line. */
export type Finding = ConfigProblem | { warning: string };

/** What a validator knows besides the settings. */
export interface ValidationContext {
  /** `aws:region` */
  region?: string;
  /** RKE2 version deployed by the previous update, when known (to refuse unsupported upgrades). */
  previousRke2Version?: string;
  /** The `aws:` provider keys the stack sets (`aws:profile`, `aws:accessKey`, …), names only. */
  awsKeys?: readonly string[];
}

/** One topic's checks: every finding for these settings, in a stable order. */
export type Validator = (settings: RancherHaSettings, ctx: ValidationContext) => Finding[];

export const problem = (key: string, message: string): Finding => ({ key, message });
export const warning = (text: string): Finding => ({ warning: text });

export function isProblem(f: Finding): f is ConfigProblem {
  return "key" in f;
}

/** Invalid configuration: every problem, one line each, naming the key and the fix. */
export class ConfigError extends Error {
  constructor(public readonly problems: ConfigProblem[]) {
    super(
      `invalid configuration (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n` +
        problems.map(formatProblem).join("\n"),
    );
    this.name = "ConfigError";
  }
}

export function formatProblem(p: ConfigProblem): string {
  const key = p.key.includes(":") ? p.key : `${PROJECT}:${p.key}`;
  return `  - ${key}: ${p.message}`;
}
