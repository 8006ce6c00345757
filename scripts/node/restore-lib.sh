#!/usr/bin/env bash
# Helpers shared by rke2-restore.sh (first server) and rke2-rejoin.sh (the others). Sourced
# after lib.sh, never run:
#   source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
#   source "$(dirname "${BASH_SOURCE[0]}")/restore-lib.sh"
#
# A restore follows rke2-docs datastore/backup_restore.md ("Multiple Servers"): stop every server,
# `rke2 server --cluster-reset --cluster-reset-restore-path=<snapshot>` on the first, start it,
# then clear the database of each other server and start it, one at a time.
#
# Each node keeps its progress in $RESTORE_STATE (KEY=VALUE: RESTORE_ID, SNAPSHOT, PHASE). The
# file is also the lock rke2-start.sh honours. Every action is a no-op for a phase already
# reached with the same RESTORE_ID, so the whole restore can be re-run after a failure; a state
# of another restore refuses with exit 3.
# shellcheck disable=SC2034 # the constants below are used by the scripts that source this file
set -euo pipefail
[[ -n ${STATE_DIR:-} && -n ${RESTORE_STATE:-} ]] || {
  echo "restore-lib.sh: source lib.sh first" >&2
  exit 1
}

RESTORE_DIR="${RESTORE_STATE%/*}"
RKE2_SERVER_DIR="$RANCHER_HA_ROOT/var/lib/rancher/rke2/server"
RKE2_DB="$RKE2_SERVER_DIR/db"
JOIN_DROPIN="$RKE2_ETC/config.yaml.d/50-rancher-ha-join.yaml"
EXIT_REFUSED=3

refuse() {
  log "REFUSED: $*"
  exit "$EXIT_REFUSED"
}

# ------------------------------------------------------------------------------------- params
# Keep in sync with RESTORE_PARAM_KEYS in components/rke2/restoreParams.ts (a test checks).
RESTORE_PARAM_KEYS=(
  NODE_NAME NODE_NAMES POLL_INTERVAL READY_TIMEOUT REGISTRATION_ADDRESS REGISTRATION_PORT
  REGISTRATION_TIMEOUT RESET_TIMEOUT RESTORE_ID SNAPSHOT_NAME STOP_TIMEOUT
)

# read_restore_params FILE: lib.sh's read_kv_file (never sourced; known keys only, each once,
# each required, values taken literally) for the restore's own keys, then their own checks.
read_restore_params() {
  local file=$1 key
  read_kv_file "$file" "${RESTORE_PARAM_KEYS[@]}"
  # k3s refuses path separators in snapshot names; a leading dot would be a hidden file.
  [[ $SNAPSHOT_NAME =~ ^[A-Za-z0-9_-][A-Za-z0-9._-]{0,254}$ ]] ||
    die "$file: SNAPSHOT_NAME must be a snapshot file name (letters, digits, '.', '_', '-')"
  # shellcheck disable=SC2153 # RESTORE_ID is set by read_kv_file (printf -v)
  [[ $RESTORE_ID =~ ^[a-z0-9][a-z0-9-]{0,47}$ ]] || die "$file: RESTORE_ID is malformed"
  [[ $NODE_NAME =~ ^[a-z0-9][a-z0-9.-]*$ ]] || die "$file: NODE_NAME is malformed"
  [[ $NODE_NAMES =~ ^[a-z0-9][a-z0-9.-]*(,[a-z0-9][a-z0-9.-]*)*$ ]] ||
    die "$file: NODE_NAMES must be comma-separated node names"
  [[ ,$NODE_NAMES, == *",$NODE_NAME,"* ]] || die "$file: NODE_NAMES does not list $NODE_NAME"
  for key in STOP_TIMEOUT RESET_TIMEOUT READY_TIMEOUT REGISTRATION_TIMEOUT POLL_INTERVAL; do
    [[ ${!key} =~ $SECONDS_RE && ${!key} =~ [1-9] ]] || die "$file: $key must be seconds > 0"
  done
  [[ $REGISTRATION_PORT =~ ^[1-9][0-9]{0,4}$ ]] || die "$file: REGISTRATION_PORT must be a port"
  STAGE_DIR="$(cd "$(dirname "$file")" && pwd)"
}

# ------------------------------------------------------------------------------------- state
STATE_ID="" STATE_SNAPSHOT="" PHASE=""

# Loads the node's restore state (PHASE empty when there is none).
load_state() {
  STATE_ID="" STATE_SNAPSHOT="" PHASE=""
  [[ -f $RESTORE_STATE ]] || return 0
  local line
  while IFS= read -r line || [[ -n $line ]]; do
    case $line in
      RESTORE_ID=*) STATE_ID=${line#*=} ;;
      SNAPSHOT=*) STATE_SNAPSHOT=${line#*=} ;;
      PHASE=*) PHASE=${line#*=} ;;
      *) die "$RESTORE_STATE: unexpected line; inspect the file (the restore's progress) before removing it" ;;
    esac
  done <"$RESTORE_STATE"
  [[ -n $STATE_ID && -n $PHASE ]] || die "$RESTORE_STATE is incomplete; inspect it before removing it"
}

# The state as three KEY=VALUE lines on stdout (values empty when no restore runs here), for the
# restore command to plan a resume. Nothing in it is secret.
print_status() {
  load_state
  printf 'RESTORE_ID=%s\nSNAPSHOT=%s\nPHASE=%s\n' "$STATE_ID" "$STATE_SNAPSHOT" "$PHASE"
}

