#!/usr/bin/env bash
# jpki-demo-portal's pages and API through curl, without a browser or a card: login tokens and
# signatures are made with the openssl CLI and the test PKI, as an independent client would.
# Two portals run on free loopback ports (--port 0): one over HTTP, one over HTTPS with a
# throwaway certificate and 1-second nonces. Each is stopped by its own PID at the end and must
# exit cleanly (status 0: under ASan that includes the leak check).
# Usage: test_portal.sh JPKI_DEMO_PORTAL TEST_PKI_DIR TEST_MAKE_CMS
set -uo pipefail
portal=${1:?jpki-demo-portal binary}
pki=${2:?test PKI dir}
make_cms=${3:?test-make-cms binary}
# shellcheck source=demo/portal_test_lib.sh
source "$(dirname "$0")/portal_test_lib.sh"

# --- Options the portal refuses -------------------------------------------------------------

expect_usage_error() {
	local what=$1
	shift
	"$portal" "$@" >"$work/usage.out" 2>"$work/usage.err"
	local status=$?
	if [[ $status -eq 2 ]] && grep -q "$what" "$work/usage.err"; then
		pass "refuses $* ($what)"
	else
		fail "$*: status $status (want 2), stderr: $(cat "$work/usage.err")"
	fi
}
expect_usage_error "only a loopback address" --listen 0.0.0.0
expect_usage_error "only a loopback address" --listen 192.0.2.1
expect_usage_error "not an IP address" --listen localhost
expect_usage_error "a browser writes this origin as https://portal.example.jp" --origin https://Portal.example.jp
expect_usage_error "a browser writes this origin as https://portal.example.jp" --origin https://portal.example.jp:443
expect_usage_error "not an origin" --origin https://portal.example.jp/login
expect_usage_error "go together" --https-cert "$pki/auth-ca.pem"

# --- Over HTTP --------------------------------------------------------------------------------

printf 'export function authenticate() {}\n' >"$work/jpki-bridge.js"
start_portal http --page-lib "$work/jpki-bridge.js"
origin=$base
echo "# HTTP portal at $base"

# Pages and languages
got=$(request "" GET /)
check_text "the login page is Japanese first" 200 '<h1>マイナンバーカードでログイン</h1>' "$got"
check_text "the login page has the login button" 200 'id="login-button"' "$got"
check_text "the login page links to English" 200 'id="lang-link" href="?lang=en"' "$got"
check_header "pages carry a Content-Security-Policy" "^content-security-policy: default-src 'none'; script-src 'self'"
got=$(request "$work/lang.jar" GET '/?lang=en')
check_text "?lang=en gives English" 200 '<h1>Log in with your My Number Card</h1>' "$got"
check_text "the English page links to Japanese" 200 'id="lang-link" href="?lang=ja"' "$got"
got=$(request "$work/lang.jar" GET /)
check_text "the language chosen is remembered in a cookie" 200 '<html lang="en">' "$got"
got=$(request "" GET / -H 'Accept-Language: en-US,en;q=0.9')
check_text "Accept-Language en gives English" 200 '<html lang="en">' "$got"
got=$(request "" GET / -H 'Accept-Language: fr, en;q=0.3, ja;q=0.8')
check_text "Accept-Language is followed by preference" 200 '<html lang="ja">' "$got"
got=$(request "" GET / -H 'Accept-Language: de')
check_text "Japanese without ja or en in Accept-Language" 200 '<html lang="ja">' "$got"

got=$(request "" GET /style.css)
check_text "the style sheet is served" 200 'body {' "$got"
check_header "as text/css" '^content-type: text/css'
got=$(request "" GET /login.js)
check_text "the login script is served" 200 'jpki.authenticate(nonce)' "$got"
check_header "as JavaScript" '^content-type: text/javascript'
got=$(request "" GET /jpki-bridge.js)
check_text "the page library comes from --page-lib" 200 'export function authenticate' "$got"
got=$(request "" GET /messages.json)
check_error "other files are not served" 404 not-found "$got"
got=$(request "" GET /../CMakeLists.txt --path-as-is)
[[ $got == 400 || $got == 404 ]] && pass "no path outside the portal (HTTP $got)" ||
	fail "GET /../CMakeLists.txt: HTTP $got"
got=$(request "" PUT /)
check_error "PUT / is method-not-allowed" 405 method-not-allowed "$got"
got=$(request "" GET /api/nonce)
check_error "GET /api/nonce is method-not-allowed" 405 method-not-allowed "$got"

