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
memchecked_runs=0

check() {
	local what=$1 ok=1
	shift
	if [[ -n ${JPKI_CHECK_ONLY:-} && $what != *"$JPKI_CHECK_ONLY"* ]]; then
		left_out=$((left_out + 1))
		return 0
	fi
	"$@" >"${work:?set work to a scratch folder}/out" 2>&1 || ok=0
	memcheck_clean >>"$work/out" 2>&1 || ok=0
	if [[ $ok -eq 1 ]]; then
		echo "ok: $what"
		passed=$((passed + 1))
	else
		echo "FAILED: $what"
		sed 's/^/    /' "$work/out"
		failed=$((failed + 1))
	fi
}

check_summary() {
	if [[ -n ${JPKI_MEMCHECK:-} ]]; then
		echo "$memchecked_runs runs under valgrind memcheck"
		[[ $memchecked_runs -gt 0 ]] || { echo "FAILED: nothing ran under memcheck"; failed=$((failed + 1)); }
	fi
	if [[ -n ${JPKI_CHECK_ONLY:-} ]]; then
		echo "$passed passed, $failed failed, $left_out left out (JPKI_CHECK_ONLY=$JPKI_CHECK_ONLY)"
		[[ $failed -eq 0 && $passed -gt 0 ]]
		return
	fi
	echo "$passed passed, $failed failed"
	[[ $failed -eq 0 ]]
}

# Under memcheck a host takes seconds to start on a busy machine: bridge-driver gives it a minute,
# not 10 s, to send its version frame (a speed limit, not a check).
[[ -n ${JPKI_MEMCHECK:-} ]] && export BRIDGE_DRIVER_START_MS=60000

# The valgrind preset sets JPKI_MEMCHECK to tests/memcheck, which runs a program under valgrind
# memcheck with a log per process. `memchecked PROGRAM` prints the path to start PROGRAM by: then a
# stand-in of the same name in $work that runs it so, otherwise PROGRAM itself.
memchecked() {
	local program=${1:?which program}
	[[ -n ${JPKI_MEMCHECK:-} ]] || {
		echo "$program"
		return
	}
	local bin=$work/memcheck/bin
	mkdir -p "$bin" "$work/memcheck/logs"
	printf "#!/bin/sh\nexec '%s' '%s' '%s' \"\$@\"\n" "$JPKI_MEMCHECK" "$work/memcheck/logs" \
		"$(realpath "$program")" >"$bin/${program##*/}"
	chmod +x "$bin/${program##*/}"
	echo "$bin/${program##*/}"
}

# Under the valgrind preset: how many milliseconds memcheck spent after the program of the newest
# run had exited (its leak search, from its log's time stamps), which a test timing the program's
# exit from outside takes off; 0 otherwise.
memcheck_teardown_ms() {
	local log newest=""
	for log in "$work"/memcheck/logs/*.log; do
		if [[ -e $log ]] && grep -q 'HEAP SUMMARY' "$log" && [[ -z $newest || $log -nt $newest ]]; then
			newest=$log
		fi
	done
	[[ -n ${JPKI_MEMCHECK:-} && -n $newest ]] || {
		echo 0
		return
	}
	awk 'function ms(stamp, p) {
			split(substr(stamp, 3), p, ":")
			return int((((p[1] * 24 + p[2]) * 60 + p[3]) * 60 + p[4]) * 1000)
		}
		/HEAP SUMMARY/ { start = ms($1) }
		{ last = ms($1) }
		END { print last - start }' "$newest"
}

# Under the valgrind preset, the memcheck logs of the runs since the last call: fails, showing
# the log, when a run started through memchecked left no log that valgrind ended (it did not
# run under memcheck, or was killed) or any log (a run's or its forks') has an error.
memcheck_clean() {
	[[ -n ${JPKI_MEMCHECK:-} ]] || return 0
	local logs=$work/memcheck/logs started log status=0
	for started in "$logs"/*.started; do
		[[ -e $started ]] || continue
		log=${started%.started}.log
		memchecked_runs=$((memchecked_runs + 1))
		if ! grep -q 'ERROR SUMMARY:' "$log" 2>/dev/null; then
			echo "memcheck: the run of PID ${log##*/} has no memcheck verdict:"
			sed 's/^/    /' "$log" 2>/dev/null
			status=1
		fi
	done
	for log in "$logs"/*.log; do
		[[ -e $log ]] || continue
		if grep -qE 'ERROR SUMMARY: [1-9]' "$log"; then
			echo "memcheck: errors in ${log##*/}:"
			sed 's/^/    /' "$log"
			status=1
		fi
	done
	rm -f "$logs"/*.started "$logs"/*.log
	return "$status"
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
