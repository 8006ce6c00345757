// The project's stacks as the portal sees them: stack files (stacks/Pulumi.<name>.yaml), the
// backend's stacks (`pulumi stack ls` through the library) and the PORTAL_STACKS allow-list.
// Settings come from the stack file or from the last operation started here; secret values
// stay on the server (the pages only learn that one is stored).
import {
  ConfigProblem,
  DEFAULTS,
  parseSettings,
  PROJECT,
  RancherHaSettings,
  SECRET_KEYS,
  SettingKey,
} from "../../components/config";
import { STACK_NAME_PATTERN } from "../../automation";
import type { EngineStackSummary, StackOptions } from "../../automation";
import { listStacks, projectDefaults, readProject, readStackConfig } from "../../plan/stackFile";
import { HttpError } from "./http";

/** The library call the catalogue makes (a test double can stand in). */
export type ListStacks = (options: StackOptions) => Promise<EngineStackSummary[]>;

export interface StoredSettings {
  /** Every setting, secrets included (server side only). */
  settings: RancherHaSettings;
  region: string;
  /** Secret keys held encrypted in the stack file: kept in the stack, never read here. */
  encrypted: SettingKey[];
  source: "file" | "portal";
  /** Problems parsing the stack file (unknown keys, wrong types). */
  problems: ConfigProblem[];
}

export interface StackRow {
  name: string;
  file: boolean;
  backend?: EngineStackSummary;
  region?: string;
  mode?: string;
  servers?: number;
  rancherUrl?: string;
}

const REFRESH_MS = 5_000;

export class StackCatalog {
  private backendNames = new Set<string>();
  private listedAt = 0;
  private listing?: Promise<EngineStackSummary[]>;
  private readonly posted = new Map<string, { settings: RancherHaSettings; region: string }>();

  constructor(
    private readonly projectDir: string,
    private readonly allowed: ReadonlySet<string>,
    private readonly list: ListStacks,
    private readonly stackOptions: StackOptions,
  ) {}

  fileStacks(): string[] {
    return listStacks(this.projectDir);
  }

  /**
   * The backend's stacks; remembers their names so they can be opened. Each listing runs the
   * Pulumi CLI: requests that arrive while one runs share it.
   */
  backend(): Promise<EngineStackSummary[]> {
    this.listing ??= this.list(this.stackOptions)
      .then((stacks) => {
        this.backendNames = new Set(stacks.map((s) => s.name));
        this.listedAt = Date.now();
        return stacks;
      })
      .finally(() => (this.listing = undefined));
    return this.listing;
  }

  names(): string[] {
    return [...new Set([...this.fileStacks(), ...this.allowed, ...this.backendNames])].sort();
  }

  /** Throws 400 (one problem, key "stack", naming the allowed stacks) for a name not served. */
  async check(name: string): Promise<void> {
    if (!STACK_NAME_PATTERN.test(name)) {
      throw this.badStack(
        `invalid stack name ${JSON.stringify(name)}: use letters, digits, ".", "_" and "-" only`,
      );
    }
    if (this.known(name)) return;
    if (Date.now() - this.listedAt > REFRESH_MS) {
      // A stack made elsewhere (another portal, the CLI) since the last listing.
      await this.backend().catch(() => undefined);
      if (this.known(name)) return;
    }
    throw this.badStack(
      `unknown stack ${JSON.stringify(name)}: no stacks/Pulumi.${name}.yaml, not in the backend and not in the portal's allowed stacks`,
    );
  }

  badStack(message: string): HttpError {
    const names = this.names();
    const full = `${message}; allowed stacks: ${names.length > 0 ? names.join(", ") : "none"}`;
    return new HttpError(400, full, { problems: [{ key: "stack", message: full }] });
  }

  remember(name: string, settings: RancherHaSettings, region: string): void {
    this.posted.set(name, { settings, region });
  }

  /**
   * The stack's settings: its stack file (which an operation started here also writes, as
   * `pulumi config set` would), else the settings last posted here; undefined when neither.
   */
  stored(name: string): StoredSettings | undefined {
    if (!this.fileStacks().includes(name)) {
      const posted = this.posted.get(name);
      return posted && { ...posted, encrypted: [], source: "portal", problems: [] };
    }
    const file = readStackConfig(this.projectDir, name);
    const encrypted = file.encrypted
      .filter((k) => k.startsWith(`${PROJECT}:`))
      .map((k) => k.slice(PROJECT.length + 1) as SettingKey)
      .filter((k) => SECRET_KEYS.includes(k));
    const { settings, problems } = parseSettings(file.values);
    return {
      settings,
      region: file.values["aws:region"] ?? "",
      encrypted,
      source: "file",
      problems,
    };
  }

  /** What the stacks page shows for one stack. */
  row(name: string, backend?: EngineStackSummary): StackRow {
    let stored: StoredSettings | undefined;
    try {
      stored = this.stored(name);
    } catch {
      stored = undefined; // an unreadable stack file: the row still lists the stack
    }
    const s = stored?.settings;
    return {
      name,
      file: this.fileStacks().includes(name),
      ...(backend ? { backend } : {}),
      ...(stored?.region ? { region: stored.region } : {}),
      ...(s ? { mode: s.loadBalancer ?? DEFAULTS.loadBalancer } : {}),
      ...(s ? { servers: s.serverCount ?? DEFAULTS.serverCount } : {}),
      ...(s?.hostname ? { rancherUrl: `https://${s.hostname}` } : {}),
    };
  }

  /** Settings for the page: secrets left out, declared defaults left to the form's placeholders. */
  display(stored: StoredSettings): { settings: Record<string, unknown>; secrets: SettingKey[] } {
    const defaults = projectDefaults(readProject(this.projectDir));
    const settings: Record<string, unknown> = {};
    const secrets = new Set<SettingKey>(stored.encrypted);
    for (const [k, v] of Object.entries(stored.settings) as [SettingKey, unknown][]) {
      if (v === undefined) continue;
      if (SECRET_KEYS.includes(k)) {
        secrets.add(k);
        continue;
      }
      const raw = typeof v === "string" ? v : JSON.stringify(v);
      const declared = defaults[`${PROJECT}:${k}`];
      if (declared !== undefined && normalise(declared) === normalise(raw)) continue;
      settings[k] = v;
    }
    return { settings, secrets: [...secrets].sort() };
  }

  private known(name: string): boolean {
    return (
      this.allowed.has(name) || this.backendNames.has(name) || this.fileStacks().includes(name)
    );
  }
}

function normalise(raw: string): string {
  try {
    return JSON.stringify(JSON.parse(raw));
  } catch {
    return raw;
  }
}
