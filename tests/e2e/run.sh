#!/usr/bin/env bash
# tests/e2e/run.sh FILE.test.mjs    - node --test on one browser's end-to-end tests
# tests/e2e/run.sh --node SCRIPT.mjs [ARGS...]  - node SCRIPT (the headless demo)
#
# Installs the pinned browser drivers first (npm ci from package-lock.json; they never
# download a browser: the system's chromium and firefox-esr are used), so a fresh clone works.
# Run it inside tests/with-virtual-card: the card, and the lock that makes one end-to-end run at
# a time on this machine (npm ci rewrites node_modules/), come from there.
set -euo pipefail
cd "$(dirname "$0")"
[[ $# -ge 1 ]] || { echo "usage: $0 FILE.test.mjs | --node SCRIPT.mjs [ARGS...]" >&2; exit 2; }
[[ -n ${JPKI_SIM_PID:-} ]] || { echo "run.sh: run it inside tests/with-virtual-card" >&2; exit 2; }

export PUPPETEER_SKIP_DOWNLOAD=1 PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
if ! npm ci --no-audit --no-fund --loglevel=error >npm-ci.log 2>&1; then
	cat npm-ci.log >&2
	rm -f npm-ci.log
	exit 2
fi
rm -f npm-ci.log

if [[ $1 == --node ]]; then
	shift
	exec node "$@"
fi
exec node --test --test-reporter=spec "$@"
