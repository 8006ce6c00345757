#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# rke2-manifests.sh PARAMS_FILE
# (Re)installs the staged manifests/*.yaml into RKE2's server manifests directory (0600) on a
# running node, e.g. after a front-end change. RKE2's deploy controller applies changed files
# live, so the service is never restarted. Idempotent.
# Exit: 0 done, 1 failure, 2 usage.
set -euo pipefail
# shellcheck source=lib.sh # (lib.sh sits next to this script)
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

main() {
  (($# == 1)) || usage
  read_params "$1"
  require_root
  sync_manifests
  if ((MANIFESTS_CHANGED)); then
    log "manifests updated; RKE2 applies them without a restart"
  else
    log "manifests already up to date"
  fi
}

main "$@"
