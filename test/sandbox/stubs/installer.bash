#!/usr/bin/env bash
# The RKE2 installer served by the curl stub. Plan key "installer". Like the real tarball install
# it writes rke2, rke2-uninstall.sh and rke2-killall.sh to /usr/local/bin, runs
# `systemctl daemon-reload`, and never starts anything. Without INSTALL_RKE2_VERSION (or with outcome "wrong") it installs a
# "latest" v9.9.9+rke2r1 that no test pins.
# shellcheck source=test/sandbox/stubs/stub-lib.bash
source "${BASH_SOURCE[0]%/*}/stub-lib.bash" # an absolute path (see write_wrapper)
stub_log installer "$@"

outcome installer
if [[ $OUTCOME == wrong ]]; then
  INSTALL_RKE2_VERSION=""
elif [[ $OUTCOME != ok ]]; then
  echo "[ERROR]  download failed" >&2
  exit 1
fi
version=${INSTALL_RKE2_VERSION:-v9.9.9+rke2r1}
echo "[INFO]  using $version as release"
write_wrapper "$ROOT/usr/local/bin/rke2" rke2 "STUB_RKE2_VERSION=$version"
write_wrapper "$ROOT/usr/local/bin/rke2-uninstall.sh" rke2-uninstall
write_wrapper "$ROOT/usr/local/bin/rke2-killall.sh" rke2-killall
systemctl daemon-reload
