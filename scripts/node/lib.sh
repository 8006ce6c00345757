#!/usr/bin/env bash
# Helpers shared by the node scripts. Sourced, never run:
#   source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# Every absolute path goes through RANCHER_HA_ROOT (empty in production) so the test sandbox can
# run the real scripts inside a temporary root.
# shellcheck disable=SC2034 # the path constants below are used by the scripts that source this file
set -euo pipefail

RANCHER_HA_ROOT="${RANCHER_HA_ROOT:-}"
SCRIPT_NAME="${0##*/}"
SCRIPT_NAME="${SCRIPT_NAME%.sh}"

RKE2_ETC="$RANCHER_HA_ROOT/etc/rancher/rke2"
RKE2_CONFIG="$RKE2_ETC/config.yaml"
RKE2_TOKEN="$RKE2_ETC/token"
RKE2_KUBECONFIG="$RKE2_ETC/rke2.yaml"
RKE2_KUBECTL="$RANCHER_HA_ROOT/var/lib/rancher/rke2/bin/kubectl"
STATE_DIR="$RANCHER_HA_ROOT/var/lib/rancher-ha"
# Who reaches this node for the cluster: one file per transport (ssh, ssm); see member-claim.sh.
MEMBERS_DIR="$STATE_DIR/members"
MEMBER_KINDS=(ssh ssm)
# One-run keys and decrypted secrets: /run is a tmpfs, gone at reboot.
RUN_DIR="$RANCHER_HA_ROOT/run/rancher-ha"
# While it exists a restore owns rke2-server on this node (rke2-restore.sh, rke2-rejoin.sh).
RESTORE_STATE="$STATE_DIR/restore/state"
SERVICE=rke2-server

# ---------------------------------------------------------------------------------------- logging
# printf's %(...)T is a builtin strftime: no `date` process per line.
log() { TZ=UTC0 printf '%(%Y-%m-%dT%H:%M:%SZ)T %s: %s\n' -1 "$SCRIPT_NAME" "$*" >&2; }
warn() { log "WARNING: $*"; }
die() {
  log "ERROR: $*"
  exit 1
}
# Scripts taking more than the params file set USAGE_ARGS, e.g. USAGE_ARGS="KIND".
USAGE_ARGS=""
usage() {
  printf 'usage: %s PARAMS_FILE%s\n' "$SCRIPT_NAME" "${USAGE_ARGS:+ $USAGE_ARGS}" >&2
  exit 2
}

require_root() {
  # The sandbox runs unprivileged under RANCHER_HA_ROOT; on a node everything needs root.
  [[ -n $RANCHER_HA_ROOT || $EUID -eq 0 ]] || die "must run as root (sudo -n bash $0 PARAMS_FILE)"
}

