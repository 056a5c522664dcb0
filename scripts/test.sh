#!/usr/bin/env bash
# Set up (if needed, including Debian's Chromium) and run the code checks (ruff, format, mypy), then
# the whole test suite: unit and property tests, AppTest page flow and Playwright end-to-end tests,
# with a coverage report for selection/ that fails below the floor in pyproject.toml.
# Options after the command go to pytest; for a subset of the tests add --no-cov (the floor is for the whole suite).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --dev --browser
bash scripts/check.sh
status=0
# Test files run in parallel workers (pytest-xdist; a file's tests stay in one worker, so its servers are started
# once): most of a browser or database test is waiting, so 2 workers use 2 cores well (3 made keyboard timing
# in the browser tests unsteady). SELECTION_TEST_WORKERS=0 runs everything in this one process.
workers="${SELECTION_TEST_WORKERS:-2}"
.venv/bin/python -m pytest --cov --cov-report=term -n "$workers" --dist loadfile "$@" || status=$?
if [ "$status" -eq 5 ]; then
  echo "pytest collected no tests: treating that as a failure." >&2
  exit 1
fi
exit "$status"
