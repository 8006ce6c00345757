# shellcheck shell=bash
# Shared by the sandbox stubs. Each stub runs through a tiny wrapper (see write_wrapper and
# sandbox.ts) that exports STUB_SANDBOX (the sandbox directory) and STUB_PATH (the wrapper's path).
#
# Behaviour is planned per test in $STUB_SANDBOX/ctl/KEY: one outcome per line, consumed in order,
# the last one repeating (no file: the stub's default). Outcomes every stub understands:
#   hang      block (until a timeout kills it)
#   delay:S   sleep S seconds, then behave as "ok"
set -euo pipefail

SB="${STUB_SANDBOX:?stub called outside a sandbox}"
CTL="$SB/ctl"
STATE="$SB/state"
# shellcheck disable=SC2034 # used by the stubs that source this file
ROOT="$SB/root"
STUBS_DIR="${BASH_SOURCE[0]%/*}" # wrappers use absolute paths

# stub_log NAME ARGS...: append one record to calls.log: NUL-separated name, wrapper path, argc,
# args, env count, then the INSTALL_RKE2_* / RKE2_* environment variables as KEY=VALUE.
stub_log() {
  local name=$1 v
  shift
  local -a envs=()
  for v in "${!INSTALL_RKE2_@}" "${!RKE2_@}"; do envs+=("$v=${!v}"); done
  printf '%s\0' "$name" "${STUB_PATH:-}" "$#" "$@" "${#envs[@]}" "${envs[@]}" >>"$SB/calls.log"
}

# outcome KEY [DEFAULT]: set OUTCOME to the next planned outcome for KEY.
outcome() {
  local key=$1 n=0 count="$STATE/$1.count"
  local -a lines=()
  # A call cut off by a timeout between the truncation and the write of its count leaves the
  # file empty: that call did not count, and the next one must still answer (not die on read).
  if [[ -f $count ]]; then read -r n <"$count" || n=${n:-0}; fi
  printf '%s\n' $((n + 1)) >"$count"
  OUTCOME=${2:-ok}
  [[ -f $CTL/$key ]] && mapfile -t lines <"$CTL/$key"
  if ((${#lines[@]} > 0)); then
    OUTCOME=${lines[n < ${#lines[@]} ? n : ${#lines[@]} - 1]}
  fi
  case $OUTCOME in
    hang) exec sleep 3600 ;;
    delay:*)
      sleep "${OUTCOME#delay:}"
      OUTCOME=ok
      ;;
  esac
}

unsupported() {
  echo "sandbox stub ${STUB_PATH:-?}: unsupported call: $*" >&2
  exit 99
}

# write_wrapper DEST IMPL [NAME=VALUE...]: install an executable that runs stubs/IMPL.bash
# (same format as Sandbox.writeWrapper in sandbox.ts).
write_wrapper() {
  local dest=$1 impl=$2 kv
  shift 2
  mkdir -p "${dest%/*}"
  {
    echo "#!$BASH"
    echo "export STUB_SANDBOX='$SB' STUB_PATH='$dest'"
    for kv in "$@"; do echo "export ${kv%%=*}='${kv#*=}'"; done
    echo "source '$STUBS_DIR/$impl.bash' \"\$@\""
  } >"$dest"
  chmod 0755 "$dest"
}
