#!/usr/bin/env bash
# Set up (if needed) and run the app on the bundled data: http://localhost:8501
#
# It listens on this machine only (127.0.0.1). To serve others, give the address explicitly, e.g.
#   SELECTION_ADDRESS=0.0.0.0 bash scripts/run_app.sh     or     bash scripts/run_app.sh --server.address 0.0.0.0
# and configure sign-in first: without it a server other machines can reach is read-only (docs/sign-in.md).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
address=()
given=0
for arg in "$@"; do
  case "$arg" in
    --server.address|--server.address=*) given=1 ;;
  esac
done
if [ "$given" -eq 0 ]; then
  address=(--server.address "${SELECTION_ADDRESS:-127.0.0.1}")
fi
exec .venv/bin/streamlit run serve.py --server.port "${PORT:-8501}" "${address[@]}" "$@"
