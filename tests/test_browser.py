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
    # One step per node that passes gradient on: L, d, e (the leaves a, b, c, f have nothing to pass).
    page, external = open_page(lecture_page)
    first = _state(page)
    assert first["counter"] == "Step 1 of 3" and first["visible"] == ["1"] and first["slider"] == "1"
    assert first["explanation"].startswith("Step 1 of 3: L = d·f = -8")
    assert page.is_disabled("#prev") and not page.is_disabled("#next")

    page.click("#next")
    second = _state(page)
    assert second["counter"] == "Step 2 of 3" and second["visible"] == ["2"] and second["slider"] == "2"
    assert second["explanation"].startswith("Step 2 of 3: d = e + c = 4") and "∂(e + c)/∂e = 1" in second["explanation"]

    page.keyboard.press("ArrowRight")
    third = _state(page)
    assert third["counter"] == "Step 3 of 3" and third["visible"] == ["3"]
    assert "∂(a·b)/∂a = b = -3" in third["explanation"] and "-2 × (-3) = 6" in third["explanation"]

    page.keyboard.press("ArrowLeft")
    assert _state(page)["counter"] == "Step 2 of 3"
    # The picture itself is there and drawn: the visible frame's SVG has a real size.
    box = page.locator("#stage .frame:not([hidden]) svg").bounding_box()
    assert box is not None and box["width"] > 300 and box["height"] > 100
    assert external == [] and page.evaluate("window.__violations") == []


def test_slider_moves_to_any_step(open_page, lecture_page):
    page, external = open_page(lecture_page)
    page.focus("#slider")
    page.keyboard.press("End")  # the slider's own keys, as a person would use them
    last = _state(page)
    assert last["counter"] == "Step 3 of 3" and last["visible"] == ["3"]
    assert "Done: every gradient is known. ∂L/∂a = 6, ∂L/∂b = -4" in last["explanation"]
    assert page.is_disabled("#next")
    page.fill("#slider", "2")
    assert _state(page)["counter"] == "Step 2 of 3"
    page.keyboard.press("ArrowLeft")  # on the slider, arrows move the slider by one (not two) steps
    assert _state(page)["counter"] == "Step 1 of 3"
    assert external == [] and page.evaluate("window.__violations") == []


def test_page_makes_no_network_request_and_its_csp_blocks_fetches(open_page, lecture_page):
    page, external = open_page(lecture_page)
    while not page.is_disabled("#next"):  # visit every step
        page.click("#next")
    assert page.inner_text("#counter") == "Step 3 of 3"
    assert external == [] and page.evaluate("window.__violations") == []
    # Positive control: the page's CSP really blocks a fetch, and the listener sees it.
    page.evaluate("fetch('https://example.invalid/x').catch(function () {})")
    page.wait_for_function("window.__violations.length > 0", timeout=5000)
    assert any("connect-src" in v or "default-src" in v for v in page.evaluate("window.__violations"))
    assert external == []


def _box_texts(page) -> list[str]:
    """The texts drawn in the visible frame's picture (what a learner reads in the boxes)."""
    return page.evaluate("Array.from(document.querySelectorAll('#stage .frame:not([hidden]) svg text'))"
                         ".map(function (t) { return t.textContent.replace(/\\u00a0/g, ' '); })")


def test_the_stepper_shows_the_sum_where_gradients_add_up(open_page, tmp_path):
    """x*x + x at x = 3: out sends 1 to x first, then n1 = x·x sends 3 twice; by hand ∂out/∂x = 2x + 1 = 7."""
    from autograd import Value

    x = Value(3.0, "x")
    page, external = open_page(save_backprop_html(x * x + x, tmp_path / "sum.html"))
    # Step 1 (out): x has one of its three terms; its box shows the running sum, not a final number.
    texts = _box_texts(page)
    assert "grad 1 + ?" in texts and "grad 7" not in texts  # n1 = x·x has its one term: grad 1
    assert "term 1 of 3, more to come" in page.inner_text("#explanation")
    page.keyboard.press("ArrowRight")
    # Step 2 (n1 = x·x): the last two terms arrive; the text writes the sum term by term, in arrival order.
    explanation = page.inner_text("#explanation")
    assert "the last of 3 terms: ∂out/∂x = 1 + 3 + 3 = 7" in explanation
    assert "grad 7" in _box_texts(page) and "grad 1 + ?" not in _box_texts(page)
    assert external == [] and page.evaluate("window.__violations") == []


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


