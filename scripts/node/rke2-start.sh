#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# rke2-start.sh PARAMS_FILE  (join token on stdin, one line; cluster.env beside PARAMS_FILE)
# Installs the token and config.yaml (both 0600), then makes rke2-server run
# them: enabled; started when stopped; restarted only when the token, the config or the installed
# RKE2 version changed since the last successful run; left alone otherwise. Then waits until the
# API answers /readyz and this node is Ready on the installed version.
# Exit: 0 ready, 1 failure (with the tail of the service log once the service was involved), 2 usage.
set -euo pipefail
# shellcheck source=lib.sh # (lib.sh sits next to this script)
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# Hash of what the running server was last started with successfully.
STAMP="$STATE_DIR/applied.sha256"

read_token() {
  local token=""
  # Bounded, so a caller that forgets stdin cannot hang the deploy. The token is never logged.
  IFS= read -r -t 30 token || [[ -n $token ]] || die "no token on stdin"
  [[ $token =~ ^[[:graph:]]+$ ]] || die "the token on stdin must be a single word on one line"
  (umask 077 && printf '%s\n' "$token" >"$WORKDIR/token")
}

applied_hash() {
  { cat "$RKE2_CONFIG" "$RKE2_TOKEN" && printf '%s\n' "$INSTALLED_VERSION"; } | sha256sum | cut -d' ' -f1
}

registration_answers() {
  bounded curl -fsk --max-time 5 -o /dev/null "https://$REGISTRATION_ADDRESS:$REGISTRATION_PORT/ping"
}

# A server that has never been an etcd member (no datastore yet).
ETCD_DATA="$RANCHER_HA_ROOT/var/lib/rancher/rke2/server/db/etcd"
JOIN_DROPIN="$RKE2_ETC/config.yaml.d/50-rancher-ha-join.yaml"

# How another server answers on the supervisor port: "answers" (a cluster runs there),
# "refused" (nothing listens: no RKE2 yet), or "unknown" (timed out, still booting, filtered).
peer_state() {
  local rc=0
  timeout 10 curl -fsk --connect-timeout 3 --max-time 5 -o /dev/null \
    "https://$1:$REGISTRATION_PORT/cacerts" || rc=$?
  case $rc in
    0) printf answers ;;
    7) printf refused ;;
    *) printf unknown ;;
  esac
}

# The first server initialises the cluster only when there is none: a replacement first server
# (no datastore yet) must join the others instead of starting a second cluster with the same
# token. It asks the other servers directly. One answering means a cluster exists: join it.
# All refusing means none runs RKE2 yet: initialise. Anything else is not proof either way, so
# it waits, and at REGISTRATION_TIMEOUT stops rather than guess (fail closed).
join_if_cluster_exists() {
  [[ $ROLE == init && ! -d $ETCD_DATA ]] || return 0
  if [[ $PEERS == none ]]; then
    log "single server: initialising a new cluster"
    return 0
  fi
  local -a peers unsure
  local peer refused
  IFS=, read -ra peers <<<"$PEERS"
  set_deadline "$REGISTRATION_TIMEOUT"
  while :; do
    refused=0 unsure=()
    for peer in "${peers[@]}"; do
      case "$(peer_state "$peer")" in
        answers)
          log "a cluster already runs on $peer: joining it through $REGISTRATION_ADDRESS instead of initialising"
          printf 'server: https://%s:%s\n' "$REGISTRATION_ADDRESS" "$REGISTRATION_PORT" >"$WORKDIR/join.yaml"
          install_file "$WORKDIR/join.yaml" "$JOIN_DROPIN" 0600
          ROLE="join"
          return 0
          ;;
        refused) refused=$((refused + 1)) ;;
        *) unsure+=("$peer") ;;
      esac
    done
    if ((refused == ${#peers[@]})); then
      log "no other server runs RKE2 yet (${PEERS//,/, } refused): initialising a new cluster"
      return 0
    fi
    deadline_passed && die "cannot tell whether a cluster already runs: ${unsure[*]} did not answer on port $REGISTRATION_PORT within ${REGISTRATION_TIMEOUT}s; not initialising a second cluster (check that the other servers are running and their security group)"
    sleep "$POLL_INTERVAL"
  done
}

# Start or restart rke2-server when needed. Blocking: the unit is Type=notify, so systemctl
# returns once the new server is up (bounded here, as the unit itself has no start timeout).
converge_service() {
  local action=""
  WANT_HASH="$(applied_hash)"
  systemctl is-enabled --quiet "$SERVICE" || systemctl enable "$SERVICE"
  if ! systemctl is-active --quiet "$SERVICE"; then
    action=start
  elif [[ "$(cat "$STAMP" 2>/dev/null || true)" != "$WANT_HASH" ]]; then
    action=restart
  else
    log "$SERVICE is active and token, config and version are unchanged; not touching it"
    on_exit show_service_log
    return 0
  fi
  if [[ $ROLE == join ]]; then
    wait_until "$REGISTRATION_TIMEOUT" "$POLL_INTERVAL" \
      "the registration address $REGISTRATION_ADDRESS:$REGISTRATION_PORT to answer" registration_answers
  fi
  on_exit show_service_log
  log "running systemctl $action $SERVICE"
  set_deadline "$READY_TIMEOUT"
  bounded systemctl "$action" "$SERVICE" ||
    die "systemctl $action $SERVICE failed or did not finish within ${READY_TIMEOUT}s"
}

# A restore stops every server and brings them back in a fixed order; a deploy starting one in
# between would restart a half-restored node. The lock is the restore's state file.
refuse_during_restore() {
  [[ -e $RESTORE_STATE ]] || return 0
  local snapshot
  snapshot="$(sed -n 's/^SNAPSHOT=\([A-Za-z0-9._-]*\)$/\1/p' "$RESTORE_STATE" 2>/dev/null)" || true
  die "a restore (snapshot ${snapshot:-unknown}) is in progress on this node; finish it with \`npm run restore\` (re-run it to resume) or cancel it with \`npm run restore -- --abort\`, then deploy again"
}

main() {
  (($# == 1)) || usage
  read_params "$1"
  read_cluster_params
  require_root
  refuse_during_restore
  [[ -f $STAGE_DIR/config.yaml ]] || die "$STAGE_DIR/config.yaml is missing"
  INSTALLED_VERSION="$(installed_rke2_version)"
  [[ -n $INSTALLED_VERSION ]] || die "rke2 is not installed (run rke2-install.sh first)"

  make_workdir
  read_token
  # Everything in place before the service first starts: RKE2 reads it only at startup.
  install_file "$WORKDIR/token" "$RKE2_TOKEN" 0600
  install_file "$STAGE_DIR/config.yaml" "$RKE2_CONFIG" 0600
  join_if_cluster_exists

  converge_service
  wait_until "$READY_TIMEOUT" "$POLL_INTERVAL" "the Kubernetes API and node $NODE_NAME to be Ready" \
    node_ready "$NODE_NAME"

  mkdir -p "$STATE_DIR"
  chmod 0700 "$STATE_DIR"
  printf '%s\n' "$WANT_HASH" >"$STAMP.tmp"
  mv -f "$STAMP.tmp" "$STAMP"
  log "rke2-server $INSTALLED_VERSION is ready on $NODE_NAME"
}

main "$@"
