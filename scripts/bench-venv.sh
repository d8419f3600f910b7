#!/usr/bin/env bash
# Print the path of the benchmark virtualenv for one interpreter, creating it first if needed.
#
# Each interpreter gets its own: .venv-bench/3.13 for python3.13, holding gradstep (editable) with its
# runtime dependencies and micrograd, the baseline. Nothing else, so every version is measured alike.
# It is rebuilt when pyproject.toml's content changes. Progress goes to stderr, the path alone to stdout.
set -euo pipefail
python=$(bash scripts/find-python.sh "${1:-python3}")
version=$("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
venv=".venv-bench/$version"
stamp="$venv/.installed"
wanted=$(cksum < pyproject.toml)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$wanted" ]; then
  mkdir -p .venv-bench
  bash scripts/make-venv.sh "$python" "$venv" >&2
  echo "installing gradstep and micrograd into $venv ..." >&2
  log="$venv/pip.log"
  if ! "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -e . "micrograd==0.1.0" >"$log" 2>&1; then
    cat "$log" >&2
    echo "error: installing into $venv failed (above)" >&2
    exit 1
  fi
  echo "$wanted" >"$stamp"
fi
echo "$venv"
