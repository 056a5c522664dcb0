#!/usr/bin/env bash
# Set up (if needed, including Debian's Chromium) and run the code checks (ruff, format, mypy), then
# the whole test suite: unit and property tests, AppTest page flow and Playwright end-to-end tests,
# with a coverage report for selection/ that fails below the floor in pyproject.toml.
# Options after the command go to pytest; for a subset of the tests add --no-cov (the floor is for the whole suite).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --dev --browser
bash scripts/check.sh
workers="${SELECTION_TEST_WORKERS:-2}"
if [ "$workers" = "0" ]; then
  status=0
  .venv/bin/python -m pytest --cov --cov-report=term "$@" || status=$?
  if [ "$status" -eq 5 ]; then
    echo "pytest collected no tests: treating that as a failure." >&2
    exit 1
  fi
  exit "$status"
fi
parallel=0
.venv/bin/python -m pytest --cov --cov-report= --cov-fail-under=0 -n "$workers" --dist loadfile -m "not serial" "$@" \
  || parallel=$?
serial=0
.venv/bin/python -m pytest --cov --cov-append --cov-report=term -m serial "$@" || serial=$?
if [ "$parallel" -eq 5 ] && [ "$serial" -eq 5 ]; then
  echo "pytest collected no tests: treating that as a failure." >&2
  exit 1
fi
for status in "$parallel" "$serial"; do
  if [ "$status" -ne 0 ] && [ "$status" -ne 5 ]; then
    exit "$status"
  fi
done
if [ "$serial" -eq 5 ] && [[ " $* " != *" --no-cov "* ]]; then  # no serial test selected: check the floor here
  .venv/bin/python -m coverage report >/dev/null || { echo "Coverage is below the floor in pyproject.toml." >&2; exit 1; }
fi
exit 0
