#!/usr/bin/env bash
# The Win32 PIN dialog (host/lib/win32_dialog.c) of the Windows host, under Wine on a virtual
# display (Xvfb): the real host's main() linked with the in-process simulated card
# (jpki-bridge-host-hostile.exe, no fault asked) is sent an authenticate request through a
# pipe, xdotool types the PIN as a person would, and the Windows jpki-verify.exe accepts the
# login token. A wrong PIN re-opens the dialog with the tries left; Esc cancels. Keeps
# screenshots in SCREENSHOT_DIR: win32-dialog-login.png, win32-dialog-wrong-pin.png (English),
# win32-dialog-login-ja.png, win32-dialog-wrong-pin-ja.png (Japanese).
# Usage: dialog_test.sh EMULATOR HOST.EXE JPKI-VERIFY.EXE AUTH-CA.PEM SCREENSHOT_DIR
# Needs: xvfb, xdotool, imagemagick (scripts/install-deps).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
emulator=$1 host=$2 verify=$3 ca=$4 screenshots=$5
origin=https://myna.example.jp
title_en="My Number Card"
title_ja="マイナンバーカード"

for tool in Xvfb xdotool import identify; do
	command -v "$tool" >/dev/null || {
		echo "dialog_test: $tool is missing (run scripts/install-deps)" >&2
		exit 2
	}
done
mkdir -p "$screenshots" || exit 2
work=$(mktemp -d)
# A Wine prefix of our own, started on our display: Wine's desktop process of a prefix first
# used without a display (the other tests') would give the dialog no screen.
export JPKI_WINEPREFIX=$work/wine
# shellcheck source-path=SCRIPTDIR source=../integration/check.sh
source "$here/../integration/check.sh"
# shellcheck source-path=SCRIPTDIR source=../integration/desktop.sh
source "$here/../integration/desktop.sh"
xvfb_pid=""
drive_pid=""

cleanup() {
	[[ -n $drive_pid ]] && stop_pid "$drive_pid"
	# Our prefix's Wine server goes by itself once its programs have: wait for it.
	[[ -d $JPKI_WINEPREFIX ]] && WINEPREFIX=$JPKI_WINEPREFIX timeout 30 wineserver -w
	[[ -n $xvfb_pid ]] && stop_pid "$xvfb_pid"
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

start_xvfb 190 || exit 2 # from :190 (the Linux dialog test takes :90 and up)
# The prefix made now, on the display, before any dialog is timed.
"$emulator" cmd /c exit >/dev/null 2>&1 || {
	echo "dialog_test: Wine does not start" >&2
	exit 2
}


# The browser side, in the background: an authenticate request to the host, in LANG `2`.
start_login() { # nonce, C.UTF-8|ja_JP.UTF-8
	rm -f "$work/reply.json"
	LANG=$2 LC_ALL=$2 python3 "$here/pipe_host.py" "$emulator" "$host" \
		"{\"command\":\"authenticate\",\"arguments\":{\"origin\":\"$origin\",\"challengeNonce\":\"$1\"}}" \
		>"$work/reply.json" 2>"$work/driver.err" &
	drive_pid=$!
}

# Prints the id of the visible window titled `title` that is not `not_id`, once it is there
# (up to 60 s: Wine starts slowly on a loaded machine).
wait_for_dialog() { # title [not_id]
	local title=$1 not_id=${2:-} id
	for _ in $(seq 600); do
		kill -0 "$drive_pid" 2>/dev/null || break
		for id in $(xdotool search --onlyvisible --name "^$title\$" 2>/dev/null); do
			[[ $id != "$not_id" ]] || continue
			echo "$id"
			return 0
		done
		sleep 0.1
	done
	echo "no dialog titled '$title'${not_id:+ after window $not_id}"
	cat "$work/driver.err"
	echo "the host's reply: $(cat "$work/reply.json" 2>/dev/null)"
	return 1
}

wait_until_gone() { # window id
	for _ in $(seq 100); do
		xdotool getwindowname "$1" >/dev/null 2>&1 || return 0
		xdotool search --onlyvisible --name . 2>/dev/null | grep -qx "$1" || return 0
		sleep 0.1
	done
	echo "window $1 is still there after 10 s"
	return 1
}


type_keys() { # window id, text, final key
	xdotool windowfocus --sync "$1" 2>/dev/null
	sleep 0.3
	[[ -z $2 ]] || xdotool type --delay 80 "$2"
	xdotool key "$3"
}

wait_for_reply() {
	for _ in $(seq 600); do
		kill -0 "$drive_pid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$drive_pid" 2>/dev/null; then
		echo "no reply within 60 s"
		cat "$work/driver.err"
		return 1
	fi
	wait "$drive_pid" || {
		echo "the host failed: $(cat "$work/driver.err")"
		drive_pid=""
		return 1
	}
	drive_pid=""
}



login_with_the_pin_typed_into_the_dialog() { # lang, title, screenshot
	local n dialog
	n=$(nonce)
	rm -f "$3"
	start_login "$n" "$1" || return 1
	dialog=$(wait_for_dialog "$2") || { echo "$dialog"; return 1; }
	screenshot "$3" 1
	type_keys "$dialog" 1234 Return
	wait_for_reply && token_verifies "$n" && plausible_png "$3" 2000
}

# 0000, then the dialog again saying 2 tries are left, then Esc: pin-incorrect, triesLeft 2.
wrong_pin_then_escape() { # lang, title, screenshot of the second dialog
	local n first second
	n=$(nonce)
	rm -f "$3"
	start_login "$n" "$1" || return 1
	first=$(wait_for_dialog "$2") || { echo "$first"; return 1; }
	type_keys "$first" 0000 Return
	wait_until_gone "$first" || return 1
	second=$(wait_for_dialog "$2") || { echo "$second"; return 1; }
	screenshot "$3" 1
	type_keys "$second" "" Escape
	wait_for_reply || return 1
	jq -e '.error.code == "pin-incorrect" and .error.triesLeft == 2' "$work/reply.json" >/dev/null || {
		echo "expected pin-incorrect with triesLeft 2, got: $(cat "$work/reply.json")"
		return 1
	}
	plausible_png "$3" 2000
}

check "login with the PIN typed into the Win32 dialog" \
	login_with_the_pin_typed_into_the_dialog C.UTF-8 "$title_en" "$screenshots/win32-dialog-login.png"
check "a wrong PIN re-opens the dialog with 2 tries left; Esc cancels" \
	wrong_pin_then_escape C.UTF-8 "$title_en" "$screenshots/win32-dialog-wrong-pin.png"
check "in Japanese: login" \
	login_with_the_pin_typed_into_the_dialog ja_JP.UTF-8 "$title_ja" "$screenshots/win32-dialog-login-ja.png"
check "in Japanese: a wrong PIN, 残り2回, Esc" \
	wrong_pin_then_escape ja_JP.UTF-8 "$title_ja" "$screenshots/win32-dialog-wrong-pin-ja.png"
check_summary
