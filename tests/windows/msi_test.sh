#!/usr/bin/env bash
# The Windows installer (installer/windows/) in a fresh Wine prefix: `msiexec /i /qn` puts the
# host, jpki.exe and the two manifests in Program Files\jpki-bridge; the native messaging keys
# of Chrome, Edge, Chromium and Firefox (HKLM) name the installed manifests, which name the
# installed host; that host, the real WinSCard build, answers a status request with the PC/SC
# error: Wine's WinSCard is a stub whose SCardEstablishContext fails with
# SCARD_F_INTERNAL_ERROR (pcsc-error; a Windows whose Smart Card service is stopped says
# SCARD_E_NO_SERVICE, no-service); `msiexec /x /qn` leaves no file and no key.
# Usage: msi_test.sh WINE-RUN MSI HOST-NAME
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
wine_run=$1 msi=$2 name=$3
work=$(mktemp -d)
# Our prefix's Wine server goes by itself once its programs have: wait for it, then remove.
trap 'WINEPREFIX=$work/wine timeout 30 wineserver -w; rm -rf "$work"' EXIT
# shellcheck source-path=SCRIPTDIR source=../integration/check.sh
source "$here/../integration/check.sh"
export JPKI_WINEPREFIX=$work/wine
dir="$JPKI_WINEPREFIX/drive_c/Program Files/jpki-bridge"
msi_win="Z:${msi//\//\\}"
keys=(
	"HKLM\\SOFTWARE\\Google\\Chrome\\NativeMessagingHosts\\$name"
	"HKLM\\SOFTWARE\\Microsoft\\Edge\\NativeMessagingHosts\\$name"
	"HKLM\\SOFTWARE\\Chromium\\NativeMessagingHosts\\$name"
	"HKLM\\SOFTWARE\\Mozilla\\NativeMessagingHosts\\$name"
)
manifests=("$name.json" "$name.json" "$name.json" "$name.firefox.json")

install_puts_the_files_in_program_files() {
	"$wine_run" msiexec /i "$msi_win" /qn || { echo "msiexec /i failed: $?"; return 1; }
	local file
	for file in jpki-bridge-host.exe jpki.exe "$name.json" "$name.firefox.json"; do
		[[ -s $dir/$file ]] || { echo "not installed: $file"; ls -la "$dir"; return 1; }
	done
}

each_browser_key_names_an_installed_manifest_that_names_the_installed_host() {
	local i value manifest host
	for i in "${!keys[@]}"; do
		# Wine's reg prints in the locale's language and code page: English, whatever LANG is.
		value=$(LC_ALL=C "$wine_run" reg query "${keys[$i]}" /ve 2>/dev/null | tr -d '\r' |
			sed -n 's/.*REG_SZ[[:space:]]*//p')
		[[ $value == "C:\\Program Files\\jpki-bridge\\${manifests[$i]}" ]] || {
			echo "${keys[$i]}: '$value'"
			return 1
		}
		manifest=$dir/${manifests[$i]}
		host=$(jq -r .path "$manifest") || return 1
		[[ $(jq -r .name "$manifest") == "$name" && -s $dir/$host ]] || {
			echo "$manifest names '$host', not an installed host"
			return 1
		}
	done
}

installed_host_answers_the_pcsc_error_of_wines_stub() {
	local reply
	reply=$(python3 "$here/pipe_host.py" "$wine_run" "$dir/jpki-bridge-host.exe" \
		'{"command":"status","arguments":{"origin":"https://example.jp"}}') || return 1
	jq -e '.error.code == "pcsc-error" and (.error.message | contains("0x80100001"))' \
		<<<"$reply" >/dev/null || {
		echo "expected pcsc-error 0x80100001 (WinSCard under Wine is a stub), got: $reply"
		return 1
	}
}

uninstall_leaves_no_file_and_no_key() {
	"$wine_run" msiexec /x "$msi_win" /qn || { echo "msiexec /x failed: $?"; return 1; }
	[[ ! -e $dir ]] || { echo "left behind: $(ls -A "$dir")"; return 1; }
	local key
	for key in "${keys[@]}"; do
		if "$wine_run" reg query "$key" >/dev/null 2>&1; then
			echo "left behind: $key"
			return 1
		fi
	done
}

check "msiexec /i /qn installs into Program Files" install_puts_the_files_in_program_files
check "Chrome, Edge, Chromium and Firefox keys name the installed manifests and host" \
	each_browser_key_names_an_installed_manifest_that_names_the_installed_host
check "the installed host (real WinSCard) answers Wine's stub's PC/SC error" \
	installed_host_answers_the_pcsc_error_of_wines_stub
check "msiexec /x /qn leaves no file and no key" uninstall_leaves_no_file_and_no_key
check_summary
