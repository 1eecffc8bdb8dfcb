#!/usr/bin/env bash
# The real PIN dialog: jpki-bridge-host asks through the real pinentry-gtk2 on a virtual
# display (Xvfb), xdotool types the PIN as a person would, the simulated card signs, and
# jpki-verify accepts the login token. Keeps screenshots of the dialog (the site and the
# tries left, as a person sees them) in SCREENSHOT_DIR: pinentry-gtk2-login.png and
# pinentry-gtk2-wrong-pin.png in English, pinentry-gtk2-login-ja.png,
# pinentry-gtk2-wrong-pin-ja.png and pinentry-gtk2-sign-ja.png (the signing password, with the
# 照合コード) in Japanese.
# Usage: pinentry_gtk_test.sh [SCREENSHOT_DIR]   (default: BUILD_DIR/screenshots)
# BUILD_DIR is $JPKI_BUILD_DIR, else build/default next to the sources.
# Needs: xvfb, pinentry-gtk2, xdotool, imagemagick (scripts/install-deps).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source_dir=$(cd "$here/../.." && pwd)
build=${JPKI_BUILD_DIR:-$source_dir/build/default}
screenshots=${1:-$build/screenshots}
host=$build/host/bridge/jpki-bridge-host
driver=$build/tests/bridge/bridge-driver
verify=$build/host/verify/jpki-verify
ca=$build/test-pki/auth-ca.pem
with_card=$source_dir/tests/with-virtual-card
origin=https://myna.example.jp
# The dialog's window title (host/bridge/dialog.c).
title_en="My Number Card"
title_ja="マイナンバーカード"

for tool in Xvfb xdotool import identify; do
	command -v "$tool" >/dev/null || {
		echo "pinentry_gtk_test: $tool is missing (run scripts/install-deps)" >&2
		exit 2
	}
done
# Debian's pinentry-gtk2 package installs the program as pinentry-gtk-2.
pinentry=$(command -v pinentry-gtk-2 || command -v pinentry-gtk2) || {
	echo "pinentry_gtk_test: pinentry-gtk2 is missing (run scripts/install-deps)" >&2
	exit 2
}
mkdir -p "$screenshots" || exit 2

work=$(mktemp -d)
# shellcheck source-path=SCRIPTDIR source=check.sh
source "$here/check.sh"
# shellcheck source-path=SCRIPTDIR source=desktop.sh
source "$here/desktop.sh"
# Under the valgrind preset, every start of the host runs under memcheck (check.sh).
host=$(memchecked "$host")
xvfb_pid=""
drive_pid="" # the with-virtual-card running the driver, while a scenario runs

# A scenario that failed half-way leaves the browser side waiting: closing the driver is the
# browser going away, so the host closes its dialog and exits, and with-virtual-card stops
# pcscd and the simulator it started.
stop_drive() {
	[[ -n $drive_pid ]] || return 0
	if kill -0 "$drive_pid" 2>/dev/null && [[ -s $work/driver.pid ]]; then
		stop_pid "$(cat "$work/driver.pid")"
	fi
	for _ in $(seq 100); do
		kill -0 "$drive_pid" 2>/dev/null || break
		sleep 0.1
	done
	stop_pid "$drive_pid"
	drive_pid=""
}

