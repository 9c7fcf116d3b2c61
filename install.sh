#!/usr/bin/env bash
# Install nakcell into ./.venv (Python 3.11). Usage: ./install.sh [--dev]
#   --dev  also installs the test/lint/benchmark tools and the system packages the tests
#          use (Debian's chromium for the report's browser test, mdbtools for Arbin .res).
set -euo pipefail
cd "$(dirname "$0")"
t0=$SECONDS
step() { echo "[install $((SECONDS - t0)) s] $*" >&2; }
dev=0
[ "${1:-}" = "--dev" ] && dev=1

if [ "$dev" = 1 ]; then
  need=""
  command -v chromium >/dev/null 2>&1 || need="$need chromium"
  command -v mdb-export >/dev/null 2>&1 || need="$need mdbtools"
  if [ -n "$need" ]; then
    step "system packages:$need (apt-get)"
    SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $need >/dev/null
  fi
fi

# pip prints a WARNING per missing local index folder on some machines: hide only those lines
pip_() { .venv/bin/python -m pip "$@" 2> >(grep -v "is ignored: it is neither a file nor a directory" >&2); }

PY="${PYTHON:-python3.11}"
step "virtual environment .venv ($PY)"
[ -x .venv/bin/python ] || "$PY" -m venv .venv
pip_ install -q --upgrade pip
# CPU build of torch from the file on this machine, before anything that depends on torch
# (otherwise pip pulls a multi-GB CUDA build).
step "torch 2.13.0 (CPU build)"
pip_ install -q torch==2.13.0
extras="all"; [ "$dev" = 1 ] && extras="all,dev"
step "nakcell and its libraries ([$extras]; about a minute on a fresh .venv)"
# pip's own progress: one line per package it collects, without the download bars
# (a failing pip still fails the script: pipefail)
pip_ install -e ".[$extras]" --progress-bar off 2>&1 |
  { grep --line-buffered -E "^(Collecting|Successfully|ERROR|error)" >&2 || true; }
step "done"