# Nonces
jar=$work/user.jar
got=$(request "$jar" POST /api/nonce)
check "a nonce is 32 random bytes in base64, valid 300 s" 200 \
	'(.nonce | test("^[A-Za-z0-9+/]{43}=$")) and .expiresIn == 300 and (keys | length == 2)' "$got"
nonce=$(jq -r .nonce "$work/body")
[[ $(printf '%s' "$nonce" | base64 -d | wc -c) -eq 32 ]] && pass "the nonce decodes to 32 bytes" ||
	fail "the nonce $nonce does not decode to 32 bytes"
check_header "the session cookie is HttpOnly and SameSite=Strict" \
	'^set-cookie: jpki_demo_session=[0-9a-f]{64}; Path=/; SameSite=Strict; HttpOnly'
old_session=$(awk '$6 == "jpki_demo_session" {print $7}' "$jar")
second=$(new_nonce "$jar")
[[ $second != "$nonce" ]] && pass "each nonce is new" || fail "the same nonce twice"
nonce=$second

# Login
make_token auth-valid.pem auth.key "$origin" "$nonce" >"$work/token.json"
got=$(post_json "$jar" /api/login "$work/token.json")
check "a good token logs in and says what was verified" 200 \
	'.status == "ok" and .subject == "C=JP, CN=TEST00000000001A" and .origin == "'"$origin"'"
	 and (.serial | test("^[0-9A-F]+$")) and (.notAfter | test("^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ$"))
	 and .checks == {"origin": "ok", "nonce": "ok", "signature": "ok", "chain": "ok"}' "$got"
new_session=$(awk '$6 == "jpki_demo_session" {print $7}' "$jar")
[[ -n $new_session && $new_session != "$old_session" ]] && pass "the session id changes at login" ||
	fail "the session id did not change at login"
got=$(request "$jar" GET /api/session)
check "the session is logged in" 200 '.loggedIn == true and .subject == "C=JP, CN=TEST00000000001A"' "$got"
got=$(post_json "$jar" /api/login "$work/token.json")
check_error "a replayed token is refused: the nonce is used" 403 nonce-missing "$got"
got=$(request "" GET /api/session -b "jpki_demo_session=$old_session")
check "the id from before the login is worthless" 200 '.loggedIn == false' "$got"

other=$work/other.jar
nonce=$(new_nonce "$other")
make_token auth-valid.pem auth.key https://evil.example.jp "$nonce" >"$work/evil.json"
got=$(post_json "$other" /api/login "$work/evil.json")
check_error "a token for another origin is refused" 403 signature-invalid "$got"
got=$(request "$other" GET /api/session)
check "and does not log in" 200 '.loggedIn == false' "$got"
old_nonce=$(new_nonce "$other")
nonce=$(new_nonce "$other")
make_token auth-valid.pem auth.key "$origin" "$old_nonce" >"$work/stale.json"
got=$(post_json "$other" /api/login "$work/stale.json")
check_error "a token for a replaced nonce is refused" 403 signature-invalid "$got"
got=$(post_json "$other" /api/login "$work/stale.json")
check_error "a failed attempt uses the nonce up too" 403 nonce-missing "$got"
nonce=$(new_nonce "$other")
make_token auth-valid.pem auth.key "$origin" "$nonce" >"$work/token2.json"
got=$(post_json "" /api/login "$work/token2.json")
check_error "a token without the session cookie is refused" 403 no-session "$got"
got=$(post_json "$other" /api/login "$work/token2.json" -H 'Origin: https://evil.example.jp')
check_error "a POST from another origin is refused" 403 origin-mismatch "$got"
got=$(post_json "$other" /api/login "$work/token2.json" -H "Origin: $origin")
check "a POST naming the portal's own origin is taken" 200 '.status == "ok"' "$got"

nonce=$(new_nonce "$other")
make_token auth-expired.pem auth.key "$origin" "$nonce" >"$work/expired.json"
got=$(post_json "$other" /api/login "$work/expired.json")
check_error "an expired certificate is refused" 403 certificate-expired "$got"
nonce=$(new_nonce "$other")
make_token sign-valid.pem sign.key "$origin" "$nonce" >"$work/signing.json"
got=$(post_json "$other" /api/login "$work/signing.json")
check_error "a signing certificate cannot log in" 403 certificate-wrong-usage "$got"
nonce=$(new_nonce "$other")
make_token auth-valid.pem auth.key "$origin" "$nonce" | jq -c '. + {extra: "x"}' >"$work/extra.json"
got=$(post_json "$other" /api/login "$work/extra.json")
check_error "a token with another key is refused" 400 invalid-request "$got"
nonce=$(new_nonce "$other")
make_token auth-valid.pem auth.key "$origin" "$nonce" >"$work/token3.json"
got=$(request "$other" POST /api/login -H 'Content-Type: text/plain' --data-binary "@$work/token3.json")
check_error "a token that is not application/json is refused" 400 invalid-request "$got"
head -c 70000 /dev/zero | tr '\0' ' ' >"$work/huge.json"
got=$(post_json "$other" /api/login "$work/huge.json")
check_error "a body over 64 KiB is refused" 413 request-too-large "$got"
got=$(post_json "$other" /api/login "$work/token3.json" -H 'Transfer-Encoding: chunked')
check_error "a body without a length is refused" 413 request-too-large "$got"

