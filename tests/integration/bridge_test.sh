#!/usr/bin/env bash
# The real jpki-bridge-host driven over stdio as a browser would (bridge-driver),
# with the simulated card in the real pcscd and the scripted pinentry.
# Usage: bridge_test.sh BUILD_DIR SOURCE_DIR
set -uo pipefail
build=${1:?build dir}
source_dir=${2:?source dir}
host=$build/host/bridge/jpki-bridge-host
driver=$build/tests/bridge/bridge-driver
verify_token=$build/host/verify/jpki-verify-token
pki=$build/test-pki
with_card=$source_dir/tests/with-virtual-card
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# shellcheck source=tests/integration/check.sh
source "$source_dir/tests/integration/check.sh"

export JPKI_PINENTRY=$build/tests/fake-pinentry/fake-pinentry
export FAKE_PINENTRY_LOG=$work/pinentry.log
export LANG=C.UTF-8
origin=https://myna.example.jp

nonce() { head -c 33 /dev/urandom | base64 | tr -d '\n' | head -c 44; }

# drive [sim options] -- REQUEST: the reply on stdout, the driver's notes in $work/driver.err
drive() {
	local sim_options=()
	while [[ $1 != -- ]]; do
		sim_options+=("$1")
		shift
	done
	shift
	"$with_card" "${sim_options[@]}" -- "$driver" "$host" "$1" 2>"$work/driver.err"
}

expect() { # what, actual, expected
	[[ $2 == "$3" ]] || {
		echo "$1: expected '$3', got '$2'"
		return 1
	}
}

login_token_verifies_for_its_origin_only() {
	local n reply
	n=$(nonce)
	reply=$(FAKE_PINENTRY_PIN=1234 drive -- "{\"command\":\"authenticate\",\"arguments\":{\"origin\":\"$origin\",\"challengeNonce\":\"$n\"}}") || return 1
	expect format "$(jq -r .format <<<"$reply")" web-eid:1.0 || return 1
	"$verify_token" --origin "$origin" --nonce "$n" --ca "$pki/auth-ca.pem" <<<"$reply" || return 1
	! "$verify_token" --origin https://evil.example --nonce "$n" --ca "$pki/auth-ca.pem" <<<"$reply" 2>/dev/null
}

dialog_names_the_site_and_tries_left() {
	rm -f "$FAKE_PINENTRY_LOG"
	FAKE_PINENTRY_PIN=1234 drive -- "{\"command\":\"authenticate\",\"arguments\":{\"origin\":\"$origin\",\"challengeNonce\":\"$(nonce)\"}}" >/dev/null || return 1
	tr '\0' '\n' <"$FAKE_PINENTRY_LOG" >"$work/log.txt"
	grep -q "SETDESC $origin asks for a login" "$work/log.txt" && grep -q "3 tries left" "$work/log.txt"
}

sign_cms_verifies_with_openssl() {
	printf '電子申請 %s\n' "$RANDOM" >"$work/form.txt"
	local digest reply
	digest=$(openssl dgst -sha256 -binary "$work/form.txt" | base64)
	reply=$(FAKE_PINENTRY_PIN=ABC123 drive -- "{\"command\":\"sign-cms\",\"arguments\":{\"origin\":\"$origin\",\"digest\":\"$digest\",\"hashFunction\":\"SHA-256\"}}") || return 1
	jq -r .cms <<<"$reply" | base64 -d >"$work/form.p7s" || return 1
	openssl cms -verify -binary -inform DER -in "$work/form.p7s" -content "$work/form.txt" \
		-CAfile "$pki/sign-ca.pem" -purpose any -out /dev/null
}

sign_after_get_signing_certificate_verifies() {
	local cert reply hash
	cert=$(FAKE_PINENTRY_PIN=ABC123 drive -- "{\"command\":\"get-signing-certificate\",\"arguments\":{\"origin\":\"$origin\"}}" | jq -r .certificate) || return 1
	echo "$cert" | base64 -d >"$work/sign.der"
	cmp "$work/sign.der" <(openssl x509 -in "$pki/sign-valid.pem" -outform DER) || return 1
	echo "document" >"$work/doc.txt"
	hash=$(openssl dgst -sha384 -binary "$work/doc.txt" | base64 | tr -d '\n')
	reply=$(FAKE_PINENTRY_PIN=ABC123 drive -- "{\"command\":\"sign\",\"arguments\":{\"origin\":\"$origin\",\"hash\":\"$hash\",\"hashFunction\":\"SHA-384\",\"certificate\":\"$cert\"}}") || return 1
	jq -r .signature <<<"$reply" | base64 -d >"$work/doc.sig"
	openssl x509 -in "$work/sign.der" -inform DER -pubkey -noout >"$work/sign-pub.pem"
	openssl dgst -sha384 -verify "$work/sign-pub.pem" -signature "$work/doc.sig" "$work/doc.txt"
}

