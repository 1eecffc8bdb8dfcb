#!/usr/bin/env bash
# Sharing the card: the real jpki-bridge-host (over bridge-driver) and other programs at once,
# through the real pcscd, with the simulated card answering at a contact card's pace
# (--latency-ms 10). Several hosts, OpenSC and resets by another program all meet one card.
# Usage: sharing_test.sh BUILD_DIR SOURCE_DIR
set -uo pipefail
build=${1:?build dir}
source_dir=${2:?source dir}
host=$build/host/bridge/jpki-bridge-host
driver=$build/tests/bridge/bridge-driver
with_card=$source_dir/tests/with-virtual-card
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# shellcheck source=tests/integration/check.sh
source "$source_dir/tests/integration/check.sh"
# Under the valgrind preset, every start of the host runs under memcheck (check.sh).
host=$(memchecked "$host")

export JPKI_PINENTRY=$build/tests/fake-pinentry/fake-pinentry
export LANG=C.UTF-8 XDG_CONFIG_HOME=$work/config
# JPKI_PINENTRY and the scripted pinentry's variables count only where host.conf says so.
mkdir -p "$XDG_CONFIG_HOME/jpki-bridge"
printf '[host]\ntest-variables=true\n' >"$XDG_CONFIG_HOME/jpki-bridge/host.conf"
unset LC_ALL LC_MESSAGES
origin=https://myna.example.jp
latency_ms=10

status_request() { echo "{\"command\":\"status\",\"arguments\":{\"origin\":\"$origin\"}}"; }
login_request() {
	local nonce
	nonce=$(head -c 33 /dev/urandom | base64 | tr -d '\n' | head -c 44)
	echo "{\"command\":\"authenticate\",\"arguments\":{\"origin\":\"$origin\",\"challengeNonce\":\"$nonce\"}}"
}

# host NAME REQUEST [env...]: one host, started in the background; its reply goes to
# $work/NAME.json, its PID to the caller's `pids` array.
start_host() {
	local name=$1 request=$2
	shift 2
	env "$@" "$driver" --host-stderr "$work/$name.err" "$host" "$request" \
		>"$work/$name.json" 2>"$work/$name.driver" &
	pids+=("$!")
	names+=("$name")
}

# Waits for every host started, each by its PID; fails unless each ran cleanly.
hosts_done() {
	local i failed=0
	for i in "${!pids[@]}"; do
		if ! wait "${pids[$i]}"; then
			echo "host ${names[$i]} failed:"
			sed 's/^/    /' "$work/${names[$i]}.driver" "$work/${names[$i]}.err"
			failed=1
		fi
		no_sanitizer_report "$work/${names[$i]}.err" || failed=1
	done
	pids=()
	names=()
	return "$failed"
}

status_ok() { # NAME: a status reply that found the card (no error)
	jq -e '.card.type == "mynumber" and .pins.auth.triesLeft == 3' "$work/$1.json" >/dev/null || {
		echo "status $1: $(cat "$work/$1.json")"
		return 1
	}
}

login_ok() { # NAME
	jq -e '.format == "web-eid:1.0"' "$work/$1.json" >/dev/null || {
		echo "login $1: $(cat "$work/$1.json")"
		return 1
	}
}

# A program that runs until $work/stop exists (no fixed sleeps): OpenSC reading the card, or
# another client resetting it. Started in the background; its PID in `loop_pid`.
until_stopped() {
	(
		runs=0
		while [[ ! -e $work/stop ]]; do
			"$@" >/dev/null 2>&1
			runs=$((runs + 1))
		done
		echo "$runs" >"$work/loop.runs"
	) &
	loop_pid=$!
}

stop_loop() {
	touch "$work/stop"
	wait "$loop_pid"
	rm -f "$work/stop"
	[[ $(cat "$work/loop.runs") -gt 0 ]] || { echo "the other program never ran"; return 1; }
}

pins_sent() { sed -n 's/^pin_verifies=//p' "$1"; }

# ---- scenarios, each run inside the virtual card (see the end) ----

twenty_status_requests_at_once_all_succeed() {
	local i failed=0
	for i in $(seq 20); do start_host "status$i" "$(status_request)"; done
	hosts_done || failed=1
	for i in $(seq 20); do status_ok "status$i" || failed=1; done
	return "$failed"
}

