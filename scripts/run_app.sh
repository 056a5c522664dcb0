#!/usr/bin/env bash
# Set up (if needed) and run the app on the bundled data: http://localhost:8501
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/streamlit run serve.py --server.port "${PORT:-8501}" "$@"
