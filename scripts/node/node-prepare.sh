#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# node-prepare.sh PARAMS_FILE
# Waits until a fresh instance is quiet: cloud-init has finished (it may still be writing files or
# running apt) and no apt/dpkg process holds the package locks. Both waits are bounded.
# Exit: 0 ready, 1 a wait timed out (or bad params), 2 usage.
set -euo pipefail
# shellcheck source=lib.sh # (lib.sh sits next to this script)
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

APT_LOCKS=(
  /var/lib/dpkg/lock-frontend /var/lib/dpkg/lock /var/lib/apt/lists/lock
  /var/cache/apt/archives/lock
)

wait_for_cloud_init() {
  local out rc=0
  if ! command -v cloud-init >/dev/null; then
    warn "cloud-init is not installed; not waiting for it"
    return 0
  fi
  log "waiting up to ${CLOUD_INIT_TIMEOUT}s for cloud-init to finish"
  out="$(timeout --kill-after=5 "$CLOUD_INIT_TIMEOUT" cloud-init status --wait 2>&1)" || rc=$?
  case $rc in
    0) log "cloud-init has finished" ;;
    124 | 137) die "cloud-init was still running after ${CLOUD_INIT_TIMEOUT}s (see /var/log/cloud-init-output.log)" ;;
    # 2 = done with recoverable errors, 1 = done with errors: either way cloud-init no longer
    # competes with us; what it failed at is the user-data's business, not the RKE2 install's.
    *) warn "cloud-init finished with exit status $rc: ${out##*$'\n'}" ;;
  esac
}

# fuser exits 0 when some process has one of the files open, 1 when none has (or none exists).
apt_locks_free() {
  local rc=0 lock
  local -a paths=()
  for lock in "${APT_LOCKS[@]}"; do paths+=("$RANCHER_HA_ROOT$lock"); done
  bounded fuser "${paths[@]}" >/dev/null 2>&1 || rc=$?
  ((rc == 1))
}

wait_for_apt_locks() {
  if ! command -v fuser >/dev/null; then
    warn "fuser (psmisc) is not installed; not checking the apt/dpkg locks"
    return 0
  fi
  wait_until "$APT_LOCK_TIMEOUT" "$POLL_INTERVAL" "the apt/dpkg locks to be released" apt_locks_free
}

main() {
  (($# == 1)) || usage
  read_params "$1"
  require_root
  wait_for_cloud_init
  wait_for_apt_locks
  log "node is ready for the RKE2 install"
}

main "$@"
