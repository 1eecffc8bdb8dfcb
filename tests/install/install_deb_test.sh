#!/usr/bin/env bash
# tests/install/install_deb_test.sh PACKAGE_BUILD_DIR   (inside tests/with-virtual-card)
# Installs the .deb that install.package made on this machine, runs the Chromium and Firefox
# end-to-end tests against what it installed (E2E_INSTALLED: /usr's host, the system-wide host
# manifests, the extension under /usr/share), then purges it and checks that nothing of it is
# left. The machine ends as it began: without the package, whatever a failed run left before.
set -uo pipefail
build=${1:?package build dir}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
package=jpki-bridge
# shellcheck source=tests/integration/check.sh
source "$here/../integration/check.sh"
[[ -n ${JPKI_SIM_PID:-} ]] || { echo "run it inside tests/with-virtual-card" >&2; exit 2; }
[[ $(id -u) -eq 0 ]] || { echo "install.deb installs a package: it runs as root" >&2; exit 2; }
debs=("$build/${package}"_*_amd64.deb)
deb=${debs[0]}
[[ -f $deb ]] || { echo "no .deb in $build: run install.package first" >&2; exit 2; }

export DEBIAN_FRONTEND=noninteractive
# Another apt-get on this machine (a helper installing a tool) may hold dpkg's lock for a while.
apt=(apt-get -y -q -o DPkg::Lock::Timeout=300)

installed() { [[ $(dpkg-query -W -f='${Status}' "$package" 2>/dev/null) == "install ok installed" ]]; }
known() { dpkg-query -W "$package" >/dev/null 2>&1; }
purge() { ! known || "${apt[@]}" purge "$package" >"$work/purge.log" 2>&1; }
# Firefox installs the add-on through the package's example policy, put where Firefox reads
# system-wide policies for the length of its test; a policy the machine had comes back after.
firefox_policy=/etc/firefox/policies/policies.json
example_policy_placed=false
place_example_policy() {
	[[ -e $firefox_policy ]] && { cp -p "$firefox_policy" "$work/machine-policies.json" || return 1; }
	example_policy_placed=true
	# The folders it makes, parents first, to remove afterwards.
	local dir
	for dir in /etc/firefox /etc/firefox/policies; do
		[[ -d $dir ]] || echo "$dir" >>"$work/policy-dirs-made"
	done
	mkdir -p "$(dirname "$firefox_policy")" &&
		cp /usr/share/doc/jpki-bridge/examples/firefox-policies.json "$firefox_policy"
}
restore_firefox_policy() {
	$example_policy_placed || return 0
	if [[ -e $work/machine-policies.json ]]; then
		mv "$work/machine-policies.json" "$firefox_policy"
	else
		rm -f "$firefox_policy"
		[[ -e $work/policy-dirs-made ]] && tac "$work/policy-dirs-made" | xargs -r rmdir
	fi
	rm -f "$work/policy-dirs-made"
	example_policy_placed=false
}
trap 'restore_firefox_policy; purge; rm -rf "$work"' EXIT

# The browsers' system-wide manifest folders, and where the extension is offered.
manifest_dirs=(/etc/opt/chrome/native-messaging-hosts /etc/chromium/native-messaging-hosts
	/etc/opt/edge/native-messaging-hosts /etc/opt/brave.com/brave/native-messaging-hosts
	/usr/lib/mozilla/native-messaging-hosts /usr/lib64/mozilla/native-messaging-hosts)

# What a previous, interrupted run may have left goes first.
check "no earlier install of $package is left (purged if one was)" purge
for dir in "${manifest_dirs[@]}" /usr/share/chromium/extensions /usr/share/jpki-bridge; do
	[[ -e $dir ]] && echo "$dir" >>"$work/existed-before"
done
touch "$work/existed-before"

install_deb() {
	"${apt[@]}" install --no-install-recommends "$deb" && installed &&
		dpkg -L "$package" >"$work/files"
}

