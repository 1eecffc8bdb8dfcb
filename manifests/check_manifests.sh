#!/usr/bin/env bash
# The host manifests are what browsers accept, and name the extension's real IDs.
# Usage: check_manifests.sh MANIFESTS_BUILD_DIR EXTENSION_MANIFEST INSTALLED_HOST
set -uo pipefail
dir=${1:?} extension=${2:?} installed_host=${3:?}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# shellcheck source=tests/integration/check.sh
source "$(dirname "$0")/../tests/integration/check.sh"

chrome_id() { # the Chrome-family ID: SHA-256 of the key's DER, 32 hex digits a-p
	jq -r .key "$extension" | base64 -d | sha256sum | cut -c1-32 | tr '0-9a-f' 'a-p'
}

chrome_manifests_allow_exactly_the_extension() {
	for file in "$dir"/installed/chrome/*.json "$dir"/build-tree/chrome/*.json; do
		[[ $(jq -r .type "$file") == stdio ]] || return 1
		[[ $(jq -r '.allowed_origins | length' "$file") == 1 ]] || return 1
		[[ $(jq -r '.allowed_origins[0]' "$file") == "chrome-extension://$(chrome_id)/" ]] || return 1
		[[ $(jq -r .name "$file") =~ ^[a-z0-9_.]+$ ]] || return 1
		[[ $(basename "$file") == "$(jq -r .name "$file").json" ]] || return 1
		[[ $(jq -r .path "$file") == /* ]] || return 1
	done
}

firefox_manifests_allow_exactly_the_extension() {
	local id
	id=$(jq -r .browser_specific_settings.gecko.id "$extension")
	for file in "$dir"/installed/firefox/*.json "$dir"/build-tree/firefox/*.json; do
		[[ $(jq -r '.allowed_extensions | length' "$file") == 1 ]] || return 1
		[[ $(jq -r '.allowed_extensions[0]' "$file") == "$id" ]] || return 1
		[[ $(jq -r .path "$file") == /* ]] || return 1
	done
}

build_tree_manifests_start_the_built_host() {
	local host
	host=$(jq -r .path "$dir/build-tree/chrome/jp.jpki_bridge.json")
	[[ -x $host ]]
}

installed_manifests_start_the_installed_host() {
	for file in "$dir"/installed/*/*.json; do
		[[ $(jq -r .path "$file") == "$installed_host" ]] || return 1
	done
}

check "the Chrome-family manifests allow exactly the extension" chrome_manifests_allow_exactly_the_extension
check "the Firefox manifests allow exactly the add-on" firefox_manifests_allow_exactly_the_extension
check "the build tree's manifests start the built host" build_tree_manifests_start_the_built_host
check "the installed manifests start the host where it is installed ($installed_host)" \
	installed_manifests_start_the_installed_host
check_summary
