#!/usr/bin/env bash
# fuser FILE...: plan key "fuser": free (default; exit 1 like fuser when nobody uses the files)
# or held (exit 0, a PID on stdout).
# shellcheck source=test/sandbox/stubs/stub-lib.bash
source "${BASH_SOURCE[0]%/*}/stub-lib.bash" # an absolute path (see write_wrapper)
stub_log fuser "$@"
outcome fuser free
case $OUTCOME in
  free) exit 1 ;;
  held)
    echo "$1:" >&2
    echo " 4242"
    ;;
  *) unsupported "outcome $OUTCOME" ;;
esac