manifests_start_the_installed_host() {
	local dir file
	for dir in "${manifest_dirs[@]:0:5}"; do
		file=$dir/jp.jpki_bridge.json
		[[ $(jq -r .path "$file") == /usr/libexec/jpki-bridge/jpki-bridge-host ]] || { echo "$file"; return 1; }
	done
	[[ -x /usr/libexec/jpki-bridge/jpki-bridge-host ]]
}

installed_jpki_sees_the_card() {
	/usr/bin/jpki status --json | tee "$work/status.json" && jq -e '.card != null' "$work/status.json" >/dev/null
}

# node --test passes with no test at all: the count of passed scenarios must be what ran.
e2e_against_installed() {
	E2E_INSTALLED=1 "$here/../e2e/run.sh" "$1" | tee "$work/e2e.log"
	[[ ${PIPESTATUS[0]} -eq 0 ]] && grep -qE '^ℹ pass [1-9]' "$work/e2e.log" && grep -qE '^ℹ fail 0$' "$work/e2e.log"
}

# The package's example policy (ExtensionSettings: the installed .xpi; unsigned add-ons allowed,
# which Firefox ESR honours) in place for the Firefox run only.
firefox_with_example_policy() {
	place_example_policy && e2e_against_installed firefox.test.mjs
	local status=$?
	restore_firefox_policy
	return $status
}

check "apt-get installs the .deb (its dependencies already here)" install_deb
check "every browser's system manifest starts /usr/libexec/jpki-bridge/jpki-bridge-host" manifests_start_the_installed_host
check "the installed jpki sees the simulated card through pcscd" installed_jpki_sees_the_card
check "Chromium: the page logs in and signs through the installed host, manifest and extension" \
	e2e_against_installed chromium.test.mjs
check "Firefox ESR: the package's example policy installs its .xpi; the page logs in and signs through the installed host and manifest" \
	firefox_with_example_policy
# jpki doctor on the machine as the package left it, for a user with no settings of their own:
# nothing fails (no display here: the pinentry check may only warn), and the browsers' checks
# find the system manifests starting the installed host.
doctor_passes_on_the_installed_package() {
	mkdir -p "$work/home"
	env -u XDG_CONFIG_HOME -u CHROME_CONFIG_HOME HOME="$work/home" /usr/bin/jpki doctor --json \
		--lang en >"$work/doctor.json"
	local status=$?
	jq -e '[.checks[] | select(.status == "fail")] | length == 0' "$work/doctor.json" >/dev/null &&
		jq -e '[.checks[] | select(.name == "browser-chromium" or .name == "browser-firefox") |
			.status] == ["ok", "ok"]' "$work/doctor.json" >/dev/null &&
		[[ $status -eq 0 ]] || {
		echo "jpki doctor exited $status:"
		jq -c '.checks[]' "$work/doctor.json"
		return 1
	}
}
check "jpki doctor passes on the installed package with the simulated card" \
	doctor_passes_on_the_installed_package

nothing_of_the_package_is_left() {
	purge || { cat "$work/purge.log"; return 1; }
	! known || { echo "dpkg still knows $package"; return 1; }
	local path left=0
	while IFS= read -r path; do
		[[ $path == /. ]] && continue
		# A folder that was there before the install is not the package's to remove.
		if [[ -d $path && ! -L $path ]] && { grep -qxF "$path" "$work/existed-before" || [[ -n $(ls -A "$path") ]]; }; then
			continue
		fi
		[[ -e $path || -L $path ]] && { echo "left: $path"; left=1; }
	done <"$work/files"
	return $left
}

manifest_dirs_hold_nothing_of_ours() {
	local dir left=0
	for dir in "${manifest_dirs[@]}"; do
		[[ -e $dir/jp.jpki_bridge.json ]] && { echo "left: $dir/jp.jpki_bridge.json"; left=1; }
	done
	[[ -e /usr/share/chromium/extensions/jpki-bridge || -L /usr/share/chromium/extensions/jpki-bridge ]] &&
		{ echo "left: /usr/share/chromium/extensions/jpki-bridge"; left=1; }
	return $left
}

check "apt-get purge removes every file dpkg -L listed" nothing_of_the_package_is_left
check "no browser's manifest folder holds jp.jpki_bridge.json any more" manifest_dirs_hold_nothing_of_ours
check_summary
