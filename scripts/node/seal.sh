#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# seal.sh PARAMS_FILE PUBLIC_KEY_FILE  (secret on stdin)
# Encrypts stdin to the given RSA public key (the SSM runner's one-run key) and prints the sealed
# text: a header line, then one base64 line per chunk. Used as `rke2-kubeconfig.sh ... | seal.sh
# ...` so the kubeconfig leaves the node only as ciphertext. Prints nothing unless every chunk was
# sealed; refuses empty input (the command before it failed) and keys under 3072 bits.
# Exit: 0 printed, 1 failure, 2 usage.
set -euo pipefail
# shellcheck source=lib.sh # (lib.sh sits next to this script)
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
USAGE_ARGS="PUBLIC_KEY_FILE"

main() {
  (($# == 2)) || usage
  read_params "$1"
  require_root
  local pub=$2 bits chunk n=0 size
  [[ -f $pub ]] || die "public key file $pub not found"
  bits="$(openssl pkey -pubin -in "$pub" -noout -text 2>/dev/null | sed -n 's/^Public-Key: (\([0-9]*\) bit)$/\1/p')"
  [[ $bits =~ ^[0-9]+$ ]] || die "$pub is not an RSA public key"
  ((bits >= RSA_BITS)) || die "$pub is a $bits-bit key; at least $RSA_BITS bits are required"
  make_run_workdir

  cat >"$WORKDIR/plain"
  size="$(stat -c %s "$WORKDIR/plain")"
  ((size > 0)) || die "nothing to seal on stdin"
  split -b "$SEAL_CHUNK" -d -a 4 "$WORKDIR/plain" "$WORKDIR/c."
  rm -f "$WORKDIR/plain"
  for chunk in "$WORKDIR"/c.*; do
    n=$((n + 1))
    oaep -encrypt -pubin -inkey "$pub" -in "$chunk" >"$WORKDIR/sealed" 2>/dev/null ||
      die "could not seal chunk $n"
    rm -f "$chunk"
    { base64 -w0 "$WORKDIR/sealed" && echo; } >>"$WORKDIR/lines"
  done
  printf '%s %d %d\n' "$SEALED_MAGIC" "$n" "$size"
  cat "$WORKDIR/lines"
  log "sealed $size bytes in $n chunks"
}

main "$@"
