"""The course's exercises mark what a learner types: a right answer is called right, a classic slip is named.

test_notebooks.py runs every notebook as committed, with every exercise still ``None``: that only shows
the "fill this in" path. Here each notebook is run with answers filled in, once right and once with
known slips, and the marking cells' output is checked. The expected answers are independent of the
notebooks' own code: worked out by hand from the formulas (P′(x) = −4x + 12, d/dx x³ = 3x², the
chain rule on (3x + 1)², Newton's x − f′/f″) or, for the gradients, from the engine's backward pass
on the same graph (tests/test_practice.py checks the marking itself against central differences).
Only the cells up to the last marking cell run, to keep each case short.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
from test_notebooks import run_notebooks  # loads scripts/run_notebooks.py

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"


# A blank: ``name = None`` or a dict whose every value is None, e.g. ``{"d": None, 0.1: None}``.
BLANK = r"(\w+) = (None|\{(?:[^{}:,\n]+: None,?\s*)+\})(?=[ \t]*(?:#|$))"


def _fill(path: Path, answers: dict[str, str], tmp_path: Path) -> Path:
    """A copy of the notebook with blanks filled in, cut after the last cell that reads a filled one.

    A key ``name`` fills every blank ``name = None`` (or ``name = {..: None}``); ``name@k`` only the k-th,
    for a name such as ``guess`` that several exercises of one notebook use. For a function to write
    (``def name(x): return None``), the value is the expression it returns.
    """
    nb = nbformat.read(path, as_version=4)
    seen: dict[str, int] = {}
    filled_in: set[str] = set()
    reading: set[str] = set()  # the filled blanks whose answers the following cells read
    last_reader = 0
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        function = re.search(r"^def (\w+)\(.*\):\n\s+return None\b", cell.source, flags=re.M)
        if function and function.group(1) in answers:  # a function to write, e.g. my_derivative
            name = function.group(1)
            start, end = function.span()
            cell.source = cell.source[:start] + re.sub(r"return None\b", f"return {answers[name]}",
                                                        cell.source[start:end]) + cell.source[end:]
            filled_in.add(name)
            reading.add(name)
            continue
        blank = re.match(BLANK, cell.source, flags=re.M)
        if blank:
            name = blank.group(1)
            seen[name] = seen.get(name, 0) + 1
            key = next((k for k in (f"{name}@{seen[name]}", name) if k in answers), None)
            reading.discard(name)
            if key is not None:
                cell.source = cell.source.replace(blank.group(0), f"{name} = {answers[key]}", 1)
                filled_in.add(key)
                reading.add(name)
            for other in re.finditer(r"^(\w+) = None", cell.source, flags=re.M):  # a second blank in the cell
                key = other.group(1)
                if key in answers and key != name:
                    cell.source = cell.source.replace(other.group(0), f"{key} = {answers[key]}", 1)
                    filled_in.add(key)
                    reading.add(key)
        elif any(re.search(rf"\b{re.escape(name)}\b", cell.source) for name in reading):
            last_reader = i
    assert filled_in == set(answers), f"{path.name}: no blank for {set(answers) - filled_in}"
    nb.cells = nb.cells[: last_reader + 1]
    target = tmp_path / path.name
    nbformat.write(nb, target)
    return target


def _text(nb: nbformat.NotebookNode) -> str:
    """Everything the executed cells showed: printed text and displayed objects' plain text and HTML."""
    parts = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            parts.append(out.get("text", ""))
            data = out.get("data", {})
            parts.append(data.get("text/plain", "") + data.get("text/html", ""))
    return "\n".join(parts)


