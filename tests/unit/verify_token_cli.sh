#!/usr/bin/env bash
# jpki-verify-token on tokens made without libjpki: the openssl CLI hashes the origin and the
# nonce and makes the RS256 signature, as an independent Web eID client would.
# Usage: verify_token_cli.sh JPKI_VERIFY_TOKEN TEST_PKI_DIR
set -uo pipefail
verify=${1:?jpki-verify-token binary}
pki=${2:?test PKI dir}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

origin=https://login.example.jp
nonce=MTIzNDU2Nzg5MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTI=
failed=0

# make_token CERT KEY ORIGIN NONCE > token.json
make_token() {
	local data=$work/data64.bin
	{
		printf '%s' "$3" | openssl dgst -sha256 -binary
		printf '%s' "$4" | openssl dgst -sha256 -binary
	} >"$data"
	openssl dgst -sha256 -sign "$pki/$2" -out "$work/sig" "$data" || return 1
	openssl x509 -in "$pki/$1" -outform DER -out "$work/cert.der" || return 1
	printf '{"unverifiedCertificate":"%s","algorithm":"RS256","signature":"%s",' \
		"$(base64 -w0 <"$work/cert.der")" "$(base64 -w0 <"$work/sig")"
	printf '"format":"web-eid:1.0","appVersion":"https://example.invalid/verify-token-test"}'
}

# expect WHAT STATUS STDOUT STDERR_FIRST_LINE -- COMMAND... (stdin: the token)
expect() {
	local what=$1 status=$2 out=$3 err=$4
	shift 5
	"$@" >"$work/out" 2>"$work/err"
	local got=$?
	local got_out got_err
	got_out=$(cat "$work/out")
	got_err=$(head -n1 "$work/err")
	if [[ $got -eq $status && $got_out == "$out" && $got_err == "$err" ]]; then
		echo "ok: $what"
	else
		echo "FAILED: $what: status $got (want $status), stdout '$got_out' (want '$out')," \
			"stderr '$got_err' (want '$err')"
		sed 's/^/    /' "$work/err"
		failed=1
	fi
}

make_token auth-valid.pem auth.key "$origin" "$nonce" >"$work/valid.json" || exit 1
make_token auth-expired.pem auth.key "$origin" "$nonce" >"$work/expired.json" || exit 1
make_token sign-valid.pem sign.key "$origin" "$nonce" >"$work/signing.json" || exit 1
ca=(--ca "$pki/auth-ca.pem")

expect "a good token prints the subject" 0 "C=JP, CN=TEST00000000001A" "" -- \
	"$verify" --origin "$origin" --nonce "$nonce" "${ca[@]}" <"$work/valid.json"
expect "another origin is signature-invalid" 1 "" signature-invalid -- \
	"$verify" --origin https://evil.example.jp --nonce "$nonce" "${ca[@]}" <"$work/valid.json"
expect "another nonce is signature-invalid" 1 "" signature-invalid -- \
	"$verify" --origin "$origin" --nonce "${nonce/M/N}" "${ca[@]}" <"$work/valid.json"
expect "an expired certificate is certificate-expired" 1 "" certificate-expired -- \
	"$verify" --origin "$origin" --nonce "$nonce" "${ca[@]}" <"$work/expired.json"
expect "the signing certificate is refused" 1 "" certificate-untrusted -- \
	"$verify" --origin "$origin" --nonce "$nonce" "${ca[@]}" --ca "$pki/sign-ca.pem" \
	<"$work/signing.json"
expect "the real JPKI roots do not trust the test CA" 1 "" certificate-untrusted -- \
	"$verify" --origin "$origin" --nonce "$nonce" <"$work/valid.json"
expect "a token that is not JSON is invalid-input" 1 "" invalid-input -- \
	"$verify" --origin "$origin" --nonce "$nonce" "${ca[@]}" <<<"not json"
head -c 70000 /dev/zero | tr '\0' ' ' >"$work/huge.json"
expect "an over-long token is invalid-input" 1 "" invalid-input -- \
	"$verify" --origin "$origin" --nonce "$nonce" "${ca[@]}" <"$work/huge.json"
expect "a missing --nonce is a usage error" 2 "" \
	"jpki-verify-token: --origin and --nonce are required, and the token comes on standard input" \
	-- "$verify" --origin "$origin" "${ca[@]}" <"$work/valid.json"
exit $failed
