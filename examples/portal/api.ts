// The JSON API under /api (the pages use it; so can scripts, with the bearer token).
import type * as http from "node:http";
import {
  ConfigError,
  ConfigProblem,
  formatProblem,
  loadConfig,
  parseSettings,
  PROJECT,
  RancherHaSettings,
  SECRET_KEYS,
  SettingKey,
} from "../../components/config";
import type {
  EngineStackSummary,
  OpenStackArgs,
  PlanData,
  RancherHaStack,
  StackOptions,
} from "../../automation";
import type { Plan } from "../../plan/run";
import type { Auth, Principal } from "./auth";
import { allowMethods, HttpError, readJson, sendJson } from "./http";
import { asHttpError, eventsPath, OperationKind, OPERATIONS, Operations } from "./operations";
import { configSchema } from "./schema";
import type { StackCatalog } from "./stacks";

/** The library calls the portal makes (a test double can stand in). */
export interface PortalLibrary {
  openStack(args: OpenStackArgs): Promise<RancherHaStack>;
  stackOutputs(args: {
    stackName: string;
    showSecrets?: boolean;
    options?: StackOptions;
  }): Promise<Record<string, unknown>>;
  planStack(stackName: string, settings: RancherHaSettings, region: string): Promise<Plan>;
  /** The plan as JSON for the page (with the timeline and estimate once plan/ provides them). */
  planData(plan: Plan): PlanData;
  listStacks(options: StackOptions): Promise<EngineStackSummary[]>;
}

export interface ApiContext {
  library: PortalLibrary;
  catalog: StackCatalog;
  operations: Operations;
  auth: Auth;
  stackOptions: StackOptions;
  maxBodyBytes: number;
}

const BODY_SHAPE = 'body must be a JSON object: { "region": "…", "settings": { … } }';

/** A request's settings: raw strings as Pulumi stores them, plus secrets explicitly cleared. */
export function settingsFromJson(body: unknown): {
  region: string;
  raw: Record<string, string>;
  cleared: string[];
} {
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    throw new HttpError(400, BODY_SHAPE);
  }
  const { region, settings } = body as { region?: unknown; settings?: unknown };
  if (
    settings !== undefined &&
    (settings === null || typeof settings !== "object" || Array.isArray(settings))
  ) {
    throw new HttpError(400, '"settings" must be an object of rancher-ha config keys');
  }
  if (region !== undefined && typeof region !== "string") {
    throw new HttpError(400, '"region" must be a string such as "us-east-1"');
  }
  const raw: Record<string, string> = {};
  const cleared: string[] = [];
  for (const [k, v] of Object.entries((settings ?? {}) as Record<string, unknown>)) {
    const key = k.replace(/^rancher-ha:/, "");
    if (v === null) cleared.push(key);
    if (v === null || v === undefined) continue;
    raw[`${PROJECT}:${key}`] = typeof v === "string" ? v : JSON.stringify(v);
  }
  return { region: region ?? "", raw, cleared };
}

/** Problems as the CLI prints them (formatProblem), with the key and message apart. */
function described(problems: ConfigProblem[]) {
  return problems.map((p) => ({ ...p, text: formatProblem(p).replace(/^\s*- /, "") }));
}

interface Input {
  settings: RancherHaSettings;
  region: string;
  /** Secret keys stored encrypted in the stack and not sent: kept there by openStack. */
  keep: SettingKey[];
  warnings: string[];
}

/**
 * The settings a request stands for, checked as the CLI checks them. A body without settings
 * means the stack's stored ones. Secrets the page does not send (it never receives them) are
 * the stored ones; `null` clears one.
 */
