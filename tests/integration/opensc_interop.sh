#!/usr/bin/env bash
# OpenSC (Debian's opensc, whose JPKI driver was written by others from real
# cards) reads and signs with the simulated card through the real pcscd.
# Run inside tests/with-virtual-card; $1 is the test PKI folder.
set -uo pipefail
pki=${1:?usage: opensc_interop.sh TEST_PKI_DIR}
module=$(find /usr/lib -name opensc-pkcs11.so -print -quit)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# shellcheck source-path=SCRIPTDIR source=check.sh
source "$(dirname "$0")/check.sh"

detected_as_jpki() { [[ $(opensc-tool -n 2>/dev/null) == jpki ]]; }

lists_four_certificates() {
	local list
	list=$(pkcs15-tool --list-certificates) || return 1
	echo "$list"
	for label in "User Authentication Certificate" "Digital Signature Certificate" \
		"User Authentication Certificate CA" "Digital Signature Certificate CA"; do
		grep -q "\[$label\]" <<<"$list" || return 1
	done
}

reads_the_authentication_certificate() {
	pkcs15-tool --read-certificate 01 >"$work/auth.pem" || return 1
	cmp <(openssl x509 -in "$work/auth.pem" -outform DER) \
		<(openssl x509 -in "$pki/auth-valid.pem" -outform DER)
}

tries_left() { # auth-id
	pkcs15-tool --list-pins | awk -v id="$1" '/ID/ {cur=$3} /Tries left/ && cur==id {print $4}'
}

wrong_pin_is_counted_and_right_pin_restores() {
	[[ $(tries_left 01) == 3 ]] || return 1
	pkcs15-tool --verify-pin --auth-id 01 --pin 9999 && return 1
	[[ $(tries_left 01) == 2 ]] || { echo "tries after a wrong PIN: $(tries_left 01)"; return 1; }
	pkcs15-tool --verify-pin --auth-id 01 --pin 1234 || return 1
	[[ $(tries_left 01) == 3 ]]
}

signs_and_verifies() { # slot-index key-id pin certificate
	head -c 1000 /dev/urandom >"$work/data"
	pkcs11-tool --module "$module" --slot-index "$1" --login --pin "$3" --sign \
		--mechanism SHA256-RSA-PKCS --id "$2" -i "$work/data" -o "$work/sig" || return 1
	openssl x509 -in "$4" -pubkey -noout >"$work/pub.pem"
	openssl dgst -sha256 -verify "$work/pub.pem" -signature "$work/sig" "$work/data"
}

check "OpenSC detects the card as JPKI" detected_as_jpki
check "OpenSC lists the four certificates" lists_four_certificates
check "OpenSC reads the authentication certificate byte for byte" reads_the_authentication_certificate
check "a wrong PIN costs one try, the right one restores the counter" wrong_pin_is_counted_and_right_pin_restores
check "authentication key signature verifies with OpenSSL" signs_and_verifies 0 01 1234 "$pki/auth-valid.pem"
check "signing key signature verifies with OpenSSL" signs_and_verifies 1 02 ABC123 "$pki/sign-valid.pem"

check_summary
