# Helpers of the demo portal's API tests (test_portal.sh, test_portal_redis.sh), sourced after
# they set `portal` (the binary) and `pki` (the test PKI): a scratch directory, portals started
# and stopped by PID, curl requests, checks, and tokens and signatures made with the openssl CLI.
# shellcheck shell=bash
# shellcheck disable=SC2034,SC2154 # `failed` is read, `portal` and `pki` set, by the test that sources this
work=$(mktemp -d)
portal_pids=()

cleanup() {
	local pid
	for pid in "${portal_pids[@]}"; do
		kill -TERM "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	done
	rm -rf "$work"
}
trap cleanup EXIT

failed=0
pass() { echo "ok: $1"; }
fail() {
	echo "FAILED: $1"
	failed=1
}

# start_portal NAME ARGS...: sets base (the portal's URL, no trailing slash) and NAME_pid.
start_portal() {
	local name=$1
	shift
	# Under ASan: LeakSanitizer misreads the dynamic TLS of the GnuTLS module GIO loads for
	# HTTPS (Debian 12) and dies in its tracer ("Tracer caught signal 11") unless it leaves
	# __tls_get_addr alone. Leaks are still found.
	LSAN_OPTIONS=${LSAN_OPTIONS:+$LSAN_OPTIONS:}intercept_tls_get_addr=0 \
		"$portal" --port 0 --auth-ca "$pki/auth-ca.pem" --sign-ca "$pki/sign-ca.pem" "$@" \
		>"$work/$name.out" 2>"$work/$name.err" &
	local pid=$!
	portal_pids+=("$pid")
	printf -v "${name}_pid" '%s' "$pid"
	for _ in $(seq 300); do
		base=$(sed -n 's|^jpki-demo-portal: listening on \(.*\)/ (.*|\1|p' "$work/$name.out")
		[[ -n $base ]] && return 0
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	echo "FAILED: the $name portal did not start:"
	sed 's/^/    /' "$work/$name.err"
	exit 1
}

# stop_portal NAME: SIGTERM to exactly that PID; it must exit with status 0.
stop_portal() {
	local name=$1 pid_var="${1}_pid"
	local pid=${!pid_var}
	kill -TERM "$pid"
	wait "$pid"
	local status=$?
	local still=() other
	for other in "${portal_pids[@]}"; do
		[[ $other == "$pid" ]] || still+=("$other")
	done
	portal_pids=("${still[@]}")
	if [[ $status -eq 0 ]]; then
		pass "the $name portal exits with status 0 on SIGTERM"
	else
		fail "the $name portal exited with status $status"
		sed 's/^/    /' "$work/$name.err"
	fi
}

tls=()
# request JAR METHOD PATH [CURL ARGS...]: prints the HTTP status; the body lands in
# $work/body and the headers in $work/headers. JAR is a cookie file ("" for none).
request() {
	local jar=$1 method=$2 path=$3
	shift 3
	local cookies=()
	[[ -n $jar ]] && cookies=(-b "$jar" -c "$jar")
	curl -sS "${tls[@]}" "${cookies[@]}" -o "$work/body" -D "$work/headers" \
		-w '%{http_code}' -X "$method" "$@" "$base$path"
}

# post_json JAR PATH FILE [CURL ARGS...]
post_json() {
	local jar=$1 path=$2 file=$3
	shift 3
	request "$jar" POST "$path" -H 'Content-Type: application/json' --data-binary "@$file" "$@"
}

# check WHAT STATUS JQ_FILTER GOT_STATUS: the last answer had STATUS and a body for which
# JQ_FILTER is true.
check() {
	local what=$1 want=$2 filter=$3 got=$4
	if [[ $got == "$want" ]] && jq -e "$filter" "$work/body" >/dev/null 2>&1; then
		pass "$what"
	else
		fail "$what: HTTP $got (want $want), body: $(head -c 400 "$work/body")"
	fi
}

# check_error WHAT STATUS CODE GOT_STATUS: an error answer with that code and both languages.
check_error() {
	check "$1" "$2" ".status == \"error\" and .code == \"$3\" and (.ja | length > 0) and (.en | length > 0)" "$4"
}

# check_text WHAT STATUS PATTERN GOT_STATUS: a body matching the fixed string PATTERN.
check_text() {
	local what=$1 want=$2 pattern=$3 got=$4
	if [[ $got == "$want" ]] && grep -qF -- "$pattern" "$work/body"; then
		pass "$what"
	else
		fail "$what: HTTP $got (want $want), body without '$pattern'"
	fi
}

# check_header WHAT PATTERN: the last answer has a header line matching the regex PATTERN.
check_header() {
	if grep -qiE -- "$2" "$work/headers"; then
		pass "$1"
	else
		fail "$1: no header matching '$2' in: $(tr -d '\r' <"$work/headers" | tr '\n' '|')"
	fi
}

# new_nonce JAR: a nonce from the portal, bound to the session in JAR.
new_nonce() {
	request "$1" POST /api/nonce >/dev/null
	jq -r .nonce "$work/body"
}

# make_token CERT KEY ORIGIN NONCE > token.json: RS256 over SHA-256(origin) || SHA-256(nonce).
make_token() {
	{
		printf '%s' "$3" | openssl dgst -sha256 -binary
		printf '%s' "$4" | openssl dgst -sha256 -binary
	} >"$work/login-message"
	openssl dgst -sha256 -sign "$pki/$2" -out "$work/login-signature" "$work/login-message" || return 1
	openssl x509 -in "$pki/$1" -outform DER -out "$work/login-cert.der" || return 1
	jq -cn --arg certificate "$(base64 -w0 <"$work/login-cert.der")" \
		--arg signature "$(base64 -w0 <"$work/login-signature")" \
		'{unverifiedCertificate: $certificate, algorithm: "RS256", signature: $signature,
		  format: "web-eid:1.0", appVersion: "https://example.invalid/demo-portal-test"}'
}

# make_cms_application CERT KEY FORM_FILE SIGNED_FILE [ORIGIN] > body.json: {form, cms} where the
# CMS is a detached signature over SIGNED_FILE and form is FORM_FILE's text. Without ORIGIN the
# openssl CLI signs (no origin attribute); with it `make_cms` (test-make-cms, set by the test)
# signs as the host's sign-cms does for a page of ORIGIN.
make_cms_application() {
	if [[ $# -ge 5 ]]; then
		"$make_cms" "$1" "$2" "$work/$4" "$5" >"$work/form.p7s" || return 1
	else
		openssl cms -sign -binary -md sha256 -nosmimecap -in "$work/$4" -signer "$pki/$1" \
			-inkey "$pki/$2" -outform DER -out "$work/form.p7s" || return 1
	fi
	jq -n --rawfile form "$work/$3" --arg cms "$(base64 -w0 <"$work/form.p7s")" \
		'{form: $form, cms: $cms}'
}

# make_raw_application CERT KEY FORM_FILE SIGNED_FILE > body.json: {form, signature,
# certificate}, the signature RSA PKCS#1 v1.5 SHA-256 over SIGNED_FILE.
make_raw_application() {
	openssl dgst -sha256 -sign "$pki/$2" -out "$work/form.sig" "$work/$4" || return 1
	openssl x509 -in "$pki/$1" -outform DER -out "$work/form-cert.der" || return 1
	jq -n --rawfile form "$work/$3" --arg signature "$(base64 -w0 <"$work/form.sig")" \
		--arg certificate "$(base64 -w0 <"$work/form-cert.der")" \
		'{form: $form, signature: $signature, certificate: $certificate}'
}
