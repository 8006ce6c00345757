// What every process that runs test files sets up before loading any (test/mocha-setup.js).
import { installPlanCache } from "./plan-cache";
import { skipPromiseStacks, skipResourceStacks } from "./promise-stacks";

// Pulumi's promise bookkeeping without a stack trace per promise (test/promise-stacks.ts).
skipPromiseStacks();
// …and registrations without the call stack that only the engine's display uses.
skipResourceStacks();

// Each distinct plan is evaluated once per test process (test/plan-cache.ts).
installPlanCache();
