"""Shared by the browser tests: Debian's Chromium driven by Playwright, and a page opener that watches
for network requests and Content-Security-Policy violations.

No browser is downloaded: Playwright is pointed at the system Chromium (`make test` installs it with
apt where it can, see scripts/ensure-browser.sh). Without one the tests skip and say why, except on
CI (CI=true), where a missing browser is a failure. Import the fixtures into a test module:
``from browser_support import browser, open_page``.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser")

# Installed before any page script runs: records every CSP violation (a fetch blocked by the CSP never
# reaches the request hook, so this is the only way to see it was attempted).
RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__violations.push(e.violatedDirective + " " + e.blockedURI);
});
"""


def _chromium() -> str | None:
    for path in CANDIDATES:
        if os.access(path, os.X_OK):
            return path
    return shutil.which("chromium")


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    executable = _chromium()
    if executable is None:
        reason = ("no Chromium found at /usr/bin/chromium (Debian/Ubuntu: sudo apt-get install chromium; "
                  "`make test` installs it when run as root)")
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true but the browser tests cannot run: {reason}")
        pytest.skip(reason)
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install -e .[dev])")
    with sync_api.sync_playwright() as p:
        # Playwright gives Chromium a throw-away profile; its crash-report folder and cache would still
        # land in ~/.config and ~/.cache, so point those at a temporary folder too.
        home = tmp_path_factory.mktemp("chromium-home")
        env = {**os.environ, "HOME": str(home), "XDG_CONFIG_HOME": str(home / "config"),
               "XDG_CACHE_HOME": str(home / "cache")}
        browser = p.chromium.launch(executable_path=executable, env=env)
        yield browser
        browser.close()


@pytest.fixture
def open_page(browser):
    """Open a local file; returns (page, external requests seen)."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    pages = []

    def open_(path: Path):
        page = context.new_page()
        external: list[str] = []

        def on_request(request):
            if not request.url.startswith(("file:", "data:", "about:")):
                external.append(request.url)

        page.on("request", on_request)
        # A safety net so that a bug can never reach the network from the test machine.
        page.route("http*://**/*", lambda route: route.abort())
        page.add_init_script(RECORD_VIOLATIONS)
        page.goto(path.resolve().as_uri())
        pages.append(page)
        return page, external

    yield open_
    context.close()