CASES = [
    # notebook, the answers typed in, what the marking must say
    ("01_derivatives_and_limits", {"my_slope": "-8", "my_first_step": "8.4"},
     ["✓ P′(5): right, -8.", "✓ x after one step from x = 12 with lr = 0.1: right, 8.4."]),
    ("01_derivatives_and_limits", {"my_slope": "0", "my_first_step": "15.6"},
     ["✗ P′(5): not 0: that is P(5), the profit itself", "not 15.6: that step goes downhill"]),
    ("01_derivatives_and_limits", {"my_slope": "8", "my_first_step": "-3.6"},
     ["not 8: the right size with the wrong sign", "not -3.6: that is the change lr·P′(12)"]),
    ("02_values_and_graphs", {"my_node_count": "5", "my_arrows_from_x": "3"},
     ["✓ nodes in the graph of y = x·x + 2·x: right, 5.", "✓ arrows out of x: right, 3."]),
    ("02_values_and_graphs", {"my_node_count": "4", "my_arrows_from_x": "2"},
     ["not 4: the constant 2 is a node too", "not 2: x·x uses x twice"]),
    ("03_backprop_step_by_step",
     {"my_gradients": '{"d": -2, "f": 4, "e": -2, "c": -2, "a": -3, "b": -4}', "my_slope": "8"},
     ["local-only", "not 8: that is 2u = df/du alone"]),
    ("03_backprop_step_by_step", {"my_slope": "24"}, ["✓ f′(1) for f(x) = (3x + 1)²: right, 24."]),
    ("04_practice", {"my_answers": '{"d": 4, "c": -8, "e": 4, "a": -8, "b": 12}'}, ["accumulation"]),
    ("05_checking_gradients", {"my_derivative": "x * math.cos(x)"}, ["FAIL at 4 of 5 points: at x = -2"]),
    ("05_checking_gradients", {"my_derivative": "math.sin(x) + x * math.cos(x)"}, ["PASS"]),
    ("06_training_an_mlp", {"guess_neurons": "1", "my_new_value": "first_old - 0.1 * first_grad"},
     ["Right: 1. All 8 neurons are still copies", "= old − lr·grad."]),
    ("06_training_an_mlp", {"my_new_value": "first_old + 0.1 * first_grad"}, ["That is a step *up* the gradient"]),
    ("06_training_an_mlp",
     {"guess_lr": '{0.1: "crawl", 0.25: "one step", 0.45: "oscillate", 0.5: "cycle", 0.6: "crawl"}'},
     ["one step  ✓", "cycle     ✓", "✗ (you said 'crawl')"]),
    ("07_optimizers", {"guess": '"sgd"'}, ["Not this time: sgd ends"]),
    ("08_higher_order", {"my_dy": "27", "my_d2y": "6", "my_newton": "-1"},
     ["✓ dy/dx of y = x³ at x = 3: right, 27.", "not 6: 6x is the right formula", "not -1: the sign"]),
    ("08_higher_order", {"my_dy": "9", "my_d2y": "18", "my_newton": "1"},
     ["not 9: that is x²", "✓ d²y/dx² of y = x³ at x = 3: right, 18.",
      "✓ x after one Newton step on g(x) = eˣ − 2x from x = 0: right, 1."]),
    ("09_build_it_yourself", {"guess": '"add"'}, ["✗ the task the lecture's + and * fail: not 'add': a + b alone"]),
    ("10_from_scalars_to_tensors", {"guess_branch": '"error"'},
     ["right, 'error'. lanes re-record a few telling samples"]),
]


@pytest.mark.notebook
@pytest.mark.timeout(120)
@pytest.mark.parametrize("stem, answers, expected", CASES,
                         ids=[f"{c[0][:2]}-{'-'.join(f'{k}={v}' for k, v in c[1].items())[:40]}" for c in CASES])
def test_an_exercise_marks_what_is_typed(stem: str, answers: dict[str, str], expected: list[str],
                                        tmp_path: Path) -> None:
    (path,) = NOTEBOOKS.glob(f"{stem}.ipynb")
    executed = run_notebooks.execute_notebook(_fill(path, answers, tmp_path), timeout=120)
    shown = _text(executed)
    for phrase in expected:
        assert phrase in shown, f"{stem} with {answers}: {phrase!r} not in what the cells showed:\n{shown[-3000:]}"


def test_every_blank_says_what_to_do_when_left_empty() -> None:
    """Run as committed (all blanks None), a marking cell asks for the answer instead of giving it."""
    blank = re.compile("^" + BLANK, re.M)
    with_blanks = set()
    for path in sorted(NOTEBOOKS.glob("*.ipynb")):
        cells = nbformat.read(path, as_version=4).cells
        for i, cell in enumerate(cells):
            if cell.cell_type == "code" and blank.search(cell.source):
                names = [m.group(1) for m in blank.finditer(cell.source)]
                readers = [c.source for c in cells[i + 1:] if c.cell_type == "code"
                           and any(re.search(rf"\b{n}\b", c.source) for n in names)]
                with_blanks.add(path.name[:2])
                assert readers, f"{path.name}: nothing marks {names}"
                assert re.search(r"is None|mark_answer|mark_gradients", readers[0]), \
                    f"{path.name}: {names} is read without a check for None"
    # 05's exercise is a function to write (my_derivative), not a None blank.
    assert with_blanks == {"01", "02", "03", "04", "06", "07", "08", "09", "10"}, sorted(with_blanks)
