#!/usr/bin/env bash
# The "installed" rke2 binary; its version is baked into its wrapper by the installer stub.
# shellcheck source=test/sandbox/stubs/stub-lib.bash
source "$(dirname "${BASH_SOURCE[0]}")/stub-lib.bash"
[[ -n ${STUB_NO_LOG:-} ]] || stub_log rke2 "$@"
[[ ${1:-} == --version ]] || unsupported "$@"
printf 'rke2 version %s (0123abcd)\ngo version go1.24.6 X:boringcrypto\n' "${STUB_RKE2_VERSION:?}"
