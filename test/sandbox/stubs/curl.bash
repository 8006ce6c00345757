#!/usr/bin/env bash
# curl: URLs ending in /ping are the RKE2 supervisor (plan key curl.ping), anything else is the
# installer download (plan key curl.download; "ok" serves fixtures/installer.sh); /cacerts is an
# existing cluster's supervisor (plan key curl.cacerts: ok, fail = refused (default), timeout).
# RKE2 release artifacts are served from fixtures/artifacts/: sha256sum-amd64.txt (plan key
# curl.checksums) and *.tar.zst (plan key curl.archive: ok; partial = half of what is left, then
# exit 18; corrupt = the bytes with the first one changed; fail = HTTP 503). With -C - an
# archive resumes from the size of the output file, as curl does with a Range request.
# shellcheck source=test/sandbox/stubs/stub-lib.bash
source "${BASH_SOURCE[0]%/*}/stub-lib.bash" # an absolute path (see write_wrapper)
stub_log curl "$@"

out="" url="" resume=0
while (($#)); do
  case $1 in
    -o | --output)
      out=$2
      shift
      ;;
    -C)
      [[ $2 == - ]] || unsupported "-C $2"
      resume=1
      shift
      ;;
    http://* | https://*) url=$1 ;;
  esac
  shift
done
[[ -n $url ]] || unsupported "no URL"
emit() { if [[ -n $out ]]; then cat >"$out"; else cat; fi; }
# emit_text TEXT: the same for a literal body, without a pipe and cat (the pings are polled).
emit_text() { if [[ -n $out ]]; then printf '%s' "$1" >"$out"; else printf '%s' "$1"; fi; }

case $url in
  */ping)
    outcome curl.ping
    [[ $OUTCOME == ok ]] || {
      echo "curl: (7) Failed to connect to ${url#https://}: Connection refused" >&2
      exit 7
    }
    emit_text pong
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
    emit_text $'-----BEGIN CERTIFICATE-----\n'
    ;;
  */sha256sum-amd64.txt)
    outcome curl.checksums
    [[ $OUTCOME == ok ]] || {
      echo "curl: (22) The requested URL returned error: 503" >&2
      exit 22
    }
    emit <"$SB/fixtures/artifacts/sha256sum-amd64.txt"
    ;;
  *.tar.zst)
    outcome curl.archive
    src="$SB/fixtures/artifacts/${url##*/}"
    [[ -f $src && -n $out ]] || unsupported "archive $url"
    if [[ $OUTCOME == fail ]]; then
      echo "curl: (22) The requested URL returned error: 503" >&2
      exit 22
    fi
    offset=0
    ((resume == 0)) || offset=$(stat -c %s "$out" 2>/dev/null || echo 0)
    ((resume == 1)) || : >"$out"
    total=$(stat -c %s "$src")
    printf '%s\n' "$offset" >>"$STATE/curl.archive.offsets"
    case $OUTCOME in
      ok) tail -c +$((offset + 1)) "$src" >>"$out" ;;
      partial)
        # head first, then tail: tail reads to the end, so no writer is cut off by SIGPIPE
        # (tail | head failed 2 runs in 400 here under pipefail, and once in CI).
        half=$(((total - offset) / 2))
        head -c $((offset + half)) "$src" | tail -c "$half" >>"$out"
        echo "curl: (18) end of response with $(((total - offset) - (total - offset) / 2)) bytes missing" >&2
        exit 18
        ;;
      corrupt)
        # A different first byte, whatever the (random) fixture starts with.
        first=$(head -c 1 "$src")
        if [[ $first == X ]]; then first=Y; else first=X; fi
        { printf '%s' "$first"; tail -c +2 "$src"; } >"$out"
        ;;
      *) unsupported "outcome $OUTCOME" ;;
    esac
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
