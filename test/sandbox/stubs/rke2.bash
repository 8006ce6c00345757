#!/usr/bin/env bash
# The "installed" rke2 binary; its version is baked into its wrapper by the installer stub.
#   rke2 --version
#   rke2 server --cluster-reset --cluster-reset-restore-path=NAME: plan key "rke2.reset": ok
#     (restores: a fresh etcd dir, the reset flag, RKE2's success line, exit 0), missing (the S3
#     object is not there: minio's NoSuchKey text, exit 1), fail (exit 1), silent (exit 0 without
#     the success line), hang. Like k3s it refuses while a server URL is configured (the join
#     drop-in), and any S3 flag on the command line is unsupported: the restore must take the
#     bucket from config.yaml. The files in config.yaml.d at reset time go to state/reset.snapshot.
# shellcheck source=test/sandbox/stubs/stub-lib.bash
source "${BASH_SOURCE[0]%/*}/stub-lib.bash" # an absolute path (see write_wrapper)
[[ -n ${STUB_NO_LOG:-} ]] || stub_log rke2 "$@"
if [[ ${1:-} == --version ]]; then
  printf 'rke2 version %s (0123abcd)\ngo version go1.24.6 X:boringcrypto\n' "${STUB_RKE2_VERSION:?}"
  exit 0
fi
[[ ${1:-} == server && ${2:-} == --cluster-reset && ${3:-} == --cluster-reset-restore-path=* && $# == 3 ]] ||
  unsupported "$@"
snapshot=${3#*=}
dropins="$ROOT/etc/rancher/rke2/config.yaml.d"
# What `ls -1 "$dropins"` prints, and whether a drop-in has a `server:` line: builtins only.
server_url=0
for f in "$dropins"/*; do
  [[ -e $f ]] || continue
  printf '%s\n' "${f##*/}"
  [[ $f == *.yaml && -f $f ]] || continue
  while IFS= read -r line || [[ -n $line ]]; do
    if [[ $line == server:* ]]; then server_url=1; fi
  done <"$f"
done >"$STATE/reset.snapshot"
if ((server_url)); then
  echo 'level=fatal msg="cannot perform cluster-reset while server URL is set - remove server from configuration before resetting"' >&2
  exit 1
fi
outcome rke2.reset
echo "level=info msg=\"Retrieving etcd snapshot $snapshot from S3\""
case $OUTCOME in
  ok)
    db="$ROOT/var/lib/rancher/rke2/server/db"
    mkdir -p "$db/etcd/member/wal"
    echo "restored-from=$snapshot" >"$db/etcd/member/restored"
    : >"$db/reset-flag"
    # shellcheck disable=SC2016 # RKE2 prints ${datadir} literally
    echo 'level=info msg="Managed etcd cluster membership has been reset, restart without --cluster-reset flag now. Backup and delete ${datadir}/server/db on each peer etcd server and rejoin the nodes."'
    ;;
  missing)
    echo "level=fatal msg=\"failed to download snapshot: The specified key does not exist.\"" >&2
    exit 1
    ;;
  fail)
    echo 'level=fatal msg="etcd: failed to restore snapshot"' >&2
    exit 1
    ;;
  silent) ;;
  *) unsupported "outcome $OUTCOME" ;;
esac
