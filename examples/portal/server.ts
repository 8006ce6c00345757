// A small self-service portal on the rancher-ha library: start preview/up/destroy over HTTP,
// follow the engine events as server-sent events, read outputs, show the plan before approving.
// node:http only. See README.md next to this file.
import { randomUUID } from "node:crypto";
import * as http from "node:http";
import * as path from "node:path";
import type { EngineEvent } from "@pulumi/pulumi/automation";
import {
  ConfigError,
  ConfigProblem,
  loadConfig,
  parseSettings,
  PROJECT,
  RancherHaSettings,
} from "../../components/config";
import {
  openStack,
  OperationCancelledError,
  OperationResult,
  planData,
  planStack,
  PROJECT_DIR,
  PulumiCliMissingError,
  RancherHaStack,
  STACK_NAME_PATTERN,
  StackBusyError,
  stackOutputs,
  StackNotFoundError,
} from "../../automation";
import type { OpenStackArgs, StackOptions } from "../../automation";
import type { Plan } from "../../plan/run";
import { listStacks, readStackConfig } from "../../plan/stackFile";

/** The library calls the portal makes (a test double can stand in). */
export interface PortalLibrary {
  openStack(args: OpenStackArgs): Promise<RancherHaStack>;
  stackOutputs(args: {
    stackName: string;
    options?: StackOptions;
  }): Promise<Record<string, unknown>>;
  planStack(stackName: string, settings: RancherHaSettings, region: string): Promise<Plan>;
}

export interface PortalOptions {
  library?: PortalLibrary;
  /** Stack names accepted besides those with a stacks/Pulumi.<name>.yaml file. */
  allowedStacks?: string[];
  /** Project directory (Pulumi.yaml, stacks/). */
  projectDir?: string;
  /** Passed to openStack / stackOutputs (backend, credentials…). */
  stackOptions?: StackOptions;
  /** Largest request body accepted (bytes). */
  maxBodyBytes?: number;
}

export const OPERATIONS = ["preview", "up", "destroy"] as const;
type OperationKind = (typeof OPERATIONS)[number];
const ACTIONS = [...OPERATIONS, "events", "cancel", "outputs", "plan"] as const;

type StreamRecord =
  | { event: "engine"; data: EngineEvent }
  | { event: "output"; data: { text: string } }
  | { event: "done"; data: DoneData };

interface DoneData {
  operationId: string;
  status: "succeeded" | "failed" | "cancelled";
  changes?: OperationResult["changes"];
  durationMs?: number;
  error?: { type: string; message: string; status: number };
}

interface Operation {
  id: string;
  stack: string;
  kind: OperationKind;
  records: StreamRecord[];
  done: boolean;
  listeners: Set<() => void>;
  abort: AbortController;
}

const MAX_RECORDS = 50_000;

