#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# rke2-leave.sh PARAMS_FILE [KIND]  (cluster.env beside PARAMS_FILE, when RKE2 ever started)
# Run by the delete of a transport's member step (KIND ssh or ssm; delete commands stored before
# member claims existed carry none and were SSH's). Releases KIND's claim (member-claim.sh); when
# another transport still holds one, the stack only switched transport: the server stays.
# Otherwise takes this server out of the cluster before its instance goes (replacement): deletes
# its Node (RKE2 then removes its etcd member), stops rke2-server and runs rke2-uninstall.sh.
# Never blocks a destroy: the cluster step shares one LEAVE_TIMEOUT budget and the stop and the
# uninstall get one each; failures are warnings. No drain: deleting the Node lets the pod garbage
# collector recreate its pods elsewhere, while a drain can sit on a PodDisruptionBudget.
# Exit: 0 (also when there is nothing to do, another transport holds membership, or the cluster is
# unreachable), 1 bad params or KIND, 2 usage.
set -euo pipefail
# shellcheck source=lib.sh # (lib.sh sits next to this script)
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
USAGE_ARGS="[KIND]"

# release_membership KIND: drops KIND's claim; fails (so the caller stays) while another
# transport's claim remains.
release_membership() {
  local kind=$1 f
  local -a others=()
  rm -f "$MEMBERS_DIR/$kind"
  for f in "${MEMBER_KINDS[@]}"; do
    [[ ! -e $MEMBERS_DIR/$f ]] || others+=("$f")
  done
  if ((${#others[@]} > 0)); then
    log "$kind access released; membership is held by ${others[*]} access: $NODE_NAME stays in the cluster"
    return 1
  fi
}

# Delete our Node through the local API when this server runs, else through the other servers'
# API behind the internal registration address (with the same admin credentials), so a broken
# node can still be removed. (The public endpoint admits admin networks only.)
leave_cluster() {
  local kubeconfig=$RKE2_KUBECONFIG api
  if [[ ! -x $RKE2_KUBECTL || ! -f $RKE2_KUBECONFIG ]]; then
    warn "no kubectl or kubeconfig on this node; cannot remove $NODE_NAME from the cluster"
    return 0
  fi
  if ! systemctl is-active --quiet "$SERVICE"; then
    # cluster.env arrives with the start step; a server that never started has none to leave by.
    if [[ ! -f $CLUSTER_PARAMS ]]; then
      warn "$SERVICE is not running and $CLUSTER_PARAMS is missing; cannot remove $NODE_NAME from the cluster"
      return 0
    fi
    read_cluster_params
    api="https://$REGISTRATION_ADDRESS:6443"
    kubeconfig="$WORKDIR/kubeconfig"
    if ! (umask 077 && rewrite_kubeconfig "$RKE2_KUBECONFIG" "$api" >"$kubeconfig"); then
      warn "cannot build a kubeconfig for $api; not deleting node $NODE_NAME"
      return 0
    fi
    log "$SERVICE is not running; deleting node $NODE_NAME through $api"
  fi
  set_deadline "$LEAVE_TIMEOUT"
  if bounded "$RKE2_KUBECTL" --kubeconfig "$kubeconfig" --request-timeout=30s \
    delete node "$NODE_NAME" --ignore-not-found >&2; then
    log "node $NODE_NAME deleted from the cluster"
  else
    warn "could not delete node $NODE_NAME within ${LEAVE_TIMEOUT}s (cluster unreachable?); continuing"
  fi
}

main() {
  (($# == 1 || $# == 2)) || usage
  read_params "$1"
  require_root
  local kind=${2:-ssh}
  member_kind "$kind"
  release_membership "$kind" || return 0
  local uninstaller=""
  uninstaller="$(installed_bin rke2-uninstall.sh)" || true
  if ! rke2_bin >/dev/null && [[ -z $uninstaller ]]; then
    log "RKE2 is not installed; nothing to do"
    return 0
  fi
  make_workdir
  leave_cluster

  set_deadline "$LEAVE_TIMEOUT"
  bounded systemctl stop "$SERVICE" || warn "could not stop $SERVICE; continuing"
  if [[ -n $uninstaller ]]; then
    set_deadline "$LEAVE_TIMEOUT"
    if bounded "$uninstaller" >&2; then
      log "RKE2 uninstalled"
    else
      warn "$uninstaller failed or timed out; continuing"
    fi
  else
    warn "rke2-uninstall.sh not found in /usr/local/bin or /usr/bin; RKE2 files stay in place"
  fi
  rm -rf "$STATE_DIR"
  log "$NODE_NAME has left the cluster"
}

main "$@"
