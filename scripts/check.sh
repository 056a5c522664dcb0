#!/usr/bin/env bash
# Code checks, run before the tests by scripts/test.sh (and so by .ci/run): the ruff linter, the ruff
# format check and mypy, all configured in pyproject.toml. Any finding fails the run.
# Usage: bash scripts/check.sh   (after scripts/setup.sh --dev; `--fix` applies ruff's safe fixes and formats)
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" = "--fix" ]; then
  .venv/bin/ruff check --fix .
  .venv/bin/ruff format .
fi
status=0
echo "== ruff check" && .venv/bin/ruff check . || status=1
echo "== ruff format --check" && .venv/bin/ruff format --check . || status=1
echo "== mypy" && .venv/bin/mypy || status=1
if [ "$status" -ne 0 ]; then
  echo "Code checks failed (see above); fix them before the tests run (bash scripts/check.sh --fix helps with ruff)." >&2
fi
exit "$status"
