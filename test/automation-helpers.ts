// Shared by the automation library's tests: minimal settings, the dev fixture stack as settings,
// and the raw config the program would see for a stack on a fake engine.
import * as assert from "node:assert/strict";
import { parseSettings, RancherHaSettings } from "../components/config";
import { openStack, PROJECT_DIR } from "../automation";
import { FakeEngine } from "../automation/fake";
import { projectDefaults, readProject, readStackConfig } from "../plan/stackFile";
import { FIXTURE_STACKS } from "./helpers";

export const REGION = "us-east-1";
export const MIN: RancherHaSettings = {
  hostname: "rancher.example.com",
  hostedZone: "example.com",
  adminCidrs: ["203.0.113.0/24"],
};

export function devFile(): { settings: RancherHaSettings; region: string } {
  const { values } = readStackConfig(PROJECT_DIR, "dev", FIXTURE_STACKS);
  const { settings, problems } = parseSettings(values);
  assert.deepEqual(problems, []);
  return { settings, region: values["aws:region"] };
}

/** The raw config `pulumi up` would hand the program: declared defaults, then the stack's. */
export async function runtimeRaw(
  engine: FakeEngine,
  stack: string,
): Promise<Record<string, string>> {
  const stored = await engine.stack(stack).getAllConfig();
  const raw: Record<string, string> = { ...projectDefaults(readProject(PROJECT_DIR)) };
  for (const [k, v] of Object.entries(stored)) raw[k] = v.value;
  return raw;
}

/** The common case: the minimal settings in REGION, on a given engine. */
export function open(engine: FakeEngine, stackName: string) {
  return openStack({ stackName, settings: MIN, region: REGION, options: { engine } });
}
