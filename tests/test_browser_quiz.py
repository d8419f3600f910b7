"""The quiz page (save_backprop_html(..., quiz=True)) in a real headless browser.

A learner's actions, one at a time: type a gradient and press Enter or Check, read the mark and the
explanation, see the gradient revealed in the picture. The right answers are derived by hand from the
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
    page.evaluate(f"window.gradstep.show({step - 1})")
    assert page.inner_text("#counter") == f"Step {step} of 7"


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


def _score(page) -> tuple[int, int, int]:
    m = re.fullmatch(r"Score: (\d+) right on first try · (\d+) answered · (\d+) questions",
                     page.inner_text("#quiz-score"))
    assert m, page.inner_text("#quiz-score")
    return int(m.group(1)), int(m.group(2)), int(m.group(3))


def test_right_answer_is_marked_right_and_reveals_the_gradient(open_page, quiz_page):
    page, external = open_page(quiz_page)
    assert page.is_hidden("#quiz-input")  # step 1 is the output: nothing to ask, its gradient is 1
    assert _score(page) == (0, 0, 6)
    page.click("#next")
    assert page.inner_text("#quiz-prompt") == "∂L/∂d = ?"
    assert _picture_grad(page, "d") == "?" and "∂L/∂d = ?" in page.inner_text("#explanation")

    _answer(page, f"{int(F) * 2}/2")  # ∂L/∂d = ∂L/∂L · ∂(d·f)/∂d = f = -2, typed as a fraction
    assert page.get_attribute("#quiz-feedback", "class") == "right"
    assert page.inner_text("#quiz-feedback").startswith("Right")
    assert _picture_grad(page, "d") == "-2"
    assert "∂L/∂d = -2" in page.inner_text("#explanation") and "∂L/∂d = ?" not in page.inner_text("#explanation")
    assert page.is_disabled("#quiz-input") and _score(page) == (1, 1, 6)
    # The answer stays with its step: away and back, it is still marked and revealed.
    page.click("#next")
    assert page.inner_text("#quiz-prompt") == "∂L/∂f = ?" and page.inner_text("#quiz-feedback") == ""
    assert _picture_grad(page, "d") == "-2" and _picture_grad(page, "f") == "?"
    page.click("#prev")
    assert page.get_attribute("#quiz-feedback", "class") == "right" and _picture_grad(page, "d") == "-2"
    assert external == [] and page.evaluate("window.__violations") == []


def test_known_mistake_is_marked_wrong_with_its_explanation_then_retried(open_page, quiz_page):
    page, external = open_page(quiz_page)
    _go_to(page, STEP["b"])
    local = A  # ∂(a·b)/∂b = a: the local derivative alone, without the upstream ∂L/∂e
    _answer(page, f"{local:g}", enter=False)
    assert page.get_attribute("#quiz-feedback", "class") == "wrong"
    feedback = page.inner_text("#quiz-feedback")
    assert "local" in feedback and "Wrong" in feedback
    assert _picture_grad(page, "b") == "?"  # not revealed by a wrong answer
    assert "wrong" in page.get_attribute("#quiz-input", "class") and page.is_enabled("#quiz-input")
    assert _score(page) == (0, 1, 6)

    _answer(page, f"{F * A:g}")  # ∂L/∂b = ∂L/∂e · a = f · a
    assert page.get_attribute("#quiz-feedback", "class") == "right"
    assert _picture_grad(page, "b") == "-4"
    assert _score(page) == (0, 1, 6)  # the first try counts
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
    assert _score(page) == (0, 0, 6) and _picture_grad(page, "e") == "?"
    _answer(page, " −2 ")  # a typographic minus and spaces are fine: ∂L/∂e = ∂L/∂d · 1 = f
    assert page.get_attribute("#quiz-feedback", "class") == "right" and _score(page) == (1, 1, 6)
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
    assert page.is_disabled("#quiz-check") and _score(page) == (0, 1, 6)  # answered, not right
    assert external == [] and page.evaluate("window.__violations") == []


def test_whole_quiz_makes_no_network_request(open_page, quiz_page):
    page, external = open_page(quiz_page)
    right = {"d": F, "f": D, "e": F, "c": F, "a": F * B, "b": F * A}
    for name, value in right.items():
        _go_to(page, STEP[name])
        _answer(page, f"{value:g}")
        assert page.get_attribute("#quiz-feedback", "class") == "right", name
    assert _score(page) == (6, 6, 6)
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