function input(ctx: ApiContext, name: string, body: unknown): Input {
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    throw new HttpError(400, BODY_SHAPE);
  }
  const b = body as { settings?: unknown; region?: unknown };
  const stored = ctx.catalog.stored(name);
  if (b.settings === undefined && b.region === undefined) {
    if (!stored) {
      throw new HttpError(
        404,
        `no settings known for stack ${name}: send { "region": "…", "settings": { … } }`,
      );
    }
    if (stored.problems.length > 0) throw problemsError(stored.problems);
    return {
      settings: stored.settings,
      region: stored.region,
      keep: stored.encrypted,
      warnings: [],
    };
  }
  const { region, raw, cleared } = settingsFromJson(body);
  const keep: SettingKey[] = [];
  for (const key of SECRET_KEYS) {
    if (raw[`${PROJECT}:${key}`] !== undefined || cleared.includes(key) || !stored) continue;
    const value = stored.settings[key];
    if (value !== undefined) raw[`${PROJECT}:${key}`] = value as string;
    else if (stored.encrypted.includes(key)) keep.push(key);
  }
  let warnings: string[] = [];
  try {
    warnings = loadConfig(raw, { stack: name, region }).warnings;
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    // A kept secret is checked when the operation reads it from the stack.
    const problems = e.problems.filter((p) => !keep.includes(p.key as SettingKey));
    if (problems.length > 0) throw problemsError(problems);
  }
  return { settings: parseSettings(raw).settings, region, keep, warnings };
}

function problemsError(problems: ConfigProblem[]): HttpError {
  const e = new ConfigError(problems);
  return new HttpError(400, e.message, { problems });
}

async function startOperation(
  ctx: ApiContext,
  req: http.IncomingMessage,
  name: string,
  kind: OperationKind,
) {
  // 409 before reading anything: a busy stack is the answer whatever the body says.
  if (ctx.operations.running(name)) throw ctx.operations.busyError(name);
  const body = await readJson(req, ctx.maxBodyBytes);
  if (kind === "destroy" && (body as { confirm?: unknown }).confirm !== name) {
    throw new HttpError(400, `destroy needs "confirm": "${name}" (the stack's name, typed)`, {
      problems: [{ key: "confirm", message: `type the stack name (${name}) to destroy it` }],
    });
  }
  const op = await ctx.operations.start(name, kind, async () => {
    const { settings, region, keep } = input(ctx, name, body);
    ctx.catalog.remember(name, settings, region);
    return ctx.library.openStack({
      stackName: name,
      settings,
      region,
      options: { ...ctx.stackOptions, ...(keep.length > 0 ? { keepStoredKeys: keep } : {}) },
    });
  });
  return { operationId: op.id, stack: name, operation: op.kind, events: eventsPath(name, op.id) };
}

async function plan(ctx: ApiContext, req: http.IncomingMessage, name: string) {
  const body = req.method === "POST" ? await readJson(req, ctx.maxBodyBytes) : {};
  const { settings, region } = input(ctx, name, body);
  try {
    return ctx.library.planData(await ctx.library.planStack(name, settings, region));
  } catch (e) {
    throw asHttpError(e);
  }
}

function stackDetail(ctx: ApiContext, name: string) {
  const stored = ctx.catalog.stored(name);
  const shown = stored ? ctx.catalog.display(stored) : { settings: {}, secrets: [] };
  const busy = ctx.operations.running(name);
  const latest = ctx.operations.latest(name);
  return {
    ...ctx.catalog.row(name),
    source: stored?.source ?? null,
    region: stored?.region ?? "",
    settings: shown.settings,
    secrets: shown.secrets,
    problems: described(stored?.problems ?? []),
    busy: busy ? (busy.op ? ctx.operations.summary(busy.op) : { kind: busy.kind }) : null,
    lastOperation: latest ? ctx.operations.summary(latest) : null,
  };
}

async function stacks(ctx: ApiContext) {
  let backend: EngineStackSummary[] = [];
  let backendError: string | undefined;
  try {
    backend = await ctx.catalog.backend();
  } catch (e) {
    backendError = asHttpError(e).message;
  }
  const byName = new Map(backend.map((s) => [s.name, s]));
  return {
    stacks: ctx.catalog.names().map((name) => {
      const latest = ctx.operations.latest(name);
      return {
        ...ctx.catalog.row(name, byName.get(name)),
        busy: ctx.operations.running(name) !== undefined,
        lastOperation: latest ? ctx.operations.summary(latest) : null,
      };
    }),
    backend: backendError ? { ok: false, error: backendError } : { ok: true },
  };
}

