#!/usr/bin/env bash
# Set up a fresh machine: missing Debian packages (as root), a virtual environment,
# CPU-only torch when an extra needs it, and the project in editable mode with dev tools.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
VENV="${VENV:-.venv}"

mapfile -t wanted < <(grep -v '^\s*#' scripts/apt-packages.txt | sed '/^\s*$/d')
missing=()
for pkg in "${wanted[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ((${#missing[@]})); then
    if [[ $(id -u) -eq 0 ]]; then
        echo "setup: installing Debian packages: ${missing[*]}"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
    else
        echo "setup: missing Debian packages (run as root or install them): ${missing[*]}" >&2
    fi
fi

if [[ ! -x "$VENV/bin/python" ]]; then
    "$PYTHON" -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install -q --upgrade pip
# The CPU build of torch, pinned: an unpinned torch pulls gigabytes of CUDA packages.
"$VENV/bin/python" -m pip install -q "torch==2.13.0"
"$VENV/bin/python" -m pip install -q -e ".[dev]"
# An editable install compiles nothing, and where PYTHONDONTWRITEBYTECODE is set (as on some CI
# machines) nothing is ever cached: every run would compile the package's ~110 modules again
# (~0.15-0.2 s on the serial path before synthesis). Compile them once; an edited module's stale
# .pyc is ignored (its source's mtime no longer matches) and compiled again in memory.
"$VENV/bin/python" -m compileall -q src >/dev/null
