#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# rke2-rejoin.sh PARAMS_FILE stop|rejoin|finish|abort|status  — on every server but the first.
#   stop    take the restore lock, disable and stop rke2-server, then rke2-killall.sh: the unit is
#           KillMode=process, so etcd and the API server would outlive `systemctl stop` and keep
#           the old quorum serving the old data (rancher/rke2 rke2-server.service)
#   rejoin  once the restored first server answers on the registration address: move the old
#           database aside (rke2-docs: "remove the db directory" on the other servers), start
#           rke2-server so it joins the restored cluster, wait until this node is Ready
#   finish  release the lock
#   abort   only before the rejoin: start rke2-server again on its old data, release the lock
#   status  print this node's restore state (RESTORE_ID, SNAPSHOT, PHASE; empty when none)
# Exit: 0 done (or already done), 1 failure, 2 usage, 3 refused (another restore, wrong phase).
set -euo pipefail
# shellcheck source=lib.sh # (lib.sh sits next to this script)
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source=restore-lib.sh # (beside it too)
source "$(dirname "${BASH_SOURCE[0]}")/restore-lib.sh"

PHASES=(stopping stopped cleared rejoined)
ACTIONS="stop|rejoin|finish|abort|status"

do_stop() {
  if phase_at_least stopped "${PHASES[@]}"; then
    log "$NODE_NAME is already stopped for restore $RESTORE_ID ($PHASE); nothing to do"
    return 0
  fi
  save_phase stopping # the lock, before anything changes
  stop_service
  kill_leftovers
  save_phase stopped
}

registration_answers() {
  bounded curl -fsk --max-time 5 -o /dev/null "https://$REGISTRATION_ADDRESS:$REGISTRATION_PORT/ping"
}

# The pre-restore database is kept (it holds this node's local snapshots too); a database a
# failed earlier rejoin left behind is moved aside again, so every attempt starts clean.
clear_database() {
  local keep="$RKE2_SERVER_DIR/db-pre-restore-$RESTORE_ID" failed="$RKE2_SERVER_DIR/db-failed-$RESTORE_ID"
  if [[ $PHASE == stopped ]]; then
    if [[ -d $RKE2_DB ]]; then
      [[ ! -e $keep ]] || die "$keep already exists; a restore id is used once: move it away and re-run"
      mv "$RKE2_DB" "$keep"
      log "moved $RKE2_DB to $keep"
    fi
    save_phase cleared
  elif [[ -d $RKE2_DB ]]; then
    rm -rf "$failed"
    mv "$RKE2_DB" "$failed"
    log "moved the database of the failed attempt to $failed"
  fi
}

do_rejoin() {
  if [[ $PHASE == rejoined ]]; then
    log "$NODE_NAME already rejoined for restore $RESTORE_ID; nothing to do"
    return 0
  fi
  phase_at_least stopped "${PHASES[@]}" ||
    refuse "$NODE_NAME is not stopped for restore $RESTORE_ID (phase ${PHASE:-none}); run stop first"
  require_installed
  if [[ $PHASE == cleared ]] && systemctl is-active --quiet "$SERVICE"; then
    log "$SERVICE already runs on the cleared database; waiting for it"
  else
    if [[ $PHASE == cleared ]] || systemctl is-active --quiet "$SERVICE"; then
      # An earlier attempt failed, or someone started the service since the stop: nothing of
      # the old cluster may run while the database moves.
      stop_service
      kill_leftovers
    fi
    wait_until "$REGISTRATION_TIMEOUT" "$POLL_INTERVAL" \
      "the restored server to answer on $REGISTRATION_ADDRESS:$REGISTRATION_PORT" registration_answers
    clear_database
    log "starting $SERVICE: it joins the restored cluster through $REGISTRATION_ADDRESS"
    start_service
  fi
  wait_until "$READY_TIMEOUT" "$POLL_INTERVAL" "the Kubernetes API and node $NODE_NAME to be Ready" \
    node_ready "$NODE_NAME"
  save_phase rejoined
}

do_finish() {
  [[ $PHASE == rejoined ]] || refuse "$NODE_NAME has not rejoined for restore $RESTORE_ID (phase ${PHASE:-none})"
  clear_state finished
}

do_abort() {
  abort_before cleared "$NODE_NAME already left its old database for restore $RESTORE_ID: re-run the restore to finish it"
}

restore_main "$@"
