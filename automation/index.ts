// rancher-ha as a library: open a stack from typed settings, run preview/up/refresh/destroy with
// streamed events, read outputs, plan offline. Everything the Pulumi CLI does with this project,
// from code (portals, CI, tests).
export {
  checkCliVersion,
  listStacks,
  openStack,
  plainOutputs,
  PROJECT_DIR,
  RancherHaStack,
  stackOutputs,
  validateSettings,
  validateStackName,
} from "./stack";
export type { OpenStackArgs, OperationOptions, OperationResult, StackOptions } from "./stack";
export {
  BackendNotLoggedInError,
  EngineError,
  INSTALL_HINT,
  InvalidConfigError,
  InvalidStackNameError,
  mapEngineError,
  OperationCancelledError,
  MIN_PULUMI_CLI_VERSION,
  PulumiCliMissingError,
  PulumiCliTooOldError,
  RancherHaAutomationError,
  STACK_NAME_PATTERN,
  StackBusyError,
  StackNotFoundError,
} from "./errors";
export type { FailedResource, OperationKind } from "./errors";
export { automationEngine } from "./engine";
export type {
  Engine,
  EngineOpOptions,
  EngineStack,
  EngineStackSummary,
  PulumiCommandLike,
  WorkspaceArgs,
} from "./engine";
export { configChanges, pathEntries, REGION_KEY, syncStackConfig } from "./stackConfig";
export { planData, planStack, settingsOverrides } from "./plan";
export type { PlanData } from "./plan";
// The restore (npm run restore): etcd from S3 snapshots over the stack's node access, and the
// rancher-backup Restore manifest. A namespace, so its names stay apart from the stack API's.
export * as restore from "./restore";
