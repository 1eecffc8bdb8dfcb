#!/usr/bin/env bash
# tests/install/package_test.sh SOURCE_DIR PACKAGE_BUILD_DIR
# Makes the packages as a distribution would (installer/linux/README.md): a Release build for
# /usr, then cpack. Checks what a package reviewer checks: lintian on the .deb (an override only
# where installer/linux/lintian-overrides explains it), and the .rpm's files and configuration.
set -uo pipefail
source_dir=${1:?source dir} build=${2:?package build dir}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# shellcheck source=tests/integration/check.sh
source "$source_dir/tests/integration/check.sh"

make_packages() {
	rm -f "$build"/jpki-bridge[_-]*.deb "$build"/jpki-bridge-*.rpm
	cmake -S "$source_dir" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX=/usr \
		-DJPKI_BUILD_TESTS=OFF -DJPKI_E2E=OFF &&
		cmake --build "$build" --target jpki-bridge-host jpki-cli jpki-verify firefox-xpi &&
		(cd "$build" && cpack) &&
		ls "$build"/jpki-bridge_*_amd64.deb "$build"/jpki-bridge-*.x86_64.rpm
}

lintian_finds_nothing() {
	# lintian refuses nothing as root but says it would rather not run as root.
	lintian --fail-on error,warning --pedantic "$build"/jpki-bridge_*.deb 2>&1 | grep -v 'root privileges'
	[[ ${PIPESTATUS[0]} -eq 0 ]]
}

# Every file a resident's browser needs, in both packages.
expected_files=(
	/usr/libexec/jpki-bridge/jpki-bridge-host /usr/bin/jpki /usr/bin/jpki-verify
	/usr/share/man/man1/jpki.1.gz /usr/share/man/man1/jpki-verify.1.gz
	/etc/opt/chrome/native-messaging-hosts/jp.jpki_bridge.json
	/etc/chromium/native-messaging-hosts/jp.jpki_bridge.json
	/etc/opt/edge/native-messaging-hosts/jp.jpki_bridge.json
	/etc/opt/brave.com/brave/native-messaging-hosts/jp.jpki_bridge.json
	/usr/lib/mozilla/native-messaging-hosts/jp.jpki_bridge.json
	/usr/share/jpki-bridge/extension/manifest.json /usr/share/chromium/extensions/jpki-bridge
	/usr/share/jpki-bridge/jpki-bridge@jpki-bridge.org.xpi /usr/share/jpki-bridge/jpki-ca/auth_ca_2023.pem
)

deb_holds_every_file() {
	dpkg-deb -c "$build"/jpki-bridge_*.deb | awk '{print $6}' | sed 's|^\.||; s|/$||' >"$work/deb-files"
	local file missing=0
	for file in "${expected_files[@]}"; do
		grep -qxF "$file" "$work/deb-files" || { echo "not in the .deb: $file"; missing=1; }
	done
	return $missing
}

deb_declares_pcscd_and_a_pinentry() {
	local depends
	depends=$(dpkg-deb -f "$build"/jpki-bridge_*.deb Depends)
	echo "Depends: $depends"
	[[ $depends == *pcscd* && $depends == *"pinentry-gnome3 | pinentry-gtk2"* && $depends == *libpcsclite1* ]]
}

rpm_holds_every_file_and_lib64_manifest() {
	rpm -qlp "$build"/jpki-bridge-*.rpm >"$work/rpm-files" 2>/dev/null || return 1
	local file missing=0
	for file in "${expected_files[@]}" /usr/lib64/mozilla/native-messaging-hosts/jp.jpki_bridge.json; do
		grep -qxF "$file" "$work/rpm-files" || { echo "not in the .rpm: $file"; missing=1; }
	done
	! grep -q '^/usr/share/lintian' "$work/rpm-files" || { echo "lintian overrides in the .rpm"; missing=1; }
	return $missing
}

rpm_config_is_exactly_the_etc_manifests() {
	rpm -qp --configfiles "$build"/jpki-bridge-*.rpm 2>/dev/null | tee "$work/config"
	[[ $(wc -l <"$work/config") -eq 4 ]] && ! grep -qv '^/etc/' "$work/config"
}

xpi_is_reproducible() {
	local before
	before=$(sha256sum <"$build/installer/jpki-bridge@jpki-bridge.org.xpi")
	rm "$build/installer/jpki-bridge@jpki-bridge.org.xpi"
	cmake --build "$build" --target firefox-xpi >/dev/null &&
		[[ $(sha256sum <"$build/installer/jpki-bridge@jpki-bridge.org.xpi") == "$before" ]]
}

check "cpack makes the .deb and the .rpm from a /usr build" make_packages
check "lintian finds nothing in the .deb (overrides: installer/linux/lintian-overrides)" lintian_finds_nothing
check "the .deb holds the host, the programs, the manifests, the extension and the CA roots" deb_holds_every_file
check "the .deb depends on pcscd, a graphical pinentry and the shared libraries" deb_declares_pcscd_and_a_pinentry
check "the .rpm holds the same, and Firefox's manifest in /usr/lib64 too" rpm_holds_every_file_and_lib64_manifest
check "the .rpm's configuration files are exactly the manifests under /etc" rpm_config_is_exactly_the_etc_manifests
check "the Firefox add-on (.xpi) is the same bytes when made again" xpi_is_reproducible
echo "rpmlint (informational, installer/linux/README.md says why each remaining warning stays):"
rpmlint "$build"/jpki-bridge-*.rpm 2>&1 | grep -E '^jpki-bridge' | sed 's/^/    /'
check_summary
