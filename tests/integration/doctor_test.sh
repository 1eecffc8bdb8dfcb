#!/usr/bin/env bash
# `jpki doctor` through the real pcscd with the simulated card: passes on a machine that has
# everything, and names the failing check and what to do when something is missing. It never
# sends a PIN (counted by the simulator's --stats).
# Usage: doctor_test.sh JPKI HOST WITH_VIRTUAL_CARD FAKE_PINENTRY
set -uo pipefail
jpki=$(realpath "${1:?jpki binary}")
host=$(realpath "${2:?jpki-bridge-host}")
with_card=${3:?with-virtual-card}
fake_pinentry=$(realpath "${4:?fake-pinentry}")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# shellcheck source-path=SCRIPTDIR source=check.sh
source "$(dirname "$0")/check.sh"
# Under the valgrind preset, every start of the CLI runs under memcheck (check.sh).
jpki=$(memchecked "$jpki")

expect() { # description, actual, expected
	if [[ $2 != "$3" ]]; then
		echo "$1: expected '$3', got '$2'"
		return 1
	fi
}

# The machine doctor sees: Chromium and Firefox as ordinary programs (stubs on a PATH of their
# own, so the browsers of the test machine do not matter), a desktop, a pinentry that shows a
# dialog, and a home with our manifests installed for the user.
bin=$work/bin
mkdir -p "$bin"
printf '#!/bin/sh\nexit 0\n' >"$bin/chromium"
printf '#!/bin/sh\nexit 0\n' >"$bin/firefox-esr"
chmod +x "$bin/chromium" "$bin/firefox-esr"
home=$work/home
# The host's settings, which doctor reads: JPKI_PINENTRY counts only with test-variables.
mkdir -p "$home/.config/jpki-bridge"
printf '[host]\ntest-variables=true\n' >"$home/.config/jpki-bridge/host.conf"
HOME=$home "$jpki" install --user --browser chromium --browser firefox >/dev/null || exit 2

# doctor [simulator options] -- [doctor options]: runs jpki doctor on that card and machine.
doctor() {
	local sim_options=()
	while [[ $1 != -- ]]; do
		sim_options+=("$1")
		shift
	done
	shift
	"$with_card" "${sim_options[@]}" -- env -u XDG_CONFIG_HOME -u XDG_DATA_HOME \
		-u CHROME_CONFIG_HOME -u WAYLAND_DISPLAY HOME="$home" PATH="$bin" DISPLAY=:99 \
		JPKI_PINENTRY="$fake_pinentry" ${DOCTOR_ENV:+"${DOCTOR_ENV[@]}"} \
		"$jpki" doctor "$@" 2>/dev/null
}

pins_sent() { sed -n 's/^pin_verifies=//p' "$1" | grep . || echo "no stats in $1"; }
status_queries() { sed -n 's/^status_queries=//p' "$1" | grep . || echo "no stats in $1"; }

check_status() { # JSON, check name → its status
	jq -r --arg name "$2" '.checks[] | select(.name == $name) | .status' <<<"$1"
}
check_field() { # JSON, check name, field
	jq -r --arg name "$2" --arg field "$3" '.checks[] | select(.name == $name) | .[$field]' <<<"$1"
}

passes_with_card_manifests_and_a_dialog() {
	local json status
	json=$(doctor --stats "$work/pass.stats" -- --json)
	status=$?
	expect status "$status" 0 || { echo "$json"; return 1; }
	expect names "$(jq -r '[.checks[].name] | join(" ")' <<<"$json")" \
		"pcscd readers card auth-certificate signing-certificate pins browser-chromium browser-firefox sandboxed-browsers pinentry" &&
		expect statuses "$(jq -r '[.checks[].status] | unique | join(",")' <<<"$json")" ok &&
		expect passed "$(jq -r .passed <<<"$json")" true &&
		expect failed "$(jq -r .failed <<<"$json")" 0 &&
		expect card "$(jq -r '.checks[] | select(.name == "card") | .detail.type' <<<"$json")" mynumber &&
		expect chromium-host "$(jq -r '.checks[] | select(.name == "browser-chromium") | .detail.host' <<<"$json")" "$host" &&
		expect pins-sent "$(pins_sent "$work/pass.stats")" 0 &&
		# The tries left came from status queries, as `jpki status` asks them.
		expect status-queries "$(status_queries "$work/pass.stats")" 3
}