a_login_succeeds_beside_ten_status_requests_and_opensc() {
	local i failed=0
	until_stopped pkcs15-tool --list-certificates
	start_host login "$(login_request)" FAKE_PINENTRY_PIN=1234
	for i in $(seq 10); do start_host "status$i" "$(status_request)"; done
	hosts_done || failed=1
	stop_loop || failed=1
	login_ok login || failed=1
	for i in $(seq 10); do status_ok "status$i" || failed=1; done
	return "$failed"
}

resets_by_another_program_cost_no_pin_try() {
	local i failed=0
	start_host first "$(login_request)" FAKE_PINENTRY_PIN=1234
	hosts_done && login_ok first || failed=1
	# Between two operations, and then all through the next ones.
	opensc-tool --reset >/dev/null 2>&1 || { echo "opensc-tool --reset failed"; failed=1; }
	until_stopped opensc-tool --reset
	start_host second "$(login_request)" FAKE_PINENTRY_PIN=1234
	for i in $(seq 5); do start_host "status$i" "$(status_request)"; done
	hosts_done || failed=1
	stop_loop || failed=1
	login_ok second || failed=1
	for i in $(seq 5); do status_ok "status$i" || failed=1; done
	return "$failed"
}

# Another program that asks the card to sign with the authentication key without any VERIFY of
# its own, over and over while logins run: it must never find the PIN verified (each login ends
# its transaction with the card powered off, before anyone else gets the card). It selects no
# application (that alone would clear a verified PIN) and lets OpenSC send nothing of its own
# (-c default): the key's EF, then the signature, in the JPKI AP a login leaves selected.
sign_without_verify() {
	local sha256_digest_info=3031300d060960864801650304020105000420
	opensc-tool -c default -r "$JPKI_SIM_READER" -s "00 A4 02 0C 02 00 17" \
		-s "80 2A 00 80 33 $sha256_digest_info$(printf '%064d' 0) 00" 2>&1 |
		awk '/^Received/ { n++; if (n == 2) print }' >"$work/sign.sw"
	[[ -s $work/sign.sw ]] && echo tried >>"$work/tries"
	grep -q 'SW1=0x90, SW2=0x00' "$work/sign.sw" && echo signed >>"$work/borrowed"
	return 0
}

no_other_program_finds_the_pin_verified() {
	local i failed=0
	rm -f "$work/borrowed" "$work/tries"
	until_stopped sign_without_verify
	for i in $(seq 5); do
		start_host "login$i" "$(login_request)" FAKE_PINENTRY_PIN=1234
		hosts_done || failed=1
		login_ok "login$i" || failed=1
	done
	stop_loop || failed=1
	[[ -s $work/tries ]] || { echo "the other program never reached its SIGN"; failed=1; }
	if [[ -e $work/borrowed ]]; then
		echo "another program signed with the login's verified PIN $(wc -l <"$work/borrowed") times"
		failed=1
	fi
	return "$failed"
}

if [[ ${3:-} == --inside ]]; then
	# The outer run's host: under memcheck its stand-in logs where the outer checks look.
	host=$5
	pids=()
	names=()
	"$4"
	exit
fi

# on_card STATS SCENARIO: the scenario against one fresh simulated card.
on_card() {
	"$with_card" --latency-ms "$latency_ms" --stats "$work/$1" -- "$0" "$build" "$source_dir" \
		--inside "$2" "$host"
}

scenario() { # NAME PINS: the scenario passes, and exactly PINS VERIFYs carried a PIN
	on_card "$1.stats" "$1" || return 1
	[[ $(pins_sent "$work/$1.stats") == "$2" ]] || {
		echo "$(pins_sent "$work/$1.stats") PINs reached the card, expected $2"
		return 1
	}
}

check "20 status requests at once all succeed" scenario twenty_status_requests_at_once_all_succeed 0
check "a login succeeds beside 10 status requests and an OpenSC loop" \
	scenario a_login_succeeds_beside_ten_status_requests_and_opensc 1
check "resets by another program, between and during operations, cost no PIN try" \
	scenario resets_by_another_program_cost_no_pin_try 2
check "no other program finds the PIN verified after a login" \
	scenario no_other_program_finds_the_pin_verified 5
check_summary
