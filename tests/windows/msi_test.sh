#!/usr/bin/env bash
# A Windows installer (installer/windows/) in a fresh Wine prefix. `msiexec /i /qn` puts the
# host, jpki.exe, the two manifests and the JPKI roots (jpki-ca) in the install folder: Program
# Files\jpki-bridge for the per-machine MSI, %LOCALAPPDATA%\Programs\jpki-bridge for the
# per-user one. The native messaging keys of Chrome, Edge, Chromium and Firefox (HKLM, or HKCU
# per user, and none under the other) name the installed manifests, which name the installed
# host; that host, the real WinSCard build, answers a status request with the PC/SC error:
# Wine's WinSCard is a stub whose SCardEstablishContext fails with SCARD_F_INTERNAL_ERROR
# (pcsc-error; a Windows whose Smart Card service is stopped says SCARD_E_NO_SERVICE,
# no-service). The installed jpki.exe reads the roots beside it (it gets to the signature's
# parsing only after loading them). `msiexec /x /qn` leaves no file and no key.
# Usage: msi_test.sh WINE-RUN MSI HOST-NAME machine|user JPKI-CA-DIR
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
wine_run=$1 msi=$2 name=$3 scope=$4 ca_dir=$5
work=$(mktemp -d)
# Our prefix's Wine server goes by itself once its programs have: wait for it, then remove.
trap 'WINEPREFIX=$work/wine timeout 30 wineserver -w; rm -rf "$work"' EXIT
# shellcheck source-path=SCRIPTDIR source=../integration/check.sh
source "$here/../integration/check.sh"
export JPKI_WINEPREFIX=$work/wine
msi_win="Z:${msi//\//\\}"
# shellcheck source-path=SCRIPTDIR source=installed.sh
source "$here/installed.sh"
if [[ $scope == machine ]]; then
	root=HKLM other=HKCU
	dir_win='C:\Program Files\jpki-bridge'
else
	root=HKCU other=HKLM
	dir_win="$(win cmd /c 'echo %LOCALAPPDATA%')\\Programs\\jpki-bridge"
fi
dir=$("$wine_run" winepath -u "$dir_win" 2>/dev/null)
dir=${dir%/}
browser_keys=(
	"SOFTWARE\\Google\\Chrome\\NativeMessagingHosts\\$name"
	"SOFTWARE\\Microsoft\\Edge\\NativeMessagingHosts\\$name"
	"SOFTWARE\\Chromium\\NativeMessagingHosts\\$name"
	"SOFTWARE\\Mozilla\\NativeMessagingHosts\\$name"
)
manifests=("$name.json" "$name.json" "$name.json" "$name.firefox.json")

install_puts_the_files_in_the_install_folder() {
	"$wine_run" msiexec /i "$msi_win" /qn || { echo "msiexec /i failed: $?"; return 1; }
	local file
	for file in jpki-bridge-host.exe jpki.exe "$name.json" "$name.firefox.json"; do
		[[ -s $dir/$file ]] || { echo "not in $dir: $file"; ls -la "$dir"; return 1; }
	done
}

the_jpki_roots_are_installed_beside_the_programs() {
	diff -r "$ca_dir" "$dir/jpki-ca" || { echo "$dir/jpki-ca differs from $ca_dir"; return 1; }
}

each_browser_key_names_an_installed_manifest_that_names_the_installed_host() {
	local i value manifest host
	for i in "${!browser_keys[@]}"; do
		value=$(win reg query "$root\\${browser_keys[$i]}" /ve |
			sed -n 's/.*REG_SZ[[:space:]]*//p')
		[[ $value == "$dir_win\\${manifests[$i]}" ]] || {
			printf "%s: '%s', not '%s'\n" "$root\\${browser_keys[$i]}" "$value" \
				"$dir_win\\${manifests[$i]}"
			return 1
		}
		manifest=$dir/${manifests[$i]}
		host=$(jq -r .path "$manifest") || return 1
		[[ $(jq -r .name "$manifest") == "$name" && -s $dir/$host ]] || {
			echo "$manifest names '$host', not an installed host"
			return 1
		}
		if win reg query "$other\\${browser_keys[$i]}" | grep -q REG_SZ; then
			echo "a $scope install wrote $other\\${browser_keys[$i]}"
			return 1
		fi
	done
}

installed_host_answers_the_pcsc_error_of_wines_stub() {
	host_answers_with_wines_stub "$dir/jpki-bridge-host.exe"
}

installed_jpki_loads_the_roots_beside_it() {
	# Not a signature: jpki verify loads the roots first, so it gets to refusing the file
	# only when they are there (without them: io-error "JPKI roots: ...").
	printf 'document\n' >"$work/document.txt"
	printf 'not a signature\n' >"$work/document.p7s"
	local reply
	reply=$(win "$dir/jpki.exe" verify --json "Z:${work//\//\\}\\document.txt" \
		"Z:${work//\//\\}\\document.p7s")
	jq -e '.error.code == "invalid-input" and (.error.message | startswith("not a CMS"))' \
		<<<"$reply" >/dev/null || {
		echo "expected invalid-input (the roots loaded, the signature refused), got: $reply"
		return 1
	}
}

uninstall_leaves_no_file_and_no_key() {
	"$wine_run" msiexec /x "$msi_win" /qn || { echo "msiexec /x failed: $?"; return 1; }
	[[ ! -e $dir ]] || { echo "left behind: $(find "$dir")"; return 1; }
	local key
	for key in "${browser_keys[@]/#/$root\\}" "$root\\SOFTWARE\\jpki-bridge"; do
		if "$wine_run" reg query "$key" >/dev/null 2>&1; then
			echo "left behind: $key"
			return 1
		fi
	done
}

check "msiexec /i /qn ($scope) installs into $dir_win" install_puts_the_files_in_the_install_folder
check "the JPKI roots are installed in jpki-ca beside the programs" \
	the_jpki_roots_are_installed_beside_the_programs
check "Chrome, Edge, Chromium and Firefox keys ($root only) name the installed manifests and host" \
	each_browser_key_names_an_installed_manifest_that_names_the_installed_host
check "the installed host (real WinSCard) answers Wine's stub's PC/SC error" \
	installed_host_answers_the_pcsc_error_of_wines_stub
check "the installed jpki.exe loads the JPKI roots beside it" installed_jpki_loads_the_roots_beside_it
check "msiexec /x /qn leaves no file and no key" uninstall_leaves_no_file_and_no_key
check_summary