# The e-application
form='{"form":"jpki-demo/change-of-address/1","name":"テスト　太郎","moveDate":"2025-04-01","previousAddress":"東京都千代田区霞が関２丁目１番２号　テスト","newAddress":"みどり市中央１丁目２番３号","householdHead":"テスト　太郎"}'
printf '%s' "$form" >"$work/form.txt"
printf '%s' "${form/2025-04-01/2025-04-02}" >"$work/changed.txt"
printf '%s' '{"form":"something else"}' >"$work/not-a-form.txt"
digest=$(openssl dgst -sha256 -binary "$work/form.txt" | base64 -w0)
make_cms_application sign-valid.pem sign.key form.txt form.txt "$origin" >"$work/apply.json"
make_raw_application sign-valid.pem sign.key form.txt form.txt >"$work/apply-raw.json"

nobody=$work/nobody.jar
got=$(request "$nobody" GET /apply)
[[ $got == 303 ]] && grep -qiE "^location: $base/\s*\$" "$work/headers" &&
	pass "/apply sends a visitor who is not logged in to /" || fail "/apply not logged in: HTTP $got"
got=$(post_json "$nobody" /api/apply "$work/apply.json")
check_error "/api/apply refuses a visitor who is not logged in" 401 not-logged-in "$got"
got=$(post_json "$nobody" /api/apply-raw "$work/apply-raw.json")
check_error "/api/apply-raw refuses a visitor who is not logged in" 401 not-logged-in "$got"

got=$(request "$jar" GET /apply)
check_text "/apply shows the form once logged in" 200 'id="apply-form"' "$got"
got=$(post_json "$jar" /api/apply "$work/apply.json")
check "a CMS over the form text is verified, with the signer's name and address" 200 \
	'.status == "ok" and .method == "cms" and .signer.name == "テスト　太郎"
	 and .signer.address == "東京都千代田区霞が関２丁目１番２号　テスト"
	 and .signer.subject == "C=JP, L=東京都, L=千代田区, CN=TEST00000000001S"
	 and .checks == {"digest": "ok", "signature": "ok", "chain": "ok", "origin": "ok"}
	 and .hashFunction == "SHA-256" and .digest == "'"$digest"'"
	 and (.signingTime | type == "string") and .application.moveDate == "2025-04-01"' "$got"
make_cms_application sign-valid.pem sign.key form.txt form.txt https://other.example \
	>"$work/other-site.json"
got=$(post_json "$jar" /api/apply "$work/other-site.json")
check_error "a CMS made for https://other.example is refused" 403 signature-origin-mismatch "$got"
make_cms_application sign-valid.pem sign.key form.txt form.txt >"$work/no-origin.json"
got=$(post_json "$jar" /api/apply "$work/no-origin.json")
check_error "a CMS that names no origin (openssl's) is refused" 403 signature-origin-mismatch \
	"$got"
make_cms_application sign-valid.pem sign.key changed.txt form.txt >"$work/changed.json"
got=$(post_json "$jar" /api/apply "$work/changed.json")
check_error "a changed form text is refused" 403 signature-invalid "$got"
make_cms_application auth-valid.pem auth.key form.txt form.txt >"$work/auth-cms.json"
got=$(post_json "$jar" /api/apply "$work/auth-cms.json")
check_error "a CMS by the authentication key does not chain to the signing CA" 403 \
	certificate-untrusted "$got"
make_cms_application sign-expired.pem sign.key form.txt form.txt >"$work/expired-cms.json"
got=$(post_json "$jar" /api/apply "$work/expired-cms.json")
check_error "a CMS by an expired certificate is refused" 403 certificate-expired "$got"
make_cms_application sign-valid.pem sign.key not-a-form.txt not-a-form.txt >"$work/bad-form.json"
got=$(post_json "$jar" /api/apply "$work/bad-form.json")
check_error "a signed text that is not the form is refused" 400 form-invalid "$got"
jq '.cms = "not base64!"' "$work/apply.json" >"$work/bad-b64.json"
got=$(post_json "$jar" /api/apply "$work/bad-b64.json")
check_error "a CMS that is not base64 is refused" 400 invalid-request "$got"
jq '. + {certificate: "AAAA"}' "$work/apply.json" >"$work/extra-key.json"
got=$(post_json "$jar" /api/apply "$work/extra-key.json")
check_error "an application with another key is refused" 400 invalid-request "$got"

