#!/usr/bin/env bash
# rke2-killall.sh: plan key "killall": ok (default) or fail. Marks state/killed.
# shellcheck source=test/sandbox/stubs/stub-lib.bash
source "${BASH_SOURCE[0]%/*}/stub-lib.bash" # an absolute path (see write_wrapper)
stub_log rke2-killall "$@"
outcome killall
[[ $OUTCOME == ok ]] || {
  echo "umount: /run/k3s/containerd: target is busy" >&2
  exit 1
}
: >"$STATE/killed"
