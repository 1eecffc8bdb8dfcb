#!/usr/bin/env bash
# `jpki install --user` and `jpki uninstall --user`: the per-user host manifests of each browser,
# written into a temporary HOME (and XDG_CONFIG_HOME / CHROME_CONFIG_HOME), never the real one.
# Usage: install_user_test.sh JPKI HOST EXTENSION_MANIFEST
set -uo pipefail
jpki=$(realpath "${1:?jpki binary}")
host=$(realpath "${2:?jpki-bridge-host}")
extension=${3:?extension/manifest.json}
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

# The IDs as the extension's manifest fixes them (its key and its gecko id).
chrome_origin="chrome-extension://$(jq -r .key "$extension" | base64 -d | sha256sum | cut -c1-32 | tr '0-9a-f' 'a-p')/"
firefox_id=$(jq -r .browser_specific_settings.gecko.id "$extension")

# A fresh home for one scenario: $home, with no XDG or Chrome variables from outside.
new_home() {
	home=$(mktemp -d "$work/home.XXXX")
	unset XDG_CONFIG_HOME CHROME_CONFIG_HOME XDG_DATA_HOME
}

in_home() { HOME=$home "$@"; }

# manifest_is FILE chrome|firefox HOST: a manifest a browser accepts, naming our IDs and HOST.
manifest_is() {
	local file=$1 family=$2 expected_host=$3
	[[ -f $file ]] || { echo "no $file"; return 1; }
	expect "$file name" "$(jq -r .name "$file")" jp.jpki_bridge &&
		expect "$file type" "$(jq -r .type "$file")" stdio &&
		expect "$file path" "$(jq -r .path "$file")" "$expected_host" || return 1
	if [[ $family == chrome ]]; then
		expect "$file origins" "$(jq -c .allowed_origins "$file")" "[\"$chrome_origin\"]" &&
			expect "$file no extensions" "$(jq -r 'has("allowed_extensions")' "$file")" false
	else
		expect "$file extensions" "$(jq -c .allowed_extensions "$file")" "[\"$firefox_id\"]" &&
			expect "$file no origins" "$(jq -r 'has("allowed_origins")' "$file")" false
	fi
}

all_paths() { # the per-user manifest of each browser under $home (no XDG variables)
	echo "$home/.config/google-chrome/NativeMessagingHosts/jp.jpki_bridge.json chrome"
	echo "$home/.config/chromium/NativeMessagingHosts/jp.jpki_bridge.json chrome"
	echo "$home/.config/microsoft-edge/NativeMessagingHosts/jp.jpki_bridge.json chrome"
	echo "$home/.config/BraveSoftware/Brave-Browser/NativeMessagingHosts/jp.jpki_bridge.json chrome"
	echo "$home/.mozilla/native-messaging-hosts/jp.jpki_bridge.json firefox"
}

installs_every_browsers_manifest_pointing_to_the_built_host() {
	new_home
	local json file family
	json=$(in_home "$jpki" install --user --browser all --json) || { echo "$json"; return 1; }
	expect host "$(jq -r .host <<<"$json")" "$host" &&
		expect written "$(jq -r '[.manifests[].result] | unique | join(",")' <<<"$json")" written &&
		expect count "$(jq -r '.manifests | length' <<<"$json")" 5 || return 1
	while read -r file family; do
		manifest_is "$file" "$family" "$host" || return 1
		expect "$file mode" "$(stat -c %a "$file")" 644 || return 1
	done < <(all_paths)
	# Nothing else: no temporary file left beside them.
	expect files "$(find "$home" -type f | wc -l)" 5
}

follows_xdg_config_home_and_chrome_config_home() {
	new_home
	XDG_CONFIG_HOME=$home/xdg in_home "$jpki" install --user --browser chromium --browser firefox \
		>/dev/null || return 1
	manifest_is "$home/xdg/chromium/NativeMessagingHosts/jp.jpki_bridge.json" chrome "$host" &&
		# Firefox keeps ~/.mozilla whatever XDG_CONFIG_HOME says.
		manifest_is "$home/.mozilla/native-messaging-hosts/jp.jpki_bridge.json" firefox "$host" &&
		[[ ! -e $home/.config ]] || return 1
	# Chromium's own variable comes before XDG_CONFIG_HOME.
	CHROME_CONFIG_HOME=$home/chrome-config XDG_CONFIG_HOME=$home/xdg in_home "$jpki" install --user \
		--browser edge >/dev/null || return 1
	manifest_is "$home/chrome-config/microsoft-edge/NativeMessagingHosts/jp.jpki_bridge.json" chrome "$host"
}

installing_twice_changes_nothing() {
	new_home
	in_home "$jpki" install --user --browser chromium >/dev/null || return 1
	local file=$home/.config/chromium/NativeMessagingHosts/jp.jpki_bridge.json before json
	before=$(stat -c '%i %Y' "$file")
	json=$(in_home "$jpki" install --user --browser chromium --json) || return 1
	expect result "$(jq -r '.manifests[0].result' <<<"$json")" unchanged &&
		expect inode "$(stat -c '%i %Y' "$file")" "$before" &&
		manifest_is "$file" chrome "$host"
}

