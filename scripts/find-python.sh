#!/usr/bin/env bash
# Print a runnable path for the interpreter named $1 (python3.13, a path, ...), or fail saying why.
#
# A pyenv shim for a version that is installed but not selected refuses to run ("command not found"),
# so for pythonX.Y the pyenv versions folder is searched too: `make bench PYTHON=python3.13` works
# wherever pyenv has some 3.13 installed.
set -euo pipefail
name=${1:-python3}
if "$name" -c 'import sys' >/dev/null 2>&1; then
  command -v "$name" 2>/dev/null || echo "$name"
  exit 0
fi
if [[ $name =~ ^python([0-9]+\.[0-9]+)$ ]]; then
  minor=${BASH_REMATCH[1]}
  root=${PYENV_ROOT:-$HOME/.pyenv}
  for candidate in $(ls -d "$root"/versions/"$minor".* 2>/dev/null | sort -V -r); do
    if [ -x "$candidate/bin/python$minor" ] && "$candidate/bin/python$minor" -c 'import sys' >/dev/null 2>&1; then
      echo "$candidate/bin/python$minor"
      exit 0
    fi
  done
fi
echo "error: no runnable $name found (not on PATH, nor under pyenv); install it or give its path" >&2
exit 1