speaks_japanese_and_english() {
	local text
	text=$(doctor -- --lang ja) || { echo "$text"; return 1; }
	grep -q "すべての確認に合格しました" <<<"$text" && grep -q "マイナンバーカード（接触）" <<<"$text" ||
		{ echo "$text"; return 1; }
	text=$(doctor --contactless -- --lang en) || { echo "$text"; return 1; }
	grep -q "All checks passed" <<<"$text" && grep -q "My Number Card (contactless)" <<<"$text" ||
		{ echo "$text"; return 1; }
}

no_card_is_named_with_what_to_do() {
	local json status
	json=$(doctor --start-removed -- --json --lang en)
	status=$?
	expect status "$status" 1 && expect card "$(check_status "$json" card)" fail &&
		expect advice "$(check_field "$json" card advice)" \
			"Insert your My Number Card into the reader (or place it on the reader)." &&
		expect pins "$(check_status "$json" pins)" skipped &&
		expect browsers "$(check_status "$json" browser-chromium)" ok &&
		expect failed "$(jq -r .failed <<<"$json")" 1
}

blocked_pin_sends_to_the_municipal_office() {
	local json status text
	json=$(doctor --profile auth-locked --stats "$work/locked.stats" -- --json --lang en)
	status=$?
	expect status "$status" 1 && expect pins "$(check_status "$json" pins)" fail &&
		check_field "$json" pins advice | grep -q "municipal office" &&
		expect auth-blocked "$(jq -r '.checks[] | select(.name == "pins") | .detail.auth.blocked' <<<"$json")" true &&
		expect pins-sent "$(pins_sent "$work/locked.stats")" 0 || return 1
	text=$(doctor --profile auth-locked -- --lang ja)
	grep -q "^\[失敗\] *pins: .*ロック中" <<<"$text" && grep -q "市区町村の窓口で暗証番号の再設定" <<<"$text" ||
		{ echo "$text"; return 1; }
}

expired_certificate_fails_and_renewal_warns() {
	local json status
	json=$(doctor --profile auth-expired -- --json --lang en)
	status=$?
	expect status "$status" 1 && expect auth "$(check_status "$json" auth-certificate)" fail &&
		check_field "$json" auth-certificate message | grep -q "expired on" &&
		check_field "$json" auth-certificate advice | grep -qi "renew" || { echo "$json"; return 1; }
	json=$(doctor --profile renewal -- --json --lang en)
	status=$?
	expect renewal-status "$status" 0 && expect renewal "$(check_status "$json" auth-certificate)" warning &&
		check_field "$json" auth-certificate advice | grep -q "municipal office"
}

manifest_pointing_to_a_missing_host_fails() {
	local json status saved=$home.saved
	cp -a "$home" "$saved" || return 1
	cp "$host" "$work/moved-host" &&
		HOME=$home "$jpki" install --user --browser chromium --host "$work/moved-host" >/dev/null &&
		rm "$work/moved-host" || return 1
	json=$(doctor -- --json --lang en)
	status=$?
	rm -rf "$home" && mv "$saved" "$home"
	expect status "$status" 1 && expect chromium "$(check_status "$json" browser-chromium)" fail &&
		expect state "$(jq -r '.checks[] | select(.name == "browser-chromium") | .detail.state' <<<"$json")" host-missing &&
		check_field "$json" browser-chromium advice | grep -q "jpki install --user --browser chromium" &&
		expect firefox "$(check_status "$json" browser-firefox)" ok
}

