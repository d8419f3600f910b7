"""The HTML stepper in a real headless browser (Debian's Chromium driven by Playwright).

The browser fixtures live in browser_support.py: no browser is downloaded, and without one these tests
skip and say why, except on CI (CI=true), where a missing browser is a failure.
"""

from __future__ import annotations

import browser_support
import pytest

from autograd.examples import lecture_graph
from autograd.viz import BackpropRecorder, save_backprop_html

pytestmark = pytest.mark.browser

# The fixtures, shared with test_browser_quiz.py (pytest finds fixtures among a module's names).
browser = browser_support.browser
open_page = browser_support.open_page


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
