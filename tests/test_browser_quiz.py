"""The quiz page (save_backprop_html(..., quiz=True)) in a real headless browser.

A learner's actions, one at a time: type a gradient and press Enter or Check, read the mark and the
hint, try again, see the gradient revealed in the picture; or move on without an answer and see the
skipped gradient, and what depends on it, stay "?". The right answers are derived by hand from the
lecture graph (L = d·f, d = e + c, e = a·b; a=2, b=-3, c=10, f=-2), not read from the page's data.
Fixtures (system Chromium via Playwright; skip without it, fail on CI) come from browser_support.py.
"""

from __future__ import annotations

import math
import re

import browser_support
import pytest

from autograd import Value
from autograd.examples import lecture_graph
from autograd.trace import compute_trace
from autograd.viz import save_backprop_html

pytestmark = pytest.mark.browser

browser = browser_support.browser
open_page = browser_support.open_page

A, B, C, F = 2.0, -3.0, 10.0, -2.0
D = A * B + C
STEP = {"L": 1, "d": 2, "f": 3, "e": 4, "c": 5, "a": 6, "b": 7}  # backprop order: every consumer first


@pytest.fixture(scope="module")
def quiz_page(tmp_path_factory):
    path = tmp_path_factory.mktemp("quiz") / "quiz.html"
    return save_backprop_html(lecture_graph().L, path, quiz=True)


def _go_to(page, step: int) -> None:
    """Jump to a step, as the slider does (the questions before it count as passed)."""
    page.evaluate(f"window.gradstep.show({step - 1})")
    assert page.inner_text("#counter") == f"Step {step} of 7"


def _visible_numbers(page, values: bool = True) -> list[float]:
    """Every number in the page's visible text (pictures, explanation, feedback, score); without the
    nodes' values (``data …``) when ``values`` is False."""
    text = page.inner_text("body").replace("−", "-")
    if not values:
        text = re.sub(r"data -?[\d.]+", "", text)
    return [float(t) for t in re.findall(r"(?<![\w.])-?\d+(?:\.\d+)?", text)]


def _answer(page, text: str, enter: bool = True) -> None:
    page.fill("#quiz-input", text)
    if enter:
        page.press("#quiz-input", "Enter")
    else:
        page.click("#quiz-check")


def _picture_grad(page, name: str) -> str:
    """The gradient drawn in node ``name``'s cell of the picture on screen ("?" while unknown)."""
    texts = page.locator("#stage .frame:not([hidden]) .pic:not([hidden]) svg text, "
                         "#stage .frame:not([hidden]) > svg text").all_text_contents()
    at = texts.index(name)
    assert texts[at + 1].startswith("data "), texts[at: at + 3]
    return texts[at + 2].removeprefix("grad ")


def _score(page) -> tuple[int, int, int, int]:
    """(right first time, right after retries, revealed, skipped) from the score line."""
    m = re.fullmatch(r"(?:Score so far|Your score): (\d+) right first time · (\d+) right after retries · "
                     r"(\d+) revealed · (\d+) skipped(?: · (\d+) not answered yet)? \(of 6 questions\)",
                     page.inner_text("#quiz-score"))
    assert m, page.inner_text("#quiz-score")
    return int(m.group(1)), int(m.group(2)), int(m.group(3)), int(m.group(4))


