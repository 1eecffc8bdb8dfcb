#!/usr/bin/env bash
# The real jpki-bridge-host driven over stdio as a browser would (bridge-driver),
# with the simulated card in the real pcscd and the scripted pinentry.
# Usage: bridge_test.sh BUILD_DIR SOURCE_DIR
set -uo pipefail
build=${1:?build dir}
source_dir=${2:?source dir}
host=$build/host/bridge/jpki-bridge-host
driver=$build/tests/bridge/bridge-driver
verify=$build/host/verify/jpki-verify
pki=$build/test-pki
with_card=$source_dir/tests/with-virtual-card
work=$(mktemp -d)
trap 'stop_pcscd_recorder; rm -rf "$work"' EXIT
# shellcheck source=tests/integration/check.sh
source "$source_dir/tests/integration/check.sh"
# Under the valgrind preset, every start of the host runs under memcheck (check.sh), but for the
# catalogues of malformed requests and origins: their ~300 hosts would take minutes under it, and
# unit.test_bridge_request runs both tables through the same parser under memcheck.
plain_host=$host
host=$(memchecked "$host")

fake_pinentry=$build/tests/fake-pinentry/fake-pinentry
export JPKI_PINENTRY=$fake_pinentry
export FAKE_PINENTRY_LOG=$work/pinentry.log
export LANG=C.UTF-8
unset LC_ALL LC_MESSAGES
# host.conf switches the test variables on (JPKI_PINENTRY above, the scripted pinentry's
# FAKE_PINENTRY_*); the scenarios about host.conf write their own.
export XDG_CONFIG_HOME=$work/config
mkdir -p "$XDG_CONFIG_HOME/jpki-bridge"
printf '[host]\ntest-variables=true\n' >"$XDG_CONFIG_HOME/jpki-bridge/host.conf"
origin=https://myna.example.jp
# The host's own grace timer for a worker after a disconnect (host/bridge/main.c): a host that
# really cancels exits well under it, one that only times out does not.
grace_ms=$(sed -n 's/^#define DISCONNECT_GRACE_MS *\([0-9]*\).*/\1/p' "$source_dir/host/bridge/main.c")
[[ $grace_ms -gt 0 ]] || { echo "no DISCONNECT_GRACE_MS in host/bridge/main.c"; exit 2; }
quick_exit_ms=$((grace_ms / 2))
# Under memcheck (the valgrind preset) the host runs many times slower, and memcheck's leak
# search after the host's exit counts in what bridge-driver measures: that search is taken off
# (memcheck_teardown_ms) and the host need only exit under the grace timer itself, which still
# tells a host that cancels from one that times out; the margin of half the timer is about speed.
[[ -n ${JPKI_MEMCHECK:-} ]] && quick_exit_ms=$grace_ms

nonce() { head -c 33 /dev/urandom | base64 | tr -d '\n' | head -c 44; }

# Every run of the host goes through bridge-driver, which fails (and says why in
# $work/driver.err) when the host sends no reply where one is due, writes a second frame or
# anything after a disconnect, or exits other than with status 0; the host's stderr goes to
# $work/host.err, which must hold no sanitizer report (asan preset).
host_ran_cleanly() { # driver status
	if [[ $1 -ne 0 ]]; then
		echo "bridge-driver failed ($1):" >&2
		sed 's/^/    /' "$work/driver.err" >&2
		echo "the host's stderr:" >&2
		sed 's/^/    /' "$work/host.err" >&2
		return 1
	fi
	no_sanitizer_report "$work/host.err" >&2
}

# run_host [driver options] REQUEST: the host with no card involved; the reply on stdout.
run_host() {
	local status=0
	"$driver" --host-stderr "$work/host.err" "${@:1:$#-1}" "$host" "${@: -1}" \
		2>"$work/driver.err" || status=$?
	host_ran_cleanly "$status"
}

# drive [sim options] -- [driver options] REQUEST: the host with the simulated card.
drive() {
	local sim_options=() status=0
	while [[ $1 != -- ]]; do
		sim_options+=("$1")
		shift
	done
	shift
	"$with_card" "${sim_options[@]}" -- "$driver" --host-stderr "$work/host.err" "${@:1:$#-1}" \
		"$host" "${@: -1}" 2>"$work/driver.err" || status=$?
	host_ran_cleanly "$status"
}

expect() { # what, actual, expected
	[[ $2 == "$3" ]] || {
		echo "$1: expected '$3', got '$2'"
		return 1
	}
}

