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
# SELECTION_TEST_WORKERS=N runs the test files in N parallel workers (pytest-xdist, a file per worker): faster on
# a quiet machine, but under that load the keyboard browser test's timing is unsteady, so CI and the default run
# everything in this one process.
workers="${SELECTION_TEST_WORKERS:-0}"
parallel=()
if [ "$workers" != "0" ]; then
  parallel=(-n "$workers" --dist loadfile)
fi
.venv/bin/python -m pytest --cov --cov-report=term "${parallel[@]}" "$@" || status=$?
if [ "$status" -eq 5 ]; then
  echo "pytest collected no tests: treating that as a failure." >&2
  exit 1
fi
exit "$status"
