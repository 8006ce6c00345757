// Operations the portal runs: one at a time per stack (409 otherwise), their records kept in
// memory and streamed as server-sent events (output, engine events, steps, then done).
import { randomUUID } from "node:crypto";
import type * as http from "node:http";
import type { EngineEvent } from "@pulumi/pulumi/automation";
import { ConfigError, ConfigProblem } from "../../components/config";
import {
  EngineError,
  OperationCancelledError,
  OperationResult,
  PulumiCliMissingError,
  PulumiCliTooOldError,
  RancherHaStack,
  StackBusyError,
  StackNotFoundError,
} from "../../automation";
import { HttpError } from "./http";
import { slimEvent, Step, StepTracker } from "./steps";

export const OPERATIONS = ["preview", "up", "refresh", "destroy"] as const;
export type OperationKind = (typeof OPERATIONS)[number];

export type StreamRecord =
  | { event: "engine"; data: EngineEvent }
  | { event: "output"; data: { text: string } }
  | { event: "step"; data: Step }
  | { event: "done"; data: DoneData };

export interface ErrorInfo {
  type: string;
  message: string;
  status: number;
  problems?: ConfigProblem[];
  failedResource?: EngineError["failedResource"];
}

export interface DoneData {
  operationId: string;
  status: "succeeded" | "failed" | "cancelled";
  changes?: OperationResult["changes"];
  durationMs?: number;
  error?: ErrorInfo;
}

export interface Operation {
  id: string;
  stack: string;
  kind: OperationKind;
  startedAt: number;
  records: StreamRecord[];
  done?: DoneData;
  endedAt?: number;
  listeners: Set<() => void>;
  abort: AbortController;
  steps: StepTracker;
}

/** What the pages show of an operation. */
export interface OperationSummary {
  id: string;
  stack: string;
  kind: OperationKind;
  status: "running" | DoneData["status"];
  startedAt: string;
  endedAt?: string;
  changes?: OperationResult["changes"];
  error?: ErrorInfo;
  events: string;
}

const MAX_RECORDS = 50_000;
const KEEP_OPERATIONS = 100;
const HEARTBEAT_MS = 15_000;

/** The library's typed errors as HTTP statuses; the message, never a stack trace. */
export function errorInfo(e: unknown): ErrorInfo {
  const type = e instanceof Error ? e.name : "Error";
  const message = e instanceof Error ? e.message : String(e);
  const status =
    e instanceof ConfigError
      ? 400
      : e instanceof StackBusyError
        ? 409
        : e instanceof StackNotFoundError
          ? 404
          : e instanceof PulumiCliMissingError || e instanceof PulumiCliTooOldError
            ? 503
            : 500;
  return {
    type,
    message,
    status,
    ...(e instanceof ConfigError ? { problems: e.problems } : {}),
    ...(e instanceof EngineError && e.failedResource ? { failedResource: e.failedResource } : {}),
  };
}

export function asHttpError(e: unknown): HttpError {
  if (e instanceof HttpError) return e;
  const { status, message, ...extra } = errorInfo(e);
  return new HttpError(status, message, extra);
}

export function eventsPath(stack: string, id: string): string {
  return `/api/stacks/${encodeURIComponent(stack)}/events?operation=${id}`;
}

export class Operations {
  /** Stacks with an operation starting or running in this process. */
  private readonly busy = new Map<string, { kind: OperationKind; op?: Operation }>();
  private readonly latestByStack = new Map<string, Operation>();
  private readonly byId = new Map<string, Operation>();

  latest(stack: string): Operation | undefined {
    return this.latestByStack.get(stack);
  }

  get(id: string): Operation | undefined {
    return this.byId.get(id);
  }

  /** The operation starting or running for the stack, if any. */
  running(stack: string): { kind: OperationKind; op?: Operation } | undefined {
    return this.busy.get(stack);
  }

  summary(op: Operation): OperationSummary {
    return {
      id: op.id,
      stack: op.stack,
      kind: op.kind,
      status: op.done?.status ?? "running",
      startedAt: new Date(op.startedAt).toISOString(),
      ...(op.endedAt ? { endedAt: new Date(op.endedAt).toISOString() } : {}),
      ...(op.done?.changes ? { changes: op.done.changes } : {}),
      ...(op.done?.error ? { error: op.done.error } : {}),
      events: eventsPath(op.stack, op.id),
    };
  }

