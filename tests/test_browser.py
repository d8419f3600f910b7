"""The HTML stepper in a real headless browser (Debian's Chromium driven by Playwright).

No browser is downloaded: Playwright is pointed at the system Chromium (`make test` installs it with
apt where it can, see scripts/ensure-browser.sh). Without one these tests skip and say why, except on
CI (CI=true), where a missing browser is a failure.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from autograd.examples import lecture_graph
from autograd.viz import BackpropRecorder, save_backprop_html

pytestmark = pytest.mark.browser

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


def _state(page):
    visible = page.locator("#stage .frame:not([hidden])")
    return {
        "counter": page.inner_text("#counter"),
        "explanation": page.inner_text("#explanation"),
        "slider": page.input_value("#slider"),
        "visible": [visible.nth(i).get_attribute("data-step") for i in range(visible.count())],
    }


@pytest.fixture(scope="module")
def lecture_page(tmp_path_factory):
    path = tmp_path_factory.mktemp("stepper") / "steps.html"
    return save_backprop_html(lecture_graph().L, path)


def test_next_button_and_arrow_keys_change_the_step_and_its_text(open_page, lecture_page):
    page, external = open_page(lecture_page)
    first = _state(page)
    assert first["counter"] == "Step 1 of 7" and first["visible"] == ["1"] and first["slider"] == "1"
    assert first["explanation"].startswith("Step 1 of 7: L = d·f = -8")
    assert page.is_disabled("#prev") and not page.is_disabled("#next")

    page.click("#next")
    second = _state(page)
    assert second["counter"] == "Step 2 of 7" and second["visible"] == ["2"] and second["slider"] == "2"
    assert second["explanation"].startswith("Step 2 of 7: d = e + c = 4") and "∂(e + c)/∂e = 1" in second["explanation"]

    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    fourth = _state(page)
    assert fourth["counter"] == "Step 4 of 7" and fourth["visible"] == ["4"]
    assert "∂(a·b)/∂a = b = -3" in fourth["explanation"] and "-2 × (-3) = 6" in fourth["explanation"]

    page.keyboard.press("ArrowLeft")
    assert _state(page)["counter"] == "Step 3 of 7"
    # The picture itself is there and drawn: the visible frame's SVG has a real size.
    box = page.locator("#stage .frame:not([hidden]) svg").bounding_box()
    assert box is not None and box["width"] > 300 and box["height"] > 100
    assert external == [] and page.evaluate("window.__violations") == []


def test_slider_moves_to_any_step(open_page, lecture_page):
    page, external = open_page(lecture_page)
    page.focus("#slider")
    page.keyboard.press("End")  # the slider's own keys, as a person would use them
    last = _state(page)
    assert last["counter"] == "Step 7 of 7" and last["visible"] == ["7"]
    assert "b is a leaf" in last["explanation"] and page.is_disabled("#next")
    page.fill("#slider", "3")
    assert _state(page)["counter"] == "Step 3 of 7"
    page.keyboard.press("ArrowLeft")  # on the slider, arrows move the slider by one (not two) steps
    assert _state(page)["counter"] == "Step 2 of 7"
    assert external == [] and page.evaluate("window.__violations") == []


def test_page_makes_no_network_request_and_its_csp_blocks_fetches(open_page, lecture_page):
    page, external = open_page(lecture_page)
    while not page.is_disabled("#next"):  # visit every step
        page.click("#next")
    assert page.inner_text("#counter") == "Step 7 of 7"
    assert external == [] and page.evaluate("window.__violations") == []
    # Positive control: the page's CSP really blocks a fetch, and the listener sees it.
    page.evaluate("fetch('https://example.invalid/x').catch(function () {})")
    page.wait_for_function("window.__violations.length > 0", timeout=5000)
    assert any("connect-src" in v or "default-src" in v for v in page.evaluate("window.__violations"))
    assert external == []


def test_recorder_page_steps_through_passes(open_page, tmp_path):
    from autograd import Value

    rec = BackpropRecorder()
    w = Value(0.5, "w")
    for _ in range(3):
        loss = (w * 2.0 - 3.0) ** 2
        w.grad = 0.0
        loss.backward()
        rec.record(loss)
        w.data -= 0.05 * w.grad
    page, external = open_page(rec.save_html(tmp_path / "train.html"))
    assert page.inner_text("#counter") == "Pass 1 of 3"
    before = page.inner_text("#explanation")
    page.keyboard.press("ArrowRight")
    assert page.inner_text("#counter") == "Pass 2 of 3" and page.inner_text("#explanation") != before
    assert external == [] and page.evaluate("window.__violations") == []
