#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# rke2-restore.sh PARAMS_FILE stop|reset|start|finish|abort|status  — on the FIRST server only.
#   stop    take the restore lock, disable and stop rke2-server (before any server is reset)
#   reset   rke2 server --cluster-reset --cluster-reset-restore-path=SNAPSHOT_NAME: RKE2 pulls
#           the snapshot from the etcd-s3 bucket in config.yaml (rke2-docs: "only the snapshot
#           filename should be passed"), restores it and leaves a one-member etcd
#   start   enable and start rke2-server, wait for the API and this node to be Ready
#   finish  wait until every server (NODE_NAMES) is Ready, then release the lock: the restore's
#           last step, so the first server holds its lock until the others have finished
#   abort   only before the reset: start rke2-server again on its old data, release the lock
#   status  print this node's restore state (RESTORE_ID, SNAPSHOT, PHASE; empty when none)
# The other servers run rke2-rejoin.sh. Parameters: restore.env (restoreParams.ts).
# Exit: 0 done (or already done), 1 failure, 2 usage, 3 refused (another restore, wrong phase).
set -euo pipefail
# shellcheck source=lib.sh # (lib.sh sits next to this script)
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source=restore-lib.sh # (beside it too)
source "$(dirname "${BASH_SOURCE[0]}")/restore-lib.sh"

PHASES=(stopping stopped reset started)
ACTIONS="stop|reset|start|finish|abort|status"

do_stop() {
  if phase_at_least stopped "${PHASES[@]}"; then
    log "$NODE_NAME is already stopped for restore $RESTORE_ID ($PHASE); nothing to do"
    return 0
  fi
  save_phase stopping # the lock, before anything changes
  stop_service
  save_phase stopped
}

# The reset's output goes to a file in the restore directory; on failure its tail is shown.
RESET_LOG=""
show_reset_log() {
  (($1 != 0)) && [[ -n $RESET_LOG && -f $RESET_LOG ]] || return 0
  log "last 40 lines of the cluster-reset output ($RESET_LOG):"
  tail -n 40 "$RESET_LOG" >&2 || true
}

do_reset() {
  if phase_at_least reset "${PHASES[@]}"; then
    log "etcd on $NODE_NAME was already reset from $SNAPSHOT_NAME; nothing to do"
    return 0
  fi
  [[ $PHASE == stopped ]] || refuse "$NODE_NAME is not stopped for restore $RESTORE_ID (phase ${PHASE:-none}); run stop first"
  ! systemctl is-active --quiet "$SERVICE" || die "$SERVICE is running on $NODE_NAME; it must be stopped before a reset"
  local rke2
  rke2="$(rke2_bin)" || die "rke2 is not installed on $NODE_NAME"
  # k3s refuses a cluster-reset while a server URL is configured: a replaced first server carries
  # rke2-start.sh's join drop-in. It is not needed afterwards (etcd data exists then).
  if [[ -f $JOIN_DROPIN ]]; then
    mv -f "$JOIN_DROPIN" "$RESTORE_DIR/50-rancher-ha-join.yaml.pre-restore"
    log "moved the join drop-in aside: a cluster-reset refuses a configured server URL"
  fi
  RESET_LOG="$RESTORE_DIR/cluster-reset-$RESTORE_ID.log"
  (umask 077 && : >"$RESET_LOG")
  on_exit show_reset_log
  log "running rke2 server --cluster-reset --cluster-reset-restore-path=$SNAPSHOT_NAME (up to ${RESET_TIMEOUT}s)"
  set_deadline "$RESET_TIMEOUT"
  local rc=0
  bounded "$rke2" server --cluster-reset --cluster-reset-restore-path="$SNAPSHOT_NAME" \
    >>"$RESET_LOG" 2>&1 || rc=$?
  if grep -qE 'The specified key does not exist|NoSuchKey|snapshot path does not exist' "$RESET_LOG"; then
    die "snapshot $SNAPSHOT_NAME was not found in the etcd-s3 bucket and folder of config.yaml; the servers are stopped on their old data: abort the restore or re-run it with another snapshot"
  fi
  ((rc != 124)) || die "cluster-reset did not finish within ${RESET_TIMEOUT}s"
  ((rc == 0)) || die "cluster-reset failed (exit $rc)"
  # Success ends with "Managed etcd cluster membership has been reset, restart without
  # --cluster-reset flag now" (older: "Etcd is running, restart without --cluster-reset flag now").
  grep -q 'restart without --cluster-reset flag now' "$RESET_LOG" ||
    die "cluster-reset exited 0 without reporting a reset etcd; not starting $SERVICE"
  save_phase reset
}

do_start() {
  phase_at_least reset "${PHASES[@]}" ||
    refuse "etcd on $NODE_NAME has not been reset for restore $RESTORE_ID (phase ${PHASE:-none}); run reset first"
  require_installed
  if [[ $PHASE == reset ]] || ! systemctl is-active --quiet "$SERVICE"; then
    log "starting $SERVICE on the restored etcd"
    start_service
  fi
  wait_until "$READY_TIMEOUT" "$POLL_INTERVAL" "the Kubernetes API and node $NODE_NAME to be Ready" \
    node_ready "$NODE_NAME"
  [[ $PHASE == started ]] || save_phase started
}

all_ready() {
  local name
  for name in "${NAMES[@]}"; do node_ready "$name" || return 1; done
}

do_finish() {
  [[ $PHASE == started ]] || refuse "$NODE_NAME has not been started for restore $RESTORE_ID (phase ${PHASE:-none})"
  require_installed
  local -a NAMES
  IFS=, read -ra NAMES <<<"$NODE_NAMES"
  wait_until "$READY_TIMEOUT" "$POLL_INTERVAL" "every server (${NODE_NAMES//,/, }) to be Ready" all_ready
  clear_state finished
}

do_abort() {
  abort_before reset "etcd on $NODE_NAME was already reset from $SNAPSHOT_NAME: a restore cannot be aborted after that; re-run it to finish"
}

restore_main "$@"
