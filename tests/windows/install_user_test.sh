#!/usr/bin/env bash
# `jpki.exe install --user` and `uninstall --user` in a fresh Wine prefix, from a folder that
# holds only jpki.exe and jpki-bridge-host.exe (as a user unpacks them): the HKCU keys of Chrome,
# Edge, Chromium and Firefox name manifests in %LOCALAPPDATA%\jpki-bridge, which name that host
# by its absolute path, and the host started by that path answers; nothing under HKLM; a
# second install changes nothing; uninstall removes exactly what install wrote: its keys, its
# manifests and their folder, not another host's key nor a key that names another manifest.
# Usage: install_user_test.sh WINE-RUN JPKI.EXE HOST.EXE HOST-NAME
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
wine_run=$1 jpki_built=$2 host_built=$3 name=$4
work=$(mktemp -d)
trap 'WINEPREFIX=$work/wine timeout 30 wineserver -w; rm -rf "$work"' EXIT
# shellcheck source-path=SCRIPTDIR source=../integration/check.sh
source "$here/../integration/check.sh"
export JPKI_WINEPREFIX=$work/wine
# GLib's user data folder on Windows is %LOCALAPPDATA% unless XDG_DATA_HOME says otherwise.
unset XDG_DATA_HOME
# shellcheck source-path=SCRIPTDIR source=installed.sh
source "$here/installed.sh"
default_value() { win reg query "$1" /ve | sed -n 's/.*REG_SZ[[:space:]]*//p'; }

app_win='C:\tools\jpki bridge'
app=$("$wine_run" winepath -u "$app_win" 2>/dev/null)
app=${app%/}
mkdir -p "$app" && cp "$jpki_built" "$app/jpki.exe" && cp "$host_built" "$app/jpki-bridge-host.exe"
folder_win="$(win cmd /c 'echo %LOCALAPPDATA%')\\jpki-bridge"
folder=$("$wine_run" winepath -u "$folder_win" 2>/dev/null)
folder=${folder%/}
browsers=(chrome edge chromium firefox)
declare -A keys=(
	[chrome]="Software\\Google\\Chrome\\NativeMessagingHosts\\$name"
	[edge]="Software\\Microsoft\\Edge\\NativeMessagingHosts\\$name"
	[chromium]="Software\\Chromium\\NativeMessagingHosts\\$name"
	[firefox]="Software\\Mozilla\\NativeMessagingHosts\\$name"
)
other_host="HKCU\\Software\\Google\\Chrome\\NativeMessagingHosts\\com.example.other"
jpki() { win "$app/jpki.exe" "$@"; }

install_writes_each_browsers_key_and_manifest() {
	# Another program's host, there before us, to be left alone.
	win reg add "$other_host" /ve /t REG_SZ /d 'C:\other\com.example.other.json' /f >/dev/null
	jpki install --user --json >"$work/install.json" || {
		echo "jpki install --user failed: $(cat "$work/install.json")"
		return 1
	}
	jq -e --arg host "$app_win\\jpki-bridge-host.exe" \
		'.host == $host and (.manifests | length == 4) and all(.manifests[]; .result == "written")' \
		"$work/install.json" >/dev/null || { cat "$work/install.json"; return 1; }
}

each_key_names_a_manifest_that_names_the_host_beside_jpki() {
	local browser value manifest
	for browser in "${browsers[@]}"; do
		value=$(default_value "HKCU\\${keys[$browser]}")
		[[ $value == "$folder_win\\$name.$browser.json" ]] || {
			echo "HKCU\\${keys[$browser]}: '$value', not '$folder_win\\$name.$browser.json'"
			return 1
		}
		manifest=$folder/$name.$browser.json
		jq -e --arg name "$name" --arg host "$app_win\\jpki-bridge-host.exe" \
			'.name == $name and .type == "stdio" and .path == $host' "$manifest" \
			>/dev/null || { echo "$manifest:"; cat "$manifest"; return 1; }
		if [[ $browser == firefox ]]; then
			jq -e '.allowed_extensions | length == 1' "$manifest" >/dev/null
		else
			jq -e '.allowed_origins[0] | startswith("chrome-extension://")' "$manifest" \
				>/dev/null
		fi || { echo "$manifest does not allow the extension"; return 1; }
		if win reg query "HKLM\\${keys[$browser]}" | grep -q REG_SZ; then
			echo "install --user wrote HKLM\\${keys[$browser]}"
			return 1
		fi
	done
}

the_host_named_by_the_manifest_answers() {
	local host
	host=$(jq -r .path "$folder/$name.chrome.json") || return 1
	host_answers_with_wines_stub "$host"
}

a_second_install_changes_nothing() {
	jpki install --user --json >"$work/again.json" || return 1
	jq -e '(.manifests | length == 4) and all(.manifests[]; .result == "unchanged")' \
		"$work/again.json" >/dev/null || { cat "$work/again.json"; return 1; }
	each_key_names_a_manifest_that_names_the_host_beside_jpki
}

brave_is_refused_as_it_has_no_key_of_its_own() {
	local status=0
	jpki install --user --browser brave >/dev/null || status=$?
	[[ $status -eq 2 ]] || { echo "install --browser brave: exit $status, not 2"; return 1; }
}

uninstall_removes_exactly_what_install_wrote() {
	# Firefox's key now names another manifest (a per-user installer's): it stays.
	win reg add "HKCU\\${keys[firefox]}" /ve /t REG_SZ /d 'C:\other\firefox.json' /f >/dev/null
	jpki uninstall --user --json >"$work/uninstall.json" || {
		echo "jpki uninstall --user failed: $(cat "$work/uninstall.json")"
		return 1
	}
	jq -e '[.manifests[] | {(.browser): .result}] | add ==
		{"chrome": "removed", "edge": "removed", "chromium": "removed", "firefox": "kept"}' \
		"$work/uninstall.json" >/dev/null || { cat "$work/uninstall.json"; return 1; }
	local browser
	for browser in chrome edge chromium; do
		if win reg query "HKCU\\${keys[$browser]}" >/dev/null; then
			echo "left behind: HKCU\\${keys[$browser]}"
			return 1
		fi
	done
	[[ ! -e $folder ]] || { echo "left behind: $(find "$folder")"; return 1; }
	[[ $(default_value "HKCU\\${keys[firefox]}") == 'C:\other\firefox.json' ]] || {
		echo "removed or changed a key that named another manifest"
		return 1
	}
	[[ $(default_value "$other_host") == 'C:\other\com.example.other.json' ]] || {
		echo "removed another host's key"
		return 1
	}
	[[ -s $app/jpki.exe && -s $app/jpki-bridge-host.exe ]] || { echo "removed the programs"; return 1; }
}

check "jpki.exe install --user writes a manifest and an HKCU key for each browser" \
	install_writes_each_browsers_key_and_manifest
check "each HKCU key names a manifest in %LOCALAPPDATA% naming the host beside jpki.exe; no HKLM key" \
	each_key_names_a_manifest_that_names_the_host_beside_jpki
check "the host at the manifest's path answers (Wine's WinSCard stub's PC/SC error)" \
	the_host_named_by_the_manifest_answers
check "a second install --user changes nothing" a_second_install_changes_nothing
check "install --user --browser brave is refused (no key of its own on Windows)" \
	brave_is_refused_as_it_has_no_key_of_its_own
check "uninstall --user removes its keys, manifests and folder, and nothing else" \
	uninstall_removes_exactly_what_install_wrote
check_summary
