#!/usr/bin/env bash
# The extension's checks: install the pinned tools, lint, type-check, test.
# Called from ctest; also `npm run check`.
set -euo pipefail
cd "$(dirname "$0")"
npm ci --no-audit --no-fund --loglevel=error >/dev/null
npm run --silent lint
npm run --silent typecheck
npm test --silent
