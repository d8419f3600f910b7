#!/usr/bin/env bash
# The browser tests drive the HTML pages in Debian's Chromium (through Playwright, which is told
# where it is: no browser download). Install it when we are root; otherwise those tests skip and say why.
set -uo pipefail
for b in /usr/bin/chromium /usr/bin/chromium-browser; do
  [ -x "$b" ] && exit 0
done
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing Debian's chromium for the browser tests (about 20 s) ..."
  if apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
       chromium fonts-dejavu-core >/dev/null; then
    exit 0
  fi
  echo "warning: apt-get could not install chromium" >&2
fi
echo "warning: no Chromium found; the browser tests will be skipped (Debian/Ubuntu: sudo apt-get install chromium)" >&2
exit 0
