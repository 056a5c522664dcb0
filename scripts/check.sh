#!/usr/bin/env bash
# Code checks, run before the tests by scripts/test.sh (and so by .ci/run): the ruff linter, the ruff
# format check, mypy and lint-imports (the layers and no import circles), all configured in pyproject.toml, and the docs check (docs/cli.md must match the
# command line's --help output). Any finding fails the run.
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
echo "== lint-imports: the layers and no import circles (pyproject.toml)" && .venv/bin/lint-imports --no-cache || status=1
echo "== docs: command-line reference" && .venv/bin/cog --check --diff \
  --check-fail-msg "docs/cli.md is stale: regenerate it with .venv/bin/cog -r docs/cli.md" docs/cli.md || status=1
if [ "$status" -ne 0 ]; then
  echo "Code checks failed (see above); fix them before the tests run (bash scripts/check.sh --fix helps with ruff)." >&2
fi
exit "$status"
