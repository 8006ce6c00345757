#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# open-secret.sh PARAMS_FILE NONCE  (sealed text on stdin)
# Decrypts a secret sealed to the one-run key NONCE (node-keys.sh) and prints it on stdout, for
# the next command in a pipe (rke2-start.sh reads the join token from stdin). The key is deleted
# whatever happens: a sealed text can be opened once. Nothing is printed unless every chunk
# decrypted and the sizes match, so the reader never gets half a secret.
# Exit: 0 printed, 1 failure, 2 usage.
set -euo pipefail
# shellcheck source=lib.sh # (lib.sh sits next to this script)
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
USAGE_ARGS="NONCE"

remove_key() { rm -f "$KEY_FILE"; }

main() {
  (($# == 2)) || usage
  read_params "$1"
  require_root
  key_file "$2"
  on_exit remove_key
  [[ -f $KEY_FILE ]] || die "one-run key $2 does not exist (used already, or never generated)"
  make_run_workdir

  local magic1 magic2 chunks bytes line n=0
  read -r -t 30 magic1 magic2 chunks bytes || die "no sealed text on stdin"
  [[ "$magic1 $magic2" == "$SEALED_MAGIC" && $chunks =~ ^[1-9][0-9]{0,3}$ && $bytes =~ ^[1-9][0-9]*$ ]] ||
    die "stdin is not a sealed text (no '$SEALED_MAGIC' header)"
  while IFS= read -r -t 30 line; do
    [[ -n $line ]] || continue
    n=$((n + 1))
    ((n <= chunks)) || die "sealed text has more chunks than its header says ($chunks)"
    printf '%s' "$line" | base64 -d >"$WORKDIR/chunk" 2>/dev/null || die "chunk $n is not base64"
    oaep -decrypt -inkey "$KEY_FILE" -in "$WORKDIR/chunk" >>"$WORKDIR/plain" 2>/dev/null ||
      die "chunk $n does not decrypt with one-run key $2"
  done
  ((n == chunks)) || die "sealed text has $n chunks, its header says $chunks"
  (($(stat -c %s "$WORKDIR/plain") == bytes)) || die "opened secret is not $bytes bytes long"
  remove_key
  cat "$WORKDIR/plain"
}

main "$@"
