#!/usr/bin/env bash
# jpki-verify (and so libjpki-verify) on tokens and signatures made without libjpki: the
# openssl CLI hashes, signs and makes certificates and CRLs, as an independent client would.
# Each tampering must be refused with its own reason code. The origin attribute, which the CLI
# cannot write, is on CMSs from test-make-cms (sign-cms's own code).
# Usage: verify_cli.sh JPKI_VERIFY TEST_PKI_DIR TEST_MAKE_CMS
set -uo pipefail
verify=${1:?jpki-verify binary}
pki=${2:?test PKI dir}
make_cms=${3:?test-make-cms binary}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The help and usage errors follow the locale: English unless a test asks.
export LANG=C.UTF-8
unset LC_ALL LC_MESSAGES

origin=https://login.example.jp
nonce=MTIzNDU2Nzg5MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTI=
failed=0

# make_token CERT KEY ORIGIN NONCE > token.json (CERT a path)
make_token() {
	local data=$work/data64.bin
	{
		printf '%s' "$3" | openssl dgst -sha256 -binary
		printf '%s' "$4" | openssl dgst -sha256 -binary
	} >"$data"
	openssl dgst -sha256 -sign "$2" -out "$work/sig" "$data" || return 1
	openssl x509 -in "$1" -outform DER -out "$work/cert.der" || return 1
	printf '{"unverifiedCertificate":"%s","algorithm":"RS256","signature":"%s",' \
		"$(base64 -w0 <"$work/cert.der")" "$(base64 -w0 <"$work/sig")"
	printf '"format":"web-eid:1.0","appVersion":"https://example.invalid/verify-test"}'
}

