#!/usr/bin/env bash
# Lints the node scripts (and the sandbox stubs) with shellcheck at style level, following sourced
# files (-x), and insists that every `# shellcheck disable=` says why on the same line, e.g.
#   # shellcheck disable=SC2034 # used by the scripts that source this file
# Usage: bash test/shellcheck.sh [FILE...]   (default: scripts/node/*.sh test/sandbox/stubs/*.bash)
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
if ! shellcheck -x -S style "${files[@]}"; then
  status=1
fi
if ((status == 0)); then
  echo "shellcheck.sh: ${#files[@]} files clean" >&2
fi
exit "$status"
