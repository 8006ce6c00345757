// Stack traces the SDK captures for nothing an offline plan shows, skipped in processes that only
// plan: the plan command and the bench (their entry points), and every test process
// (test/process-setup.ts). Not in the library: a portal's process may run real deployments.
//
// Pulumi's SDK passes every promise it tracks through debuggablePromise (runtime/debuggable.js),
// which stores `new Error().stack` on it, only to print where leaked promises were made when
// PULUMI_DEBUG_PROMISE_LEAKS is set. An offline plan makes ~7,700 such promises; capturing their
// stacks (and, under tsx, mapping each frame through source maps) was about 40% of a plan's CPU.
//
// skipPromiseStacks keeps the SDK's own debuggablePromise, leak tracking included, and only sets
// Error.stackTraceLimit to 0 for the duration of the call, so the trace it stores is "Error".
// Every other stack, test failures included, is captured and formatted as before. The SDK calls
// it through its module's exports (`debuggable_1.debuggablePromise(...)`), so replacing the export
// reaches every caller; test/sdk-internals.test.ts fails if that stops being true.
//
// skipResourceStacks does the same for the call stack the SDK records with every resource it
// registers (Resource.stackTrace: `new Error().stack` with no frame limit, each frame mapped
// through source maps under tsx), about 15% of a plan's CPU. The stack only gives Pulumi's engine
// a source position to show; the mock runtime ignores it and no plan records it.
import { Resource } from "@pulumi/pulumi";
import "@pulumi/pulumi/runtime/debuggable";

type DebuggablePromise = <T>(p: Promise<T>, ctx: unknown) => Promise<T>;

let calls = 0;

/** How many promises went through the stack-less (or untracked) debuggablePromise here. */
export function promisesWithoutStack(): number {
  return calls;
}

/** Whether the SDK's promise stacks are skipped here (not when PULUMI_DEBUG_PROMISE_LEAKS is set). */
export const skippingPromiseStacks = !process.env.PULUMI_DEBUG_PROMISE_LEAKS;

/**
 * runtime/debuggable's module object itself (its typings export nothing), not an import's copy:
 * when this process skips the SDK's promise stacks and the module has a debuggablePromise to
 * replace. An SDK without one: plans are slower here, never wrong (sdk-internals.test.ts says so).
 */
function debuggableModule(): { debuggablePromise: DebuggablePromise } | undefined {
  if (!skippingPromiseStacks) return undefined;
  const loaded = require.cache[require.resolve("@pulumi/pulumi/runtime/debuggable")];
  const exports = loaded?.exports as { debuggablePromise?: DebuggablePromise } | undefined;
  return typeof exports?.debuggablePromise === "function"
    ? (exports as { debuggablePromise: DebuggablePromise })
    : undefined;
}

export function skipPromiseStacks(): void {
  const exports = debuggableModule();
  if (exports === undefined) return;
  const real = exports.debuggablePromise;
  exports.debuggablePromise = function debuggablePromiseWithoutStack(p, ctx) {
    calls++;
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      return real(p, ctx);
    } finally {
      Error.stackTraceLimit = limit;
    }
  };
}

/**
 * For processes that never report leaked promises (the test workers), more than the stacks:
 * debuggablePromise hands back the promise itself. The SDK tracks each promise only to name the
 * unresolved ones when a program ends: at a normal process exit (runtime/debuggable.js), and when
 * an Automation API inline program ends (automation/server.js, onPulumiExit). A mocha worker
 * evaluates offline plans and runs no inline program (the tests' engine is a fake), its exit
 * decides nothing, and each plan empties the leak set anyway (setMocks → runtime/settings.js
 * resetOptions). The tracking adds two promises per promise (`then`, `catch`) and three property
 * definitions: about a quarter of a plan's CPU, with its garbage. The plan command and every
 * other process keep it (a leak fails them); so does a process with PULUMI_DEBUG_PROMISE_LEAKS.
 */
export function skipPromiseTracking(): void {
  const exports = debuggableModule();
  if (exports === undefined) return;
  exports.debuggablePromise = function untrackedPromise(p) {
    calls++;
    return p;
  };
}

let stacklessResources = 0;

/** Both skips, for a process that only evaluates offline plans. */
export function skipSdkStackTraces(): void {
  skipPromiseStacks();
  skipResourceStacks();
}

/** How many resources registered without their call stack in this process. */
export function resourcesWithoutStack(): number {
  return stacklessResources;
}

type StackTrace = (skip: number) => unknown[];

export function skipResourceStacks(): void {
  if (!skippingPromiseStacks) return;
  const statics = Resource as unknown as { stackTrace?: StackTrace };
  // An SDK without it: plans are slower here, never wrong (sdk-internals.test.ts says so).
  if (typeof statics.stackTrace !== "function") return;
  statics.stackTrace = () => {
    stacklessResources++;
    return [];
  };
}
