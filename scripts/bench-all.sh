#!/usr/bin/env bash
# `make bench-all`: `make bench` under every CPython 3.10+ this machine has (on PATH or under pyenv),
# each in its own venv, then the table by version (benchmarks/results/by-version.md and the README's
# speed section). BENCH_JOBS interpreters run at a time (default 2): the benchmark's clock is the CPU
# time of its own process, which another process on the other core leaves alone, and every ratio is
# taken within one run. Each run's output goes to benchmarks/results/pythonX.Y/run.log.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=${BENCH_JOBS:-2}
seen=" "
venvs=()
for minor in 10 11 12 13 14 15; do
  if ! python=$(bash scripts/find-python.sh "python3.$minor" 2>/dev/null); then
    echo "note: no python3.$minor on this machine; skipped"
    continue
  fi
  version=$("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
  case "$seen" in *" $version "*) continue ;; esac
  seen="$seen$version "
  venvs+=("$(bash scripts/bench-venv.sh "$python")")  # set-ups one by one: pip output stays readable
done
if [ ${#venvs[@]} -eq 0 ]; then
  echo "error: no CPython 3.10 or newer found" >&2
  exit 1
fi
pids=()
failed=0
for venv in "${venvs[@]}"; do
  version=${venv##*/}
  mkdir -p "benchmarks/results/python$version"
  log="benchmarks/results/python$version/run.log"
  echo "benchmarking CPython $version (output in $log) ..."
  "$venv/bin/python" -m benchmarks "$@" >"$log" 2>&1 &
  pids+=($!)
  while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n || failed=1; done
done
for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
for venv in "${venvs[@]}"; do
  version=${venv##*/}
  if ! grep -q "^wrote " "benchmarks/results/python$version/run.log"; then
    echo "error: the run under CPython $version failed; see benchmarks/results/python$version/run.log" >&2
    failed=1
  fi
done
[ "$failed" = 0 ] || exit 1
"${venvs[-1]}/bin/python" -m benchmarks.by_version --readme README.md
