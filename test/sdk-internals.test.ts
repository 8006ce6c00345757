// The offline plan (plan/mocks.ts, plan/run.ts, plan/values.ts) leans on parts of @pulumi/pulumi
// that are not its public API: the mock runtime's monitor, the settings module's getMonitor and
// waitForRPCs, the getters of the register request the SDK sends, Output's internal promise and
// isSecret, and the wire signatures of secrets, unknowns, assets and resource references. Each is
// checked here on its own, so an SDK upgrade that moves one fails here first, naming the SDK
// version, the internal and the plan code to adapt, rather than as a puzzling plan failure in
// another test.
import * as pulumi from "@pulumi/pulumi";
import * as mocksModule from "@pulumi/pulumi/runtime/mocks";
import * as settings from "@pulumi/pulumi/runtime/settings";
import { version as SDK_VERSION } from "@pulumi/pulumi/version";
import * as assert from "node:assert/strict";
import { installRecordingMocks, RecordedResource } from "../plan/mocks";
import { Secret, UNKNOWN } from "../plan/values";
import {
  promisesWithoutStack,
  resourcesWithoutStack,
  skippingPromiseStacks,
} from "../plan/sdkStackTraces";

/** Fails with what moved and where the plan uses it, when `ok` is falsy. */
function sdk(ok: unknown, what: string, usedBy: string): asserts ok {
  assert.ok(
    ok,
    `@pulumi/pulumi ${SDK_VERSION}: ${what}. The offline plan relies on it in ${usedBy}: ` +
      "adapt that code to the SDK's new shape (see the SDK's runtime/*.js), or pin " +
      "@pulumi/pulumi back in package.json.",
  );
}

const PROJECT = "sdk-check";
const STACK = "test";
const THING = "sdkcheck:index:Thing";
const GROUP = "sdkcheck:index:Group";
const urn = (type: string, name: string) => `urn:pulumi:${STACK}::${PROJECT}::${type}::${name}`;

class Thing extends pulumi.CustomResource {
  declare readonly out: pulumi.Output<string>;
  constructor(name: string, props: pulumi.Inputs, opts?: pulumi.CustomResourceOptions) {
    super(THING, name, { ...props, out: undefined }, opts);
  }
}

class Group extends pulumi.ComponentResource {
  constructor(name: string) {
    super(GROUP, name);
    this.registerOutputs({});
  }
}

class Provider extends pulumi.ProviderResource {
  constructor(name: string) {
    super("sdkcheck", name, {});
  }
}

/** settings.waitForRPCs, bounded: a registration the SDK never answers fails here, not by timeout. */
async function drain(): Promise<void> {
  const wait = (settings as unknown as { waitForRPCs?: () => Promise<void> }).waitForRPCs;
  sdk(
    typeof wait === "function",
    "runtime/settings no longer exports waitForRPCs",
    "plan/run.ts runPlanExclusive (drains registrations before the plan is read)",
  );
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<"timeout">((ok) => (timer = setTimeout(() => ok("timeout"), 5000)));
  const done = await Promise.race([wait().then(() => "done" as const), timeout]);
  clearTimeout(timer);
  sdk(
    done === "done",
    "waitForRPCs did not resolve within 5 s of registering four resources on the mock runtime",
    "plan/run.ts runPlanExclusive",
  );
}

/** What the mocks saw: each resource's inputs by name. */
function mocks(seen: Map<string, Record<string, unknown>>): pulumi.runtime.Mocks {
  return {
    newResource: (args) => {
      seen.set(args.name, args.inputs as Record<string, unknown>);
      return { id: `${args.name}-id`, state: { ...args.inputs, out: `${args.name}-out` } };
    },
    call: () => ({}),
  };
}

