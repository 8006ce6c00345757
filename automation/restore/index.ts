// The restore library: list a stack's etcd snapshots and rancher-backup files, restore etcd over
// the stack's node transport, abort a restore that has not reset yet, render a Rancher Restore.
export { restoreEtcdSnapshot, abortRestore, newRestoreId } from "./run";
export type {
  AbortRestoreArgs,
  RestoreEtcdArgs,
  RestorePlanSummary,
  RestoreProgress,
  RestoreResult,
  StackStatus,
} from "./run";
export { planRestore, parseNodeStatus, canAbort } from "./plan";
export type { NodeState, RestoreStep, StepAction } from "./plan";
export {
  chooseSnapshot,
  listEtcdSnapshots,
  listRancherBackups,
  parseSnapshot,
  s3SnapshotStore,
  SnapshotNotFoundError,
} from "./snapshots";
export type { EtcdSnapshot, RancherBackupFile, SnapshotStore, StoredObject } from "./snapshots";
export { parseRestoreTarget, RestoreTargetError } from "./target";
export type { RestoreTarget } from "./target";
export { RestoreInterruptedError, RestoreRefusedError, RestoreStepError } from "./errors";
/** The Rancher-only restore: a `Restore` for the operator (apply it with kubectl). */
export { renderRestore as rancherRestoreManifest } from "../../components/backup/operatorValues";
export { readRestoreInputs } from "./stack";
export type { RestoreInputs } from "./stack";
