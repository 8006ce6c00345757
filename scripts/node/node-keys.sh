#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# node-keys.sh PARAMS_FILE NONCE
# Prints the public half (PEM) of a one-run RSA key for NONCE, generating the key in the tmpfs
# run directory (0600) when it does not exist yet: the SSM runner seals a secret to it, and
# open-secret.sh decrypts and deletes it. Asking again for the same NONCE prints the same key.
# Keys nobody used within an hour are removed (a runner that died between the two commands).
# Exit: 0 printed, 1 failure, 2 usage.
set -euo pipefail
# shellcheck source=lib.sh # (lib.sh sits next to this script)
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
USAGE_ARGS="NONCE"
# Minutes an unused key may live.
KEY_MAX_AGE=60

main() {
  (($# == 2)) || usage
  read_params "$1"
  require_root
  key_file "$2"
  run_dir
  find "$RUN_DIR" -maxdepth 1 -name '*.key' -mmin +"$KEY_MAX_AGE" -delete
  if [[ ! -f $KEY_FILE ]]; then
    (umask 077 && timeout 60 openssl genpkey -quiet -algorithm RSA \
      -pkeyopt rsa_keygen_bits:"$RSA_BITS" -out "$KEY_FILE.tmp") ||
      die "could not generate a one-run key"
    mv -f "$KEY_FILE.tmp" "$KEY_FILE"
    log "generated one-run key $2"
  fi
  openssl pkey -in "$KEY_FILE" -pubout
}

main "$@"