def test_the_recorder_of_the_readme_recipe_fits_a_1280x800_window(open_page, tmp_path):
    """A 2-2-1 MLP trained one sample per step: every frame fits the window (scaled, never cut off)."""
    import nn
    from nn import MLP
    from nn.datasets import make_moons
    from optim import SGD

    X, y = make_moons(n_samples=20, noise=0.1, seed=0)
    model = MLP(2, [2, 1], rng=0)
    rec = BackpropRecorder()
    nn.fit(model, X, y, "hinge", SGD(model.parameters(), lr=0.1), epochs=3, batch_size=1, callbacks=[rec],
           progress=False)
    page, external = open_page(rec.save_html(tmp_path / "training.html"))
    for _ in range(3):  # the first frames and one further on
        size = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.scrollHeight]")
        assert size[0] <= 1280 and size[1] <= 800, size  # no scrolling either way
        box = page.locator("#stage .frame:not([hidden]) svg").bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 1280 and box["y"] + box["height"] <= 800
        texts = _box_texts(page)
        assert {"L1.n1.w1", "L1.n2.b", "L2.n1.w2", "x1", "x2", "y", "loss"} <= set(texts)  # names by place
        assert not any("#" in t for t in texts)
        explanation = page.inner_text("#explanation")
        assert "the loss of this one sample = " in explanation and "sample: x1 = " in explanation
        assert "mean loss over all 20 samples after epoch 1" in explanation
        page.keyboard.press("ArrowRight")
        page.keyboard.press("ArrowRight")
    assert external == [] and page.evaluate("window.__violations") == []


@pytest.mark.parametrize("column", [700, 1100])
@pytest.mark.parametrize("quiz", [False, True], ids=["stepper", "quiz"])
def test_the_inline_page_fits_its_notebook_frame_at_every_step(open_page, tmp_path, column, quiz):
    # show_backprop's page inside a notebook column (700 px: a narrow window; 1100 px: the widest the
    # frame grows). Nothing may be cut off at the bottom of the frame, at any step: not the picture,
    # not the step's text, not the legend under it.
    from autograd import Value
    from autograd.viz import show_backprop

    x1, x2, w1, w2 = Value(2.0, "x1"), Value(0.0, "x2"), Value(-3.0, "w1"), Value(1.0, "w2")
    n = x1 * w1 + x2 * w2 + Value(6.8813735870195432, "b")
    n.label = "n"
    shown = show_backprop(n.tanh(), quiz=quiz)._repr_html_()   # notebook 03's neuron
    outer = tmp_path / "notebook.html"
    outer.write_text(f'<!doctype html><body style="margin:0"><div style="width:{column}px">{shown}</div></body>',
                     encoding="utf-8")
    page, _ = open_page(outer)
    frame = page.frame_locator("iframe")
    frame.locator("#next").wait_for()
    inner = next(f for f in page.frames if f != page.main_frame)
    steps = int(inner.evaluate("document.querySelectorAll('#stage .frame').length"))
    for step in range(steps):
        overflow = inner.evaluate("document.documentElement.scrollHeight - window.innerHeight")
        assert overflow <= 0, f"step {step + 1} of {steps}: {overflow} px cut off at the bottom ({column} px column)"
        if step + 1 < steps:
            inner.evaluate("document.querySelector('#next').disabled = false")
            frame.locator("#next").click()
