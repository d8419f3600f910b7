"""gradstep lab show: the stepper of the graph the learner's engine got wrong, in a real browser."""

from __future__ import annotations

import html

import browser_support
import pytest

from autograd.__main__ import main
from autograd.lab import check_lab
from autograd.lab.show import lab_page
from tests.lab_engines import MISTAKES, make_folder

browser = browser_support.browser
open_page = browser_support.open_page


@pytest.fixture
def sign_folder(tmp_path):
    file, old, new, _ = MISTAKES["sign"]
    return make_folder(tmp_path / "lab", (file, old, new))


def test_the_page_puts_the_learners_gradients_beside_the_right_ones(sign_folder):
    (task,) = check_lab(sign_folder, ["sub"]).tasks
    page = html.unescape(lab_page(task))  # graphviz writes "-" as &#45; in the pictures
    # out = a − b at a = 2, b = 5: the right ∂out/∂b is −1, the learner's engine gave +1.
    assert task.graph.first_wrong == "b"
    assert "yours 1" in page and "yours -1" not in page and "grad -1" in page
    assert "Here your engine first differs: ∂out/∂b is -1, and your engine's b.grad is 1" in page


def test_show_writes_the_page_and_says_what_is_wrong(sign_folder, capsys):
    assert main(["lab", "show", str(sign_folder), "--task", "sub"]) == 1
    out = capsys.readouterr().out
    assert "[sign]" not in out and "✗ sub:" in out and "wrong sign" in out
    assert (sign_folder / "lab-sub.html").is_file()
    assert main(["lab", "show", str(sign_folder), "--task", "mul"]) == 0  # a passing task: nothing to show
    assert "passes" in capsys.readouterr().out
    assert not (sign_folder / "lab-mul.html").exists()


def test_a_failure_without_a_graph_says_so(tmp_path, capsys):
    folder = make_folder(tmp_path / "lab")
    (folder / "limit.py").write_text("def numeric_derivative(f, x, h=1e-6):\n    return (f(x) - f(x + h)) / h\n")
    assert main(["lab", "show", str(folder), "--task", "limit"]) == 1
    out = capsys.readouterr().out
    assert "wrong sign" in out and "no graph" in out


@pytest.mark.browser
def test_stepping_to_the_end_shows_where_the_engine_first_differs(open_page, tmp_path):
    file, old, new, _ = MISTAKES["topological-order"]
    folder = make_folder(tmp_path / "lab", (file, old, new))
    assert main(["lab", "show", str(folder), "--task", "order"]) == 1
    page, external = open_page(folder / "lab-order.html")
    count = int(page.get_attribute("#slider", "max"))
    assert count >= 2
    texts = [page.inner_text("#explanation")]
    for _ in range(count - 1):
        page.keyboard.press("ArrowRight")
        texts.append(page.inner_text("#explanation"))
    assert page.inner_text("#counter") == f"Step {count} of {count}"
    # said once, at the step where the first wrong node's gradient is complete
    assert sum("Here your engine first differs" in text for text in texts) == 1
    svg = page.locator("#stage .frame:not([hidden]) svg")
    assert "yours" in svg.text_content()
    # the whole graph fits the 1280-pixel window: no sideways scrolling
    assert page.evaluate("document.querySelector('#stage').scrollWidth <= document.querySelector('#stage').clientWidth")
    assert external == [] and page.evaluate("window.__violations") == []


def test_a_graph_too_big_to_step_through_points_to_a_smaller_one(tmp_path, capsys):
    file, old, new, _ = MISTAKES["local-only"]
    folder = make_folder(tmp_path / "lab", (file, old, new))
    assert main(["lab", "show", str(folder), "--task", "training"]) == 1
    out = capsys.readouterr().out
    assert "[local-only]" not in out and "too many to step through" in out and "--task mlp" in out
    assert not (folder / "lab-training.html").exists()