got=$(post_json "$jar" /api/apply-raw "$work/apply-raw.json")
check "a raw signature with its certificate is verified" 200 \
	'.status == "ok" and .method == "raw" and .signer.name == "テスト　太郎"
	 and .checks == {"digest": "ok", "signature": "ok", "chain": "ok"} and .digest == "'"$digest"'"
	 and (has("signingTime") | not)' "$got"
make_raw_application sign-valid.pem sign.key changed.txt form.txt >"$work/changed-raw.json"
got=$(post_json "$jar" /api/apply-raw "$work/changed-raw.json")
check_error "a raw signature over another text is refused" 403 signature-invalid "$got"
make_raw_application auth-valid.pem auth.key form.txt form.txt >"$work/auth-raw.json"
got=$(post_json "$jar" /api/apply-raw "$work/auth-raw.json")
check_error "a raw signature with the authentication certificate is refused" 403 \
	not-a-signing-certificate "$got"
make_raw_application sign-expired.pem sign.key form.txt form.txt >"$work/expired-raw.json"
got=$(post_json "$jar" /api/apply-raw "$work/expired-raw.json")
check_error "a raw signature by an expired certificate is refused" 403 certificate-expired "$got"

# The 照合コード of the form text for this portal's origin, as a portal computes it with openssl
# (docs/web-api.md, "Verification code"); no login needed, a text that is not the form refused.
code=$({
	printf 'jpki-bridge verification code v1\0%s\0' "$origin"
	openssl dgst -sha256 -binary "$work/form.txt"
} | openssl dgst -sha256 -binary | base32 | tr 'A-Z2-7' '0-9A-HJKMNP-TV-Z' | cut -c1-6)
jq -Rs '{form: .}' "$work/form.txt" >"$work/code.json"
got=$(post_json "$nobody" /api/verification-code "$work/code.json")
check "/api/verification-code gives the form text's 照合コード for the portal's origin" 200 \
	'.verificationCode == "'"$code"'" and .digest == "'"$digest"'"' "$got"
jq -Rs '{form: .}' "$work/not-a-form.txt" >"$work/code-not-a-form.json"
got=$(post_json "$nobody" /api/verification-code "$work/code-not-a-form.json")
check_error "/api/verification-code refuses a text that is not the form" 400 form-invalid "$got"

# Logging out
got=$(request "$jar" GET /logout)
[[ $got == 303 ]] && grep -qiE '^set-cookie: jpki_demo_session=;.*Max-Age=0' "$work/headers" &&
	pass "/logout clears the session cookie" || fail "/logout: HTTP $got"
got=$(request "" GET /api/session -b "jpki_demo_session=$new_session")
check "the session is gone after logout" 200 '.loggedIn == false' "$got"
got=$(request "" GET /apply -b "jpki_demo_session=$new_session")
[[ $got == 303 ]] && pass "/apply needs a new login after logout" || fail "/apply after logout: HTTP $got"

stop_portal http

# --- CRLs replaced on SIGHUP, without a restart ------------------------------------------------

# write_crl FILE CA [SERIAL]: a CRL of the test CA named CA (auth-ca, sign-ca), listing SERIAL
# if given.
write_crl() {
	if [[ -n ${3:-} ]]; then
		printf 'R\t301231000000Z\t250101000000Z\t%s\tunknown\t/CN=TEST\n' "$3" >"$work/crl-index.txt"
	else
		: >"$work/crl-index.txt"
	fi
	printf '[ca]\ndefault_ca=test\n[test]\ndatabase=%s\ndefault_md=sha256\ndefault_crl_days=30\n' \
		"$work/crl-index.txt" >"$work/crl-ca.cnf"
	openssl ca -gencrl -config "$work/crl-ca.cnf" -keyfile "$pki/$2.key" \
		-cert "$pki/$2.pem" -out "$1.new" 2>/dev/null && mv "$1.new" "$1"
}
serial_of() {
	openssl x509 -in "$pki/$1" -noout -serial | cut -d= -f2
}
write_crl "$work/auth.crl" auth-ca || exit 1
write_crl "$work/sign.crl" sign-ca || exit 1
start_portal crl --auth-crl "$work/auth.crl" --sign-crl "$work/sign.crl"
origin=$base
crl_jar=$work/crl.jar
nonce=$(new_nonce "$crl_jar")
make_token auth-valid.pem auth.key "$origin" "$nonce" >"$work/crl-token.json"
got=$(post_json "$crl_jar" /api/login "$work/crl-token.json")
check "with a CRL that does not list it, the certificate logs in" 200 '.status == "ok"' "$got"
make_cms_application sign-valid.pem sign.key form.txt form.txt "$origin" >"$work/crl-apply.json"
got=$(post_json "$crl_jar" /api/apply "$work/crl-apply.json")
check "with a --sign-crl that does not list it, the signed application is accepted" 200 \
	'.status == "ok"' "$got"