cleanup() {
	stop_drive
	[[ -n $xvfb_pid ]] && stop_pid "$xvfb_pid"
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

start_xvfb 90 || exit 2

# The host in English (LANG and the LC_ variables that win over it), with the real dialog; a
# host.conf of our own (none of the user's), which switches to Japanese where asked.
export LANG=C.UTF-8 LC_ALL=C.UTF-8
unset LC_MESSAGES
# The real pinentry-gtk2 behind a wrapper that keeps what the host asks each dialog to show (its
# Assuan requests: SETDESC, SETERROR...; never the PIN, which pinentry sends back the other
# way) in $work/dialogs/PID.log, PID being the dialog's process (the wrapper execs it).
mkdir -p "$work/dialogs"
printf '#!/bin/bash\nexec %q "$@" < <(exec tee %q/$$.log)\n' "$pinentry" "$work/dialogs" \
	>"$work/pinentry-logged"
chmod +x "$work/pinentry-logged"
export JPKI_PINENTRY=$work/pinentry-logged
export NO_AT_BRIDGE=1
mkdir -p "$work/en/jpki-bridge" "$work/ja/jpki-bridge"
# test-variables: JPKI_PINENTRY above names the dialog.
printf '[host]\ntest-variables=true\n' >"$work/en/jpki-bridge/host.conf"
printf '[host]\nlang=ja\ntest-variables=true\n' >"$work/ja/jpki-bridge/host.conf"


# The last scenario's dialog may still be on the display (and hold the keyboard grab) for a
# moment after its host has gone: a new dialog could not grab the keyboard, and a search could
# find the old one. The display is ours, so every pinentry window on it is a test's.
wait_until_no_dialog() {
	for _ in $(seq 100); do
		[[ -z $(xdotool search --onlyvisible --classname pinentry 2>/dev/null) ]] && return 0
		sleep 0.1
	done
	echo "a pinentry dialog is still on the display after 10 s"
	return 1
}

# Starts the browser side in the background: the driver asks the host to authenticate.
start_login() { # nonce, en|ja
	start_request "{\"command\":\"authenticate\",\"arguments\":{\"origin\":\"$origin\",\"challengeNonce\":\"$1\"}}" "$2"
}

start_request() { # request JSON, en|ja
	wait_until_no_dialog || return 1
	rm -f "$work/driver.pid" "$work/reply.json" "$work/host.err"
	# shellcheck disable=SC2016 # expanded by the inner bash
	XDG_CONFIG_HOME=$work/$2 "$with_card" -- bash -c 'echo $$ >"$0"; exec "$@"' "$work/driver.pid" \
		"$driver" --host-stderr "$work/host.err" "$host" "$1" \
		>"$work/reply.json" 2>"$work/driver.err" &
	drive_pid=$!
}

# Prints "WINDOW-ID PID" of the visible dialog titled `title` whose pinentry is not process
# `not_pid`, once it is there: up to 20 s once the card is ready (before that, up to 3 minutes
# for another test's virtual card to go). A re-opened dialog is told by its process, never by
# its window id: X gives the next pinentry the same id as the last one.
wait_for_dialog() { # title [not_pid]
	local title=$1 not_pid=${2:-} id pid
	for _ in $(seq 1800); do
		[[ -s $work/driver.pid ]] && break
		kill -0 "$drive_pid" 2>/dev/null || break
		sleep 0.1
	done
	for _ in $(seq 200); do
		kill -0 "$drive_pid" 2>/dev/null || break
		for id in $(xdotool search --onlyvisible --classname pinentry 2>/dev/null); do
			[[ $(xdotool getwindowname "$id" 2>/dev/null) == "$title" ]] || continue
			pid=$(xdotool getwindowpid "$id" 2>/dev/null) || continue
			[[ $pid != "$not_pid" ]] || continue
			echo "$id $pid"
			return 0
		done
		sleep 0.1
	done
	echo "no pinentry dialog titled '$title'${not_pid:+ after the one of process $not_pid}"
	cat "$work/driver.err"
	echo "the host's reply: $(cat "$work/reply.json" 2>/dev/null)"
	return 1
}


# Types like a person: pinentry-gtk2 grabs the keyboard, so XTEST key events go to its entry.
type_pin() { # window id, PIN
	xdotool windowfocus --sync "$1" 2>/dev/null
	xdotool type --delay 60 "$2" && xdotool key Return
}

# Waits up to 30 s for the driver (and with it the host and the card) to finish. bridge-driver
# fails unless the host wrote one reply and exited with status 0; the host's stderr must hold no
# sanitizer report (asan preset).
wait_for_reply() {
	for _ in $(seq 300); do
		kill -0 "$drive_pid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$drive_pid" 2>/dev/null; then
		echo "no reply within 30 s"
		cat "$work/driver.err"
		stop_drive
		return 1
	fi
	wait "$drive_pid" || {
		echo "with-virtual-card or bridge-driver failed"
		cat "$work/driver.err"
		drive_pid=""
		return 1
	}
	drive_pid=""
	no_sanitizer_report "$work/host.err"
}



login_with_the_pin_typed_into_pinentry_gtk2() {
	local n shot=$screenshots/pinentry-gtk2-login.png dialog
	n=$(nonce)
	rm -f "$shot"
	start_login "$n" en || return 1
	dialog=$(wait_for_dialog "$title_en") || { echo "$dialog"; return 1; }
	screenshot "$shot"
	type_pin "${dialog%% *}" 1234
	wait_for_reply && token_verifies "$n" && plausible_png "$shot"
}

# The signing-password dialog shows the site and the 照合コード (its text and a screenshot),
# then a CMS.
sign_cms_with_the_password_typed_into_pinentry_gtk2() {
	local shot=$screenshots/pinentry-gtk2-sign-ja.png dialog digest
	rm -f "$shot"
	digest=$(printf '転入届' | openssl dgst -sha256 -binary | base64)
	start_request "{\"command\":\"sign-cms\",\"arguments\":{\"origin\":\"$origin\",\"digest\":\"$digest\",\"hashFunction\":\"SHA-256\"}}" ja || return 1
	dialog=$(wait_for_dialog "$title_ja") || { echo "$dialog"; return 1; }
	screenshot "$shot"
	dialog_shows "${dialog#* }" "サイト: " &&
		dialog_shows "${dialog#* }" "照合コード: [0-9A-HJKMNP-TV-Z]\{6\}" || return 1
	type_pin "${dialog%% *}" ABC123
	wait_for_reply || return 1
	[[ $(jq -r '.cms | length > 0' "$work/reply.json") == true ]] || {
		echo "no CMS: $(cat "$work/reply.json")"
		return 1
	}
	plausible_png "$shot"
}

# dialog_shows PID TEXT: the dialog of process PID was asked to show TEXT (Assuan escapes
# only %, CR and LF, so the words are there as the person reads them).
dialog_shows() {
	grep -q -- "$2" "$work/dialogs/$1.log" 2>/dev/null || {
		echo "the dialog of process $1 was not asked to show '$2'; it was asked:"
		sed 's/^/    /' "$work/dialogs/$1.log" 2>/dev/null
		return 1
	}
}

# 0000, then the dialog again from a new pinentry saying what is left, then 1234.
wrong_pin_then_right_pin() { # en|ja, title, screenshot of the first dialog or "", of the second
	local lang=$1 title=$2 first_shot=$3 second_shot=$4 n first second three two
	three="3 tries left" two="2 tries left"
	[[ $lang == ja ]] && three="残り3回" two="残り2回"
	n=$(nonce)
	rm -f "$first_shot" "$second_shot"
	start_login "$n" "$lang" || return 1
	first=$(wait_for_dialog "$title") || { echo "$first"; return 1; }
	[[ -z $first_shot ]] || screenshot "$first_shot"
	type_pin "${first%% *}" 0000
	second=$(wait_for_dialog "$title" "${first#* }") || { echo "$second"; return 1; }
	screenshot "$second_shot"
	type_pin "${second%% *}" 1234
	wait_for_reply && token_verifies "$n" || return 1
	dialog_shows "${first#* }" "$three" && dialog_shows "${second#* }" "$two" || return 1
	! dialog_shows "${second#* }" "$three" >/dev/null || {
		echo "the second dialog still says $three"
		return 1
	}
	[[ -z $first_shot ]] || plausible_png "$first_shot" || return 1
	plausible_png "$second_shot"
}

check "login with the PIN typed into pinentry-gtk2" login_with_the_pin_typed_into_pinentry_gtk2
stop_drive
check "in Japanese: sign-cms with the signing password typed into pinentry-gtk2" \
	sign_cms_with_the_password_typed_into_pinentry_gtk2
stop_drive
check "a wrong PIN re-opens the dialog with 2 tries left, then the right one logs in" \
	wrong_pin_then_right_pin en "$title_en" "" "$screenshots/pinentry-gtk2-wrong-pin.png"
stop_drive
check "in Japanese: the dialog, then after a wrong PIN 残り2回, then the right one logs in" \
	wrong_pin_then_right_pin ja "$title_ja" "$screenshots/pinentry-gtk2-login-ja.png" \
	"$screenshots/pinentry-gtk2-wrong-pin-ja.png"
stop_drive
check_summary
