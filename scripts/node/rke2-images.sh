#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# rke2-images.sh PARAMS_FILE
# Stages the image archives of RKE2_VERSION (IMAGE_ARCHIVES) in RKE2's images directory, where
# rke2-server imports them when it starts (RKE2's air-gap "manually deploy images" method), so a
# start pulls nothing from the internet. Each archive is checked against the release's
# sha256sum-amd64.txt before it is moved into place. Downloads resume (curl -C -) from a partial
# file kept outside the images directory; attempts are bounded. An archive already in place with
# the right checksum is not downloaded again; archives of ours that the version no longer needs
# are removed. Never touches rke2-server.
# Exit: 0 staged (or already were), 1 failure, 2 usage.
set -euo pipefail
# shellcheck source=lib.sh # (lib.sh sits next to this script)
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

IMAGES_DIR="$RANCHER_HA_ROOT/var/lib/rancher/rke2/agent/images"
# Partial downloads live outside IMAGES_DIR: RKE2 must never import half an archive.
PARTIAL_DIR="$STATE_DIR/images-partial"
ARCHIVE_GLOB='rke2-images-*.linux-amd64.tar.zst'

sha256_of() { sha256sum "$1" | cut -d' ' -f1; }

download_checksums() {
  curl -fsSL --connect-timeout 10 --max-time "$DOWNLOAD_TIMEOUT" -o "$WORKDIR/sha256sum.txt" \
    "$BASE_URL/sha256sum-amd64.txt"
}

# expected_sha NAME: the release's checksum for NAME (exact file name match).
expected_sha() {
  local sum
  sum="$(awk -v f="$1" '$2 == f { print $1; exit }' "$WORKDIR/sha256sum.txt")"
  [[ $sum =~ ^[0-9a-f]{64}$ ]] || die "$1 is not listed in $BASE_URL/sha256sum-amd64.txt (is $RKE2_VERSION a release with this archive?)"
  printf '%s' "$sum"
}

# fetch_archive NAME SHA: one attempt at completing NAME's partial download and checking it.
fetch_archive() {
  local name=$1 want=$2 part="$PARTIAL_DIR/$1.part" rc=0 got
  if [[ ! -f $part || "$(sha256_of "$part")" != "$want" ]]; then
    curl -fsSL -C - --connect-timeout 10 --max-time "$IMAGES_TIMEOUT" -o "$part" \
      "$BASE_URL/$name" || rc=$?
    if ((rc == 33)); then
      # The server cannot resume (no byte ranges): start over next time.
      rm -f "$part"
    fi
    if ((rc != 0)); then
      warn "download of $name stopped (curl exit $rc) with $(stat -c %s "$part" 2>/dev/null || echo 0) bytes; the next attempt resumes"
      return 1
    fi
  fi
  got="$(sha256_of "$part")"
  if [[ $got != "$want" ]]; then
    rm -f "$part"
    warn "checksum mismatch for $name: expected $want, got $got; discarded the download"
    return 1
  fi
}

stage_archive() {
  local name=$1 want dest="$IMAGES_DIR/$1"
  want="$(expected_sha "$name")"
  if [[ -f $dest && "$(sha256_of "$dest")" == "$want" ]]; then
    log "$name is already staged; nothing to download"
    return 0
  fi
  log "downloading $name"
  retry "$DOWNLOAD_ATTEMPTS" "$RETRY_INTERVAL" "download of $name from $BASE_URL" \
    fetch_archive "$name" "$want"
  chmod 0644 "$PARTIAL_DIR/$name.part"
  mv -f "$PARTIAL_DIR/$name.part" "$dest"
  log "staged $name ($want)"
}

# Archives of ours this version does not use (e.g. Traefik's own archive after v1.36 moved it
# into core) would be imported at every start: remove them.
remove_stale() {
  local f
  for f in "$IMAGES_DIR"/$ARCHIVE_GLOB; do
    [[ -e $f ]] || continue
    if [[ ",$IMAGE_ARCHIVES," != *",${f##*/},"* ]]; then
      rm -f "$f"
      log "removed ${f##*/}: $RKE2_VERSION does not use it"
    fi
  done
}

main() {
  (($# == 1)) || usage
  read_params "$1"
  require_root
  if [[ $IMAGE_ARCHIVES == none ]]; then
    log "no image archives to stage"
    return 0
  fi
  # install.sh's download path: <artifact URL>/<version, + as %2B>/<file>.
  BASE_URL="$ARTIFACT_URL/${RKE2_VERSION//+/%2B}"
  make_workdir
  mkdir -p "$IMAGES_DIR" "$PARTIAL_DIR"
  chmod 0700 "$STATE_DIR"
  retry "$DOWNLOAD_ATTEMPTS" "$RETRY_INTERVAL" "download of $BASE_URL/sha256sum-amd64.txt" \
    download_checksums
  local -a archives
  local name
  IFS=, read -ra archives <<<"$IMAGE_ARCHIVES"
  for name in "${archives[@]}"; do stage_archive "$name"; done
  remove_stale
  rmdir "$PARTIAL_DIR" 2>/dev/null || true
  log "image archives for $RKE2_VERSION are staged in $IMAGES_DIR"
}

main "$@"