# A manifest of another program's (or an old one of ours with another host) is replaced
# atomically: a new file renamed over it.
reinstalling_with_another_host_replaces_the_file() {
	new_home
	in_home "$jpki" install --user --browser firefox >/dev/null || return 1
	local file=$home/.mozilla/native-messaging-hosts/jp.jpki_bridge.json other=$work/other-host inode
	cp "$host" "$other" && inode=$(stat -c %i "$file") || return 1
	(cd "$work" && HOME=$home "$jpki" install --user --browser firefox --host ./other-host >/dev/null) ||
		return 1
	manifest_is "$file" firefox "$other" && [[ $(stat -c %i "$file") != "$inode" ]]
}

uninstall_removes_only_our_manifests() {
	new_home
	in_home "$jpki" install --user --browser all >/dev/null || return 1
	local dir=$home/.config/chromium/NativeMessagingHosts json
	echo '{"name": "org.other.host"}' >"$dir/org.other.host.json"
	json=$(in_home "$jpki" uninstall --user --json) || return 1
	expect removed "$(jq -r '[.manifests[].result] | unique | join(",")' <<<"$json")" removed &&
		expect left "$(find "$home" -type f)" "$dir/org.other.host.json" &&
		expect other "$(jq -r .name "$dir/org.other.host.json")" org.other.host &&
		[[ -d $home/.mozilla/native-messaging-hosts ]] || return 1
	# Again: nothing to remove is no error.
	json=$(in_home "$jpki" uninstall --user --browser firefox --json) || return 1
	expect absent "$(jq -r '.manifests[0].result' <<<"$json")" absent
}

missing_or_unrunnable_host_is_refused() {
	new_home
	local json status text
	json=$(in_home "$jpki" install --user --browser all --host "$work/no-such-host" --json)
	status=$?
	expect status "$status" 1 && expect code "$(jq -r .error.code <<<"$json")" host-not-found &&
		jq -r .error.message <<<"$json" | grep -q "$work/no-such-host" || return 1
	touch "$work/not-executable"
	text=$(in_home "$jpki" install --user --browser chromium --host "$work/not-executable" --lang en 2>&1)
	status=$?
	expect status "$status" 1 || return 1
	if ! grep -q "missing or cannot be run" <<<"$text" || ! grep -q -- "--host" <<<"$text"; then
		echo "$text"
		return 1
	fi
	text=$(in_home "$jpki" install --user --browser chromium --host "$work/no-such-host" --lang ja 2>&1)
	grep -q "見つからないか、実行できません" <<<"$text" || { echo "$text"; return 1; }
	expect written "$(find "$home" -type f | wc -l)" 0
}

usage_errors() {
	new_home
	local status
	in_home "$jpki" install --browser all >/dev/null 2>&1
	status=$?
	expect no-user "$status" 2 || return 1
	in_home "$jpki" install --user --browser netscape >/dev/null 2>&1
	status=$?
	expect unknown-browser "$status" 2 || return 1
	in_home "$jpki" uninstall --user --host "$host" >/dev/null 2>&1
	status=$?
	expect uninstall-host "$status" 2 && expect written "$(find "$home" -type f | wc -l)" 0
}

# Without --browser: the browsers installed as ordinary programs on PATH.
default_is_the_installed_browsers() {
	new_home
	local bin=$work/bin json status
	mkdir -p "$bin" "$work/empty-bin"
	printf '#!/bin/sh\nexit 0\n' >"$bin/google-chrome"
	# Ubuntu's transitional package: a script that starts the snap.
	printf '#!/bin/sh\nexec /snap/bin/firefox "$@"\n' >"$bin/firefox"
	chmod +x "$bin/google-chrome" "$bin/firefox"
	json=$(PATH=$bin in_home "$jpki" install --user --json) || return 1
	expect browsers "$(jq -r '[.manifests[].browser] | join(",")' <<<"$json")" chrome || return 1
	json=$(PATH=$work/empty-bin in_home "$jpki" install --user --json)
	status=$?
	expect status "$status" 1 && expect code "$(jq -r .error.code <<<"$json")" no-browser
}

check "install --user writes every browser's manifest, pointing to the built host" installs_every_browsers_manifest_pointing_to_the_built_host
check "install --user follows XDG_CONFIG_HOME and CHROME_CONFIG_HOME (Chrome family only)" follows_xdg_config_home_and_chrome_config_home
check "installing twice leaves the file as it is" installing_twice_changes_nothing
check "installing with another --host replaces the file by a rename" reinstalling_with_another_host_replaces_the_file
check "uninstall --user removes our manifests and nothing else" uninstall_removes_only_our_manifests
check "a missing or unrunnable host is refused, in English and Japanese, nothing written" missing_or_unrunnable_host_is_refused
check "usage errors: no --user, an unknown browser, --host for uninstall" usage_errors
check "without --browser: the browsers installed on PATH, not a snap's wrapper" default_is_the_installed_browsers
check_summary