# Refuses when another restore owns this node.
require_same_restore() {
  load_state
  [[ -z $PHASE || $STATE_ID == "$RESTORE_ID" ]] ||
    refuse "restore $STATE_ID (snapshot $STATE_SNAPSHOT, phase $PHASE) is in progress on $NODE_NAME; re-run it with that snapshot, or abort it first"
}

# save_phase PHASE: atomically record progress (the directory is root's only).
save_phase() {
  mkdir -p "$RESTORE_DIR"
  chmod 0700 "$STATE_DIR" "$RESTORE_DIR"
  printf 'RESTORE_ID=%s\nSNAPSHOT=%s\nPHASE=%s\n' "$RESTORE_ID" "$SNAPSHOT_NAME" "$1" >"$RESTORE_STATE.tmp"
  mv -f "$RESTORE_STATE.tmp" "$RESTORE_STATE"
  PHASE=$1
  log "restore $RESTORE_ID on $NODE_NAME: $1"
}

# phase_at_least NAME ORDERED...: whether PHASE is NAME or a later phase of ORDERED.
phase_at_least() {
  local want=$1 p i=0 want_i=-1 have_i=-1
  shift
  for p in "$@"; do
    [[ $p == "$want" ]] && want_i=$i
    [[ $p == "$PHASE" ]] && have_i=$i
    i=$((i + 1))
  done
  ((want_i >= 0)) || die "internal: unknown phase $want"
  ((have_i >= want_i))
}

# The restore is over on this node: the lock goes, its record stays as `last`.
clear_state() {
  printf 'RESTORE_ID=%s\nSNAPSHOT=%s\nPHASE=%s\n' "$RESTORE_ID" "$SNAPSHOT_NAME" "$1" >"$RESTORE_DIR/last"
  rm -f "$RESTORE_STATE"
  log "restore $RESTORE_ID on $NODE_NAME: $1; rke2-start.sh may run again"
}

# ------------------------------------------------------------------------------------ service
# Stops rke2-server and keeps it from coming back on a reboot (an old member must not rejoin).
stop_service() {
  systemctl disable --quiet "$SERVICE" || die "could not disable $SERVICE"
  set_deadline "$STOP_TIMEOUT"
  bounded systemctl stop "$SERVICE" || die "systemctl stop $SERVICE failed or took over ${STOP_TIMEOUT}s"
  ! systemctl is-active --quiet "$SERVICE" || die "$SERVICE is still active after stop"
}

# Enables and starts rke2-server; the unit is Type=notify, so start returns once it is up.
start_service() {
  on_exit show_service_log
  systemctl enable --quiet "$SERVICE" || die "could not enable $SERVICE"
  set_deadline "$READY_TIMEOUT"
  bounded systemctl start "$SERVICE" ||
    die "systemctl start $SERVICE failed or did not finish within ${READY_TIMEOUT}s"
}

# The installed version, for the Ready check (the kubelet reports it).
require_installed() {
  INSTALLED_VERSION="$(installed_rke2_version)"
  [[ -n $INSTALLED_VERSION ]] || die "rke2 is not installed on $NODE_NAME"
}

# kill_leftovers: rke2-killall.sh, so no etcd or API server container outlives the service.
kill_leftovers() {
  local killall
  killall="$(installed_bin rke2-killall.sh)" || die "rke2-killall.sh not found in /usr/local/bin or /usr/bin"
  set_deadline "$STOP_TIMEOUT"
  bounded "$killall" >&2 || die "rke2-killall.sh failed or took over ${STOP_TIMEOUT}s: etcd may still run on $NODE_NAME"
}

# abort_node: before this node took part in the new cluster, put it back on its old data.
# Started without blocking: one member alone has no quorum and would hold `systemctl start`.
abort_node() {
  systemctl enable --quiet "$SERVICE" || die "could not enable $SERVICE"
  systemctl start --no-block "$SERVICE" || die "could not start $SERVICE"
  clear_state aborted
}

# abort_before PHASE REASON: the abort action of both scripts. Refused (REASON) once the node
# reached PHASE of PHASES, the point of no return; nothing to do without a restore in progress.
abort_before() {
  # shellcheck disable=SC2153 # PHASES is the sourcing script's list of its phases, in order
  ! phase_at_least "$1" "${PHASES[@]}" || refuse "$2"
  if [[ -z $PHASE ]]; then
    log "no restore in progress on $NODE_NAME; nothing to abort"
    return 0
  fi
  abort_node
}

# ------------------------------------------------------------------------------------ main

# restore_main PARAMS_FILE ACTION: the entry of both scripts. ACTION is one of ACTIONS
# ("a|b|…"); action X runs the script's do_X, on the restore the params name (abort and status:
# on whichever runs).
restore_main() {
  USAGE_ARGS=$ACTIONS
  (($# == 2)) || usage
  read_restore_params "$1"
  require_root
  if [[ $2 == status ]]; then
    print_status
    return 0
  fi
  # Abort may end any restore, not only the one the params name.
  if [[ $2 == abort ]]; then
    load_state
    [[ -z $PHASE ]] || RESTORE_ID=$STATE_ID SNAPSHOT_NAME=$STATE_SNAPSHOT
  else
    require_same_restore
  fi
  [[ $2 =~ ^($ACTIONS)$ ]] || usage
  "do_$2"
}
