#!/usr/bin/env bash
# rke2-uninstall.sh: plan key "uninstall". Removes what the installer and the server created.
# shellcheck source=test/sandbox/stubs/stub-lib.bash
source "${BASH_SOURCE[0]%/*}/stub-lib.bash" # an absolute path (see write_wrapper)
stub_log rke2-uninstall "$@"
outcome uninstall
[[ $OUTCOME == ok ]] || exit 1
rm -f "$STATE/service.active" "$STATE/service.enabled"
rm -rf "$ROOT/etc/rancher/rke2" "$ROOT/var/lib/rancher/rke2"
rm -f "$ROOT/usr/local/bin/rke2" "$ROOT/usr/local/bin/rke2-uninstall.sh"