write_crl "$work/auth.crl" auth-ca "$(serial_of auth-valid.pem)" || exit 1
write_crl "$work/sign.crl" sign-ca "$(serial_of sign-valid.pem)" || exit 1
kill -HUP "$crl_pid"
for _ in $(seq 100); do
	grep -q 'SIGHUP: 2 CRL files read again' "$work/crl.err" && break
	sleep 0.1
done
got=$(post_json "$crl_jar" /api/apply "$work/crl-apply.json")
check_error "after SIGHUP the --sign-crl now listing the signing certificate refuses the application" \
	403 certificate-revoked "$got"
make_raw_application sign-valid.pem sign.key form.txt form.txt >"$work/crl-apply-raw.json"
got=$(post_json "$crl_jar" /api/apply-raw "$work/crl-apply-raw.json")
check_error "and its raw signature" 403 certificate-revoked "$got"
nonce=$(new_nonce "$crl_jar")
make_token auth-valid.pem auth.key "$origin" "$nonce" >"$work/crl-token.json"
got=$(post_json "$crl_jar" /api/login "$work/crl-token.json")
check_error "after SIGHUP the CRL now listing it refuses the certificate, same process" 403 \
	certificate-revoked "$got"
echo 'not a CRL' >"$work/auth.crl"
kill -HUP "$crl_pid"
for _ in $(seq 100); do
	grep -q 'SIGHUP: the CRLs in use stay' "$work/crl.err" && break
	sleep 0.1
done
grep -q 'SIGHUP: the CRLs in use stay' "$work/crl.err" &&
	pass "a broken CRL file on SIGHUP is reported and the CRLs in use stay" ||
	fail "no report of the broken CRL file: $(cat "$work/crl.err")"
nonce=$(new_nonce "$crl_jar")
make_token auth-valid.pem auth.key "$origin" "$nonce" >"$work/crl-token.json"
got=$(post_json "$crl_jar" /api/login "$work/crl-token.json")
check_error "the revoking CRL is still in use" 403 certificate-revoked "$got"
stop_portal crl

# --- Over HTTPS, with nonces that expire in 5 s ------------------------------------------------
# Long enough for a login under ASan on a loaded machine; the late token waits 6 s, and a
# slower machine only makes it later.

openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 \
	-addext subjectAltName=IP:127.0.0.1 -keyout "$work/tls.key" -out "$work/tls.pem" \
	2>"$work/tls.log" || {
	cat "$work/tls.log"
	exit 1
}
start_portal https --https-cert "$work/tls.pem" --https-key "$work/tls.key" \
	--nonce-lifetime-seconds 5
origin=$base
echo "# HTTPS portal at $base"
[[ $origin == https://127.0.0.1:* ]] && pass "the HTTPS origin is https://127.0.0.1:PORT" ||
	fail "HTTPS origin $origin"
tls=(--cacert "$work/tls.pem")
got=$(request "" GET /)
check_text "curl --cacert reaches the portal over HTTPS" 200 'id="login-button"' "$got"
if curl -sS -o /dev/null "$base/" 2>/dev/null; then
	fail "curl without --cacert trusted the throwaway certificate"
else
	pass "the throwaway certificate is not trusted without --cacert"
fi
secure=$work/secure.jar
nonce=$(new_nonce "$secure")
check_header "the session cookie is Secure over HTTPS" '^set-cookie: jpki_demo_session=.*; Secure'
make_token auth-valid.pem auth.key "$origin" "$nonce" >"$work/https-token.json"
got=$(post_json "$secure" /api/login "$work/https-token.json")
check "a token for the HTTPS origin logs in" 200 '.status == "ok" and .origin == "'"$origin"'"' "$got"
nonce=$(new_nonce "$secure")
make_token auth-valid.pem auth.key "$origin" "$nonce" >"$work/late-token.json"
sleep 6
got=$(post_json "$secure" /api/login "$work/late-token.json")
check_error "a token for an expired nonce is refused" 403 nonce-expired "$got"

stop_portal https
exit $failed
