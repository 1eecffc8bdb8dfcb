# shellcheck shell=bash disable=SC2154 # $wine_run and $here are the caller's
# Sourced by the Windows install tests (msi_test.sh, install_user_test.sh): Wine's programs in
# English whatever LANG is, and the check that an installed host answers. The caller sets $wine_run (tests' Wine runner) and $here (tests/windows).

# Wine's reg and cmd print in the locale's language and code page: English, whatever LANG is.
win() { LC_ALL=C "$wine_run" "$@" 2>/dev/null | tr -d '\r'; }

# host_answers_with_wines_stub HOST: the host at HOST, asked for the card's status over a pipe as
# a browser asks, answers pcsc-error 0x80100001: WinSCard under Wine is a stub, so that answer
# is the farthest an installed host gets here, and it proves the host started and spoke.
host_answers_with_wines_stub() {
	local reply
	reply=$(python3 "$here/pipe_host.py" "$wine_run" "$1" \
		'{"command":"status","arguments":{"origin":"https://example.jp"}}') || {
		echo "pipe_host.py: exit $?, reply: $reply"
		return 1
	}
	jq -e '.error.code == "pcsc-error" and (.error.message | contains("0x80100001"))' \
		<<<"$reply" >/dev/null || {
		echo "expected pcsc-error 0x80100001 (WinSCard under Wine is a stub), got: $reply"
		return 1
	}
}
