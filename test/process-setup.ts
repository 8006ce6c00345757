// What every process that runs test files sets up before loading any (test/mocha-setup.js).
import { installPlanCache } from "./plan-cache";
import { skipPromiseStacks } from "./promise-stacks";

// Pulumi's promise bookkeeping without a stack trace per promise (test/promise-stacks.ts).
skipPromiseStacks();

// Each distinct plan is evaluated once per test process (test/plan-cache.ts).
installPlanCache();