expect_error() { # reply, code[, triesLeft]: exactly the keys of docs/protocol.md ("Errors")
	local keys='["code","en","ja","message"]' tries=${3:-}
	[[ -n $tries ]] && keys='["code","en","ja","message","triesLeft"]'
	jq -e --arg code "$2" --argjson keys "$keys" --arg tries "$tries" '
		keys == ["error"] and (.error | keys) == $keys and .error.code == $code and
		([.error.message, .error.ja, .error.en] | all(type == "string" and length > 0)) and
		($tries == "" or .error.triesLeft == ($tries | tonumber))' <<<"$1" >/dev/null || {
		echo "expected the error $2${tries:+ with triesLeft $tries} and nothing else, got: $1"
		return 1
	}
}

authenticate() { # origin: an authenticate request with a fresh nonce
	echo "{\"command\":\"authenticate\",\"arguments\":{\"origin\":\"$1\",\"challengeNonce\":\"$(nonce)\"}}"
}

status_of() { echo "{\"command\":\"status\",\"arguments\":{\"origin\":\"$1\"}}"; }
read_attributes_of() { echo "{\"command\":\"read-attributes\",\"arguments\":{\"origin\":\"$1\"}}"; }

login_token_verifies_for_its_origin_only() {
	local n reply
	n=$(nonce)
	reply=$(FAKE_PINENTRY_PIN=1234 drive -- "{\"command\":\"authenticate\",\"arguments\":{\"origin\":\"$origin\",\"challengeNonce\":\"$n\"}}") || return 1
	expect format "$(jq -r .format <<<"$reply")" web-eid:1.0 || return 1
	"$verify" token --origin "$origin" --nonce "$n" --ca "$pki/auth-ca.pem" <<<"$reply" || return 1
	# Refused as a refusal (status 1, signature-invalid), not as a crash.
	local refusal status
	refusal=$("$verify" token --origin https://evil.example --nonce "$n" --ca "$pki/auth-ca.pem" \
		--json <<<"$reply")
	status=$?
	expect "another origin: status" "$status" 1 &&
		expect "another origin: code" "$(jq -r .error.code <<<"$refusal")" signature-invalid
}

dialog_names_the_site_and_tries_left() {
	rm -f "$FAKE_PINENTRY_LOG"
	FAKE_PINENTRY_PIN=1234 drive -- "$(authenticate "$origin")" >/dev/null || return 1
	tr '\0' '\n' <"$FAKE_PINENTRY_LOG" >"$work/log.txt"
	# The registrable domain on the first line, the origin on the next.
	grep -qx "SETDESC Site: example.jp" "$work/log.txt" && grep -qx "($origin)" "$work/log.txt" &&
		grep -q "This site asks for a login" "$work/log.txt" && grep -q "3 tries left" "$work/log.txt"
}

# The 照合コード as a portal computes it on its server, with coreutils and openssl
# (docs/web-api.md, "Verification code"): origin and digest, never the host's code.
verification_code_of() { # origin, base64 digest
	{
		printf 'jpki-bridge verification code v1\0%s\0' "$1"
		base64 -d <<<"$2"
	} | openssl dgst -sha256 -binary | base32 | tr 'A-Z2-7' '0-9A-HJKMNP-TV-Z' | cut -c1-6
}

