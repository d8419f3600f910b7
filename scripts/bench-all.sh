#!/usr/bin/env bash
# `make bench-all`: `make bench` under every CPython 3.10+ this machine has (on PATH or under pyenv),
# one after the other (timings taken side by side would disturb each other), each in its own venv;
# then the table by version (benchmarks/results/by-version.md, and the README's speed section).
set -euo pipefail
cd "$(dirname "$0")/.."
seen=" "
ran=()
for minor in 10 11 12 13 14 15; do
  if ! python=$(bash scripts/find-python.sh "python3.$minor" 2>/dev/null); then
    echo "note: no python3.$minor on this machine; skipped"
    continue
  fi
  version=$("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
  case "$seen" in *" $version "*) continue ;; esac
  seen="$seen$version "
  echo "=== CPython $version ($python) ==="
  venv=$(bash scripts/bench-venv.sh "$python")
  "$venv/bin/python" -m benchmarks "$@"
  ran+=("$venv")
done
if [ ${#ran[@]} -eq 0 ]; then
  echo "error: no CPython 3.10 or newer found" >&2
  exit 1
fi
"${ran[-1]}/bin/python" -m benchmarks.by_version --readme README.md
