#!/usr/bin/env bash
# The Win32 PIN dialog and the browser window that asked (test_win32_dialog.c): owned by it,
# centred over it, a dialog of its own for a handle that is no window, laid out for the dpi,
# and the host's --parent-window. Run twice in a Wine prefix of its own, headless (Wine's null
# display driver: windows exist and have sizes, nothing is drawn): at 96 dpi (100 %), then at
# 192 dpi (200 %, the LogPixels that Windows' display settings set).
# Usage: dialog_owner_test.sh EMULATOR TEST_WIN32_DIALOG.EXE HOST.EXE
set -uo pipefail
emulator=$1 test=$2 host=$3
work=$(mktemp -d)
export JPKI_WINEPREFIX=$work/wine

# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
	# Our prefix's Wine server goes by itself once its programs have: wait for it.
	[[ -d $JPKI_WINEPREFIX ]] && WINEPREFIX=$JPKI_WINEPREFIX timeout 30 wineserver -w
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

unset DISPLAY WAYLAND_DISPLAY
"$emulator" reg add 'HKCU\Software\Wine\Drivers' /v Graphics /d null /f >/dev/null 2>&1 || {
	echo "dialog_owner_test: Wine does not start" >&2
	exit 2
}
# The prefix's desktop, started while it was made, has no display driver: stop our prefix's
# Wine server so that the next program starts one with the null driver.
WINEPREFIX=$JPKI_WINEPREFIX wineserver -k
WINEPREFIX=$JPKI_WINEPREFIX timeout 30 wineserver -w
status=0
for dpi in 96 192; do
	"$emulator" reg add 'HKCU\Control Panel\Desktop' /v LogPixels /t REG_DWORD /d "$dpi" /f \
		>/dev/null 2>&1 || exit 2
	echo "== at $dpi dpi"
	"$emulator" "$test" "$host" "$dpi" || status=1
done
exit "$status"
