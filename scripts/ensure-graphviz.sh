#!/usr/bin/env bash
# Make sure Graphviz's `dot` program is present: install Debian's package when we are root,
# otherwise say exactly what to run. gradstep still works without it (graphs as DOT text only).
set -uo pipefail
if command -v dot >/dev/null 2>&1; then exit 0; fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Graphviz (dot) is missing; installing Debian's graphviz package ..."
  if apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq graphviz >/dev/null; then
    dot -V
    exit 0
  fi
  echo "warning: apt-get could not install graphviz" >&2
fi
cat >&2 <<'MSG'
warning: Graphviz's `dot` program is not installed, so graphs cannot be rendered to SVG/PNG.
  Debian/Ubuntu:  sudo apt-get install graphviz
  Fedora:         sudo dnf install graphviz
  macOS:          brew install graphviz
MSG
exit 0