  busyError(stack: string): HttpError {
    const b = this.busy.get(stack);
    const what = b ? `${b.kind} is running in this portal` : "an operation is running";
    return new HttpError(409, `stack ${stack} is busy: ${what}`, {
      type: "StackBusyError",
      ...(b?.op ? { operation: this.summary(b.op) } : {}),
    });
  }

  /**
   * Reserves the stack, opens it (validation, config; may throw), then runs the operation in
   * the background. 409 when the stack is already busy here.
   */
  async start(
    stack: string,
    kind: OperationKind,
    open: () => Promise<RancherHaStack>,
  ): Promise<Operation> {
    if (this.busy.has(stack)) throw this.busyError(stack);
    const reservation: { kind: OperationKind; op?: Operation } = { kind };
    this.busy.set(stack, reservation);
    let handle: RancherHaStack;
    try {
      handle = await open();
    } catch (e) {
      this.busy.delete(stack);
      throw asHttpError(e);
    }
    const op: Operation = {
      id: randomUUID(),
      stack,
      kind,
      startedAt: Date.now(),
      records: [],
      listeners: new Set(),
      abort: new AbortController(),
      steps: new StepTracker(),
    };
    reservation.op = op;
    this.latestByStack.set(stack, op);
    this.byId.set(op.id, op);
    if (this.byId.size > KEEP_OPERATIONS) {
      this.byId.delete(this.byId.keys().next().value as string);
    }
    handle[kind]({
      signal: op.abort.signal,
      onEvent: (ev) => {
        this.push(op, { event: "engine", data: slimEvent(ev) });
        for (const s of op.steps.onEvent(ev)) this.push(op, { event: "step", data: s });
      },
      onOutput: (text) => this.push(op, { event: "output", data: { text } }),
    }).then(
      (r) => this.finish(op, { status: "succeeded", changes: r.changes, durationMs: r.durationMs }),
      (e: unknown) =>
        this.finish(op, {
          status: e instanceof OperationCancelledError ? "cancelled" : "failed",
          error: errorInfo(e),
        }),
    );
    return op;
  }

  /** Interrupts the stack's running operation. */
  cancel(stack: string): Operation {
    const op = this.latestByStack.get(stack);
    if (!op || op.done) throw new HttpError(404, `no running operation for stack ${stack}`);
    op.abort.abort();
    return op;
  }

  /** Streams the operation's records from the first (or after Last-Event-ID), then ends. */
  stream(op: Operation, req: http.IncomingMessage, res: http.ServerResponse): void {
    res.writeHead(200, {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-store",
      connection: "keep-alive",
      "x-operation-id": op.id,
    });
    const last = Number(req.headers["last-event-id"]);
    let sent = Number.isInteger(last) && last >= 0 ? last + 1 : 0;
    const heartbeat = setInterval(() => res.write(": keep-alive\n\n"), HEARTBEAT_MS);
    const close = () => {
      clearInterval(heartbeat);
      op.listeners.delete(flush);
    };
    const flush = () => {
      while (sent < op.records.length) {
        const r = op.records[sent];
        res.write(`id: ${sent}\nevent: ${r.event}\ndata: ${JSON.stringify(r.data)}\n\n`);
        sent++;
        if (r.event === "done") {
          close();
          res.end();
          return;
        }
      }
    };
    op.listeners.add(flush);
    // The response ended or the client went away.
    res.on("close", close);
    flush();
  }

  private push(op: Operation, record: StreamRecord): void {
    if (op.records.length < MAX_RECORDS || record.event === "done") op.records.push(record);
    for (const l of op.listeners) l();
  }

  private finish(op: Operation, data: Omit<DoneData, "operationId">): void {
    for (const s of op.steps.stop()) this.push(op, { event: "step", data: s });
    op.done = { operationId: op.id, ...data };
    op.endedAt = Date.now();
    this.busy.delete(op.stack);
    this.push(op, { event: "done", data: op.done });
  }
}
