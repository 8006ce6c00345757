#!/usr/bin/env bash
# journalctl: prints ctl/journal (default: 60 numbered lines), honouring -n N.
# shellcheck source=test/sandbox/stubs/stub-lib.bash
source "$(dirname "${BASH_SOURCE[0]}")/stub-lib.bash"
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
{
  if [[ -f $CTL/journal ]]; then cat "$CTL/journal"; else
    for i in $(seq 1 60); do echo "rke2-server journal line $i"; done
  fi
} | if ((tail_n > 0)); then tail -n "$tail_n"; else cat; fi