signature_dialog_shows_the_site_and_the_verification_code() {
	local digest code
	digest=$(printf '電子申請 %s\n' "$RANDOM" | openssl dgst -sha256 -binary | base64)
	code=$(verification_code_of "$origin" "$digest")
	[[ $code =~ ^[0-9A-HJKMNP-TV-Z]{6}$ ]] || { echo "no code computed: $code"; return 1; }
	rm -f "$FAKE_PINENTRY_LOG"
	FAKE_PINENTRY_PIN=ABC123 drive -- "{\"command\":\"sign-cms\",\"arguments\":{\"origin\":\"$origin\",\"digest\":\"$digest\",\"hashFunction\":\"SHA-256\"}}" >/dev/null || return 1
	tr '\0' '\n' <"$FAKE_PINENTRY_LOG" >"$work/log.txt"
	if ! grep -qx "SETDESC Site: example.jp" "$work/log.txt" ||
		! grep -qx "Verification code: $code" "$work/log.txt"; then
		echo "expected the site example.jp and the code $code in:"
		cat "$work/log.txt"
		return 1
	fi
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

# Run after sign_cms_verifies_with_openssl: the CMS it made names the origin of the request.
sign_cms_names_the_requesting_origin() {
	"$verify" cms --origin "$origin" --ca "$pki/sign-ca.pem" "$work/form.p7s" "$work/form.txt" \
		>/dev/null || return 1
	"$verify" cms --origin https://other.example --ca "$pki/sign-ca.pem" "$work/form.p7s" \
		"$work/form.txt" 2>"$work/other.err" >/dev/null
	[[ $? -eq 1 && $(head -n1 "$work/other.err") == signature-origin-mismatch ]]
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
	reply=$(FAKE_PINENTRY_PIN=1234 drive --profile auth-locked -- "$(authenticate "$origin")") || return 1
	expect_error "$reply" pin-blocked &&
		grep -q "市区町村の窓口" <<<"$(jq -r .error.ja <<<"$reply")" &&
		[[ ! -s $FAKE_PINENTRY_LOG ]]
}

wrong_pin_then_cancel_is_pin_incorrect_with_the_tries_left() {
	rm -f "$work/counter"
	local reply
	reply=$(FAKE_PINENTRY_PINS="0000;CANCEL" FAKE_PINENTRY_COUNTER=$work/counter \
		drive -- "$(authenticate "$origin")") || return 1
	expect_error "$reply" pin-incorrect 2
}

# The browser goes away while the host waits for the user (FAKE_PINENTRY_HANG_ON: a dialog left
# open): no reply at all (bridge-driver reads stdout to its end), the host exits well under its
# grace timer, and the dialog is gone. Extra arguments are simulator options.
disconnect_ends_the_wait() { # pinentry command that hangs, text the dialog shows, sim options...
	local hang_on=$1 shown=$2 pidfile=$work/pinentry.pid ms
	shift 2
	rm -f "$pidfile" "$FAKE_PINENTRY_LOG"
	FAKE_PINENTRY_HANG_ON=$hang_on FAKE_PINENTRY_PIDFILE=$pidfile \
		drive "$@" -- ${terminate:+--terminate} --disconnect-when "$FAKE_PINENTRY_LOG" \
		--disconnect-when-holds "$hang_on" \
		"$(authenticate "$origin")" \
		>"$work/disconnect.out" || return 1
	[[ ! -s $work/disconnect.out ]] || { echo "a reply to a browser that left"; return 1; }
	ms=$(sed -n 's/^exit=0 ms=\([0-9]*\)$/\1/p' "$work/driver.err")
	[[ -n $ms ]] && ms=$((ms - $(memcheck_teardown_ms)))
	[[ -n $ms && $ms -lt $quick_exit_ms ]] || {
		echo "the host took ${ms:-?} ms to exit (grace timer $grace_ms ms, expected under $quick_exit_ms)"
		return 1
	}
	! kill -0 "$(cat "$pidfile")" 2>/dev/null || { echo "the dialog is still open"; return 1; }
	tr '\0' '\n' <"$FAKE_PINENTRY_LOG" | grep -q "$shown" || {
		echo "the dialog never showed '$shown'"
		return 1
	}
}

disconnect_closes_the_pin_dialog() {
	disconnect_ends_the_wait GETPIN "asks for a login"
}

disconnect_cancels_the_wait_for_a_card() {
	disconnect_ends_the_wait CONFIRM "Place your My Number Card" --start-removed
}

# SIGTERM (the browser or the session ending the host) in the middle of a PIN dialog: as a
# disconnect, the dialog closes, nothing is written, and the host exits 0 at once.
sigterm_closes_the_pin_dialog() {
	terminate=1 disconnect_ends_the_wait GETPIN "asks for a login"
}

# A browser that stopped reading: the reply meets a closed pipe, and the host exits with
# status 0 (EPIPE) instead of dying of SIGPIPE.
closed_reply_pipe_is_no_crash() {
	run_host --close-replies '{"command":"quit","arguments":{}}' >/dev/null
}

# The host dies (SIGQUIT, whose default is a core dump) while its PIN dialog is open, in a
# folder where the shell allows core files: no core is written (one taken after a VERIFY would
# hold the PIN), and the dialog goes with the host (PR_SET_PDEATHSIG).
a_crash_in_a_dialog_leaves_no_core_and_no_dialog() {
	local dir=$work/crash pidfile=$work/pinentry.pid pinentry_pid host_pid
	rm -rf "$dir" "$pidfile" "$FAKE_PINENTRY_LOG"
	mkdir -p "$dir"
	(
		cd "$dir" && ulimit -c unlimited &&
			FAKE_PINENTRY_HANG_ON=GETPIN FAKE_PINENTRY_PIDFILE=$pidfile "$with_card" -- \
				"$driver" --timeout-ms 30000 "$host" "$(authenticate "$origin")" \
				>/dev/null 2>&1
	) &
	local crash=$!
	# Up to 3 minutes: another run's virtual card may hold the reader first.
	for _ in $(seq 1800); do
		[[ -s $pidfile ]] && grep -qa GETPIN "$FAKE_PINENTRY_LOG" 2>/dev/null && break
		kill -0 "$crash" 2>/dev/null || break
		sleep 0.1
	done
	pinentry_pid=$(cat "$pidfile" 2>/dev/null)
	host_pid=$(ps -o ppid= -p "${pinentry_pid:-0}" | tr -d ' ')
	[[ -n $host_pid ]] || { echo "no dialog came up"; wait "$crash"; return 1; }
	kill -QUIT "$host_pid"
	wait "$crash"
	for _ in $(seq 20); do
		kill -0 "$pinentry_pid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$pinentry_pid" 2>/dev/null; then
		echo "the dialog outlived the host"
		kill "$pinentry_pid"
		return 1
	fi
	[[ -z $(ls -A "$dir") ]] || { echo "the crash left: $(ls -A "$dir")"; return 1; }
}

# The browser goes away while a command that needs no dialog is still at the card: the command
# ends within the grace timer, its reply is dropped (not written, not leaked: under the asan
# preset LeakSanitizer fails the host's exit), and the host exits cleanly.
disconnect_during_status_drops_the_reply() {
	drive -- --disconnect-when /dev/null "$(status_of "$origin")" \
		>"$work/disconnect.out" || return 1
	[[ ! -s $work/disconnect.out ]] || { echo "a reply to a browser that left"; return 1; }
}

# tests/bridge/malformed-requests.txt: <code> TAB <request> TAB <text the message holds>.
malformed_requests_get_their_codes_and_a_clean_exit() {
	local host=$plain_host file=$source_dir/tests/bridge/malformed-requests.txt count=0 lines expected request detail reply
	lines=$(grep -avc -e '^#' -e '^$' "$file")
	if [[ -n $(grep -av -e '^#' -e '^$' "$file" | sort | uniq -d) ]]; then
		echo "duplicate lines in $file:"
		grep -av -e '^#' -e '^$' "$file" | sort | uniq -d | cut -c1-200
		return 1
	fi
	while IFS=$'\t' read -r expected request detail; do
		[[ -z $expected || $expected == \#* ]] && continue
		# No pcscd: a request wrongly let through must not reach a card this machine has.
		if [[ -z $detail ]] || ! reply=$(PCSCLITE_CSOCK_NAME=$work/no-pcscd run_host "$request") ||
			! expect_error "$reply" "$expected" ||
			[[ $(jq -r .error.message <<<"$reply") != *"$detail"* ]]; then
			echo "request: ${request:0:300}"
			echo "expected $expected (\"$detail\"), got: ${reply:-nothing}"
			return 1
		fi
		count=$((count + 1))
	done <"$file"
	echo "$count of $lines malformed requests answered"
	[[ $count -eq $lines ]]
}

# tests/bridge/origins.txt, as the extension's tests read it: each origin in a status request,
# with the development switch off and on. An accepted one goes on to pcscd, which is not there.
every_origin_gets_its_verdict() {
	local host=$plain_host origin_text verdict verdict_dev development want reply got count=0
	while IFS=$'\t' read -r origin_text verdict verdict_dev; do
		[[ -z $origin_text || $origin_text == \#* ]] && continue
		for development in 0 1; do
			want=$verdict
			[[ $development == 1 && -n $verdict_dev ]] && want=$verdict_dev
			[[ $want == accepted ]] && want=no-service
			if ! reply=$(JPKI_BRIDGE_ALLOW_HTTP_LOOPBACK=$development PCSCLITE_CSOCK_NAME=$work/no-pcscd \
				run_host "$(jq -nc --arg o "$origin_text" '{command: "status", arguments: {origin: $o}}')") ||
				! expect_error "$reply" "$want"; then
				echo "origin '$origin_text' (development $development): expected $want"
				return 1
			fi
		done
		count=$((count + 1))
	done <"$source_dir/tests/bridge/origins.txt"
	echo "$count origins"
}

request_of_8_kib_is_answered_and_one_byte_more_is_too_large() {
	local reply
	reply=$(run_host --pad-to 8192 '{"command":"quit","arguments":{}}') || return 1
	expect "reply to 8192 bytes" "$reply" "{}" || return 1
	reply=$(run_host --pad-to 8193 '{"command":"quit","arguments":{}}') || return 1
	expect_error "$reply" request-too-large
}

oversized_request_is_refused_before_reading_it() {
	local reply
	reply=$(run_host --length 100000000 '{}') || return 1
	expect_error "$reply" request-too-large
}

version_comes_first_and_stdout_has_frames_only() {
	run_host '{"command":"quit","arguments":{}}' >"$work/quit" || return 1
	grep -q '^version={"version":"' "$work/driver.err" && expect reply "$(cat "$work/quit")" "{}"
}

status_needs_no_pin() {
	rm -f "$FAKE_PINENTRY_LOG"
	local reply
	reply=$(drive --profile renewal -- "$(status_of "$origin")") || return 1
	expect type "$(jq -r .card.type <<<"$reply")" mynumber &&
		expect validity "$(jq -r .certificates.auth.validity <<<"$reply")" renewal-window &&
		expect tries "$(jq -r .pins.sign.triesLeft <<<"$reply")" 5 && [[ ! -s $FAKE_PINENTRY_LOG ]]
}

check "a login token verifies for its origin only" login_token_verifies_for_its_origin_only
check "the PIN dialog names the site and the tries left" dialog_names_the_site_and_tries_left
check "the signature's PIN dialog shows the site and the 照合コード a portal computes with openssl" signature_dialog_shows_the_site_and_the_verification_code
check "sign-cms makes a CMS that openssl verifies" sign_cms_verifies_with_openssl
check "the CMS names the requesting origin: jpki-verify --origin passes it, refuses another site" \
	sign_cms_names_the_requesting_origin
check "sign after get-signing-certificate verifies with openssl" sign_after_get_signing_certificate_verifies
check "a locked PIN is refused without a dialog, in Japanese too" locked_pin_is_refused_without_a_dialog
check "a wrong PIN, then cancel: pin-incorrect with triesLeft" wrong_pin_then_cancel_is_pin_incorrect_with_the_tries_left
check "a browser disconnect closes the PIN dialog, no reply, the host exits at once" disconnect_closes_the_pin_dialog
check "a browser disconnect ends the wait for a card and its dialog, no reply" disconnect_cancels_the_wait_for_a_card
check "a browser disconnect during status drops the reply and the host exits cleanly" disconnect_during_status_drops_the_reply
check "SIGTERM closes the PIN dialog, no reply, the host exits at once" sigterm_closes_the_pin_dialog
check "a closed reply pipe is EPIPE, not a death by SIGPIPE" closed_reply_pipe_is_no_crash
check "a crash in a PIN dialog leaves no core file and no dialog" a_crash_in_a_dialog_leaves_no_core_and_no_dialog
check "every malformed request gets its code and message and a clean exit" malformed_requests_get_their_codes_and_a_clean_exit
check "every origin of tests/bridge/origins.txt gets its verdict" every_origin_gets_its_verdict
check "a request of 8192 bytes is answered, 8193 is request-too-large" request_of_8_kib_is_answered_and_one_byte_more_is_too_large
check "an oversized request is refused before it is read" oversized_request_is_refused_before_reading_it
check "the version comes first and stdout carries frames only" version_comes_first_and_stdout_has_frames_only
check "status needs no PIN" status_needs_no_pin
# ---- nothing before a command needs it, and host.conf ----

# A stand-in for pcscd (socket-recorder): a Unix socket that notes each connection in `record`
# and closes it, so the host finds no PC/SC service there and we know it looked.
recorder_pid=""
start_pcscd_recorder() { # socket, record
	rm -f "$1" "$2"
	"$build/tests/bridge/socket-recorder" "$1" "$2" &
	recorder_pid=$!
	for _ in $(seq 200); do
		[[ -S $1 ]] && return 0
		kill -0 "$recorder_pid" 2>/dev/null || break
		sleep 0.05
	done
	echo "the pcscd stand-in did not start"
	return 1
}

stop_pcscd_recorder() {
	[[ -n $recorder_pid ]] || return 0
	kill "$recorder_pid" 2>/dev/null
	wait "$recorder_pid" 2>/dev/null
	recorder_pid=""
}

# A pinentry that notes `name` in $work/pinentries when it starts, then is the scripted one,
# cancelling and logging even when the host passes it no environment of ours.
recording_pinentry() { # path, name
	mkdir -p "$(dirname "$1")"
	printf '#!/bin/sh\necho %s >>"%s"\nFAKE_PINENTRY_CONFIRM=cancel FAKE_PINENTRY_LOG="%s" exec "%s" "$@"\n' \
		"$2" "$work/pinentries" "$FAKE_PINENTRY_LOG" "$fake_pinentry" >"$1"
	chmod +x "$1"
}

# A folder for XDG_CONFIG_HOME whose jpki-bridge/host.conf has these lines in [host], and
# test-variables=true unless a line says otherwise.
config_with() { # name, lines...
	local dir=$work/config-$1
	shift
	mkdir -p "$dir/jpki-bridge"
	printf '[host]\n' >"$dir/jpki-bridge/host.conf"
	printf '%s\n' "$@" >>"$dir/jpki-bridge/host.conf"
	[[ " $* " == *" test-variables="* ]] || echo test-variables=true >>"$dir/jpki-bridge/host.conf"
	echo "$dir"
}

nothing_is_touched_before_a_command_needs_it() {
	local reply
	recording_pinentry "$work/pinentry-recorded" recorded
	start_pcscd_recorder "$work/pcscd.sock" "$work/pcscd.log" || return 1
	rm -f "$work/pinentries"
	reply=$(PCSCLITE_CSOCK_NAME=$work/pcscd.sock JPKI_PINENTRY=$work/pinentry-recorded \
		run_host '{"command":"quit","arguments":{}}') || { stop_pcscd_recorder; return 1; }
	if ! expect quit "$reply" "{}" || ! grep -q '^version={"version":"' "$work/driver.err"; then
		stop_pcscd_recorder
		return 1
	fi
	reply=$(PCSCLITE_CSOCK_NAME=$work/pcscd.sock JPKI_PINENTRY=$work/pinentry-recorded \
		run_host "$(status_of "http://example.jp")") || { stop_pcscd_recorder; return 1; }
	expect_error "$reply" origin-not-allowed || { stop_pcscd_recorder; return 1; }
	[[ ! -e $work/pcscd.log ]] || { stop_pcscd_recorder; echo "pcscd was reached before a command needed it"; return 1; }
	[[ ! -e $work/pinentries ]] || { stop_pcscd_recorder; echo "a dialog was started before a command needed it"; return 1; }
	# The same checks see it when a command does reach for them.
	reply=$(PCSCLITE_CSOCK_NAME=$work/pcscd.sock JPKI_PINENTRY=$work/pinentry-recorded \
		run_host "$(status_of "$origin")")
	stop_pcscd_recorder
	# what libpcsclite makes of a socket that closes at once: no-service or pcsc-error
	expect_error "$reply" "$(jq -r '.error.code | select(. == "no-service" or . == "pcsc-error")' <<<"$reply")" || return 1
	[[ -s $work/pcscd.log ]] || { echo "status did not reach for pcscd: the check cannot fail"; return 1; }
	reply=$(PCSCLITE_CSOCK_NAME=$work/no-pcscd JPKI_PINENTRY=$work/pinentry-recorded FAKE_PINENTRY_CONFIRM=cancel \
		run_host "$(read_attributes_of "$origin")") || return 1
	expect_error "$reply" cancelled && expect pinentries "$(cat "$work/pinentries" 2>/dev/null)" recorded
}

# read-attributes asks its consent dialog before it needs the card: which pinentry ran, and in
# which language, without pcscd. Prints the pinentries started; the dialog's text is in the log.
consent_dialog() { # request environment as NAME=VALUE..., then nothing
	rm -f "$work/pinentries" "$FAKE_PINENTRY_LOG"
	local reply
	reply=$(env "$@" PCSCLITE_CSOCK_NAME="$work/no-pcscd" FAKE_PINENTRY_CONFIRM=cancel \
		"$driver" --host-stderr "$work/host.err" "$host" "$(read_attributes_of "$origin")" \
		2>"$work/driver.err") || { host_ran_cleanly 1; return 1; }
	no_sanitizer_report "$work/host.err" >&2 || return 1
	expect_error "$reply" cancelled >&2 || return 1
	cat "$work/pinentries" 2>/dev/null || true
}

# The pinentry: host.conf's absolute path; JPKI_PINENTRY only where host.conf switches the test
# variables on, in a file nobody else may write; never a name looked up on PATH.
host_conf_pinentry_and_the_test_variables() {
	local conf tests shared relative got
	recording_pinentry "$work/pinentry-conf" conf
	recording_pinentry "$work/pinentry-env" env
	recording_pinentry "$work/bin/pinentry-on-path" path
	conf=$(config_with pinentry "pinentry=$work/pinentry-conf" test-variables=false)
	tests=$(config_with pinentry-tests "pinentry=$work/pinentry-conf")
	shared=$(config_with pinentry-shared "pinentry=$work/pinentry-conf")
	chmod 666 "$shared/jpki-bridge/host.conf"
	relative=$(config_with pinentry-relative "pinentry=pinentry-on-path")
	got=$(consent_dialog JPKI_PINENTRY="$work/pinentry-env" XDG_CONFIG_HOME="$conf") &&
		expect "JPKI_PINENTRY without test-variables" "$got" conf || return 1
	got=$(consent_dialog JPKI_PINENTRY="$work/pinentry-env" XDG_CONFIG_HOME="$tests") &&
		expect "JPKI_PINENTRY with test-variables" "$got" env || return 1
	got=$(consent_dialog JPKI_PINENTRY="$work/pinentry-env" XDG_CONFIG_HOME="$shared") &&
		expect "test-variables in a file others may write" "$got" conf || return 1
	grep -q "test-variables ignored" "$work/host.err" || { echo "no warning about the file"; return 1; }
	got=$(consent_dialog JPKI_PINENTRY=pinentry-on-path PATH="$work/bin:$PATH" XDG_CONFIG_HOME="$tests")
	[[ $got != *path* ]] || { echo "a pinentry was looked up on PATH"; return 1; }
	got=$(consent_dialog -u JPKI_PINENTRY -u DISPLAY -u WAYLAND_DISPLAY PATH="$work/bin:$PATH" XDG_CONFIG_HOME="$relative")
	[[ $got != *path* ]] || { echo "host.conf's relative pinentry was looked up on PATH"; return 1; }
	grep -q "must be an absolute path" "$work/host.err" || { echo "no warning about the relative path"; return 1; }
}

dialog_text() { tr '\0' '\n' <"$FAKE_PINENTRY_LOG" | grep '^SETDESC'; }

dialog_says() { # text, environment as NAME=VALUE...: the consent dialog holds `text`
	local text=$1
	shift
	consent_dialog "$@" >/dev/null || return 1
	[[ $(dialog_text) == *"$text"* ]] || {
		echo "with $*: the dialog says $(dialog_text)"
		return 1
	}
}

host_conf_lang_else_the_locale() {
	local ja en
	ja=$(config_with ja lang=ja)
	en=$(config_with en lang=en)
	dialog_says "Site: example.jp" LANG=C.UTF-8 &&
		dialog_says "サイト: example.jp" LANG=ja_JP.UTF-8 &&
		dialog_says "サイト: example.jp" LANG=C.UTF-8 XDG_CONFIG_HOME="$ja" &&
		dialog_says "Site: example.jp" LANG=ja_JP.UTF-8 XDG_CONFIG_HOME="$en"
}

loopback_verdict() { # environment as NAME=VALUE...: the code for http://localhost:8080
	local reply
	reply=$(env "$@" PCSCLITE_CSOCK_NAME="$work/no-pcscd" "$driver" --host-stderr "$work/host.err" \
		"$host" "$(status_of http://localhost:8080)" 2>"$work/driver.err") || { host_ran_cleanly 1; return 1; }
	no_sanitizer_report "$work/host.err" >&2 || return 1
	jq -r .error.code <<<"$reply"
}

host_conf_allow_http_loopback_and_its_override() {
	local on off untested
	on=$(config_with loopback-on allow-http-loopback=true)
	off=$(config_with loopback-off allow-http-loopback=false)
	untested=$(config_with loopback-untested allow-http-loopback=false test-variables=false)
	# no-service: the origin passed and the host went on to look for pcscd
	expect "by default" "$(loopback_verdict)" origin-not-allowed &&
		expect "allow-http-loopback=false" "$(loopback_verdict XDG_CONFIG_HOME="$off")" origin-not-allowed &&
		expect "allow-http-loopback=true" "$(loopback_verdict XDG_CONFIG_HOME="$on")" no-service &&
		expect "JPKI_BRIDGE_ALLOW_HTTP_LOOPBACK=1 over false" \
			"$(loopback_verdict XDG_CONFIG_HOME="$off" JPKI_BRIDGE_ALLOW_HTTP_LOOPBACK=1)" no-service &&
		expect "JPKI_BRIDGE_ALLOW_HTTP_LOOPBACK=0" "$(loopback_verdict JPKI_BRIDGE_ALLOW_HTTP_LOOPBACK=0)" origin-not-allowed &&
		expect "JPKI_BRIDGE_ALLOW_HTTP_LOOPBACK=1 without test-variables" \
			"$(loopback_verdict XDG_CONFIG_HOME="$untested" JPKI_BRIDGE_ALLOW_HTTP_LOOPBACK=1)" origin-not-allowed
}

# No card: the host waits card-wait-seconds with its dialog open, then answers timeout.
waited_ms() { # seconds it must have waited, environment as NAME=VALUE...
	local seconds=$1 reply ms guard=5
	shift
	[[ -n ${JPKI_MEMCHECK:-} ]] && guard=30 # bridge-driver's guard against a hang, under memcheck
	reply=$(env "$@" FAKE_PINENTRY_HANG_ON=CONFIRM "$with_card" --start-removed -- "$driver" \
		--timeout-ms $(((seconds + guard) * 1000)) --host-stderr "$work/host.err" "$host" \
		"$(authenticate "$origin")" 2>"$work/driver.err") || { host_ran_cleanly 1; return 1; }
	no_sanitizer_report "$work/host.err" || return 1
	expect_error "$reply" timeout || return 1
	ms=$(sed -n 's/^exit=0 ms=\([0-9]*\)$/\1/p' "$work/driver.err")
	# The lower bound is the wait itself; the upper one is about speed: under memcheck its leak
	# search is taken off and the host gets 5 s instead of 2 to answer and exit after the wait.
	local slack=2000
	[[ -n ${JPKI_MEMCHECK:-} ]] && ms=$((ms - $(memcheck_teardown_ms))) slack=5000
	[[ $ms -ge $((seconds * 1000)) && $ms -lt $((seconds * 1000 + slack)) ]] || {
		echo "waited $ms ms for a card, not $seconds s"
		return 1
	}
}

host_conf_card_wait_seconds_and_its_override() {
	local one sixty
	one=$(config_with wait-1 card-wait-seconds=1)
	sixty=$(config_with wait-60 card-wait-seconds=60)
	waited_ms 1 XDG_CONFIG_HOME="$one" || return 1
	waited_ms 2 XDG_CONFIG_HOME="$sixty" JPKI_BRIDGE_CARD_WAIT_SECONDS=2
}

# ---- the government portals' commands (docs/mynaportal.md) ----

portal_verdict() { # origin, environment as NAME=VALUE...: the code for a portal-login from origin
	local reply portal=$1
	shift
	reply=$(env "$@" PCSCLITE_CSOCK_NAME="$work/no-pcscd" "$driver" --host-stderr "$work/host.err" "$host" \
		"{\"command\":\"portal-login\",\"arguments\":{\"origin\":\"$portal\",\"toBeSigned\":\"AAAA\"}}" \
		2>"$work/driver.err") || { host_ran_cleanly 1; return 1; }
	no_sanitizer_report "$work/host.err" >&2 || return 1
	jq -r .error.code <<<"$reply"
}

host_conf_portal_origins_add_to_the_shipped_ones() {
	local added origins
	added=$(config_with portals portal-origins=https://portal.example.jp)
	origins=$(XDG_CONFIG_HOME="$added" run_host '{"command":"portal-origins","arguments":{}}' | jq -c .origins) || return 1
	# no-service: the origin passed and the host went on to look for pcscd
	expect "portal-origins" "$origins" \
		'["https://myna.go.jp","https://img.myna.go.jp","https://clientweb.e-tax.nta.go.jp","https://www.keisan.nta.go.jp","https://portal.example.jp"]' &&
		expect "a shipped portal" "$(portal_verdict https://myna.go.jp)" no-service &&
		expect "another https site" "$(portal_verdict "$origin")" not-a-portal-origin &&
		expect "added in host.conf" "$(portal_verdict https://portal.example.jp XDG_CONFIG_HOME="$added")" no-service &&
		expect "the same site without host.conf" "$(portal_verdict https://portal.example.jp)" not-a-portal-origin
}

# The one reply whose size a user's file decides: portal-origins lists host.conf's origins.
# A host.conf whose list makes that reply exactly 1 MiB gets it whole; one byte more and the
# real host answers reply-too-large, with the size in its message, and exits cleanly.
portal_origins_reply() { # bytes over 1 MiB (0 or 1): the reply to portal-origins
	local shipped padding each n last config
	shipped=$(run_host '{"command":"portal-origins","arguments":{}}') || return 1
	# An origin added costs its length and 3 bytes in the reply: a comma and two quotes.
	padding=$((1048576 + $1 - ${#shipped}))
	each=$(($(printf 'https://p%06d.example.jp' 0 | wc -c) + 3))
	n=$((padding / each - 1))
	# The last one takes what is left: https://pad, x's, .example.jp.
	last=$((padding - each * n - 3 - 22))
	config=$work/config-large/jpki-bridge
	mkdir -p "$config"
	{
		printf '[host]\ntest-variables=true\nportal-origins='
		seq -f 'https://p%06g.example.jp;' "$n" | tr -d '\n'
		printf 'https://pad%s.example.jp\n' "$(head -c "$last" /dev/zero | tr '\0' x)"
	} >"$config/host.conf"
	XDG_CONFIG_HOME=$work/config-large run_host '{"command":"portal-origins","arguments":{}}'
}

reply_of_1_mib_is_sent_and_one_byte_more_is_reply_too_large() {
	local reply
	reply=$(portal_origins_reply 0) || return 1
	expect "reply size" "${#reply}" 1048576 || return 1
	expect "last origin" "$(jq -r '.origins[-1]' <<<"$reply" | cut -c1-12)" https://padx || return 1
	reply=$(portal_origins_reply 1) || return 1
	expect_error "$reply" reply-too-large || return 1
	[[ $(jq -r .error.message <<<"$reply") == *"1048577 bytes"* ]] || {
		echo "the message does not give the reply's size: $reply"
		return 1
	}
}

check "nothing touches pcscd or a dialog before a command needs it" nothing_is_touched_before_a_command_needs_it
check "pinentry: host.conf's path, JPKI_PINENTRY only with test-variables, never PATH" host_conf_pinentry_and_the_test_variables
check "lang: host.conf's lang over the locale, else the locale" host_conf_lang_else_the_locale
check "allow-http-loopback: host.conf, and JPKI_BRIDGE_ALLOW_HTTP_LOOPBACK over it with test-variables only" host_conf_allow_http_loopback_and_its_override
check "card-wait-seconds: host.conf, and JPKI_BRIDGE_CARD_WAIT_SECONDS over it" host_conf_card_wait_seconds_and_its_override
check "a reply of 1 MiB is sent whole, one byte more is reply-too-large" reply_of_1_mib_is_sent_and_one_byte_more_is_reply_too_large
check "portal-origins: host.conf's added to the shipped ones; any other origin is not-a-portal-origin" host_conf_portal_origins_add_to_the_shipped_ones
check_summary
