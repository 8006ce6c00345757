#!/usr/bin/env bash
# kubectl against a pretend API. With a kubeconfig pointing at 127.0.0.1 the API answers only
# while the service stub is active; another server (the control-plane endpoint) always does.
# Plan keys: kubectl.readyz (get --raw /readyz), kubectl.node (get node: ok = Ready, or
# notready), kubectl.delete (delete node).
# shellcheck source=test/sandbox/stubs/stub-lib.bash
source "${BASH_SOURCE[0]%/*}/stub-lib.bash" # an absolute path (see write_wrapper)
stub_log kubectl "$@"

kubeconfig=""
args=()
while (($#)); do
  case $1 in
    --kubeconfig)
      kubeconfig=$2
      shift
      ;;
    --kubeconfig=*) kubeconfig=${1#*=} ;;
    --request-timeout=*) ;;
    *) args+=("$1") ;;
  esac
  shift
done
[[ -f $kubeconfig ]] || {
  echo "error: stat $kubeconfig: no such file or directory" >&2
  exit 1
}
# Builtins only (no grep, cat): the scripts poll kubectl, and a process per call adds up.
config=""
IFS= read -r -d '' config <"$kubeconfig" || true
if [[ $config == *'server: https://127.0.0.1:6443'* && ! -f $STATE/service.active ]]; then
  echo "The connection to the server 127.0.0.1:6443 was refused - did you specify the right host or port?" >&2
  exit 1
fi
running=unknown
# (Empty when a start was cut off before it wrote the version: that start did not finish.)
if [[ -f $STATE/service.active ]]; then read -r running <"$STATE/service.active" || true; fi
unreachable() {
  echo "Unable to connect to the server: dial tcp 10.0.0.10:6443: i/o timeout" >&2
  exit 1
}

case "${args[*]}" in
  "get --raw /readyz")
    outcome kubectl.readyz
    [[ $OUTCOME == ok ]] || unreachable
    echo ok
    ;;
  "get node "*)
    outcome kubectl.node
    if [[ -f $STATE/node.deleted ]]; then
      echo "Error from server (NotFound): nodes \"${args[2]}\" not found" >&2
      exit 1
    fi
    case $OUTCOME in
      ok) printf 'True %s' "$running" ;;
      notready) printf 'False %s' "$running" ;;
      *) unreachable ;;
    esac
    ;;
  "delete node "*)
    outcome kubectl.delete
    [[ $OUTCOME == ok ]] || unreachable
    touch "$STATE/node.deleted"
    echo "node \"${args[2]}\" deleted"
    ;;
  *) unsupported "${args[@]}" ;;
esac
