#!/usr/bin/env bash
# cloud-init status [--wait]: plan key "cloud-init": ok (done), degraded (exit 2), error (exit 1).
# shellcheck source=test/sandbox/stubs/stub-lib.bash
source "${BASH_SOURCE[0]%/*}/stub-lib.bash" # an absolute path (see write_wrapper)
stub_log cloud-init "$@"
[[ ${1:-} == status ]] || unsupported "$@"
outcome cloud-init
case $OUTCOME in
  ok) echo "status: done" ;;
  degraded)
    echo "status: done"
    exit 2
    ;;
  error)
    echo "status: error"
    exit 1
    ;;
  *) unsupported "outcome $OUTCOME" ;;
esac
