#!/usr/bin/env bash
# systemctl for the rke2-server unit. State: state/service.active (holds the version the server
# runs), state/service.enabled. start/restart follow plan key "systemctl.start"; a successful
# start runs the installed rke2 version and, like RKE2, writes /etc/rancher/rke2/rke2.yaml.
# stop follows plan key "systemctl.stop" (ok, or fail: the service stays active).
# `start --no-block` queues the start and returns (it is then active).
# shellcheck source=test/sandbox/stubs/stub-lib.bash
source "$(dirname "${BASH_SOURCE[0]}")/stub-lib.bash"
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
  enable) touch "$enabled" ;;
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
    {
      ls -1 "$ROOT/etc/rancher/rke2" 2>/dev/null || true
      ls -1 "$ROOT/var/lib/rancher/rke2/server/manifests" 2>/dev/null || true
    } >"$STATE/start.snapshot"
    outcome systemctl.start
    [[ $OUTCOME == stale && -f $active ]] && exit 0
    if [[ $OUTCOME != ok ]]; then
      rm -f "$active"
      echo "Job for rke2-server.service failed because the control process exited with error code." >&2
      exit 1
    fi
    STUB_NO_LOG=1 "$bin" --version | awk 'NR == 1 { print $3 }' >"$active"
    kubeconfig="$ROOT/etc/rancher/rke2/rke2.yaml"
    if [[ ! -f $kubeconfig ]]; then
      mkdir -p "$(dirname "$kubeconfig")"
      cp "$SB/fixtures/rke2.yaml" "$kubeconfig"
      chmod 0600 "$kubeconfig"
    fi
    ;;
  *) unsupported "$@" ;;
esac
