#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# member-claim.sh PARAMS_FILE KIND
# Records that the KIND transport (ssh or ssm) holds this server's cluster membership: its member
# step exists, and its delete (rke2-leave.sh PARAMS_FILE KIND) will release the claim. When the
# stack switches transport, the new member step claims first and the old one's delete then finds
# the new claim and does not take the server out of the cluster. Safe to run twice.
# Exit: 0 claimed, 1 bad params or kind, 2 usage.
set -euo pipefail
# shellcheck source=lib.sh # (lib.sh sits next to this script)
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
USAGE_ARGS="KIND"

main() {
  (($# == 2)) || usage
  read_params "$1"
  require_root
  member_kind "$2"
  mkdir -p "$MEMBERS_DIR"
  chmod 0700 "$STATE_DIR" "$MEMBERS_DIR"
  : >"$MEMBERS_DIR/$2"
  log "$NODE_NAME: cluster membership held by $2 access"
}

main "$@"