# expect WHAT STATUS STDOUT_FIRST_LINE STDERR_FIRST_LINE -- COMMAND... (stdin passed on)
expect() {
	local what=$1 status=$2 out=$3 err=$4
	shift 5
	"$@" >"$work/out" 2>"$work/err"
	local got=$?
	local got_out got_err
	got_out=$(head -n1 "$work/out")
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

# refused WHAT CODE -- COMMAND...: status 1 and CODE on the first line of stderr.
refused() {
	local what=$1 code=$2
	shift 3
	expect "$what" 1 "" "$code" -- "$@"
}

# A certificate for auth.key from the test authentication CA with keyUsage keyEncipherment only.
openssl req -new -key "$pki/auth.key" -subj "/C=JP/CN=TEST-WRONG-USAGE" -out "$work/ku.csr" 2>/dev/null
printf 'keyUsage=critical,keyEncipherment\nextendedKeyUsage=clientAuth\n' >"$work/ku.ext"
openssl x509 -req -in "$work/ku.csr" -CA "$pki/auth-ca.pem" -CAkey "$pki/auth-ca.key" \
	-set_serial 4660 -days 30 -extfile "$work/ku.ext" -out "$work/auth-wrong-usage.pem" 2>/dev/null || exit 1

# A CRL of the test authentication CA revoking auth-valid.pem.
serial=$(openssl x509 -in "$pki/auth-valid.pem" -noout -serial | cut -d= -f2)
printf 'R\t301231000000Z\t250101000000Z\t%s\tunknown\t/CN=TEST\n' "$serial" >"$work/index.txt"
printf '[ca]\ndefault_ca=test\n[test]\ndatabase=%s\ndefault_md=sha256\ndefault_crl_days=30\n' \
	"$work/index.txt" >"$work/ca.cnf"
openssl ca -gencrl -config "$work/ca.cnf" -keyfile "$pki/auth-ca.key" -cert "$pki/auth-ca.pem" \
	-out "$work/revoking.crl" 2>/dev/null || exit 1
: >"$work/index.txt"
openssl ca -gencrl -config "$work/ca.cnf" -keyfile "$pki/auth-ca.key" -cert "$pki/auth-ca.pem" \
	-out "$work/empty.crl" 2>/dev/null || exit 1
# One of the test signing CA, for a second --crl.
openssl ca -gencrl -config "$work/ca.cnf" -keyfile "$pki/sign-ca.key" -cert "$pki/sign-ca.pem" \
	-out "$work/sign-ca.crl" 2>/dev/null || exit 1

make_token "$pki/auth-valid.pem" "$pki/auth.key" "$origin" "$nonce" >"$work/valid.json" || exit 1
make_token "$pki/auth-expired.pem" "$pki/auth.key" "$origin" "$nonce" >"$work/expired.json" || exit 1
make_token "$pki/sign-valid.pem" "$pki/sign.key" "$origin" "$nonce" >"$work/signing.json" || exit 1
make_token "$work/auth-wrong-usage.pem" "$pki/auth.key" "$origin" "$nonce" >"$work/ku.json" || exit 1
# The signature's last base64 character before the padding changed: one bit of the signature.
jq -c '.signature |= (.[0:-2] + (if .[-2:-1] == "A" then "B" else "A" end) + .[-1:])' \
	"$work/valid.json" >"$work/flipped.json"
jq -c '.signature |= .[1:]' "$work/valid.json" >"$work/bad-base64.json"
head -c 70000 /dev/zero | tr '\0' ' ' >"$work/huge.json"

token=("$verify" token --origin "$origin" --nonce "$nonce")
ca=(--ca "$pki/auth-ca.pem")

expect "a good token prints the subject" 0 "subject: C=JP, CN=TEST00000000001A" "" -- \
	"${token[@]}" "${ca[@]}" <"$work/valid.json"
expect "--json gives valid and the subject" 0 \
	'{"valid":true,"subject":"C=JP, CN=TEST00000000001A"}' "" -- \
	bash -c '"$@" | jq -c "{valid, subject}"' _ "${token[@]}" "${ca[@]}" --json <"$work/valid.json"
refused "another origin" signature-invalid -- \
	"$verify" token --origin https://evil.example.jp --nonce "$nonce" "${ca[@]}" <"$work/valid.json"
refused "another nonce" signature-invalid -- \
	"$verify" token --origin "$origin" --nonce "${nonce/M/N}" "${ca[@]}" <"$work/valid.json"
refused "a bit flipped in the signature" signature-invalid -- \
	"${token[@]}" "${ca[@]}" <"$work/flipped.json"
refused "another CA" certificate-untrusted -- \
	"${token[@]}" --ca "$pki/sign-ca.pem" <"$work/valid.json"
refused "the real JPKI roots (the default) do not trust the test CA" certificate-untrusted -- \
	"${token[@]}" <"$work/valid.json"
refused "an expired certificate" certificate-expired -- \
	"${token[@]}" "${ca[@]}" <"$work/expired.json"
refused "a time before the certificate" certificate-not-yet-valid -- \
	"${token[@]}" "${ca[@]}" --at 2001-01-01T00:00:00Z <"$work/valid.json"
refused "a revoked serial" certificate-revoked -- \
	"${token[@]}" "${ca[@]}" --crl "$work/revoking.crl" <"$work/valid.json"
refused "a revoked serial, its CRL the second --crl" certificate-revoked -- \
	"${token[@]}" "${ca[@]}" --crl "$work/sign-ca.crl" --crl "$work/revoking.crl" <"$work/valid.json"
refused "--crl with only another issuer's CRL" certificate-untrusted -- \
	"${token[@]}" "${ca[@]}" --crl "$work/sign-ca.crl" <"$work/valid.json"
expect "a CRL that does not list it" 0 "subject: C=JP, CN=TEST00000000001A" "" -- \
	"${token[@]}" "${ca[@]}" --crl "$work/empty.crl" <"$work/valid.json"
refused "a key usage without digitalSignature" certificate-wrong-usage -- \
	"${token[@]}" "${ca[@]}" <"$work/ku.json"
refused "the signing certificate used for login" certificate-wrong-usage -- \
	"${token[@]}" "${ca[@]}" --ca "$pki/sign-ca.pem" <"$work/signing.json"
refused "malformed base64" invalid-input -- "${token[@]}" "${ca[@]}" <"$work/bad-base64.json"
refused "malformed JSON" invalid-input -- "${token[@]}" "${ca[@]}" <<<'{"format":'
refused "an oversize token" invalid-input -- "${token[@]}" "${ca[@]}" <"$work/huge.json"
expect "--json refusals carry the code" 1 "signature-invalid" "" -- \
	bash -c '"$@" | jq -r .error.code; exit "${PIPESTATUS[0]}"' _ "$verify" token \
	--origin https://evil.example.jp --nonce "$nonce" "${ca[@]}" --json <"$work/valid.json"
expect "a missing --nonce is a usage error" 2 "" \
	"jpki-verify: token: --origin and --nonce are required, and the token comes on standard input" \
	-- "$verify" token --origin "$origin" "${ca[@]}" <"$work/valid.json"

# Help and usage errors in Japanese and English: --lang, else the locale.
expect "--help --lang ja is Japanese" 0 "ja" "" -- \
	bash -c '"$@" | grep -q "ログイン用トークン（web-eid:1.0）を標準入力から" && echo ja' _ \
	"$verify" --help --lang ja
expect "--help is English in an English locale" 0 "en" "" -- \
	bash -c '"$@" | grep -q "a login token (web-eid:1.0) on standard input" && echo en' _ \
	"$verify" --help
expect "a usage error in a Japanese locale is Japanese, and says where help is" 2 "" \
	"jpki-verify: コマンド token、cms、signature のどれかを指定してください" -- \
	env LANG=ja_JP.UTF-8 "$verify"
[[ $(sed -n 2p "$work/err") == "使い方: jpki-verify --help" ]] && echo "ok: the Japanese usage error points to --help" ||
	{
		echo "FAILED: the Japanese usage error's second line: $(sed -n 2p "$work/err")"
		failed=1
	}
expect "--lang=en wins over a Japanese locale" 2 "" \
	"jpki-verify: the command is token, cms or signature" -- \
	env LANG=ja_JP.UTF-8 "$verify" --lang=en sign
expect "--lang takes ja or en only" 2 "" "jpki-verify: --lang is ja or en" -- \
	"$verify" --lang fr token

# CAdES detached signatures from openssl cms.
printf 'application 42\n' >"$work/content.txt"
openssl cms -sign -binary -cades -md sha256 -in "$work/content.txt" -signer "$pki/sign-valid.pem" \
	-inkey "$pki/sign.key" -outform DER -out "$work/content.p7s" 2>/dev/null || exit 1
printf 'application 43\n' >"$work/changed.txt"
expect "a CAdES signature gives the signer's name" 0 "" "" -- \
	bash -c '"$@" | grep -qx "name: テスト　太郎"' _ "$verify" cms --ca "$pki/sign-ca.pem" \
	"$work/content.p7s" "$work/content.txt"
refused "a changed content" signature-invalid -- \
	"$verify" cms --ca "$pki/sign-ca.pem" "$work/content.p7s" "$work/changed.txt"
refused "a CAdES signature from another CA" certificate-untrusted -- \
	"$verify" cms "${ca[@]}" "$work/content.p7s" "$work/content.txt"
# openssl cms writes no origin attribute: reported as absent, refused when an origin is asked.
expect "a CMS without an origin attribute is reported as naming none" 0 "" "" -- \
	bash -c '"$@" | grep -qx "origin: (none)"' _ "$verify" cms --ca "$pki/sign-ca.pem" \
	"$work/content.p7s" "$work/content.txt"
expect "with --json the absent origin is null" 0 "" "" -- \
	bash -c '"$@" | grep -q "\"origin\":null"' _ "$verify" cms --json --ca "$pki/sign-ca.pem" \
	"$work/content.p7s" "$work/content.txt"
refused "a CMS without an origin attribute, checked for a portal's origin" \
	signature-origin-mismatch -- "$verify" cms --origin "$origin" --ca "$pki/sign-ca.pem" \
	"$work/content.p7s" "$work/content.txt"
"$make_cms" sign-valid.pem sign.key "$work/content.txt" "$origin" >"$work/origin.p7s" || exit 1
expect "a CMS made for a site names it" 0 "" "" -- \
	bash -c '"$@" | grep -qx "origin: '"$origin"'"' _ "$verify" cms --ca "$pki/sign-ca.pem" \
	"$work/origin.p7s" "$work/content.txt"
expect "a CMS checked for the site it was made for passes" 0 "" "" -- \
	bash -c '"$@" | grep -qx "name: テスト　太郎"' _ "$verify" cms --origin "$origin" \
	--ca "$pki/sign-ca.pem" "$work/origin.p7s" "$work/content.txt"
refused "a CMS made for another site" signature-origin-mismatch -- \
	"$verify" cms --origin https://other.example --ca "$pki/sign-ca.pem" "$work/origin.p7s" \
	"$work/content.txt"
refused "the origin is checked only after the content" signature-invalid -- \
	"$verify" cms --origin "$origin" --ca "$pki/sign-ca.pem" "$work/origin.p7s" \
	"$work/changed.txt"

# Raw PKCS#1 v1.5 signatures over a hash, as the card returns them.
digest=$(openssl dgst -sha256 -binary "$work/content.txt" | od -An -tx1 | tr -d ' \n')
openssl dgst -sha256 -binary "$work/content.txt" >"$work/digest.bin"
openssl pkeyutl -sign -inkey "$pki/sign.key" -pkeyopt digest:sha256 -in "$work/digest.bin" \
	-out "$work/raw.sig" || exit 1
cp "$work/raw.sig" "$work/raw-flipped.sig"
printf '\x01' | dd of="$work/raw-flipped.sig" bs=1 seek=100 conv=notrunc 2>/dev/null
expect "a raw signature gives the signer's birth date" 0 "" "" -- \
	bash -c '"$@" | jq -e ".birthDate == \"19900101\"" >/dev/null' _ "$verify" signature --json \
	--ca "$pki/sign-ca.pem" --digest "$digest" "$pki/sign-valid.pem" "$work/raw.sig"
refused "a bit flipped in a raw signature" signature-invalid -- "$verify" signature \
	--ca "$pki/sign-ca.pem" --digest "$digest" "$pki/sign-valid.pem" "$work/raw-flipped.sig"
refused "a digest of the wrong length" invalid-input -- "$verify" signature --hash SHA-384 \
	--ca "$pki/sign-ca.pem" --digest "$digest" "$pki/sign-valid.pem" "$work/raw.sig"
refused "a raw signature with the expired certificate" certificate-expired -- "$verify" signature \
	--ca "$pki/sign-ca.pem" --digest "$digest" "$pki/sign-expired.pem" "$work/raw.sig"
exit $failed
