#!/usr/bin/env bash
# libjpki-verify as a portal gets it: installed (component relying-party) into a scratch
# prefix, a program compiled and linked through its pkg-config file alone, and run.
# Usage: verify_library_install.sh BUILD_DIR CONSUMER_C AUTH_CA_PEM
# CONSUMER_CFLAGS: extra compiler flags for the program (the sanitizers of a sanitized build).
set -euo pipefail
build=${1:?build dir}
consumer=${2:?consumer source}
anchor=${3:?trust anchor}
prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT

cmake --install "$build" --component relying-party --prefix "$prefix" >/dev/null
pc=$(find "$prefix" -name libjpki-verify.pc)
[[ -n $pc ]] || { echo "FAILED: no libjpki-verify.pc installed"; exit 1; }
# The file names the configured prefix; this install went to a scratch one.
sed -i "s|^prefix=.*|prefix=$prefix|" "$pc"
flags=$(PKG_CONFIG_PATH=$(dirname "$pc") pkg-config --cflags --libs libjpki-verify)
# shellcheck disable=SC2086 # the flags are words
cc -Wall -Werror ${CONSUMER_CFLAGS:-} -o "$prefix/consumer" "$consumer" $flags
libdir=$(dirname "$(find "$prefix" -name 'libjpki-verify.so.0' | head -n1)")
got=$(LD_LIBRARY_PATH=$libdir "$prefix/consumer" "$anchor")
if [[ $got != invalid-input ]]; then
	echo "FAILED: the consumer printed '$got', want invalid-input"
	exit 1
fi
echo "ok: built and ran against the installed library"