export async function handleApi(
  ctx: ApiContext,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  principal: Principal,
  url: URL,
): Promise<void> {
  const parts = url.pathname.split("/").slice(2); // ["stacks", name, action, …]
  if (parts.length === 1 && parts[0] === "session") {
    allowMethods(req, ["GET"], "/api/session");
    const expiresAt = ctx.auth.expiresAt(principal);
    return sendJson(res, 200, {
      user: principal.user,
      via: principal.via,
      csrfToken: ctx.auth.csrfToken(principal) ?? null,
      signOut: principal.via === "session",
      ...(expiresAt ? { expiresAt: new Date(expiresAt).toISOString() } : {}),
    });
  }
  if (parts.length === 1 && parts[0] === "schema") {
    allowMethods(req, ["GET"], "/api/schema");
    return sendJson(res, 200, configSchema());
  }
  if (parts[0] !== "stacks") throw new HttpError(404, `no route ${url.pathname}`);
  if (parts.length === 1) {
    allowMethods(req, ["GET"], "/api/stacks");
    return sendJson(res, 200, await stacks(ctx));
  }
  let name: string;
  try {
    name = decodeURIComponent(parts[1]);
  } catch {
    const routed =
      (parts.length <= 3 && ROUTES.has(parts[2] ?? "")) ||
      (parts.length === 4 && parts[2] === "operations");
    if (!routed) throw new HttpError(404, `no route ${url.pathname}`);
    throw ctx.catalog.badStack(
      `invalid stack name ${JSON.stringify(parts[1])}: not valid percent-encoding`,
    );
  }
  const action = parts[2] ?? "";
  const isOperationRoute = action === "operations" && parts.length === 4;
  if (!(parts.length <= 3 && ROUTES.has(action)) && !isOperationRoute) {
    throw new HttpError(404, `no route ${url.pathname}`);
  }
  const what = `/api/stacks/:name${action ? `/${action}` : ""}`;
  if ((OPERATIONS as readonly string[]).includes(action)) {
    allowMethods(req, ["POST"], what);
    await ctx.catalog.check(name);
    return sendJson(res, 202, await startOperation(ctx, req, name, action as OperationKind));
  }
  allowMethods(req, METHODS[action] ?? ["GET"], what);
  await ctx.catalog.check(name);
  switch (action) {
    case "":
      return sendJson(res, 200, stackDetail(ctx, name));
    case "validate": {
      const body = await readJson(req, ctx.maxBodyBytes);
      try {
        const { warnings } = input(ctx, name, body);
        return sendJson(res, 200, { valid: true, problems: [], warnings });
      } catch (e) {
        if (!(e instanceof HttpError) || !Array.isArray(e.extra.problems)) throw e;
        const problems = described(e.extra.problems as ConfigProblem[]);
        return sendJson(res, 200, { valid: false, problems, warnings: [] });
      }
    }
    case "events": {
      const id = url.searchParams.get("operation");
      const op = id ? ctx.operations.get(id) : ctx.operations.latest(name);
      if (!op || op.stack !== name) throw new HttpError(404, `no operation for stack ${name}`);
      return ctx.operations.stream(op, req, res);
    }
    case "operations": {
      const op = ctx.operations.get(parts[3]);
      if (!op || op.stack !== name) {
        throw new HttpError(404, `no operation ${parts[3]} for stack ${name} in this portal`);
      }
      return sendJson(res, 200, ctx.operations.summary(op));
    }
    case "cancel": {
      const op = ctx.operations.cancel(name);
      return sendJson(res, 202, { operationId: op.id, cancelling: true });
    }
    case "outputs": {
      const reveal = url.searchParams.get("reveal");
      try {
        const outputs = await ctx.library.stackOutputs({
          stackName: name,
          options: ctx.stackOptions,
          showSecrets: reveal !== null,
        });
        if (reveal === null) return sendJson(res, 200, { stack: name, outputs });
        // One secret at a time, only when asked for (the page's Reveal button).
        if (!(reveal in outputs)) throw new HttpError(404, `stack ${name} has no output ${reveal}`);
        return sendJson(res, 200, { stack: name, outputs: { [reveal]: outputs[reveal] } });
      } catch (e) {
        throw asHttpError(e);
      }
    }
    case "plan":
      return sendJson(res, 200, await plan(ctx, req, name));
    default:
      throw new HttpError(404, `no route ${url.pathname}`);
  }
}

/** /api/stacks/:name[/<action>] routes and their methods (plus /operations/:id, GET). */
const METHODS: Record<string, string[]> = {
  "": ["GET"],
  validate: ["POST"],
  events: ["GET"],
  cancel: ["POST"],
  outputs: ["GET"],
  plan: ["GET", "POST"],
};
const ROUTES = new Set([...Object.keys(METHODS), ...OPERATIONS]);
