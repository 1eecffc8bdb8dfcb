# shellcheck shell=bash
# Sourced by the integration tests: `check WHAT COMMAND...` runs one scenario and prints
# "ok: WHAT" or "FAILED: WHAT" with the command's output indented; `check_summary` prints
# "N passed, M failed" and returns non-zero when a scenario failed (end the script with it).
# The caller sets $work, a scratch folder, before the first check.
passed=0
failed=0

check() {
	local what=$1
	shift
	if "$@" >"${work:?set work to a scratch folder}/out" 2>&1; then
		echo "ok: $what"
		passed=$((passed + 1))
	else
		echo "FAILED: $what"
		sed 's/^/    /' "$work/out"
		failed=$((failed + 1))
	fi
}

check_summary() {
	echo "$passed passed, $failed failed"
	[[ $failed -eq 0 ]]
}