locked_pin_is_refused_without_a_dialog() {
	rm -f "$FAKE_PINENTRY_LOG"
	local reply
	reply=$(FAKE_PINENTRY_PIN=1234 drive --profile auth-locked -- "{\"command\":\"authenticate\",\"arguments\":{\"origin\":\"$origin\",\"challengeNonce\":\"$(nonce)\"}}")
	expect code "$(jq -r .error.code <<<"$reply")" pin-blocked &&
		grep -q "市区町村の窓口" <<<"$(jq -r .error.ja <<<"$reply")" &&
		[[ ! -s $FAKE_PINENTRY_LOG ]]
}

disconnect_closes_the_dialog_and_exits_within_a_second() {
	local pidfile=$work/pinentry.pid
	rm -f "$pidfile"
	FAKE_PINENTRY_HANG_ON=GETPIN FAKE_PINENTRY_PIDFILE=$pidfile "$with_card" -- \
		"$driver" --disconnect-after 500 "$host" \
		"{\"command\":\"authenticate\",\"arguments\":{\"origin\":\"$origin\",\"challengeNonce\":\"$(nonce)\"}}" \
		>"$work/disconnect.out" 2>"$work/driver.err" || return 1
	local ms
	ms=$(sed -n 's/^exit=0 ms=\([0-9]*\)$/\1/p' "$work/driver.err")
	[[ -n $ms && $ms -lt 1000 ]] || { cat "$work/driver.err"; return 1; }
	[[ -s $pidfile ]] || { echo "the dialog never opened"; return 1; }
	! kill -0 "$(cat "$pidfile")" 2>/dev/null || { echo "the dialog is still open"; return 1; }
	[[ ! -s $work/disconnect.out ]] # no reply to a browser that left
}

malformed_requests_get_their_codes_and_a_clean_exit() {
	local count=0 expected request reply code
	while IFS=$'\t' read -r expected request; do
		[[ -z $expected || $expected == \#* ]] && continue
		reply=$("$driver" "$host" "$request" 2>"$work/driver.err")
		code=$(jq -r .error.code <<<"$reply" 2>/dev/null)
		if [[ $code != "$expected" ]] || ! grep -q '^exit=0 ' "$work/driver.err" ||
			grep -q "more than one reply" "$work/driver.err"; then
			echo "request: $request"
			echo "expected $expected, got: $reply"
			cat "$work/driver.err"
			return 1
		fi
		count=$((count + 1))
	done <"$source_dir/tests/bridge/malformed-requests.txt"
	echo "$count malformed requests answered"
	[[ $count -ge 40 ]]
}

oversized_request_is_refused_before_reading_it() {
	local reply
	reply=$("$driver" --length 100000000 "$host" '{}' 2>"$work/driver.err")
	expect code "$(jq -r .error.code <<<"$reply")" request-too-large && grep -q '^exit=0 ' "$work/driver.err"
}

version_comes_first_and_stdout_has_frames_only() {
	"$driver" "$host" '{"command":"quit","arguments":{}}' >"$work/quit" 2>"$work/driver.err" || return 1
	grep -q '^version={"version":"' "$work/driver.err" && expect reply "$(cat "$work/quit")" "{}" &&
		! grep -q "more than one reply" "$work/driver.err"
}

status_needs_no_pin() {
	rm -f "$FAKE_PINENTRY_LOG"
	local reply
	reply=$(drive --profile renewal -- "{\"command\":\"status\",\"arguments\":{\"origin\":\"$origin\"}}") || return 1
	expect type "$(jq -r .card.type <<<"$reply")" mynumber &&
		expect validity "$(jq -r .certificates.auth.validity <<<"$reply")" renewal-window &&
		expect tries "$(jq -r .pins.sign.triesLeft <<<"$reply")" 5 && [[ ! -s $FAKE_PINENTRY_LOG ]]
}

check "a login token verifies for its origin only" login_token_verifies_for_its_origin_only
check "the PIN dialog names the site and the tries left" dialog_names_the_site_and_tries_left
check "sign-cms makes a CMS that openssl verifies" sign_cms_verifies_with_openssl
check "sign after get-signing-certificate verifies with openssl" sign_after_get_signing_certificate_verifies
check "a locked PIN is refused without a dialog, in Japanese too" locked_pin_is_refused_without_a_dialog
check "a browser disconnect closes the dialog and the host exits within a second" disconnect_closes_the_dialog_and_exits_within_a_second
check "every malformed request gets its code and a clean exit" malformed_requests_get_their_codes_and_a_clean_exit
check "an oversized request is refused before it is read" oversized_request_is_refused_before_reading_it
check "the version comes first and stdout carries frames only" version_comes_first_and_stdout_has_frames_only
check "status needs no PIN" status_needs_no_pin
check_summary
