#!/usr/bin/env bash
# Code checks, run before the tests by scripts/test.sh (and so by .ci/run): the ruff linter, the ruff
# format check, mypy and lint-imports (the layers and no import circles), all configured in pyproject.toml,
# and the docs check (the generated parts of docs/cli.md and docs/sign-in.md must match the command line's
# --help output and selection/config.py). Any finding fails the run.
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
echo "== docs: generated parts (command-line reference, settings)" && .venv/bin/cog -I . --check --diff \
  --check-fail-msg "regenerate them with: .venv/bin/cog -I . -r docs/cli.md docs/sign-in.md" \
  docs/cli.md docs/sign-in.md || status=1
if [ "$status" -ne 0 ]; then
  echo "Code checks failed (see above); fix them before the tests run (bash scripts/check.sh --fix helps with ruff)." >&2
fi
exit "$status"
