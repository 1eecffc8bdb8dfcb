#!/usr/bin/env bash
# The real host process (its main(), the in-process adapter in place of libpcsclite) on a
# hostile card or reader: one reply frame, the right error code or a valid reply, exit 0, no
# sanitizer report. The same faults go through every operation in unit.test_hostile_card.
# Usage: hostile_host_test.sh BRIDGE_DRIVER HOSTILE_HOST SOURCE_DIR
set -uo pipefail
driver=${1:?bridge-driver}
host=${2:?jpki-bridge-host-hostile}
source_dir=${3:?source dir}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# shellcheck source=tests/integration/check.sh
source "$source_dir/tests/integration/check.sh"
# Under the valgrind preset, every start of the host runs under memcheck (check.sh).
host=$(memchecked "$host")

request='{"command":"status","arguments":{"origin":"https://myna.example.jp"}}'
login='{"command":"authenticate","arguments":{"origin":"https://myna.example.jp","challengeNonce":"MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="}}'

# answers CODE REQUEST [VAR=value...]: the host, with that environment, answers the error CODE
# (or "reply" for a reply without an error) and exits cleanly.
answers() {
	local code=$1 json=$2 status=0
	shift 2
	env "$@" "$driver" --host-stderr "$work/host.err" "$host" "$json" >"$work/reply" \
		2>"$work/driver.err" || status=$?
	if [[ $status -ne 0 ]]; then
		echo "bridge-driver failed ($status):"
		sed 's/^/    /' "$work/driver.err" "$work/host.err"
		return 1
	fi
	no_sanitizer_report "$work/host.err" || return 1
	local got
	got=$(jq -r 'if .error then .error.code else "reply" end' "$work/reply") || return 1
	[[ $got == "$code" ]] || { echo "expected $code, got: $(cat "$work/reply")"; return 1; }
}

check "a reader name that is not UTF-8: status answers" \
	answers reply "$request" JPKI_SIM_READER=$'Lecteur \xe9tranger \xff 00 00'
check "a card answering 9000 to everything: unsupported-card" \
	answers unsupported-card "$request" JPKI_SIM_ANSWER_ALL=9000
check "a card answering 9000 to everything: no login" \
	answers unsupported-card "$login" JPKI_SIM_ANSWER_ALL=9000
check "a card answering 6F00 to everything: card-error" \
	answers card-error "$request" JPKI_SIM_ANSWER_ALL=6F00
check "answers shorter than a status word: card-error" \
	answers card-error "$request" JPKI_SIM_FAULT_SCRIPT=07070f0f07070f0f07070f0f
check "6A82 (no such file) to the fourth command: status answers" \
	answers reply "$request" JPKI_SIM_FAULT_SCRIPT=000000026a82
check_summary
