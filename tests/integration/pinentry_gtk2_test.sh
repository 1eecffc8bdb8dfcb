#!/usr/bin/env bash
# The real PIN dialog as a person sees it: Debian's pinentry-gtk2 under Xvfb,
# the PIN typed with xdotool, a screenshot of each dialog kept.
# Usage: pinentry_gtk2_test.sh BUILD_DIR SOURCE_DIR SCREENSHOT_DIR
set -uo pipefail
build=${1:?build dir}
source_dir=${2:?source dir}
shots=${3:?screenshot dir}
host=$build/host/bridge/jpki-bridge-host
driver=$build/tests/bridge/bridge-driver
verify_token=$build/host/verify/jpki-verify-token
with_card=$source_dir/tests/with-virtual-card
work=$(mktemp -d)
mkdir -p "$shots"
# shellcheck source=tests/integration/check.sh
source "$source_dir/tests/integration/check.sh"

xvfb_pid=""
cleanup() {
	if [[ -n $xvfb_pid ]]; then
		kill "$xvfb_pid" 2>/dev/null
		wait "$xvfb_pid" 2>/dev/null
	fi
	rm -rf "$work"
}
trap cleanup EXIT

# A display of our own: the first number whose socket does not exist.
for n in $(seq 90 130); do
	[[ -e /tmp/.X11-unix/X$n ]] && continue
	Xvfb ":$n" -screen 0 1024x768x24 -nolisten tcp >"$work/xvfb.log" 2>&1 &
	xvfb_pid=$!
	for _ in $(seq 50); do
		[[ -e /tmp/.X11-unix/X$n ]] && break
		sleep 0.1
	done
	export DISPLAY=":$n"
	break
done
[[ -n $xvfb_pid ]] || { echo "no free X display"; exit 1; }

export JPKI_PINENTRY=pinentry-gtk-2 # Debian's pinentry-gtk2 package installs it under this name
export LANG=C.UTF-8
origin=https://myna.example.jp

# The visible pinentry window other than window $1; its id on stdout.
wait_for_dialog() {
	local not=${1:-} id
	# Long enough for another test's virtual card to finish (with-virtual-card queues).
	for _ in $(seq 300); do
		id=$(xdotool search --onlyvisible --class pinentry 2>/dev/null | grep -vx "${not:-none}" | head -1)
		if [[ -n $id ]]; then
			sleep 0.7 # let GTK finish drawing before the screenshot
			echo "$id"
			return 0
		fi
		sleep 0.2
	done
	return 1
}

type_pin() { # window, PIN
	xdotool windowactivate --sync "$1" 2>/dev/null
	xdotool windowfocus --sync "$1" 2>/dev/null
	xdotool type --delay 40 "$2"
	xdotool key Return
}

start_login() { # nonce; the driver runs in the background inside a virtual card
	local request="{\"command\":\"authenticate\",\"arguments\":{\"origin\":\"$origin\",\"challengeNonce\":\"$1\"}}"
	"$with_card" -- "$driver" "$host" "$request" >"$work/token.json" 2>"$work/driver.err" &
	driver_pid=$!
}

login_typed_in_the_real_dialog() {
	local nonce window
	nonce=$(head -c 32 /dev/urandom | base64)
	start_login "$nonce"
	window=$(wait_for_dialog) || { echo "no dialog appeared"; return 1; }
	[[ $(xdotool getwindowname "$window") == "My Number Card" ]] || return 1
	import -window root "$shots/pinentry-gtk2-login.png"
	type_pin "$window" 1234
	wait "$driver_pid"
	"$verify_token" --origin "$origin" --nonce "$nonce" --ca "$build/test-pki/auth-ca.pem" <"$work/token.json"
}

wrong_pin_reopens_the_dialog_with_the_new_count_in_japanese() {
	local nonce first second
	nonce=$(head -c 32 /dev/urandom | base64)
	# The host's dialogs in Japanese, from its configuration file.
	mkdir -p "$work/config/jpki-bridge"
	printf '[host]\nlang=ja\n' >"$work/config/jpki-bridge/host.conf"
	XDG_CONFIG_HOME=$work/config start_login "$nonce"
	first=$(wait_for_dialog) || { echo "no dialog appeared"; return 1; }
	[[ $(xdotool getwindowname "$first") == "マイナンバーカード" ]] || return 1
	import -window root "$shots/pinentry-gtk2-login-ja.png"
	type_pin "$first" 0000
	second=$(wait_for_dialog "$first") || { echo "no second dialog"; return 1; }
	import -window root "$shots/pinentry-gtk2-wrong-pin-ja.png"
	type_pin "$second" 1234
	wait "$driver_pid"
	"$verify_token" --origin "$origin" --nonce "$nonce" --ca "$build/test-pki/auth-ca.pem" <"$work/token.json"
}

screenshots_are_pngs() {
	for shot in pinentry-gtk2-login pinentry-gtk2-login-ja pinentry-gtk2-wrong-pin-ja; do
		file "$shots/$shot.png" | grep -q "PNG image data, 1024 x 768" || return 1
		[[ $(stat -c %s "$shots/$shot.png") -gt 5000 ]] || return 1
	done
}

check "a login with the PIN typed into the real pinentry-gtk2" login_typed_in_the_real_dialog
check "a wrong PIN re-opens the dialog with 残り2回, then the right one logs in" wrong_pin_reopens_the_dialog_with_the_new_count_in_japanese
check "the dialogs' screenshots are kept ($shots)" screenshots_are_pngs
check_summary
