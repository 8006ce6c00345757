#!/usr/bin/env bash
# journalctl: prints ctl/journal (default: 60 numbered lines), honouring -n N.
# shellcheck source=test/sandbox/stubs/stub-lib.bash
source "${BASH_SOURCE[0]%/*}/stub-lib.bash" # an absolute path (see write_wrapper)
stub_log journalctl "$@"
tail_n=0
while (($#)); do
  case $1 in
    -n | --lines)
      tail_n=$2
      shift
      ;;
  esac
  shift
done
lines=()
if [[ -f $CTL/journal ]]; then mapfile -t lines <"$CTL/journal"; else
  for ((i = 1; i <= 60; i++)); do lines+=("rke2-server journal line $i"); done
fi
first=0
((tail_n == 0 || tail_n >= ${#lines[@]})) || first=$((${#lines[@]} - tail_n))
((${#lines[@]} == 0)) || printf '%s\n' "${lines[@]:first}"
