#!/usr/bin/env bash
# make-test-pki keeps a PKI made today and makes it again when it is of another day (or of
# another version of the script), so certificate windows never drift in an old build tree.
# Usage: make_test_pki_test.sh MAKE_TEST_PKI
set -uo pipefail
make_pki=${1:?make-test-pki}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# shellcheck source-path=SCRIPTDIR source=../integration/check.sh
source "$(dirname "$0")/../integration/check.sh"
pki=$work/pki

fingerprint() { openssl x509 -in "$pki/auth-valid.pem" -noout -fingerprint -sha256; }

made_today_is_kept() {
	"$make_pki" "$pki" || return 1
	grep -qx "generated $(date -u +%Y-%m-%d)" "$pki/.complete" || return 1
	local before
	before=$(fingerprint) || return 1
	"$make_pki" "$pki" || return 1
	[[ $(fingerprint) == "$before" ]]
}

made_another_day_is_made_again() {
	local before
	before=$(fingerprint) || return 1
	sed -i 's/^generated .*/generated 2001-01-01/' "$pki/.complete"
	"$make_pki" "$pki" || return 1
	[[ $(fingerprint) != "$before" ]] &&
		grep -qx "generated $(date -u +%Y-%m-%d)" "$pki/.complete" &&
		# The new certificate starts one year before today, not before 2001.
		openssl x509 -in "$pki/auth-valid.pem" -noout -checkend $((3 * 365 * 86400)) >/dev/null
}

half_made_is_made_again() {
	rm -f "$pki/auth-valid.pem" "$pki/.complete"
	"$make_pki" "$pki" && [[ -s $pki/auth-valid.pem ]]
}

check "a PKI made today is kept" made_today_is_kept
check "a PKI made on another day is made again" made_another_day_is_made_again
check "a half-made PKI is made again" half_made_is_made_again
check_summary
