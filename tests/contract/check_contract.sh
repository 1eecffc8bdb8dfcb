#!/usr/bin/env bash
# The wire contract written once: what the C tables generate at build time
# (jpki-bridge-contract) must be docs/wire-contract.json, docs/protocol.md's error table must
# list exactly its codes, and its framing table must give its limits.
#   check_contract.sh GENERATED_JSON SOURCE_DIR
set -euo pipefail
generated=$1
source_dir=$2
failed=0

if ! diff -u "$source_dir/docs/wire-contract.json" "$generated"; then
	echo "FAIL: docs/wire-contract.json is not what the C tables give;" \
		"copy $generated there"
	failed=1
fi

# The codes in the first column of the table under "## Errors", each in backticks.
documented=$(awk '/^## Errors/ {on = 1; next} /^## / {on = 0} on && /^\| `/' \
	"$source_dir/docs/protocol.md" | cut -d'|' -f2 | grep -o "\`[a-z-]*\`" | tr -d '`' | sort)
expected=$(jq -r '.errors[].code' "$generated" | sort)
if ! diff -u <(echo "$expected") <(echo "$documented"); then
	echo "FAIL: docs/protocol.md's error table does not list exactly the host's codes" \
		"(- missing there, + not a code the host can send)"
	failed=1
fi
duplicated=$(echo "$documented" | uniq -d)
if [[ -n $duplicated ]]; then
	echo "FAIL: docs/protocol.md lists twice: $duplicated"
	failed=1
fi

protocol=$(cat "$source_dir/docs/protocol.md")
for limit in requestMaxBytes originMaxLength challengeNonceMinLength challengeNonceMaxLength; do
	value=$(jq -r ".limits.$limit" "$generated")
	if ! grep -q "\b$value\b" <<<"$protocol"; then
		echo "FAIL: docs/protocol.md does not give $limit = $value"
		failed=1
	fi
done
for limit in replyMaxBytes certificateMaxLength; do # written in KiB or MiB there
	value=$(jq -r ".limits.$limit" "$generated")
	if ! grep -qE "\b($((value / 1024)) KiB|$((value / 1048576)) MiB)\b" <<<"$protocol"; then
		echo "FAIL: docs/protocol.md does not give $limit = $value bytes"
		failed=1
	fi
done

[[ $failed == 0 ]] && echo "the wire contract agrees: C tables, docs/wire-contract.json, docs/protocol.md"
exit "$failed"
