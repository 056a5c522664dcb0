#!/usr/bin/env bash
# Set up this checkout on Debian 12 with Python 3.11: system packages (venv, with --browser
# Debian's Chromium for the end-to-end tests, with --dev Debian's PostgreSQL for the storage
# tests), a virtualenv in .venv with the pinned packages, and the local Leaflet/jQuery copies
# the offline map needs.
set -euo pipefail
cd "$(dirname "$0")/.."

want_browser=0
reqs=requirements.txt
for arg in "$@"; do
  case "$arg" in
    --browser) want_browser=1 ;;
    --dev) reqs=requirements-dev.txt ;;
    *) echo "unknown option: $arg" >&2; exit 2 ;;
  esac
done

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"

python=""
for candidate in python3.11 python3; do
  if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then
    python=$candidate; break
  fi
done
[ -n "$python" ] || { echo "Python 3.11 is required (python3.11 or python3)." >&2; exit 1; }

apt_packages=()
"$python" -c 'import ensurepip, venv' >/dev/null 2>&1 || apt_packages+=(python3-venv)
if [ "$want_browser" = 1 ] && [ ! -x /usr/bin/chromium ]; then apt_packages+=(chromium); fi
# The storage tests start their own throw-away PostgreSQL server (Debian's postgresql package).
if [ "$reqs" = requirements-dev.txt ] && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  apt_packages+=(postgresql)
fi
# The PDF report (WeasyPrint) needs Debian's Pango and a font with æ, ø, å; the report tests render
# PDF pages to PNG with poppler-utils (pdftoppm).
report_packages=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core)
[ "$reqs" = requirements-dev.txt ] && report_packages+=(poppler-utils)
for pkg in "${report_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed" || apt_packages+=("$pkg")
done
if [ ${#apt_packages[@]} -gt 0 ]; then
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${apt_packages[@]}"
fi

[ -x .venv/bin/python ] || "$python" -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check -r "$reqs"
# Leaflet and jQuery come from the XStatic packages; copy them where Streamlit serves them.
.venv/bin/python -c 'from selection.output.offline_assets import install_static_assets; install_static_assets()'
