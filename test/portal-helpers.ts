// Shared by the portal tests: a portal on 127.0.0.1 with the engine replaced by the fake at the
// library boundary, JSON calls with the bearer token, and a server-sent-events reader.
import * as assert from "node:assert/strict";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { parseSettings } from "../components/config";
import { FakeEngine } from "../automation/fake";
import { fakeLibrary } from "../examples/portal/demo";
import { createPortal, PortalLibrary, PortalOptions } from "../examples/portal/server";
import { readStackConfig } from "../plan/stackFile";
import { fixtureProject } from "./helpers";

export const WAIT_MS = 5000;
export const TOKEN = "test-token-0123456789abcdef";

export interface TestPortal {
  engine: FakeEngine;
  server: Server;
  base: string;
  close(): Promise<void>;
}

export async function startPortal(
  opts: Partial<PortalOptions> = {},
  wrap: (library: PortalLibrary) => PortalLibrary = (l) => l,
): Promise<TestPortal> {
  const engine = new FakeEngine();
  const server = createPortal({
    auth: { token: TOKEN },
    library: wrap(fakeLibrary(engine)),
    // The tests' own stack files (dev: l4, prod: l7), not the examples a user edits.
    projectDir: fixtureProject(),
    ...opts,
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    engine,
    server,
    base,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

export function devBody(): { region: string; settings: Record<string, unknown> } {
  const { values } = readStackConfig(fixtureProject(), "dev");
  return { region: values["aws:region"], settings: { ...parseSettings(values).settings } };
}

export interface CallResult {
  status: number;
  headers: Headers;
  body: Record<string, any>;
  text: string;
}

/** A request to the portal; JSON in and out, the bearer token unless headers say otherwise. */
export async function call(
  base: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = { authorization: `Bearer ${TOKEN}` },
): Promise<CallResult> {
  const res = await fetch(base + path, {
    method,
    redirect: "manual",
    signal: AbortSignal.timeout(WAIT_MS),
    headers: {
      ...headers,
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }),
  });
  const text = await res.text();
  const json = (res.headers.get("content-type") ?? "").startsWith("application/json");
  return {
    status: res.status,
    headers: res.headers,
    body: (json && text ? JSON.parse(text) : {}) as Record<string, any>,
    text,
  };
}

export interface SseRecord {
  id: string;
  event: string;
  data: unknown;
}

/** Reads a whole SSE response (until the server ends it), bounded by a timeout. */
export async function readSse(
  url: string,
  headers: Record<string, string> = { authorization: `Bearer ${TOKEN}` },
): Promise<{ status: number; records: SseRecord[]; type: string }> {
  const res = await fetch(url, { headers, signal: AbortSignal.timeout(WAIT_MS) });
  const text = await res.text();
  const records = text
    .split("\n\n")
    .filter((b) => b.trim() !== "" && !b.startsWith(":"))
    .map((block) => {
      const fields = Object.fromEntries(
        block.split("\n").map((line) => {
          const i = line.indexOf(": ");
          return [line.slice(0, i), line.slice(i + 2)];
        }),
      );
      return { id: fields.id, event: fields.event, data: JSON.parse(fields.data) as unknown };
    });
  return { status: res.status, records, type: res.headers.get("content-type") ?? "" };
}

export async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + WAIT_MS;
  while (!check()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