manifest_for_another_extension_fails() {
	local json status file=$home/.mozilla/native-messaging-hosts/jp.jpki_bridge.json
	cp "$file" "$work/firefox.json" || return 1
	jq '.allowed_extensions = ["someone-else@example.org"]' "$work/firefox.json" >"$file"
	json=$(doctor -- --json --lang ja)
	status=$?
	cp "$work/firefox.json" "$file"
	expect status "$status" 1 &&
		expect state "$(jq -r '.checks[] | select(.name == "browser-firefox") | .detail.state' <<<"$json")" wrong-extension-id &&
		check_field "$json" browser-firefox message | grep -q "拡張機能を許可していません"
}

no_pcscd_is_named_with_what_to_do() {
	local json status
	# pcsc-lite's client takes its socket from PCSCLITE_CSOCK_NAME: one nobody listens on.
	DOCTOR_ENV=("PCSCLITE_CSOCK_NAME=$work/no-pcscd.comm")
	json=$(doctor -- --json --lang en)
	status=$?
	DOCTOR_ENV=()
	expect status "$status" 1 && expect pcscd "$(check_status "$json" pcscd)" fail &&
		check_field "$json" pcscd message | grep -q "does not answer on $work/no-pcscd.comm" &&
		check_field "$json" pcscd advice | grep -q "sudo systemctl" &&
		expect readers "$(check_status "$json" readers)" skipped &&
		expect card "$(check_status "$json" card)" skipped
}

pinentry_needs_a_dialog_on_a_desktop() {
	local json status
	cp "$fake_pinentry" "$work/pinentry-curses"
	DOCTOR_ENV=("JPKI_PINENTRY=$work/pinentry-curses")
	json=$(doctor -- --json --lang en)
	status=$?
	expect curses-status "$status" 1 && expect curses "$(check_status "$json" pinentry)" fail &&
		check_field "$json" pinentry advice | grep -q "pinentry-gnome3" || return 1
	DOCTOR_ENV=("JPKI_PINENTRY=$work/no-such-pinentry")
	json=$(doctor -- --json --lang en)
	status=$?
	expect missing-status "$status" 1 && expect missing "$(check_status "$json" pinentry)" fail || return 1
	DOCTOR_ENV=("DISPLAY=")
	json=$(doctor -- --json --lang en)
	status=$?
	DOCTOR_ENV=()
	expect no-display-status "$status" 0 && expect no-display "$(check_status "$json" pinentry)" warning
}

flatpak_browser_is_explained() {
	local json status
	mkdir -p "$home/.local/share/flatpak/app/org.mozilla.firefox"
	json=$(doctor -- --json --lang en)
	status=$?
	rm -rf "$home/.local"
	expect status "$status" 0 && expect sandboxed "$(check_status "$json" sandboxed-browsers)" warning &&
		check_field "$json" sandboxed-browsers message | grep -q "WebExtensions portal" &&
		expect which "$(jq -r '.checks[] | select(.name == "sandboxed-browsers") | .detail[0].browser' <<<"$json")" firefox
}

DOCTOR_ENV=()
check "doctor passes with the card, the user's manifests and a PIN dialog, sending no PIN" passes_with_card_manifests_and_a_dialog
check "doctor speaks Japanese and English, contact and contactless" speaks_japanese_and_english
check "no card: the card check fails and says to insert it" no_card_is_named_with_what_to_do
check "a blocked PIN fails and sends to the municipal office, no PIN sent" blocked_pin_sends_to_the_municipal_office
check "an expired certificate fails; one in the renewal window warns" expired_certificate_fails_and_renewal_warns
check "a manifest pointing to a missing host fails for that browser" manifest_pointing_to_a_missing_host_fails
check "a manifest for another extension fails" manifest_for_another_extension_fails
check "no pcscd: named with the systemctl advice, card checks skipped" no_pcscd_is_named_with_what_to_do
check "pinentry: a terminal-only or missing one fails, no desktop warns" pinentry_needs_a_dialog_on_a_desktop
check "a Flatpak browser is explained" flatpak_browser_is_explained
check_summary
