#!/usr/bin/env bash
# Create the project's virtualenv with a Python ≥ 3.10; on Debian/Ubuntu as root, install the
# venv module if the system Python lacks it.
set -euo pipefail
python=${1:-python3}
venv=${2:-.venv}
if ! command -v "$python" >/dev/null 2>&1; then
  echo "error: $python not found; install Python 3.10 or newer (Debian/Ubuntu: apt-get install python3 python3-venv)" >&2
  exit 1
fi
if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 10))'; then
  echo "error: gradstep needs Python 3.10 or newer; $python is $("$python" -V 2>&1). Run: make PYTHON=python3.11 ..." >&2
  exit 1
fi
if [ -x "$venv/bin/python" ]; then exit 0; fi
if ! "$python" -m venv "$venv" 2>/dev/null; then
  rm -rf "$venv"
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    ver=$("$python" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')
    echo "the venv module is missing; installing python${ver}-venv with apt-get ..."
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "python${ver}-venv" >/dev/null
    "$python" -m venv "$venv"
  else
    echo "error: '$python -m venv' failed. On Debian/Ubuntu run: sudo apt-get install python3-venv" >&2
    exit 1
  fi
fi
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip
