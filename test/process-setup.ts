// What every process that runs test files sets up before loading any (test/mocha-setup.js).
import { skipSdkStackTraces } from "../plan/sdkStackTraces";
import { installPlanCache } from "./plan-cache";

// No stack trace per SDK promise or per registered resource (plan/sdkStackTraces.ts).
skipSdkStackTraces();

// Each distinct plan is evaluated once per test process (test/plan-cache.ts).
installPlanCache();