def test_right_answer_is_marked_right_and_reveals_the_gradient(open_page, quiz_page):
    page, external = open_page(quiz_page)
    assert page.is_hidden("#quiz-input")  # step 1 is the output: nothing to ask, its gradient is 1
    assert _score(page) == (0, 0, 0, 0)
    page.click("#next")
    assert page.inner_text("#quiz-prompt") == "∂L/∂d = ?"
    assert _picture_grad(page, "d") == "?" and "∂L/∂d = ?" in page.inner_text("#explanation")

    _answer(page, f"{int(F) * 2}/2")  # ∂L/∂d = ∂L/∂L · ∂(d·f)/∂d = f = -2, typed as a fraction
    assert page.get_attribute("#quiz-feedback", "class") == "right"
    assert page.inner_text("#quiz-feedback").startswith("Right")
    assert _picture_grad(page, "d") == "-2"
    assert "∂L/∂d = -2" in page.inner_text("#explanation") and "∂L/∂d = ?" not in page.inner_text("#explanation")
    assert page.is_disabled("#quiz-input") and _score(page) == (1, 0, 0, 0)
    # The answer stays with its step: away and back, it is still marked and revealed.
    page.click("#next")
    assert page.inner_text("#quiz-prompt") == "∂L/∂f = ?" and page.inner_text("#quiz-feedback") == ""
    assert _picture_grad(page, "d") == "-2" and _picture_grad(page, "f") == "?"
    page.click("#prev")
    assert page.get_attribute("#quiz-feedback", "class") == "right" and _picture_grad(page, "d") == "-2"
    assert external == [] and page.evaluate("window.__violations") == []


def _answer_all_before_b(page) -> None:
    right = {"d": F, "f": D, "e": F, "c": F, "a": F * B}  # by hand, as in the module docstring
    page.click("#next")
    for name, value in right.items():
        assert page.inner_text("#counter") == f"Step {STEP[name]} of 7"
        _answer(page, f"{value:g}")
        assert page.get_attribute("#quiz-feedback", "class") == "right", name
        page.click("#next")


def test_a_wrong_answer_names_the_mistake_but_leaves_the_right_number_nowhere_on_the_page(open_page, quiz_page):
    page, external = open_page(quiz_page)
    _answer_all_before_b(page)
    right = F * A  # ∂L/∂b = ∂L/∂e · a = f · a = -4
    assert right not in _visible_numbers(page)  # the question: not given away by anything on screen
    for typed, says in ((f"{A:g}", "Not yet (local derivative only)"), (f"{-right:g}", "Not yet (wrong sign)")):
        _answer(page, typed, enter=False)  # a, the local derivative alone; then a sign slip
        assert page.get_attribute("#quiz-feedback", "class") == "wrong"
        assert page.inner_text("#quiz-feedback").startswith(says)
        assert right not in _visible_numbers(page), page.inner_text("body")
        assert _picture_grad(page, "b") == "?" and page.is_enabled("#quiz-input")
    assert "1 try left" in page.inner_text("#quiz-feedback")
    assert _score(page) == (5, 0, 0, 0)

    _answer(page, "7")  # the third miss: now the answer, with its working
    assert page.get_attribute("#quiz-feedback", "class") == "revealed"
    assert page.inner_text("#quiz-feedback").startswith("That was try 3 of 3. The answer:")
    assert right in _visible_numbers(page) and _picture_grad(page, "b") == "-4"
    assert _score(page) == (5, 0, 1, 0) and page.inner_text("#quiz-score").startswith("Your score")
    assert external == [] and page.evaluate("window.__violations") == []


def test_a_retry_that_is_right_counts_as_right_after_retries(open_page, quiz_page):
    page, external = open_page(quiz_page)
    _answer_all_before_b(page)
    _answer(page, f"{F:g}")  # ∂L/∂e alone: the upstream gradient only
    assert page.inner_text("#quiz-feedback").startswith("Not yet (upstream gradient only)")
    _answer(page, f"{F * A:g}")
    assert page.get_attribute("#quiz-feedback", "class") == "right"
    assert page.inner_text("#quiz-feedback").startswith("Right, on try 2.")
    assert _picture_grad(page, "b") == "-4" and _score(page) == (5, 1, 0, 0)
    assert external == [] and page.evaluate("window.__violations") == []


