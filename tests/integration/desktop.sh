# shellcheck shell=bash
# Sourced by the tests that show a real dialog on a virtual desktop (pinentry_gtk_test.sh, the
# Windows dialog under Wine in tests/windows/dialog_test.sh): stopping exactly the processes
# they started, an Xvfb of their own, screenshots and a check that one is not blank, and the
# login they type a PIN for: a fresh nonce and the check that the reply's token verifies.
# The caller sets $work (a scratch folder) and $xvfb_pid="" before use; for token_verifies,
# $verify (jpki-verify), $origin, $ca and, for a Windows build, $emulator (wine).

# Stops exactly the process `pid` (TERM, then KILL after 5 s) and reaps it.
stop_pid() {
	local pid=$1
	kill -TERM "$pid" 2>/dev/null || return 0
	for _ in $(seq 50); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
}

# start_xvfb FIRST: Xvfb on the first free display from :FIRST to :FIRST+99 (another one may take
# a number at the same time: then ours exits at once and the next number is tried); exports
# DISPLAY and sets xvfb_pid.
start_xvfb() {
	local first=$1 n
	for ((n = first; n < first + 100; n++)); do
		[[ -e /tmp/.X11-unix/X$n || -e /tmp/.X$n-lock ]] && continue
		Xvfb ":$n" -screen 0 1024x768x24 -nolisten tcp -noreset >"${work:?}/xvfb.log" 2>&1 &
		xvfb_pid=$!
		for _ in $(seq 100); do
			kill -0 "$xvfb_pid" 2>/dev/null || break
			if [[ -S /tmp/.X11-unix/X$n ]] && DISPLAY=:$n xdotool getdisplaygeometry >/dev/null 2>&1; then
				# Still ours, not another server's socket.
				kill -0 "$xvfb_pid" 2>/dev/null && {
					export DISPLAY=:$n
					return 0
				}
				break
			fi
			sleep 0.05
		done
		stop_pid "$xvfb_pid"
		xvfb_pid=""
	done
	echo "no Xvfb display could be started from :$first:" >&2
	cat "$work/xvfb.log" >&2
	return 1
}

# screenshot FILE [SECONDS]: the whole screen, after SECONDS (default 0.7) for a window just
# mapped to be drawn.
screenshot() {
	sleep "${2:-0.7}"
	import -silent -window root "$1"
}

# plausible_png FILE [MIN_BYTES]: a PNG of the whole screen that is not a blank screen (at least
# MIN_BYTES, default 5000: a GTK dialog; Wine's bitmap-font dialog compresses to less).
plausible_png() {
	local file=$1 min_bytes=${2:-5000} info format width height spread
	[[ -s $file ]] || {
		echo "no screenshot $file"
		return 1
	}
	info=$(identify -format '%m %w %h %[fx:int(standard_deviation*1000)]' "$file") || return 1
	read -r format width height spread <<<"$info"
	[[ $format == PNG && $width -eq 1024 && $height -eq 768 && $spread -gt 20 &&
		$(stat -c %s "$file") -gt $min_bytes ]] || {
		echo "$file does not look like a screenshot: $info, $(stat -c %s "$file") bytes"
		return 1
	}
}

# A login nonce: 33 random bytes, 44 base64 characters without padding.
nonce() { head -c 33 /dev/urandom | base64 -w0; }

# token_verifies NONCE: the token in $work/reply.json verifies for $origin and NONCE under $ca.
# shellcheck disable=SC2154 # $verify, $origin and $ca are the caller's (above)
token_verifies() {
	${emulator:+"$emulator"} "$verify" token --origin "$origin" --nonce "$1" --ca "$ca" \
		<"$work/reply.json" || {
		echo "reply: $(cat "$work/reply.json")"
		return 1
	}
}
