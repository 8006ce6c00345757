// Shared by the runner tests: a node, a step of it, the runner's dependencies with a fake API.
import { sendAndWait } from "../../ssm/invoke";
import type { SsmStep } from "../../ssm/protocol";
import type { RunnerDeps } from "../../ssm/steps";
import { FakeClock, type FakeSsm } from "./fake";

export const NODE = {
  step: "rancher-rke2-2-start",
  node: "rancher-ha-test-server-2",
  instanceId: "i-0abc1234def567890",
};

/** Progress lines the runner logged (not asserted on: they are for people). */
export const log = (_line: string): void => undefined;

export function deps(api: FakeSsm, clock = new FakeClock(), extra: Partial<RunnerDeps> = {}) {
  const relayed: string[] = [];
  const d: RunnerDeps = {
    api,
    clock,
    log,
    relay: (t) => relayed.push(t),
    projectDir: process.cwd(),
    ...extra,
  };
  return { d, relayed, clock };
}

export function runStepOf(action: SsmStep["action"], over: Partial<SsmStep> = {}): SsmStep {
  return { ...NODE, timeoutSeconds: 900, registrationSeconds: 120, action, ...over };
}

export const send = (
  api: FakeSsm,
  clock: FakeClock,
  script = "#!/bin/bash\necho hi\n",
  executionTimeout = 900,
) =>
  sendAndWait(
    api,
    { node: NODE, what: NODE.step, script, comment: "rancher-ha test", executionTimeout },
    clock,
    log,
  );