def test_moving_on_without_an_answer_skips_it_and_what_depends_on_it_stays_hidden(open_page, quiz_page):
    page, external = open_page(quiz_page)
    page.click("#next")  # step 2 asks ∂L/∂d; move on without an answer
    page.click("#next")
    assert page.inner_text("#counter") == "Step 3 of 7" and _score(page) == (0, 0, 0, 1)
    _answer(page, f"{D:g}")  # ∂L/∂f = d = 4: f does not need d's gradient
    assert page.get_attribute("#quiz-feedback", "class") == "right"
    for step in range(4, 8):  # Next, the arrow key and the slider: none of them shows d's gradient
        if step == 5:
            page.keyboard.press("ArrowRight")
        elif step == 6:
            page.evaluate("s = document.getElementById('slider'); s.value = 6; s.dispatchEvent(new Event('input'))")
        else:
            page.click("#next")
        assert page.inner_text("#counter") == f"Step {step} of 7"
        assert _picture_grad(page, "d") == "?" and _picture_grad(page, "f") == "4"
        for name in ("e", "c", "a", "b"):  # each needs d's gradient, and none is answered
            assert _picture_grad(page, name) == "?", (step, name)
        # ∂L/∂d = -2 appears nowhere but as f's value (∂L/∂d = f), not even on an edge
        assert F not in _visible_numbers(page, values=False), page.inner_text("body")
    assert "A node that uses b still shows “?”: you passed step 4 without an answer" in page.inner_text("#explanation")
    assert page.inner_text("#quiz-score").startswith("Your score")
    assert _score(page) == (1, 0, 0, 4)  # d, e, c, a skipped; b, the last, not answered yet

    page.evaluate("window.gradstep.show(1)")  # back to d: a skipped question can still be answered
    _answer(page, f"{F:g}")
    assert _score(page) == (2, 0, 0, 3)
    page.evaluate("window.gradstep.show(3)")
    assert _picture_grad(page, "d") == "-2"
    assert external == [] and page.evaluate("window.__violations") == []


def constant_quiz_graph() -> Value:
    a, b = Value(3.0, "a"), Value(-2.0, "b")
    n = a * 2  # the 2 is a constant: no question, its gradient is made from ∂out/∂n
    n.label = "n"
    out = n * b
    out.label = "out"
    return out


@pytest.fixture(scope="module")
def constant_quiz(tmp_path_factory):
    path = tmp_path_factory.mktemp("quiz") / "constant.html"
    return save_backprop_html(constant_quiz_graph(), path, quiz=True)


def test_a_constant_whose_gradient_needs_a_skipped_answer_stays_hidden(open_page, constant_quiz):
    page, external = open_page(constant_quiz)
    steps = {step.label: step.index - 1 for step in compute_trace(constant_quiz_graph())}
    # by hand: ∂out/∂n = b = -2; the constant k1 (the 2) gets ∂out/∂n · a = -6
    page.evaluate(f"window.gradstep.show({steps['k1']})")  # passes the question ∂out/∂n unanswered
    text = page.inner_text("#explanation")
    assert "∂out/∂k1 = ?" in text and "-6" not in text and _picture_grad(page, "k1") == "?"
    page.evaluate(f"window.gradstep.show({steps['n']})")
    _answer(page, "-2")
    page.evaluate(f"window.gradstep.show({steps['k1']})")
    assert "∂out/∂k1 = -6" in page.inner_text("#explanation") and _picture_grad(page, "k1") == "-6"
    assert external == [] and page.evaluate("window.__violations") == []


def test_not_a_number_gets_one_line_and_is_not_an_attempt(open_page, quiz_page):
    page, external = open_page(quiz_page)
    _go_to(page, STEP["e"])
    for typed in ("abc", "1/0", ""):
        _answer(page, typed)
        message = page.inner_text("#quiz-feedback")
        assert page.get_attribute("#quiz-feedback", "class") == "invalid"
        assert "number" in message and "\n" not in message.strip()
    assert "abc" not in message and "Type a number" in message  # the last one: nothing typed
    assert _score(page) == (0, 0, 0, 2) and _picture_grad(page, "e") == "?"  # d and f (steps 2, 3) skipped
    _answer(page, " −2 ")  # a typographic minus and spaces are fine: ∂L/∂e = ∂L/∂d · 1 = f
    assert page.get_attribute("#quiz-feedback", "class") == "right" and _score(page) == (1, 0, 0, 2)
    assert external == [] and page.evaluate("window.__violations") == []


