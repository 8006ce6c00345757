#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# rke2-kubeconfig.sh PARAMS_FILE
# Prints RKE2's admin kubeconfig with its server rewritten from https://127.0.0.1:6443 to
# CONTROL_PLANE_ENDPOINT (cluster.env). stdout carries the kubeconfig and nothing else (it holds the admin
# credentials: the caller must treat it as a secret); messages go to stderr.
# Exit: 0 printed, 1 kubeconfig missing or not rewritable, 2 usage.
set -euo pipefail
# shellcheck source=lib.sh # (lib.sh sits next to this script)
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

main() {
  (($# == 1)) || usage
  read_params "$1"
  read_cluster_params
  require_root
  rewrite_kubeconfig "$RKE2_KUBECONFIG" "$CONTROL_PLANE_ENDPOINT"
}

main "$@"