class HttpError extends Error {
  constructor(
    public readonly status: number,
    message: string,
    public readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

const realLibrary: PortalLibrary = {
  openStack,
  stackOutputs,
  planStack: (stackName, settings, region) => planStack(stackName, settings, region),
};

/** Settings from JSON (any value types) to the raw strings Pulumi stores, then typed. */
export function settingsFromJson(body: unknown): {
  settings: RancherHaSettings;
  region: string;
  raw: Record<string, string>;
} {
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    throw new HttpError(400, 'body must be a JSON object: { "region": "…", "settings": { … } }');
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
  for (const [k, v] of Object.entries((settings ?? {}) as Record<string, unknown>)) {
    if (v === null || v === undefined) continue;
    raw[`${PROJECT}:${k.replace(/^rancher-ha:/, "")}`] =
      typeof v === "string" ? v : JSON.stringify(v);
  }
  return { settings: parseSettings(raw).settings, region: region ?? "", raw };
}

function problemsOf(e: ConfigError): { problems: ConfigProblem[] } {
  return { problems: e.problems };
}

export function createPortal(opts: PortalOptions = {}): http.Server {
  const library = opts.library ?? realLibrary;
  const projectDir = opts.projectDir ?? PROJECT_DIR;
  const allowed = new Set(opts.allowedStacks ?? []);
  const maxBody = opts.maxBodyBytes ?? 1024 * 1024;
  const stackOptions: StackOptions = { workDir: projectDir, ...(opts.stackOptions ?? {}) };
  /** Stacks with an operation starting or running in this process. */
  const busy = new Map<string, OperationKind>();
  /** The latest operation of each stack, and recent ones by id. */
  const latest = new Map<string, Operation>();
  const byId = new Map<string, Operation>();
  /** Settings last posted for a stack (for GET plan of a stack without a file). */
  const posted = new Map<string, { settings: RancherHaSettings; region: string }>();

  /** Stacks the portal serves: those with a stack file, and the allow-listed ones. */
  function allowedStacks(): string[] {
    return [...new Set([...listStacks(projectDir), ...allowed])].sort();
  }

  /** A rejected stack name: 400, as one problem (key "stack") naming the allowed stacks. */
  function badStack(message: string): HttpError {
    const names = allowedStacks();
    const full = `${message}; allowed stacks: ${names.length > 0 ? names.join(", ") : "none"}`;
    return new HttpError(400, full, { problems: [{ key: "stack", message: full }] });
  }

  function checkStack(name: string): void {
    if (!STACK_NAME_PATTERN.test(name)) {
      throw badStack(
        `invalid stack name ${JSON.stringify(name)}: use letters, digits, ".", "_" and "-" only`,
      );
    }
    if (!allowed.has(name) && !listStacks(projectDir).includes(name)) {
      throw badStack(
        `unknown stack ${JSON.stringify(name)}: no stacks/Pulumi.${name}.yaml and not in the portal's allowed stacks`,
      );
    }
  }

  async function readJson(req: http.IncomingMessage): Promise<unknown> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > maxBody) throw new HttpError(413, `request body over ${maxBody} bytes`);
      chunks.push(chunk as Buffer);
    }
    const text = Buffer.concat(chunks).toString("utf8");
    if (text.trim() === "") return {};
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new HttpError(400, "request body is not valid JSON");
    }
  }

  /** The request's settings, checked as the CLI would (unknown keys, types, every rule). */
  async function validBody(name: string, req: http.IncomingMessage) {
    const { settings, region, raw } = settingsFromJson(await readJson(req));
    try {
      loadConfig(raw, { stack: name, region });
    } catch (e) {
      if (e instanceof ConfigError) throw new HttpError(400, e.message, problemsOf(e));
      throw e;
    }
    return { settings, region };
  }

  function push(op: Operation, record: StreamRecord): void {
    if (op.records.length < MAX_RECORDS || record.event === "done") op.records.push(record);
    for (const l of op.listeners) l();
  }

  function finish(op: Operation, data: Omit<DoneData, "operationId">): void {
    op.done = true;
    busy.delete(op.stack);
    push(op, { event: "done", data: { operationId: op.id, ...data } });
  }

  function errorInfo(e: unknown): { type: string; message: string; status: number } {
    const type = e instanceof Error ? e.name : "Error";
    const message = e instanceof Error ? e.message : String(e);
    const status =
      e instanceof ConfigError
        ? 400
        : e instanceof StackBusyError
          ? 409
          : e instanceof StackNotFoundError
            ? 404
            : e instanceof PulumiCliMissingError
              ? 503
              : 500;
    return { type, message, status };
  }

  async function startOperation(name: string, kind: OperationKind, req: http.IncomingMessage) {
    checkStack(name);
    if (busy.has(name)) {
      throw new HttpError(
        409,
        `stack ${name} is busy: ${busy.get(name)} is running in this portal`,
      );
    }
    busy.set(name, kind);
    try {
      const { settings, region } = await validBody(name, req);
      posted.set(name, { settings, region });
      let stack: RancherHaStack;
      try {
        stack = await library.openStack({
          stackName: name,
          settings,
          region,
          options: stackOptions,
        });
      } catch (e) {
        const info = errorInfo(e);
        throw new HttpError(info.status, info.message, {
          type: info.type,
          ...(e instanceof ConfigError ? problemsOf(e) : {}),
        });
      }
      const op: Operation = {
        id: randomUUID(),
        stack: name,
        kind,
        records: [],
        done: false,
        listeners: new Set(),
        abort: new AbortController(),
      };
      latest.set(name, op);
      byId.set(op.id, op);
      if (byId.size > 100) byId.delete(byId.keys().next().value as string);
      const run = stack[kind].bind(stack);
      run({
        signal: op.abort.signal,
        onEvent: (ev) => push(op, { event: "engine", data: ev }),
        onOutput: (text) => push(op, { event: "output", data: { text } }),
      }).then(
        (r) => finish(op, { status: "succeeded", changes: r.changes, durationMs: r.durationMs }),
        (e: unknown) =>
          finish(op, {
            status: e instanceof OperationCancelledError ? "cancelled" : "failed",
            error: errorInfo(e),
          }),
      );
      return op;
    } catch (e) {
      busy.delete(name);
      throw e;
    }
  }

  function streamEvents(op: Operation, req: http.IncomingMessage, res: http.ServerResponse): void {
    res.writeHead(200, {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache",
      connection: "keep-alive",
      "x-operation-id": op.id,
    });
    let sent = 0;
    const flush = () => {
      while (sent < op.records.length) {
        const r = op.records[sent];
        res.write(`id: ${sent}\nevent: ${r.event}\ndata: ${JSON.stringify(r.data)}\n\n`);
        sent++;
        if (r.event === "done") {
          op.listeners.delete(flush);
          res.end();
          return;
        }
      }
    };
    op.listeners.add(flush);
    req.on("close", () => op.listeners.delete(flush));
    flush();
  }

  async function plan(name: string, req: http.IncomingMessage) {
    checkStack(name);
    let input: { settings: RancherHaSettings; region: string };
    if (req.method === "POST") {
      input = await validBody(name, req);
    } else if (listStacks(projectDir).includes(name)) {
      const file = readStackConfig(projectDir, name);
      input = {
        settings: parseSettings(file.values).settings,
        region: file.values["aws:region"] ?? "",
      };
    } else {
      const p = posted.get(name);
      if (!p) {
        throw new HttpError(
          404,
          `no settings known for stack ${name}: POST /stacks/${name}/plan with them`,
        );
      }
      input = p;
    }
    try {
      return planData(await library.planStack(name, input.settings, input.region));
    } catch (e) {
      if (e instanceof ConfigError) throw new HttpError(400, e.message, problemsOf(e));
      throw e;
    }
  }

  async function route(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://portal.invalid");
    const m = /^\/stacks\/([^/]+)\/([a-z]+)$/.exec(url.pathname);
    if (!m || !(ACTIONS as readonly string[]).includes(m[2])) {
      throw new HttpError(404, `no route ${url.pathname}`);
    }
    let name: string;
    try {
      name = decodeURIComponent(m[1]);
    } catch {
      throw badStack(`invalid stack name ${JSON.stringify(m[1])}: not valid percent-encoding`);
    }
    const action = m[2];
    const method = req.method ?? "GET";
    const allow = (methods: string[]) => {
      if (!methods.includes(method)) {
        res.setHeader("allow", methods.join(", "));
        throw new HttpError(405, `${method} not allowed on /stacks/:name/${action}`);
      }
    };
    if ((OPERATIONS as readonly string[]).includes(action)) {
      allow(["POST"]);
      const op = await startOperation(name, action as OperationKind, req);
      return json(res, 202, {
        operationId: op.id,
        stack: name,
        operation: op.kind,
        events: `/stacks/${encodeURIComponent(name)}/events?operation=${op.id}`,
      });
    }
    switch (action) {
      case "events": {
        allow(["GET"]);
        checkStack(name);
        const id = url.searchParams.get("operation");
        const op = id ? byId.get(id) : latest.get(name);
        if (!op || op.stack !== name) throw new HttpError(404, `no operation for stack ${name}`);
        return streamEvents(op, req, res);
      }
      case "cancel": {
        allow(["POST"]);
        checkStack(name);
        const op = latest.get(name);
        if (!op || op.done) throw new HttpError(404, `no running operation for stack ${name}`);
        op.abort.abort();
        return json(res, 202, { operationId: op.id, cancelling: true });
      }
      case "outputs": {
        allow(["GET"]);
        checkStack(name);
        try {
          return json(res, 200, {
            stack: name,
            outputs: await library.stackOutputs({ stackName: name, options: stackOptions }),
          });
        } catch (e) {
          const info = errorInfo(e);
          throw new HttpError(info.status, info.message, { type: info.type });
        }
      }
      case "plan": {
        allow(["GET", "POST"]);
        return json(res, 200, await plan(name, req));
      }
      default:
        throw new HttpError(404, `no route ${url.pathname}`);
    }
  }

  return http.createServer((req, res) => {
    route(req, res).catch((e: unknown) => {
      if (res.headersSent) {
        res.end();
        return;
      }
      if (e instanceof HttpError) return json(res, e.status, { error: e.message, ...e.extra });
      json(res, 500, { error: e instanceof Error ? e.message : String(e) });
    });
  });
}

function json(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body, null, 2) + "\n";
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(text),
  });
  res.end(text);
}

if (require.main === module) {
  const port = Number(process.env.PORT ?? 8080);
  const host = process.env.HOST ?? "127.0.0.1";
  const allowedStacks = (process.env.PORTAL_STACKS ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  const server = createPortal({ allowedStacks, projectDir: path.resolve(__dirname, "../..") });
  server.listen(port, host, () => {
    process.stdout.write(
      `rancher-ha portal on http://${host}:${port} (stacks: files in stacks/${allowedStacks.length ? ` + ${allowedStacks.join(", ")}` : ""})\n`,
    );
  });
  process.on("SIGINT", () => {
    server.close();
    server.closeAllConnections();
    process.exit(130);
  });
}