/** A small program touching every register option the recorder reads. */
function program() {
  const group = new Group("group");
  const base = new Thing("base", { plain: "x" }, { parent: group });
  const provider = new Provider("prov");
  const full = new Thing(
    "full",
    {
      plain: "p",
      secret: pulumi.secret("s3cr3t"),
      fromBase: base.out,
      unknown: pulumi.output(pulumi.unknown),
      asset: new pulumi.asset.StringAsset("text"),
      ref: base,
      kept: "new value",
    },
    {
      parent: group,
      dependsOn: [base],
      provider,
      protect: true,
      deletedWith: base,
      deleteBeforeReplace: true,
      ignoreChanges: ["kept"],
      replaceOnChanges: ["plain"],
      additionalSecretOutputs: ["out"],
      aliases: [
        { name: "old-full" },
        { name: "top-full", parent: undefined },
        urn(THING, "ancient"),
      ],
    },
  );
  return { group, base, full };
}

describe(`Pulumi SDK internals the offline plan relies on (@pulumi/pulumi ${SDK_VERSION})`, function () {
  this.timeout(15_000);

  it("runtime/mocks: setMocks installs a MockMonitor that settings.getMonitor() returns", async () => {
    sdk(
      typeof mocksModule.setMocks === "function",
      "runtime/mocks no longer exports setMocks",
      "plan/mocks.ts installRecordingMocks",
    );
    sdk(
      typeof mocksModule.MockMonitor === "function",
      "runtime/mocks no longer exports MockMonitor",
      "plan/mocks.ts installRecordingMocks",
    );
    await mocksModule.setMocks(mocks(new Map()), PROJECT, STACK, false);
    sdk(
      typeof settings.getMonitor === "function",
      "runtime/settings no longer exports getMonitor",
      "plan/mocks.ts installRecordingMocks",
    );
    const monitor: unknown = settings.getMonitor();
    sdk(
      monitor instanceof mocksModule.MockMonitor,
      "settings.getMonitor() after setMocks is not the MockMonitor it installed",
      "plan/mocks.ts installRecordingMocks",
    );
    const m = settings.getMonitor() as unknown as {
      registerResource?: unknown;
      newUrn?: (parent: string, type: string, name: string) => string;
    };
    sdk(
      typeof m.registerResource === "function",
      "MockMonitor has no registerResource(request, callback)",
      "plan/mocks.ts installRecordingMocks (wraps it to record each registration)",
    );
    sdk(
      typeof m.newUrn === "function" &&
        m.newUrn("", THING, "a") === urn(THING, "a") &&
        m.newUrn(urn(GROUP, "g"), THING, "b") === urn(`${GROUP}$${THING}`, "b"),
      "MockMonitor.newUrn(parent, type, name) no longer builds URNs as the engine does",
      "plan/mocks.ts Recorder.record (URNs of resources and aliases)",
    );
    await drain();
  });

  it("every registration reaches the monitor's registerResource property, with the getters the recorder reads", async () => {
    await mocksModule.setMocks(mocks(new Map()), PROJECT, STACK, false);
    const monitor = settings.getMonitor() as unknown as mocksModule.MockMonitor;
    const requests = new Map<string, Record<string, (...a: unknown[]) => unknown>>();
    const register = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req, cb) => {
      const r = req as unknown as Record<string, (...a: unknown[]) => unknown>;
      requests.set(String(r.getName?.()), r);
      return register(req, cb);
    };
    program();
    await drain();
    sdk(
      ["group", "base", "prov", "full"].every((n) => requests.has(n)),
      `registrations no longer go through the monitor object's registerResource (saw: ${[...requests.keys()].join(", ") || "none"})`,
      "plan/mocks.ts installRecordingMocks (replaces that property to record)",
    );
    const getters = [
      "getType",
      "getName",
      "getCustom",
      "getParent",
      "getDependenciesList",
      "getPropertydependenciesMap",
      "getObject",
      "setObject",
      "getProtect",
      "getDeletedwith",
      "getDeletebeforereplace",
      "getIgnorechangesList",
      "getReplaceonchangesList",
      "getAdditionalsecretoutputsList",
      "getProvider",
      "getAliasesList",
    ];
    const full = requests.get("full")!;
    const missing = getters.filter((g) => typeof full[g] !== "function");
    sdk(
      missing.length === 0,
      `the register request has no ${missing.join(", ")}`,
      "plan/mocks.ts RegisterRequest, Recorder.record and keepIgnoredInputs",
    );
    const object = full.getObject() as { toJavaScript?: unknown; constructor?: unknown };
    sdk(
      typeof object?.toJavaScript === "function" &&
        typeof (object.constructor as { fromJavaScript?: unknown }).fromJavaScript === "function",
      "the request's object is no longer a protobuf Struct (toJavaScript, Struct.fromJavaScript)",
      "plan/mocks.ts Recorder.record and keepIgnoredInputs",
    );
    const deps = full.getPropertydependenciesMap() as {
      forEach?: (cb: (v: { getUrnsList?: () => string[] }, k: string) => void) => void;
    };
    const byKey: Record<string, string[] | undefined> = {};
    deps.forEach?.((v, k) => (byKey[k] = v.getUrnsList?.()));
    sdk(
      JSON.stringify(byKey.fromBase) === JSON.stringify([urn(`${GROUP}$${THING}`, "base")]),
      `property dependencies no longer read as a map of {getUrnsList()} (fromBase: ${JSON.stringify(byKey.fromBase)})`,
      "plan/mocks.ts Recorder.record",
    );
    const alias = (full.getAliasesList() as { getUrn?: unknown; getSpec?: unknown }[])[0];
    const spec = (alias?.getSpec as (() => Record<string, unknown>) | undefined)?.call(alias);
    sdk(
      typeof alias?.getUrn === "function" &&
        ["getName", "getType", "getParenturn", "getNoparent"].every(
          (g) => typeof spec?.[g] === "function",
        ),
      "aliases no longer arrive as Alias messages (getUrn, getSpec with getName, getType, getParenturn, getNoparent)",
      "plan/mocks.ts Recorder.record (aliases)",
    );
  });

  it("plan/mocks records a registration as the engine sees it", async () => {
    const seen = new Map<string, Record<string, unknown>>();
    const recorder = await installRecordingMocks(mocks(seen), PROJECT, STACK, {
      full: { kept: "previous value" },
    });
    const { full } = program();
    await drain();
    const byName = new Map(recorder.recorded.map((r) => [r.name, r]));
    const groupUrn = urn(GROUP, "group");
    const baseUrn = urn(`${GROUP}$${THING}`, "base");
    const provUrn = urn("pulumi:providers:sdkcheck", "prov");
    const recorded = byName.get("full");
    sdk(recorded, "a registration was not recorded", "plan/mocks.ts installRecordingMocks");
    const expected: RecordedResource = {
      urn: urn(`${GROUP}$${THING}`, "full"),
      type: THING,
      name: "full",
      custom: true,
      parent: groupUrn,
      dependsOn: [baseUrn, provUrn].sort(),
      propertyDependencies: recorded.propertyDependencies,
      inputs: {
        plain: "p",
        secret: new Secret("s3cr3t"),
        fromBase: "base-out",
        unknown: UNKNOWN,
        asset: { asset: "text", text: "text" },
        ref: { resource: baseUrn },
        kept: "new value",
      },
      protect: true,
      deletedWith: baseUrn,
      deleteBeforeReplace: true,
      ignoreChanges: ["kept"],
      replaceOnChanges: ["plain"],
      additionalSecretOutputs: ["out"],
      aliases: [
        urn(`${GROUP}$${THING}`, "old-full"),
        urn(THING, "top-full"),
        urn(THING, "ancient"),
      ],
    };
    assert.deepEqual(
      recorded,
      expected,
      `@pulumi/pulumi ${SDK_VERSION}: the recorder's view of a registration changed (plan/mocks.ts Recorder.record, plan/values.ts fromWire: wire signatures of secrets, unknowns, assets, resource references)`,
    );
    assert.deepEqual(recorded.propertyDependencies.fromBase, [baseUrn]);
    assert.equal(byName.get("base")?.parent, groupUrn);
    assert.equal(byName.get("group")?.custom, false);
    // ignoreChanges: the provider gets the previous value, as the engine would hand it over.
    sdk(
      seen.get("full")?.kept === "previous value",
      "replacing the request's object (setObject) no longer changes what the provider sees",
      "plan/mocks.ts keepIgnoredInputs",
    );
    assert.equal(await resolve(full.out), "full-out");
  });

  it("waitForRPCs resolves only once every registration has been answered", async () => {
    const seen = new Map<string, Record<string, unknown>>();
    const recorder = await installRecordingMocks(mocks(seen), PROJECT, STACK);
    program(); // not awaited: the drain must cover it
    await drain();
    sdk(
      recorder.recorded.length === 4 && seen.size === 4,
      `waitForRPCs returned with ${recorder.recorded.length} of 4 registrations recorded and ${seen.size} answered`,
      "plan/run.ts runPlanExclusive",
    );
  });

  it("the SDK tracks its promises through runtime/debuggable's exported debuggablePromise (the tests skip their stacks and tracking there)", async () => {
    await mocksModule.setMocks(mocks(new Map()), PROJECT, STACK, false);
    const before = promisesWithoutStack();
    program();
    await drain();
    const tracked = promisesWithoutStack() - before;
    // Not something a plan needs: without the shortcut every plan in the tests takes about twice
    // the CPU.
    assert.ok(
      skippingPromiseStacks ? tracked > 0 : tracked === 0,
      `@pulumi/pulumi ${SDK_VERSION}: registering resources no longer calls debuggablePromise through the exports of runtime/debuggable (${tracked} calls), so plan/sdkStackTraces.ts no longer skips the promise stack traces and plans are much slower: adapt plan/sdkStackTraces.ts to the SDK's runtime/debuggable.js.`,
    );
  });

  it("the SDK asks the static Resource.stackTrace for each registration's call stack (the tests skip it)", async () => {
    await mocksModule.setMocks(mocks(new Map()), PROJECT, STACK, false);
    const before = resourcesWithoutStack();
    program();
    await drain();
    const asked = resourcesWithoutStack() - before;
    // Not something a plan needs: without it every plan in the tests takes ~15% more CPU.
    assert.ok(
      skippingPromiseStacks ? asked === 4 : asked === 0,
      `@pulumi/pulumi ${SDK_VERSION}: registering 4 resources called Resource.stackTrace ${asked} times, so plan/sdkStackTraces.ts no longer skips the resources' call stacks and plans are slower: adapt skipResourceStacks to the SDK's resource.js.`,
    );
  });

  it("Output internals: promise(withUnknowns) and isSecret", async () => {
    type Internals = { promise?: (withUnknowns?: boolean) => Promise<unknown>; isSecret?: unknown };
    const secret = pulumi.secret({ a: "b" }) as unknown as Internals;
    const plain = pulumi.output("v") as unknown as Internals;
    const unknown = pulumi.output({ x: pulumi.unknown }) as unknown as Internals;
    sdk(
      typeof secret.promise === "function" && secret.isSecret instanceof Promise,
      "Output no longer has promise(withUnknowns) and an isSecret promise",
      "plan/run.ts resolveOutput (stack outputs, secrets marked)",
    );
    sdk(
      JSON.stringify(await secret.promise(true)) === '{"a":"b"}' &&
        (await secret.isSecret) === true &&
        (await plain.promise!(true)) === "v" &&
        (await plain.isSecret) === false,
      "Output.promise(true) / isSecret no longer resolve to the value / whether it is secret",
      "plan/run.ts resolveOutput",
    );
    const withUnknowns = (await unknown.promise!(true)) as { x?: unknown } | undefined;
    sdk(
      withUnknowns?.x === pulumi.unknown && (await unknown.promise!()) === undefined,
      "Output.promise(true) no longer shows unknowns (and promise() no longer hides them)",
      "plan/run.ts resolveOutput",
    );
  });
});

function resolve<T>(o: pulumi.Output<T>): Promise<T> {
  return new Promise((ok) => o.apply((v) => ok(v)));
}
