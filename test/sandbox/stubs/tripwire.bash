#!/usr/bin/env bash
# Stands in for programs the scripts must not take from PATH (rke2, rke2-uninstall.sh live under
# RANCHER_HA_ROOT): logs the call as "tripwire" and fails.
# shellcheck source=test/sandbox/stubs/stub-lib.bash
source "${BASH_SOURCE[0]%/*}/stub-lib.bash" # an absolute path (see write_wrapper)
stub_log tripwire "$@"
echo "sandbox: ${STUB_PATH:-?} was taken from PATH; use the path under RANCHER_HA_ROOT" >&2
exit 127
