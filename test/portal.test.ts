// The portal's JSON API over real HTTP on 127.0.0.1, with the engine replaced by the fake at the
// library boundary: 202 + server-sent events in order (with the progress steps), 409 while
// busy, 400 with the problem list (invalid settings, unknown or malformed stack names),
// destroy only when confirmed, outputs, plan.
import * as assert from "node:assert/strict";
import { ConcurrentUpdateError } from "@pulumi/pulumi/automation";
import type { EngineEvent } from "@pulumi/pulumi/automation";
import { sdkCommandError } from "../automation/fake";
import { headlessMode } from "../examples/portal/browser";
import { call as callAt, devBody, readSse, startPortal, TestPortal, until } from "./portal-helpers";

describe("portal", function () {
  this.timeout(30_000);
  let portal: TestPortal;
  let base: string;
  const engine = () => portal.engine;
  const call = (method: string, path: string, body?: unknown) => callAt(base, method, path, body);

  before(async () => {
    portal = await startPortal({ allowedStacks: ["sandbox", "scratch"] });
    base = portal.base;
  });

  beforeEach(() => {
    const e = engine();
    e.calls.length = 0;
    e.started.length = 0;
    e.scripts = {};
    e.selectError = undefined;
    e.stacks.clear();
  });

  after(() => portal.close());

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
    engine().scripts.up = {
      output: ["Updating (dev)\n"],
      events,
      delayMs: 15,
      changes: { create: 1 },
    };
    const r = await call("POST", "/api/stacks/dev/up", devBody());
    assert.equal(r.status, 202, JSON.stringify(r.body));
    assert.match(r.body.operationId, /^[0-9a-f-]{36}$/);
    assert.equal(r.body.operation, "up");
    const sse = await readSse(base + r.body.events);
    assert.equal(sse.status, 200);
    assert.match(sse.type, /^text\/event-stream/);
    // Step records (the progress view's) ride along; the rest is the engine's, in order.
    assert.deepEqual(
      sse.records.filter((x) => x.event !== "step").map((x) => x.event),
      ["output", "engine", "engine", "engine", "engine", "done"],
    );
    assert.deepEqual(
      sse.records.filter((x) => x.event === "engine").map((x) => (x.data as EngineEvent).sequence),
      [0, 1, 2, 3],
    );
    assert.deepEqual(
      sse.records.map((x) => x.id),
      sse.records.map((_, i) => String(i)),
    );
    const done = sse.records[sse.records.length - 1].data as Record<string, unknown>;
    assert.equal(done.status, "succeeded");
    assert.equal(done.operationId, r.body.operationId);
    assert.deepEqual(done.changes, { create: 1 });
    // The stack's config is the posted settings.
    assert.equal(
      engine().stack("dev").config.get("rancher-ha:hostname")?.value,
      "rancher-dev.example.com",
    );
    // Replay after the end: the same records, and the stream ends.
    const again = await readSse(`${base}/api/stacks/dev/events`);
    assert.deepEqual(again.records, sse.records);
  });

  it("409 while an operation runs in this process; cancel ends it; then the stack is free", async () => {
    engine().scripts.up = { hold: true };
    const first = await call("POST", "/api/stacks/dev/up", devBody());
    assert.equal(first.status, 202);
    await until(() => engine().started.includes("dev.up"), "the update to start");
    const second = await call("POST", "/api/stacks/dev/up", devBody());
    assert.equal(second.status, 409);
    assert.match(second.body.error, /stack dev is busy: up is running in this portal/);
    // The page links to the operation that holds the stack.
    assert.equal(second.body.operation.id, first.body.operationId);
    assert.equal(second.body.operation.status, "running");
    assert.equal((await call("POST", "/api/stacks/dev/destroy", { confirm: "dev" })).status, 409);
    assert.equal((await call("POST", "/api/stacks/dev/refresh", {})).status, 409);
    const stream = readSse(`${base}/api/stacks/dev/events?operation=${first.body.operationId}`);
    const cancel = await call("POST", "/api/stacks/dev/cancel");
    assert.equal(cancel.status, 202);
    const sse = await stream;
    const done = sse.records[sse.records.length - 1];
    assert.equal(done.event, "done");
    assert.equal((done.data as Record<string, unknown>).status, "cancelled");
    assert.ok(engine().stack("dev").calls.includes("cancel"));
    engine().scripts.up = {};
    assert.equal((await call("POST", "/api/stacks/dev/preview", devBody())).status, 202);
  });

  it("409 when the backend reports the stack locked (StackBusyError)", async () => {
    const conflict = sdkCommandError({
      stderr: "error: [409] Conflict: Another update is currently in progress.",
    });
    assert.ok(conflict instanceof ConcurrentUpdateError);
    engine().selectError = conflict;
    const r = await call("POST", "/api/stacks/dev/up", devBody());
    assert.equal(r.status, 409);
    assert.equal(r.body.type, "StackBusyError");
    engine().selectError = undefined;
    assert.equal(
      (await call("POST", "/api/stacks/dev/preview", devBody())).status,
      202,
      "not left busy",
    );
  });

  it("503 when the Pulumi CLI is older than the project needs", async () => {
    engine().cliVersion = "3.185.0";
    try {
      const r = await call("POST", "/api/stacks/dev/up", devBody());
      assert.equal(r.status, 503);
      assert.equal(r.body.type, "PulumiCliTooOldError");
      assert.match(r.body.error, /v3\.185\.0, but this project needs v3\.186\.0 or newer/);
    } finally {
      engine().cliVersion = "3.248.0";
    }
  });

  it("a failed operation ends the stream with the error", async () => {
    engine().scripts.up = {
      error: sdkCommandError({
        stdout: "Diagnostics:\n  aws:ec2:Instance (rancher-server-1):\n    error: quota\n",
        stderr: "",
      }),
    };
    const r = await call("POST", "/api/stacks/dev/up", devBody());
    const sse = await readSse(base + r.body.events);
    const done = sse.records[sse.records.length - 1].data as Record<string, any>;
    assert.equal(done.status, "failed");
    assert.equal(done.error.type, "EngineError");
    assert.match(done.error.message, /rancher-server-1: quota/);
  });

  it("400 with every problem for invalid settings; the engine is not touched", async () => {
    const r = await call("POST", "/api/stacks/dev/up", {
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
    assert.deepEqual(engine().calls, []);
    const noRegion = await call("POST", "/api/stacks/dev/preview", {
      settings: devBody().settings,
    });
    assert.equal(noRegion.status, 400);
    assert.ok((noRegion.body.problems as { key: string }[]).some((p) => p.key === "aws:region"));
    assert.equal((await call("POST", "/api/stacks/dev/up", "{not json")).status, 400);
    assert.equal((await call("POST", "/api/stacks/dev/up", [1, 2])).status, 400);
    assert.deepEqual(engine().calls, []);
  });

  it("rejects unknown stacks and bad names with 400 and a stack problem naming the allowed stacks; accepts allow-listed ones", async () => {
    const allowedList = /allowed stacks: dev, prod, sandbox, scratch$/;
    const rejected = (r: { status: number; body: Record<string, any> }, what: RegExp) => {
      assert.equal(r.status, 400, JSON.stringify(r.body));
      assert.match(r.body.error, what);
      assert.match(r.body.error, allowedList);
      assert.deepEqual(r.body.problems, [{ key: "stack", message: r.body.error }]);
    };
    const unknown = await call("POST", "/api/stacks/nope/up", devBody());
    rejected(unknown, /^unknown stack "nope": no stacks\/Pulumi\.nope\.yaml/);
    for (const [method, route] of [
      ["POST", "preview"],
      ["POST", "destroy"],
      ["POST", "refresh"],
      ["POST", "cancel"],
      ["POST", "validate"],
      ["GET", ""],
      ["GET", "outputs"],
      ["GET", "events"],
      ["GET", "plan"],
      ["POST", "plan"],
    ]) {
      const body = method === "POST" ? devBody() : undefined;
      const where = route ? `/api/stacks/nope/${route}` : "/api/stacks/nope";
      rejected(await call(method, where, body), /^unknown stack "nope"/);
    }
    rejected(
      await call("POST", `/api/stacks/${encodeURIComponent("a b")}/up`, devBody()),
      /^invalid stack name "a b": use letters/,
    );
    rejected(
      await call("POST", `/api/stacks/${encodeURIComponent("../x")}/up`, devBody()),
      /^invalid stack name "\.\.\/x"/,
    );
    rejected(await call("GET", "/api/stacks/%E0%A4/outputs"), /^invalid stack name "%E0%A4"/);
    // An unknown name may make the portal list the backend's stacks (one made elsewhere since);
    // no stack is selected, created or run.
    assert.deepEqual(
      engine().calls.filter((c) => c !== "pulumiCommand" && c !== "listStacks"),
      [],
    );
    const sandbox = await call("POST", "/api/stacks/sandbox/preview", devBody());
    assert.equal(sandbox.status, 202);
    // 404 is for routes only.
    assert.equal((await call("GET", "/api/stacks/dev/whatever")).status, 404);
    assert.equal((await call("GET", "/api/stacks/nope/whatever")).status, 404);
    assert.equal((await call("GET", "/api/stacks/%E0%A4/whatever")).status, 404);
    assert.equal((await call("GET", "/api/nothing")).status, 404);
    assert.equal((await call("GET", "/api/stacks/dev/operations")).status, 404);
    const noOp = await call("GET", "/api/stacks/dev/operations/nope");
    assert.equal(noOp.status, 404);
    assert.match(noOp.body.error, /no operation nope for stack dev in this portal/);
    assert.equal((await call("GET", "/nothing")).status, 404, "a page that does not exist");
    assert.equal((await call("GET", "/api/stacks/dev/up")).status, 405);
  });

  it("400 with the problems when the stack's stored config holds unknown keys; nothing written", async () => {
    await engine()
      .stack("dev")
      .setAllConfig({ "rancher-ha:hostnmae": { value: "typo.example.com" } });
    engine().calls.length = 0;
    const r = await call("POST", "/api/stacks/dev/up", devBody());
    assert.equal(r.status, 400, JSON.stringify(r.body));
    assert.equal(r.body.type, "InvalidConfigError");
    assert.deepEqual(r.body.problems, [
      {
        key: "hostnmae",
        message: 'unknown key; did you mean "hostname"? (known keys are listed in Pulumi.yaml)',
      },
    ]);
    assert.ok(!engine().calls.some((c) => /setAllConfig|removeAllConfig/.test(c)));
    assert.equal(
      engine().stack("dev").config.get("rancher-ha:hostnmae")?.value,
      "typo.example.com",
    );
    assert.equal(
      (await call("POST", "/api/stacks/dev/preview", devBody())).status,
      400,
      "not busy",
    );
  });

  it("outputs: secrets hidden; 404 for a stack the backend does not have", async () => {
    assert.equal((await call("GET", "/api/stacks/dev/outputs")).status, 404);
    engine().stack("dev").outputValues = {
      rancherUrl: { value: "https://rancher-dev.example.com", secret: false },
      bootstrapPassword: { value: "top-secret-pw", secret: true },
    };
    const r = await call("GET", "/api/stacks/dev/outputs");
    assert.equal(r.status, 200);
    assert.deepEqual(r.body, {
      stack: "dev",
      outputs: { bootstrapPassword: "[secret]", rancherUrl: "https://rancher-dev.example.com" },
    });
  });

  it("plan: from the stack file, from posted settings, 400 for invalid ones, 404 when none are known", async () => {
    const dev = await call("GET", "/api/stacks/dev/plan");
    assert.equal(dev.status, 200, JSON.stringify(dev.body));
    assert.equal(dev.body.config.hostname, "rancher-dev.example.com");
    assert.equal(dev.body.counts["aws:ec2/instance:Instance"], 4, "three servers and the bastion");
    assert.match(dev.body.mermaid, /^flowchart LR/);
    assert.equal(
      (await call("GET", "/api/stacks/scratch/plan")).status,
      404,
      "no settings for scratch yet",
    );
    const posted = await call("POST", "/api/stacks/scratch/plan", {
      region: "eu-west-1",
      settings: { ...devBody().settings, loadBalancer: "l7", serverCount: 5 },
    });
    assert.equal(posted.status, 200);
    assert.equal(
      posted.body.counts["aws:ec2/instance:Instance"],
      6,
      "five servers and the bastion",
    );
    assert.equal(posted.body.counts["aws:acm/certificate:Certificate"], 1);
    const bad = await call("POST", "/api/stacks/scratch/plan", {
      region: "eu-west-1",
      settings: { serverCount: 2 },
    });
    assert.equal(bad.status, 400);
    assert.ok((bad.body.problems as { key: string }[]).some((p) => p.key === "serverCount"));
    assert.deepEqual(engine().calls, [], "planning never touches the engine");
  });

  it("destroy needs the stack's name typed as confirm; refresh and destroy use the stored settings", async () => {
    const none = await call("POST", "/api/stacks/dev/destroy", {});
    assert.equal(none.status, 400);
    assert.deepEqual(
      (none.body.problems as { key: string }[]).map((p) => p.key),
      ["confirm"],
    );
    assert.equal((await call("POST", "/api/stacks/dev/destroy", { confirm: "prod" })).status, 400);
    assert.deepEqual(engine().calls, [], "nothing opened");
    engine().scripts.destroy = { changes: { delete: 7 } };
    const ok = await call("POST", "/api/stacks/dev/destroy", { confirm: "dev" });
    assert.equal(ok.status, 202, JSON.stringify(ok.body));
    const done = (await readSse(base + ok.body.events)).records.at(-1)!;
    assert.equal((done.data as Record<string, unknown>).status, "succeeded");
    assert.ok(engine().started.includes("dev.destroy"));
    // The stored settings (stacks/Pulumi.dev.yaml) became the stack's config.
    assert.equal(
      engine().stack("dev").config.get("rancher-ha:hostname")?.value,
      "rancher-dev.example.com",
    );
    const refresh = await call("POST", "/api/stacks/dev/refresh", {});
    assert.equal(refresh.status, 202);
    await readSse(base + refresh.body.events);
    assert.ok(engine().started.includes("dev.refresh"));
    // No stored settings at all: say what to send.
    const scratch = await call("POST", "/api/stacks/scratch/refresh", {});
    assert.equal(scratch.status, 404);
    assert.match(scratch.body.error, /no settings known for stack scratch/);
  });

  it("steps: engine events become per-step progress (which server joins, Rancher installing), without resource state", async () => {
    const urn = (path: string, name: string) =>
      `urn:pulumi:dev::rancher-ha::rancher-ha:index:RancherHa$${path}::${name}`;
    const join = urn("rancher-ha:rke2:Rke2Cluster$command:remote:Command", "rancher-rke2-2-start");
    const rancher = urn(
      "rancher-ha:rancher:RancherInstall$kubernetes:helm.sh/v3:Release",
      "rancher-install-rancher",
    );
    const meta = (u: string, type: string) => ({
      op: "create" as const,
      urn: u,
      type,
      provider: "",
      new: {
        urn: u,
        type,
        id: "",
        parent: "",
        provider: "",
        inputs: { secretish: "state-value-not-for-the-page" },
        outputs: {},
      },
    });
    engine().scripts.up = {
      events: [
        { resourcePreEvent: { metadata: meta(join, "command:remote:Command") } },
        { resOutputsEvent: { metadata: meta(join, "command:remote:Command") } },
        { resourcePreEvent: { metadata: meta(rancher, "kubernetes:helm.sh/v3:Release") } },
        {
          diagnosticEvent: {
            urn: rancher,
            severity: "error",
            message: "<{%reset%}>timed out waiting for the condition<{%reset%}>\n",
            color: "raw",
          },
        },
      ],
      error: sdkCommandError({ stderr: "error: update failed\n" }),
    };
    const r = await call("POST", "/api/stacks/dev/up", devBody());
    const sse = await readSse(base + r.body.events);
    assert.ok(!JSON.stringify(sse.records).includes("state-value-not-for-the-page"));
    const steps = sse.records
      .filter((x) => x.event === "step")
      .map((x) => x.data as { id: string; label: string; status: string } & Record<string, any>);
    assert.deepEqual(
      steps.map((x) => [x.id, x.label, x.status]),
      [
        ["server-2-start", "Server 2: joining the cluster", "running"],
        ["server-2-start", "Server 2: joining the cluster", "done"],
        ["rancher", "Installing Rancher", "running"],
        ["rancher", "Installing Rancher", "failed"],
      ],
    );
    assert.equal(steps[3].error, "timed out waiting for the condition");
    assert.equal(steps[3].group, "Rancher");
    assert.ok(steps[1].endedAt >= steps[1].startedAt);
    const done = sse.records.at(-1)!.data as Record<string, any>;
    assert.equal(done.status, "failed");
    assert.equal(done.error.type, "EngineError");
  });
});

describe("portal: the browser it launches (examples/portal/browser.ts)", () => {
  it("runs Debian's headless shell in puppeteer's shell mode and a full Chromium in the new one", () => {
    assert.equal(headlessMode("/usr/bin/chromium-headless-shell"), "shell");
    assert.equal(headlessMode("/usr/lib/chromium/chromium-headless-shell"), "shell");
    assert.equal(headlessMode("/opt/chrome-headless-shell/headless_shell"), "shell");
    assert.equal(headlessMode("/usr/bin/chromium"), true);
    assert.equal(headlessMode("/usr/bin/google-chrome"), true);
  });
});
