#!/usr/bin/env bash
# sudo: drops its options, applies VAR=VALUE arguments, sets HOME to root's home like Ubuntu's
# sudo does, and runs the command (the sandbox already plays root under RANCHER_HA_ROOT).
# shellcheck source=test/sandbox/stubs/stub-lib.bash
source "${BASH_SOURCE[0]%/*}/stub-lib.bash" # an absolute path (see write_wrapper)
stub_log sudo "$@"
while (($#)); do
  case $1 in
    --)
      shift
      break
      ;;
    -u | -g)
      shift 2
      continue
      ;;
    -*) shift ;;
    *) break ;;
  esac
done
while (($#)) && [[ $1 =~ ^[A-Za-z_][A-Za-z0-9_]*= ]]; do
  export "${1?}"
  shift
done
(($#)) || unsupported "no command"
export HOME="$ROOT/root"
exec "$@"
