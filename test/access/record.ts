// Runs a small program on the recording mock runtime (the same recorder the plans use) and
// returns what it registered, as the engine would see it.
import * as settings from "@pulumi/pulumi/runtime/settings";
import { installRecordingMocks, placeholderMocks, type RecordedResource } from "../../plan/mocks";

export async function record(program: () => void): Promise<RecordedResource[]> {
  const recorder = await installRecordingMocks(placeholderMocks("eu-west-1"), "rancher-ha", "test");
  program();
  // Internal to the SDK (not in its typings): drains outstanding registrations.
  await (settings as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs();
  return recorder.recorded;
}
