#!/usr/bin/env bash
# Set up (if needed, including Debian's Chromium) and run the whole test suite:
# unit and property tests, AppTest page flow and Playwright end-to-end tests.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --dev --browser
status=0
.venv/bin/python -m pytest "$@" || status=$?
if [ "$status" -eq 5 ]; then
  echo "pytest collected no tests: treating that as a failure." >&2
  exit 1
fi
exit "$status"
