#!/usr/bin/env bash
# curl: URLs ending in /ping are the RKE2 supervisor (plan key curl.ping), anything else is the
# installer download (plan key curl.download; "ok" serves fixtures/installer.sh); /cacerts is an
# existing cluster's supervisor (plan key curl.cacerts: ok, fail = refused (default), timeout).
# shellcheck source=test/sandbox/stubs/stub-lib.bash
source "$(dirname "${BASH_SOURCE[0]}")/stub-lib.bash"
stub_log curl "$@"

out="" url=""
while (($#)); do
  case $1 in
    -o | --output)
      out=$2
      shift
      ;;
    http://* | https://*) url=$1 ;;
  esac
  shift
done
[[ -n $url ]] || unsupported "no URL"
emit() { if [[ -n $out ]]; then cat >"$out"; else cat; fi; }

case $url in
  */ping)
    outcome curl.ping
    [[ $OUTCOME == ok ]] || {
      echo "curl: (7) Failed to connect to ${url#https://}: Connection refused" >&2
      exit 7
    }
    printf 'pong' | emit
    ;;
  */cacerts)
    # An existing cluster's supervisor; by default there is none (a first server initialises).
    outcome curl.cacerts fail
    if [[ $OUTCOME == timeout ]]; then
      echo "curl: (28) Connection timed out after 3000 milliseconds" >&2
      exit 28
    fi
    [[ $OUTCOME == ok ]] || {
      echo "curl: (7) Failed to connect to ${url#https://}: Connection refused" >&2
      exit 7
    }
    printf -- '-----BEGIN CERTIFICATE-----\n' | emit
    ;;
  *)
    outcome curl.download
    [[ $OUTCOME == ok ]] || {
      echo "curl: (22) The requested URL returned error: 503" >&2
      exit 22
    }
    emit <"$SB/fixtures/installer.sh"
    ;;
esac
