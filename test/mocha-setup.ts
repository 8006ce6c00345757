// Loaded by mocha (.mocharc.json `require`, after tsx) in every test process, before any test file.
import { installPlanCache } from "./plan-cache";

// Pulumi's SDK records `new Error().stack` on every promise it tracks (runtime/debuggable.js,
// `debuggablePromise`), only to print where leaked promises came from at exit. Under tsx, Node
// maps each frame of each such trace through source maps: about half the CPU of an offline plan.
// Those traces are not formatted here unless PULUMI_DEBUG_PROMISE_LEAKS (the SDK's own switch for
// leak hunting) is set; every other stack, test failures included, is formatted and mapped by
// Node as before. If the SDK renames the function, plans are slower again, never wrong.
type FormatStack = (error: Error, frames: NodeJS.CallSite[]) => unknown;
const formatStack = Error.prepareStackTrace?.bind(Error) as FormatStack | undefined;
if (formatStack !== undefined && !process.env.PULUMI_DEBUG_PROMISE_LEAKS) {
  Error.prepareStackTrace = (error, frames): unknown =>
    frames[0]?.getFunctionName() === "debuggablePromise"
      ? "Error: stack not recorded in tests (set PULUMI_DEBUG_PROMISE_LEAKS=1 to keep it)"
      : formatStack(error, frames);
}

// Each distinct plan is evaluated once per test process (test/plan-cache.ts).
installPlanCache();
