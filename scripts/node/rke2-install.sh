#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# rke2-install.sh PARAMS_FILE
# Installs RKE2_VERSION with the official installer, or does nothing when it is already installed.
# It never starts, stops or restarts rke2-server: a running server keeps running on the old binary
# until rke2-start.sh restarts it, which is what makes installing on all nodes in parallel and
# rolling upgrades (install everywhere, then restart one node at a time) safe.
# Exit: 0 installed (or already was), 1 failure, 2 usage.
set -euo pipefail
# shellcheck source=lib.sh # (lib.sh sits next to this script)
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

download_installer() {
  curl -fsSL --connect-timeout 10 --max-time "$DOWNLOAD_TIMEOUT" -o "$WORKDIR/install.sh" "$INSTALL_URL"
}

run_installer() {
  INSTALL_RKE2_VERSION="$RKE2_VERSION" INSTALL_RKE2_TYPE=server \
    timeout --kill-after=10 "$INSTALL_TIMEOUT" sh "$WORKDIR/install.sh" >&2
}

# v1.36.3+rke2r1 → 36
minor_of() {
  local v="${1#v}"
  v="${v#*.}"
  printf '%s' "${v%%.*}"
}

main() {
  (($# == 1)) || usage
  read_params "$1"
  require_root

  local current
  current="$(installed_rke2_version)"
  if [[ $current == "$RKE2_VERSION" ]]; then
    log "RKE2 $RKE2_VERSION is already installed; nothing to do"
    return 0
  fi
  # RKE2 does not support downgrades (etcd and the datastore only move forward).
  if [[ -n $current && "$(printf '%s\n' "$current" "$RKE2_VERSION" | sort -V | tail -n 1)" == "$current" ]]; then
    die "refusing to downgrade RKE2 from $current to $RKE2_VERSION (not supported by RKE2)"
  fi
  # Nor skipping a minor: Kubernetes allows one minor of skew between API servers.
  if [[ -n $current ]] && (($(minor_of "$RKE2_VERSION") - $(minor_of "$current") > 1)); then
    die "refusing to upgrade RKE2 from $current to $RKE2_VERSION: it skips a minor release; set rancher-ha:rke2Version to a v1.$(($(minor_of "$current") + 1)).x release first"
  fi
  log "installing RKE2 $RKE2_VERSION (installed: ${current:-none})"

  make_workdir
  retry "$DOWNLOAD_ATTEMPTS" "$RETRY_INTERVAL" "download of the RKE2 installer from $INSTALL_URL" \
    download_installer
  retry "$DOWNLOAD_ATTEMPTS" "$RETRY_INTERVAL" "RKE2 installer for $RKE2_VERSION" run_installer

  current="$(installed_rke2_version)"
  [[ $current == "$RKE2_VERSION" ]] ||
    die "after installing, rke2 --version reports '${current:-nothing}' instead of $RKE2_VERSION"
  log "RKE2 $RKE2_VERSION installed; rke2-server was not restarted (rke2-start.sh does that)"
}

main "$@"
