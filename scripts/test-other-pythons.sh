#!/usr/bin/env bash
# CI: the test suite under the oldest and the newest supported CPython as well (each in its own venv,
# .venv-3.10 and .venv-3.13), so that a version-specific break cannot land. Where the machine lacks
# one of them it says so and goes on. The browser and notebook tests are left to the default
# interpreter's full run: they drive Chromium and Jupyter kernels, which do not depend on the
# interpreter version, and they are most of the suite's time.
set -euo pipefail
cd "$(dirname "$0")/.."
for version in 3.10 3.13; do
  if ! python=$(bash scripts/find-python.sh "python$version" 2>/dev/null); then
    echo "note: no python$version on this machine: the tests under CPython $version are skipped"
    continue
  fi
  echo "=== tests under CPython $version ($python), browser and notebook tests excepted ==="
  make test PYTHON="$python" VENV=".venv-$version" PYTEST_ARGS='-m "not browser and not notebook"'
done
