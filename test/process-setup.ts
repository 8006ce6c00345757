// What every process that runs test files sets up before loading any (test/mocha-setup.js).
import { skipPromiseTracking, skipSdkStackTraces } from "../plan/sdkStackTraces";
import { installPlanCache } from "./plan-cache";

// No stack trace per SDK promise or per registered resource, and no leak tracking of the SDK's
// promises, which a test process never reports (plan/sdkStackTraces.ts).
skipSdkStackTraces();
skipPromiseTracking();

// Each distinct plan is evaluated once per test process (test/plan-cache.ts).
installPlanCache();
