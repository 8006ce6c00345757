// The example portal over real HTTP on 127.0.0.1, with the engine replaced by the fake at the
// library boundary: 202 + server-sent events in order, 409 while busy, 400 with the problem
// list (invalid settings, unknown or malformed stack names), outputs, plan.
import * as assert from "node:assert/strict";
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import { ConcurrentUpdateError } from "@pulumi/pulumi/automation";
import type { EngineEvent } from "@pulumi/pulumi/automation";
import { parseSettings } from "../components/config";
import { openStack, planStack, stackOutputs } from "../automation";
import { FakeEngine, sdkCommandError } from "../automation/fake";
import { createPortal, PortalLibrary } from "../examples/portal/server";
import { readStackConfig } from "../plan/stackFile";
import { fixtureProject } from "./helpers";

const WAIT_MS = 5000;

function devBody(): { region: string; settings: Record<string, unknown> } {
  const { values } = readStackConfig(fixtureProject(), "dev");
  return { region: values["aws:region"], settings: { ...parseSettings(values).settings } };
}

interface SseRecord {
  id: string;
  event: string;
  data: unknown;
}

/** Reads a whole SSE response (until the server ends it), bounded by a timeout. */
async function readSse(
  url: string,
): Promise<{ status: number; records: SseRecord[]; type: string }> {
  const res = await fetch(url, { signal: AbortSignal.timeout(WAIT_MS) });
  const text = await res.text();
  const records = text
    .split("\n\n")
    .filter((b) => b.trim() !== "")
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

describe("portal", function () {
  this.timeout(30_000);
  let engine: FakeEngine;
  let server: Server;
  let base: string;

  const library = (): PortalLibrary => ({
    openStack: (args) => openStack({ ...args, options: { ...args.options, engine } }),
    stackOutputs: (args) => stackOutputs({ ...args, options: { ...args.options, engine } }),
    planStack: (name, settings, region) => planStack(name, settings, region),
  });

  async function call(method: string, path: string, body?: unknown) {
    const res = await fetch(base + path, {
      method,
      signal: AbortSignal.timeout(WAIT_MS),
      ...(body === undefined
        ? {}
        : {
            body: typeof body === "string" ? body : JSON.stringify(body),
            headers: { "content-type": "application/json" },
          }),
    });
    const text = await res.text();
    return {
      status: res.status,
      body: (text ? JSON.parse(text) : undefined) as Record<string, any>,
    };
  }

  async function until(check: () => boolean, what: string) {
    const deadline = Date.now() + WAIT_MS;
    while (!check()) {
      if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  before(async () => {
    engine = new FakeEngine();
    server = createPortal({
      library: library(),
      allowedStacks: ["sandbox", "scratch"],
      projectDir: fixtureProject(),
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  beforeEach(() => {
    engine.calls.length = 0;
    engine.started.length = 0;
    engine.scripts = {};
    engine.selectError = undefined;
    engine.stacks.clear();
  });

  after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it("POST up → 202 with an operation id; the event stream delivers output, engine events in order, then done, and ends", async () => {
    const events: Partial<EngineEvent>[] = [
      { preludeEvent: { config: {} } },
      {
        resourcePreEvent: {
          metadata: { op: "create", urn: "urn:1", type: "aws:ec2/vpc:Vpc", provider: "" },
        },
      },
      {
        resOutputsEvent: {
          metadata: { op: "create", urn: "urn:1", type: "aws:ec2/vpc:Vpc", provider: "" },
        },
      },
      {
        summaryEvent: {
          maybeCorrupt: false,
          durationSeconds: 1,
          resourceChanges: { create: 1 },
          policyPacks: {},
        },
      },
    ];
    engine.scripts.up = {
      output: ["Updating (dev)\n"],
      events,
      delayMs: 15,
      changes: { create: 1 },
    };
    const r = await call("POST", "/stacks/dev/up", devBody());
    assert.equal(r.status, 202, JSON.stringify(r.body));
    assert.match(r.body.operationId, /^[0-9a-f-]{36}$/);
    assert.equal(r.body.operation, "up");
    const sse = await readSse(base + r.body.events);
    assert.equal(sse.status, 200);
    assert.match(sse.type, /^text\/event-stream/);
    assert.deepEqual(
      sse.records.map((x) => x.event),
      ["output", "engine", "engine", "engine", "engine", "done"],
    );
    assert.deepEqual(
      sse.records.filter((x) => x.event === "engine").map((x) => (x.data as EngineEvent).sequence),
      [0, 1, 2, 3],
    );
    assert.deepEqual(
      sse.records.map((x) => x.id),
      ["0", "1", "2", "3", "4", "5"],
    );
    const done = sse.records[5].data as Record<string, unknown>;
    assert.equal(done.status, "succeeded");
    assert.equal(done.operationId, r.body.operationId);
    assert.deepEqual(done.changes, { create: 1 });
    // The stack's config is the posted settings.
    assert.equal(
      engine.stack("dev").config.get("rancher-ha:hostname")?.value,
      "rancher-dev.example.com",
    );
    // Replay after the end: the same records, and the stream ends.
    const again = await readSse(`${base}/stacks/dev/events`);
    assert.deepEqual(again.records, sse.records);
  });

  it("409 while an operation runs in this process; cancel ends it; then the stack is free", async () => {
    engine.scripts.up = { hold: true };
    const first = await call("POST", "/stacks/dev/up", devBody());
    assert.equal(first.status, 202);
    await until(() => engine.started.includes("dev.up"), "the update to start");
    const second = await call("POST", "/stacks/dev/up", devBody());
    assert.equal(second.status, 409);
    assert.match(second.body.error, /stack dev is busy/);
    assert.equal((await call("POST", "/stacks/dev/destroy", devBody())).status, 409);
    const stream = readSse(`${base}/stacks/dev/events?operation=${first.body.operationId}`);
    const cancel = await call("POST", "/stacks/dev/cancel");
    assert.equal(cancel.status, 202);
    const sse = await stream;
    const done = sse.records[sse.records.length - 1];
    assert.equal(done.event, "done");
    assert.equal((done.data as Record<string, unknown>).status, "cancelled");
    assert.ok(engine.stack("dev").calls.includes("cancel"));
    engine.scripts.up = {};
    assert.equal((await call("POST", "/stacks/dev/preview", devBody())).status, 202);
  });

  it("409 when the backend reports the stack locked (StackBusyError)", async () => {
    const conflict = sdkCommandError({
      stderr: "error: [409] Conflict: Another update is currently in progress.",
    });
    assert.ok(conflict instanceof ConcurrentUpdateError);
    engine.selectError = conflict;
    const r = await call("POST", "/stacks/dev/up", devBody());
    assert.equal(r.status, 409);
    assert.equal(r.body.type, "StackBusyError");
    engine.selectError = undefined;
    assert.equal(
      (await call("POST", "/stacks/dev/preview", devBody())).status,
      202,
      "not left busy",
    );
  });

  it("a failed operation ends the stream with the error", async () => {
    engine.scripts.up = {
      error: sdkCommandError({
        stdout: "Diagnostics:\n  aws:ec2:Instance (rancher-server-1):\n    error: quota\n",
        stderr: "",
      }),
    };
    const r = await call("POST", "/stacks/dev/up", devBody());
    const sse = await readSse(base + r.body.events);
    const done = sse.records[sse.records.length - 1].data as Record<string, any>;
    assert.equal(done.status, "failed");
    assert.equal(done.error.type, "EngineError");
    assert.match(done.error.message, /rancher-server-1: quota/);
  });

  it("400 with every problem for invalid settings; the engine is not touched", async () => {
    const r = await call("POST", "/stacks/dev/up", {
      region: "us-east-1",
      settings: {
        hostname: "Not A Host",
        serverCount: 4,
        adminCidrs: ["0.0.0.0/0"],
        hostnmae: "x",
      },
    });
    assert.equal(r.status, 400);
    const keys = (r.body.problems as { key: string }[]).map((p) => p.key);
    for (const k of ["hostname", "serverCount", "adminCidrs", "hostedZone", "hostnmae"]) {
      assert.ok(keys.includes(k), `${k} in ${JSON.stringify(keys)}`);
    }
    assert.match(r.body.error, /invalid configuration/);
    assert.deepEqual(engine.calls, []);
    const noRegion = await call("POST", "/stacks/dev/preview", { settings: devBody().settings });
    assert.equal(noRegion.status, 400);
    assert.ok((noRegion.body.problems as { key: string }[]).some((p) => p.key === "aws:region"));
    assert.equal((await call("POST", "/stacks/dev/up", "{not json")).status, 400);
    assert.equal((await call("POST", "/stacks/dev/up", [1, 2])).status, 400);
    assert.deepEqual(engine.calls, []);
  });

  it("rejects unknown stacks and bad names with 400 and a stack problem naming the allowed stacks; accepts allow-listed ones", async () => {
    const allowedList = /allowed stacks: dev, prod, sandbox, scratch$/;
    const rejected = (r: { status: number; body: Record<string, any> }, what: RegExp) => {
      assert.equal(r.status, 400, JSON.stringify(r.body));
      assert.match(r.body.error, what);
      assert.match(r.body.error, allowedList);
      assert.deepEqual(r.body.problems, [{ key: "stack", message: r.body.error }]);
    };
    const unknown = await call("POST", "/stacks/nope/up", devBody());
    rejected(unknown, /^unknown stack "nope": no stacks\/Pulumi\.nope\.yaml/);
    for (const [method, route] of [
      ["POST", "preview"],
      ["POST", "destroy"],
      ["POST", "cancel"],
      ["GET", "outputs"],
      ["GET", "events"],
      ["GET", "plan"],
      ["POST", "plan"],
    ]) {
      const body = method === "POST" ? devBody() : undefined;
      rejected(await call(method, `/stacks/nope/${route}`, body), /^unknown stack "nope"/);
    }
    rejected(
      await call("POST", `/stacks/${encodeURIComponent("a b")}/up`, devBody()),
      /^invalid stack name "a b": use letters/,
    );
    rejected(
      await call("POST", `/stacks/${encodeURIComponent("../x")}/up`, devBody()),
      /^invalid stack name "\.\.\/x"/,
    );
    rejected(await call("GET", "/stacks/%E0%A4/outputs"), /^invalid stack name "%E0%A4"/);
    assert.deepEqual(engine.calls, []);
    const sandbox = await call("POST", "/stacks/sandbox/preview", devBody());
    assert.equal(sandbox.status, 202);
    // 404 is for routes only.
    assert.equal((await call("GET", "/stacks/dev/whatever")).status, 404);
    assert.equal((await call("GET", "/stacks/nope/whatever")).status, 404);
    assert.equal((await call("GET", "/stacks/%E0%A4/whatever")).status, 404);
    assert.equal((await call("GET", "/nothing")).status, 404);
    assert.equal((await call("GET", "/stacks/dev/up")).status, 405);
  });

  it("400 with the problems when the stack's stored config holds unknown keys; nothing written", async () => {
    await engine
      .stack("dev")
      .setAllConfig({ "rancher-ha:hostnmae": { value: "typo.example.com" } });
    engine.calls.length = 0;
    const r = await call("POST", "/stacks/dev/up", devBody());
    assert.equal(r.status, 400, JSON.stringify(r.body));
    assert.equal(r.body.type, "InvalidConfigError");
    assert.deepEqual(r.body.problems, [
      {
        key: "hostnmae",
        message: 'unknown key; did you mean "hostname"? (known keys are listed in Pulumi.yaml)',
      },
    ]);
    assert.ok(!engine.calls.some((c) => /setAllConfig|removeAllConfig/.test(c)));
    assert.equal(engine.stack("dev").config.get("rancher-ha:hostnmae")?.value, "typo.example.com");
    assert.equal((await call("POST", "/stacks/dev/preview", devBody())).status, 400, "not busy");
  });

  it("outputs: secrets hidden; 404 for a stack the backend does not have", async () => {
    assert.equal((await call("GET", "/stacks/dev/outputs")).status, 404);
    engine.stack("dev").outputValues = {
      rancherUrl: { value: "https://rancher-dev.example.com", secret: false },
      bootstrapPassword: { value: "top-secret-pw", secret: true },
    };
    const r = await call("GET", "/stacks/dev/outputs");
    assert.equal(r.status, 200);
    assert.deepEqual(r.body, {
      stack: "dev",
      outputs: { bootstrapPassword: "[secret]", rancherUrl: "https://rancher-dev.example.com" },
    });
  });

  it("plan: from the stack file, from posted settings, 400 for invalid ones, 404 when none are known", async () => {
    const dev = await call("GET", "/stacks/dev/plan");
    assert.equal(dev.status, 200, JSON.stringify(dev.body));
    assert.equal(dev.body.config.hostname, "rancher-dev.example.com");
    assert.equal(dev.body.counts["aws:ec2/instance:Instance"], 3);
    assert.match(dev.body.mermaid, /^flowchart LR/);
    assert.equal(
      (await call("GET", "/stacks/scratch/plan")).status,
      404,
      "no settings for scratch yet",
    );
    const posted = await call("POST", "/stacks/scratch/plan", {
      region: "eu-west-1",
      settings: { ...devBody().settings, loadBalancer: "l7", serverCount: 5 },
    });
    assert.equal(posted.status, 200);
    assert.equal(posted.body.counts["aws:ec2/instance:Instance"], 5);
    assert.equal(posted.body.counts["aws:acm/certificate:Certificate"], 1);
    const bad = await call("POST", "/stacks/scratch/plan", {
      region: "eu-west-1",
      settings: { serverCount: 2 },
    });
    assert.equal(bad.status, 400);
    assert.ok((bad.body.problems as { key: string }[]).some((p) => p.key === "serverCount"));
    assert.deepEqual(engine.calls, [], "planning never touches the engine");
  });
});
