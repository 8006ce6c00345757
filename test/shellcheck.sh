#!/usr/bin/env bash
# Lints the node scripts (and the sandbox stubs) with shellcheck at style level, following sourced
# files (-x), and insists that every `# shellcheck disable=` says why on the same line, e.g.
#   # shellcheck disable=SC2034 # used by the scripts that source this file
# Usage: bash test/shellcheck.sh [FILE...]   (default: scripts/node/*.sh test/sandbox/stubs/*.bash)
#   A clean default set is recorded, and skipped while unchanged (see below).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if ! command -v shellcheck >/dev/null 2>&1; then
  echo "shellcheck.sh: shellcheck is not installed; install it with: apt-get install -y shellcheck" >&2
  exit 1
fi

files=("$@")
if ((${#files[@]} == 0)); then
  shopt -s nullglob
  files=(scripts/node/*.sh test/sandbox/stubs/*.bash)
  shopt -u nullglob
fi
if ((${#files[@]} == 0)); then
  echo "shellcheck.sh: no files to check" >&2
  exit 1
fi

status=0
# A disable directive must be followed by "# <reason>" on the same line.
if bare="$(grep -nE '^[[:space:]]*#[[:space:]]*shellcheck[[:space:]]+disable=' "${files[@]}" /dev/null |
  grep -vE 'disable=[^#]*#[[:space:]]*[^[:space:]]')"; then
  echo "shellcheck.sh: '# shellcheck disable=' without a reason comment (add '# why' on the same line):" >&2
  echo "$bare" >&2
  status=1
fi

shellcheck --version | sed -n 2p >&2
# The default set, found clean, is not checked again while nothing shellcheck reads has changed:
# the version, these options (and SHELLCHECK_OPTS), and each file's name and text (the files they
# source are in the set; a .shellcheckrc here would be too). A fresh clone has no record, so CI
# always checks.
# SHELLCHECK_CLEAN_RECORD names the record for other sets (the tests).
record="${SHELLCHECK_CLEAN_RECORD:-}"
(($#)) || record="${record:-node_modules/.cache/rancher-ha/shellcheck.clean}"
options=(-x -S style)
rc=()
[[ -f .shellcheckrc ]] && rc=(.shellcheckrc)
key="$({ shellcheck --version; printf '%s\n' "${options[@]}" "${SHELLCHECK_OPTS:-}"; sha256sum "${files[@]}" "${rc[@]}"; } | sha256sum)"
if ((status == 0)) && [[ -n "$record" && -f "$record" && "$(cat "$record")" == "$key" ]]; then
  echo "shellcheck.sh: ${#files[@]} files clean (unchanged since their last check)" >&2
  exit 0
fi
if ! shellcheck "${options[@]}" "${files[@]}"; then
  status=1
fi
if ((status == 0)); then
  echo "shellcheck.sh: ${#files[@]} files clean" >&2
  if [[ -n "$record" ]]; then mkdir -p "$(dirname "$record")" && printf '%s\n' "$key" >"$record"; fi
fi
exit "$status"
