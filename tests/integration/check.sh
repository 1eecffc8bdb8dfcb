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

# `no_sanitizer_report FILE`: fails, showing the report, when FILE (a program's stderr) holds
# what AddressSanitizer, LeakSanitizer or UndefinedBehaviorSanitizer print (asan preset).
no_sanitizer_report() {
	local file=${1:?which file}
	if grep -qE 'ERROR: AddressSanitizer|ERROR: LeakSanitizer|LeakSanitizer|runtime error:' "$file"; then
		echo "sanitizer report in $file:"
		sed 's/^/    /' "$file"
		return 1
	fi
}