def test_arrow_keys_navigate_except_while_typing(open_page, quiz_page):
    page, external = open_page(quiz_page)
    page.keyboard.press("ArrowRight")
    assert page.inner_text("#counter") == "Step 2 of 7"
    page.click("#quiz-input")
    page.keyboard.type("12")
    page.keyboard.press("ArrowLeft")  # moves the caret in the field, not the step
    page.keyboard.type("3")
    assert page.inner_text("#counter") == "Step 2 of 7" and page.input_value("#quiz-input") == "132"
    page.fill("#quiz-input", f"{F:g}")
    page.keyboard.press("Enter")  # right: the field is done, focus moves to Next
    assert page.get_attribute("#quiz-feedback", "class") == "right"
    page.keyboard.press("ArrowRight")
    assert page.inner_text("#counter") == "Step 3 of 7"
    assert external == [] and page.evaluate("window.__violations") == []


def test_hint_and_show_answer(open_page, quiz_page):
    page, external = open_page(quiz_page)
    _go_to(page, STEP["a"])
    assert page.is_hidden("#quiz-hint-text")
    page.click("#quiz-hint")
    hint = page.inner_text("#quiz-hint-text")
    assert "∂L/∂a" in hint and "∂(a·b)/∂a" in hint and str(int(F * B)) not in hint  # symbols, not the answer
    page.click("#quiz-reveal")
    assert page.get_attribute("#quiz-feedback", "class") == "revealed"
    assert page.inner_text("#quiz-feedback").startswith("Answer:")
    assert _picture_grad(page, "a") == f"{F * B:g}"  # ∂L/∂a = f · b = 6
    assert page.is_disabled("#quiz-check") and _score(page)[2] == 1  # revealed, not right
    assert external == [] and page.evaluate("window.__violations") == []


def test_whole_quiz_makes_no_network_request(open_page, quiz_page):
    page, external = open_page(quiz_page)
    right = {"d": F, "f": D, "e": F, "c": F, "a": F * B, "b": F * A}
    for name, value in right.items():
        _go_to(page, STEP[name])
        _answer(page, f"{value:g}")
        assert page.get_attribute("#quiz-feedback", "class") == "right", name
    assert _score(page) == (6, 0, 0, 0)
    assert external == [] and page.evaluate("window.__violations") == []


# ---- a graph shown with rounded numbers: the picture's 4 digits are enough, a near miss says so -------
@pytest.fixture(scope="module")
def tanh_quiz(tmp_path_factory):
    a, b, c = Value(2.0, "a"), Value(-3.0, "b"), Value(6.5, "c")
    n = a * b + c
    n.label = "n"
    L = n.tanh()
    L.label = "L"
    path = tmp_path_factory.mktemp("quiz") / "tanh.html"
    return save_backprop_html(L, path, quiz=True)


def test_the_4_digits_the_picture_shows_are_right_and_a_near_miss_says_how_close(open_page, tanh_quiz):
    page, external = open_page(tanh_quiz)
    page.click("#next")
    assert page.inner_text("#quiz-prompt") == "∂L/∂n = ?"
    slope = 1 - math.tanh(0.5) ** 2  # by hand: ∂L/∂n = tanh'(n) = 1 − tanh²(0.5), n = 2·(-3) + 6.5
    _answer(page, f"{slope * 1.005:.4g}")  # 0.5 % off: close, not right
    assert page.get_attribute("#quiz-feedback", "class") == "wrong"
    feedback = page.inner_text("#quiz-feedback")
    assert feedback.startswith("Close") and "0.5%" in feedback and "4 significant digits" in feedback
    _answer(page, f"{slope:.4g}")  # what the pictures show: 4 significant digits
    assert page.get_attribute("#quiz-feedback", "class") == "right"
    assert external == [] and page.evaluate("window.__violations") == []