# ------------------------------------------------------------------------------------ exit hooks
# Functions registered with on_exit run (last first) with the exit status when the script ends,
# whether it succeeds or dies: temp-file cleanup, printing the service log on failure.
EXIT_HOOKS=()
on_exit() { EXIT_HOOKS+=("$1"); }
run_exit_hooks() {
  local rc=$? i
  for ((i = ${#EXIT_HOOKS[@]} - 1; i >= 0; i--)); do "${EXIT_HOOKS[i]}" "$rc" || true; done
}
trap run_exit_hooks EXIT

WORKDIR=""
remove_workdir() { [[ -z $WORKDIR ]] || rm -rf "$WORKDIR"; }
# A private (0700) scratch directory, removed at exit.
make_workdir() {
  WORKDIR="$(mktemp -d "${TMPDIR:-/tmp}/rancher-ha.XXXXXX")"
  on_exit remove_workdir
}
# The same in the tmpfs run directory, for secrets in clear: never on a disk.
make_run_workdir() {
  run_dir
  WORKDIR="$(mktemp -d "$RUN_DIR/work.XXXXXX")"
  on_exit remove_workdir
}

# ------------------------------------------------------------------------------------- params
# Two files, both written by the Pulumi side into the staging directory. params.env: what a
# server needs before the load balancers exist (install, image staging). cluster.env: where the
# cluster is (registration address, API endpoint, peers); only start, kubeconfig and leave read it.
# Keep in sync with NODE_PARAM_KEYS / CLUSTER_PARAM_KEYS in components/rke2/params.ts
# (test/params.test.ts checks).
PARAM_KEYS=(
  APT_LOCK_TIMEOUT ARTIFACT_URL CLOUD_INIT_TIMEOUT DOWNLOAD_ATTEMPTS DOWNLOAD_TIMEOUT
  IMAGES_TIMEOUT IMAGE_ARCHIVES INSTALL_TIMEOUT INSTALL_URL LEAVE_TIMEOUT NODE_NAME
  POLL_INTERVAL READY_TIMEOUT REGISTRATION_TIMEOUT RETRY_INTERVAL RKE2_VERSION ROLE
)
CLUSTER_PARAM_KEYS=(CONTROL_PLANE_ENDPOINT PEERS REGISTRATION_ADDRESS REGISTRATION_PORT)
SECONDS_RE='^[0-9]+(\.[0-9]{1,6})?$'

# read_kv_file FILE KEY...: set one shell variable per KEY. Never sourced or eval'ed: values are
# taken literally, unknown or duplicate keys and malformed lines are errors, every key is required.
read_kv_file() {
  local file=$1 line key value n=0
  shift
  local -A seen=()
  [[ -f $file && -r $file ]] || die "params file $file is missing or unreadable"
  while IFS= read -r line || [[ -n $line ]]; do
    n=$((n + 1))
    [[ $line =~ ^([A-Z][A-Z0-9_]*)=(.*)$ ]] || die "$file:$n: not a KEY=VALUE line"
    key=${BASH_REMATCH[1]} value=${BASH_REMATCH[2]}
    [[ " $* " == *" $key "* ]] || die "$file:$n: unknown key $key"
    [[ -z ${seen[$key]:-} ]] || die "$file:$n: duplicate key $key"
    [[ -n $value && $value =~ ^[[:print:]]+$ ]] || die "$file:$n: $key is empty or not printable"
    seen[$key]=1
    printf -v "$key" '%s' "$value"
  done <"$file"
  for key in "$@"; do
    [[ -n ${seen[$key]:-} ]] || die "$file: missing required key $key"
  done
}

# read_params FILE: params.env. Also sets STAGE_DIR, the staging directory holding the file (and
# config.yaml, cluster.env).
read_params() {
  local file=$1 key
  read_kv_file "$file" "${PARAM_KEYS[@]}"
  # Light type checks: the values feed arithmetic and command options.
  [[ $ROLE == init || $ROLE == join ]] || die "$file: ROLE must be init or join, not $ROLE"
  [[ $IMAGE_ARCHIVES == none || $IMAGE_ARCHIVES =~ ^rke2-images-[a-z0-9-]+\.linux-amd64\.tar\.zst(,rke2-images-[a-z0-9-]+\.linux-amd64\.tar\.zst)*$ ]] ||
    die "$file: IMAGE_ARCHIVES must be none or comma-separated rke2-images-*.linux-amd64.tar.zst names"
  for key in CLOUD_INIT_TIMEOUT APT_LOCK_TIMEOUT DOWNLOAD_TIMEOUT IMAGES_TIMEOUT INSTALL_TIMEOUT \
    REGISTRATION_TIMEOUT READY_TIMEOUT LEAVE_TIMEOUT RETRY_INTERVAL POLL_INTERVAL; do
    [[ ${!key} =~ $SECONDS_RE && ${!key} =~ [1-9] ]] || die "$file: $key must be seconds > 0"
  done
  [[ $DOWNLOAD_ATTEMPTS =~ ^[1-9][0-9]{0,4}$ ]] || die "$file: DOWNLOAD_ATTEMPTS must be a positive integer"
  STAGE_DIR="$(cd "$(dirname "$file")" && pwd)"
  CLUSTER_PARAMS="$STAGE_DIR/cluster.env"
}

# read_cluster_params: cluster.env next to params.env (call read_params first).
read_cluster_params() {
  read_kv_file "$CLUSTER_PARAMS" "${CLUSTER_PARAM_KEYS[@]}"
  [[ $PEERS == none || $PEERS =~ ^[0-9.]+(,[0-9.]+)*$ ]] ||
    die "$CLUSTER_PARAMS: PEERS must be none or comma-separated IPv4 addresses"
  [[ $REGISTRATION_PORT =~ ^[1-9][0-9]{0,4}$ ]] ||
    die "$CLUSTER_PARAMS: REGISTRATION_PORT must be a positive integer"
}

# ------------------------------------------------------------------------------ time and bounds
# These set variables instead of printing, to spare a subshell per poll.
# now_us: NOW_US = microseconds since the epoch.
now_us() {
  if [[ -n ${EPOCHREALTIME:-} ]]; then NOW_US=${EPOCHREALTIME//[!0-9]/}; else NOW_US=$(date +%s%6N); fi
}
# secs_to_us SECONDS: US = SECONDS in microseconds ("1.5" -> 1500000).
secs_to_us() {
  local s=$1 frac=000000
  [[ $s =~ $SECONDS_RE ]] || die "internal: not a number of seconds: $s"
  [[ $s == *.* ]] && frac="${s#*.}000000"
  US=$((10#${s%%.*} * 1000000 + 10#${frac:0:6}))
}

# set_deadline SECONDS: start a time budget that `bounded` commands share.
DEADLINE_US=0
set_deadline() {
  now_us
  secs_to_us "$1"
  DEADLINE_US=$((NOW_US + US))
}
deadline_passed() {
  now_us
  ((NOW_US >= DEADLINE_US))
}

# bounded CMD...: run CMD, killed at the current deadline (exit 124 when it is cut off).
bounded() {
  local left frac
  now_us
  left=$((DEADLINE_US - NOW_US))
  ((left > 0)) || return 124
  printf -v frac '%06d' $((left % 1000000))
  timeout --kill-after=5 "$((left / 1000000)).$frac" "$@"
}

# retry ATTEMPTS INTERVAL DESC CMD...: run CMD up to ATTEMPTS times; die naming DESC when all fail.
retry() {
  local attempts=$1 interval=$2 desc=$3 i
  shift 3
  for ((i = 1; ; i++)); do
    if "$@"; then return 0; fi
    ((i < attempts)) || die "$desc failed after $attempts attempts"
    warn "$desc failed (attempt $i of $attempts); retrying in ${interval}s"
    sleep "$interval"
  done
}

# wait_until TIMEOUT INTERVAL DESC CMD...: poll CMD until it succeeds; die naming DESC and the
# timeout when it never does. CMD may use `bounded` so a hung probe cannot outlive the timeout.
# CMD runs as an `if` condition, so set -e is off inside it: probes must check their own steps.
wait_until() {
  local timeout=$1 interval=$2 desc=$3
  shift 3
  set_deadline "$timeout"
  log "waiting up to ${timeout}s for $desc"
  until "$@"; do
    deadline_passed && die "timed out after ${timeout}s waiting for $desc"
    sleep "$interval"
  done
  log "done waiting for $desc"
}

# -------------------------------------------------------------------------------------- files
# install_file SRC DST MODE: write DST only when its content or mode differs (atomically, via a
# temp file in the same directory). Sets FILE_CHANGED=1 when it wrote, 0 when DST was current.
FILE_CHANGED=0
install_file() {
  local src=$1 dst=$2 mode=$3 tmp
  if [[ -f $dst ]] && cmp -s "$src" "$dst" && ((8#$(stat -c %a "$dst") == 8#$mode)); then
    FILE_CHANGED=0
    log "$dst is up to date"
    return 0
  fi
  mkdir -p "$(dirname "$dst")"
  tmp="$(mktemp "$(dirname "$dst")/.${dst##*/}.XXXXXX")" # mktemp creates it 0600
  cat "$src" >"$tmp"
  chmod "$mode" "$tmp"
  mv -f "$tmp" "$dst"
  FILE_CHANGED=1
  log "installed $dst (mode $mode)"
}

# ------------------------------------------------------------------------------------ rke2 bits
# The installer puts its files in /usr/local/bin (tarball) or /usr/bin (rpm): print where NAME is.
installed_bin() {
  local p
  for p in "$RANCHER_HA_ROOT/usr/local/bin/$1" "$RANCHER_HA_ROOT/usr/bin/$1"; do
    [[ -x $p ]] && printf '%s' "$p" && return 0
  done
  return 1
}
rke2_bin() { installed_bin rke2; }

# Prints the installed version ("v1.36.3+rke2r1"), or nothing when rke2 is not installed.
installed_rke2_version() {
  local bin out
  bin="$(rke2_bin)" || return 0
  out="$(timeout 30 "$bin" --version 2>/dev/null)" || return 0
  # First line: "rke2 version v1.36.3+rke2r1 (<commit>)"
  [[ $out =~ ^rke2\ version\ ([^[:space:]]+) ]] && printf '%s' "${BASH_REMATCH[1]}"
  return 0
}

# ------------------------------------------------------------------------------------ rke2-server
# Used by rke2-start.sh and the restore scripts (restore-lib.sh).

# show_service_log STATUS: an exit hook (on_exit); on failure, the end of the service's log.
show_service_log() {
  (($1 != 0)) || return 0
  log "last 50 lines of the $SERVICE log:"
  timeout 10 journalctl -u "$SERVICE" --no-pager -n 50 >&2 || warn "could not read the $SERVICE log"
}

kube() { bounded "$RKE2_KUBECTL" --kubeconfig "$RKE2_KUBECONFIG" --request-timeout=10s "$@"; }

LAST_STATUS=""
# node_ready NAME: the local API is ready and node NAME reports Ready on INSTALLED_VERSION, which
# the caller sets (installed_rke2_version): after an upgrade the kubelet version proves the
# restart really happened. Logs each new status once.
node_ready() {
  local name=$1 status
  kube get --raw /readyz >/dev/null 2>&1 || return 1
  status="$(kube get node "$name" -o \
    'jsonpath={.status.conditions[?(@.type=="Ready")].status} {.status.nodeInfo.kubeletVersion}' \
    2>/dev/null)" || return 1
  if [[ $status != "$LAST_STATUS" ]]; then
    log "node $name: Ready=${status% *}, kubelet ${status##* }"
    LAST_STATUS=$status
  fi
  [[ $status == "True ${INSTALLED_VERSION:?node_ready: INSTALLED_VERSION is not set}" ]]
}

# rewrite_kubeconfig FILE ENDPOINT: print FILE with RKE2's local API address replaced by ENDPOINT.
# Nothing is printed unless the rewrite succeeded, so callers never get half a document.
rewrite_kubeconfig() {
  local file=$1 endpoint=$2 line out="" n=0
  [[ -f $file ]] || die "$file not found: has rke2-server started on this node?"
  while IFS= read -r line || [[ -n $line ]]; do
    if [[ $line =~ ^([[:space:]]*)server:[[:space:]]+https://127\.0\.0\.1:6443[[:space:]]*$ ]]; then
      line="${BASH_REMATCH[1]}server: $endpoint"
      n=$((n + 1))
    fi
    out+="$line"$'\n'
  done <"$file"
  ((n > 0)) || die "$file has no 'server: https://127.0.0.1:6443' line to rewrite"
  printf '%s' "$out"
}

# --------------------------------------------------------------------------------- membership
# member_kind KIND: dies unless KIND names a transport.
member_kind() {
  [[ " ${MEMBER_KINDS[*]} " == *" $1 "* ]] || die "unknown access kind '$1' (one of: ${MEMBER_KINDS[*]})"
}

# ------------------------------------------------------------------------------------ sealing
# Secrets cross SSM only as RSA-OAEP-SHA256 ciphertext (ssm/seal.ts holds the other side):
# a header line "rancher-ha-sealed v1 CHUNKS BYTES", then one base64 line per chunk of at most
# SEAL_CHUNK bytes (3072-bit key: 384 - 2*32 - 2 = 318).
SEALED_MAGIC="rancher-ha-sealed v1"
SEAL_CHUNK=318
RSA_BITS=3072
NONCE_RE='^[0-9a-f]{32}$'

# oaep pkeyutl-ARGS...: openssl pkeyutl with OAEP, SHA-256 for both the digest and MGF1.
oaep() {
  openssl pkeyutl "$@" -pkeyopt rsa_padding_mode:oaep -pkeyopt rsa_oaep_md:sha256 \
    -pkeyopt rsa_mgf1_md:sha256
}

# run_dir: the tmpfs directory for one-run keys, created 0700.
run_dir() {
  mkdir -p "$RUN_DIR"
  chmod 0700 "$RUN_DIR"
}

# key_file NONCE: KEY_FILE = the one-run private key for NONCE (checked to be a nonce).
key_file() {
  [[ $1 =~ $NONCE_RE ]] || die "not a one-run key id: $1 (32 lower-case hex digits)"
  KEY_FILE="$RUN_DIR/$1.key"
}
