#!/usr/bin/env bash
# systemctl for the rke2-server unit. State: state/service.active (holds the version the server
# runs), state/service.enabled. start/restart follow plan key "systemctl.start"; a successful
# start runs the installed rke2 version and, like RKE2, writes /etc/rancher/rke2/rke2.yaml.
# stop follows plan key "systemctl.stop" (ok, or fail: the service stays active).
# `start --no-block` queues the start and returns (it is then active).
# shellcheck source=test/sandbox/stubs/stub-lib.bash
source "${BASH_SOURCE[0]%/*}/stub-lib.bash" # an absolute path (see write_wrapper)
stub_log systemctl "$@"

quiet=0
args=()
for a in "$@"; do
  case $a in
    -q | --quiet) quiet=1 ;;
    --no-pager | --no-block) ;;
    *) args+=("$a") ;;
  esac
done
verb=${args[0]:-}
unit=${args[1]:-}
unit=${unit%.service}
active="$STATE/service.active"
enabled="$STATE/service.enabled"
say() { ((quiet)) || echo "$1"; }

[[ $verb == daemon-reload || $unit == rke2-server ]] || unsupported "$@"
case $verb in
  daemon-reload) ;;
  is-active)
    [[ -f $active ]] || {
      say inactive
      exit 3
    }
    say active
    ;;
  is-enabled)
    [[ -f $enabled ]] || {
      say disabled
      exit 1
    }
    say enabled
    ;;
  enable) : >"$enabled" ;;
  disable) rm -f "$enabled" ;;
  stop)
    outcome systemctl.stop
    [[ $OUTCOME == ok ]] || {
      echo "Job for rke2-server.service canceled." >&2
      exit 1
    }
    rm -f "$active"
    ;;
  start | restart)
    bin="$ROOT/usr/local/bin/rke2"
    [[ -x $bin ]] || {
      echo "Failed to $verb rke2-server.service: Unit rke2-server.service not found." >&2
      exit 5
    }
    # What `ls -1` of both directories prints, with a glob instead of two processes.
    for f in "$ROOT/etc/rancher/rke2"/* "$ROOT/var/lib/rancher/rke2/server/manifests"/*; do
      if [[ -e $f ]]; then printf '%s\n' "${f##*/}"; fi
    done >"$STATE/start.snapshot"
    outcome systemctl.start
    [[ $OUTCOME == stale && -f $active ]] && exit 0
    if [[ $OUTCOME != ok ]]; then
      rm -f "$active"
      echo "Job for rke2-server.service failed because the control process exited with error code." >&2
      exit 1
    fi
    version=$(STUB_NO_LOG=1 "$bin" --version)
    read -r _ _ version _ <<<"$version" # "rke2 version V (commit)"
    printf '%s\n' "$version" >"$active"
    kubeconfig="$ROOT/etc/rancher/rke2/rke2.yaml"
    if [[ ! -f $kubeconfig ]]; then
      [[ -d ${kubeconfig%/*} ]] || mkdir -p "${kubeconfig%/*}"
      umask 077 # 0600, like RKE2's write-kubeconfig-mode; the stub exits right after
      cat "$SB/fixtures/rke2.yaml" >"$kubeconfig"
    fi
    ;;
  *) unsupported "$@" ;;
esac
