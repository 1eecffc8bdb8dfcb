# shellcheck shell=bash
# Sourced by the integration tests: `check WHAT COMMAND...` runs one scenario and prints
# "ok: WHAT" or "FAILED: WHAT" with the command's output indented; `check_summary` prints
# "N passed, M failed" and returns non-zero when a scenario failed (end the script with it).
# The caller sets $work, a scratch folder, before the first check.
# JPKI_CHECK_ONLY=TEXT runs only the scenarios whose description holds TEXT (to watch one fail
# while changing the code); the summary then says how many were left out, and a run where TEXT
# matched nothing fails. scripts/test refuses to run with it set.
passed=0
failed=0
left_out=0

check() {
	local what=$1
	shift
	if [[ -n ${JPKI_CHECK_ONLY:-} && $what != *"$JPKI_CHECK_ONLY"* ]]; then
		left_out=$((left_out + 1))
		return 0
	fi
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
	if [[ -n ${JPKI_CHECK_ONLY:-} ]]; then
		echo "$passed passed, $failed failed, $left_out left out (JPKI_CHECK_ONLY=$JPKI_CHECK_ONLY)"
		[[ $failed -eq 0 && $passed -gt 0 ]]
		return
	fi
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
