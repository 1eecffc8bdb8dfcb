#!/usr/bin/env bash
# Builds the macOS installer: the host, jpki, jpki-verify and the JPKI roots under $PREFIX
# (package.conf), the system-wide host manifests (manifest-dirs.txt), the Homebrew libraries
# they need copied beside them; signed, notarised and stapled. NOT YET RUN ON A MAC.
#
#   installer/macos/build-pkg.sh [--unsigned] [--build-dir DIR] [--out DIR]
#
# Signing needs, in the environment:
#   JPKI_MACOS_APP_IDENTITY        "Developer ID Application: <name> (<team>)" (codesign)
#   JPKI_MACOS_INSTALLER_IDENTITY  "Developer ID Installer: <name> (<team>)" (productsign)
#   JPKI_MACOS_NOTARY_PROFILE      a keychain profile made by `xcrun notarytool store-credentials`
# --unsigned makes an unsigned, unnotarised package (CI, trying it on one's own Mac).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source_dir=$(cd "$here/../.." && pwd)
# shellcheck source=installer/macos/package.conf
. "$here/package.conf"

unsigned=false
build_dir=$source_dir/build/macos-pkg
out_dir=$source_dir/build
while [ $# -gt 0 ]; do
	case $1 in
	--unsigned) unsigned=true ;;
	--build-dir)
		build_dir=$2
		shift
		;;
	--out)
		out_dir=$2
		shift
		;;
	*)
		echo "usage: $0 [--unsigned] [--build-dir DIR] [--out DIR]" >&2
		exit 2
		;;
	esac
	shift
done

if ! $unsigned; then
	missing=()
	for name in JPKI_MACOS_APP_IDENTITY JPKI_MACOS_INSTALLER_IDENTITY JPKI_MACOS_NOTARY_PROFILE; do
		[ -n "${!name:-}" ] || missing+=("$name")
	done
	if [ ${#missing[@]} -gt 0 ]; then
		echo "build-pkg.sh: refusing to make a package that cannot be signed and notarised:" >&2
		echo "  not set: ${missing[*]}" >&2
		echo "  Set them (see the top of this script and docs/install.md), or pass --unsigned" >&2
		echo "  for a package Gatekeeper will refuse (for CI and testing on your own Mac)." >&2
		exit 2
	fi
fi
if [ "$(uname -s)" != Darwin ]; then
	echo "build-pkg.sh: pkgbuild, productbuild and codesign exist only on macOS" >&2
	exit 2
fi

version=$(sed -n 's/^project(jpki-bridge VERSION \([0-9.]*\).*/\1/p' "$source_dir/CMakeLists.txt")
arch=$(uname -m)
# Homebrew's libraries, copied into the package, are built for this macOS: none older.
min_macos=$(sw_vers -productVersion | cut -d. -f1).0
stage=$build_dir/stage
work=$build_dir/pkg
rm -rf "$stage" "$work"
mkdir -p "$work" "$out_dir"

cmake -S "$source_dir" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release \
	-DCMAKE_INSTALL_PREFIX="$PREFIX" -DCMAKE_INSTALL_NAME_DIR="$PREFIX/lib" \
	-DCMAKE_OSX_DEPLOYMENT_TARGET="$min_macos" \
	-DJPKI_BUILD_TESTS=OFF -DJPKI_E2E=OFF -DJPKI_DEMO=OFF \
	-DJPKI_EXTENSION_TESTS=OFF
cmake --build "$build_dir"
DESTDIR=$stage cmake --install "$build_dir"

# The programs link Homebrew's GLib, OpenSSL, jansson and libpsl, which a user's Mac does not
# have: copy each library they need (and those need) into $PREFIX/lib/jpki-bridge and point
# every reference at the copy. The system's own libraries and the package's own files stay.
libdir=$PREFIX/lib/jpki-bridge
mkdir -p "$stage$libdir"
is_macho() { file -b "$1" | grep -q 'Mach-O'; }
foreign_libs() {
	otool -L "$1" | tail -n +2 | awk '{print $1}' | while IFS= read -r lib; do
		case $lib in
		/usr/lib/* | /System/*) ;;
		*) [ -e "$stage$lib" ] || echo "$lib" ;;
		esac
	done
}
pending=()
while IFS= read -r -d '' file; do
	if is_macho "$file"; then pending+=("$file"); fi
done < <(find "$stage$PREFIX" -type f -print0)
while [ ${#pending[@]} -gt 0 ]; do
	file=${pending[0]}
	pending=("${pending[@]:1}")
	while IFS= read -r lib; do
		if [ "${lib#@}" != "$lib" ]; then
			echo "build-pkg.sh: $file refers to $lib, which is not in the package;" >&2
			echo "  copy that library in by hand or rebuild it with an absolute install name" >&2
			exit 1
		fi
		copy=$stage$libdir/$(basename "$lib")
		if [ ! -e "$copy" ]; then
			cp "$(realpath "$lib")" "$copy"
			chmod 644 "$copy"
			install_name_tool -id "$libdir/$(basename "$lib")" "$copy"
			pending+=("$copy")
		fi
		install_name_tool -change "$lib" "$libdir/$(basename "$lib")" "$file"
	done < <(foreign_libs "$file")
done

# Hardened runtime and a secure timestamp: what notarisation asks of every binary. Unsigned,
# an ad-hoc signature still: Apple silicon runs no arm64 code without one, and
# install_name_tool above broke the linker's.
while IFS= read -r -d '' file; do
	if ! is_macho "$file"; then
		continue
	elif $unsigned; then
		codesign --force --sign - "$file"
	else
		codesign --force --options runtime --timestamp --sign "$JPKI_MACOS_APP_IDENTITY" "$file"
	fi
done < <(find "$stage$PREFIX" -type f -print0)

pkgbuild --root "$stage" --identifier "$COMPONENT_ID" --version "$version" \
	--install-location / --ownership recommended "$work/$COMPONENT_PKG"
sed -e "s/@VERSION@/$version/" -e "s/@ARCHS@/$arch/" -e "s/@MIN_MACOS@/$min_macos/" \
	"$here/distribution.xml" \
	>"$work/distribution.xml"
product=$out_dir/jpki-bridge-$version-macos-$arch.pkg
productbuild --distribution "$work/distribution.xml" --package-path "$work" \
	"$work/unsigned.pkg"

if $unsigned; then
	mv "$work/unsigned.pkg" "$product"
	echo "unsigned (Gatekeeper will refuse it): $product"
	exit 0
fi
productsign --timestamp --sign "$JPKI_MACOS_INSTALLER_IDENTITY" "$work/unsigned.pkg" "$product"
xcrun notarytool submit "$product" --keychain-profile "$JPKI_MACOS_NOTARY_PROFILE" --wait
xcrun stapler staple "$product"
pkgutil --check-signature "$product"
echo "signed, notarised and stapled: $product"
