"""mark_answer: the course's predictions, each right answer checked against an independent oracle.

The right answers in autograd/practice/answers.py are typed in by hand; here sympy (derivatives and
Newton's step), a walk of the real graph (nodes and arrows) and the lanes engine itself (the branch)
say what they must be. Then: no slip is the right answer, no message for a wrong answer contains the
right one, and a blank asks for an answer instead of marking it.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
import sympy as sp

from autograd import Value
from autograd.lanes import LanesBranchError, record
from autograd.practice import COURSE_PREDICTIONS, mark_answer

x = sp.Symbol("x")
P = -2 * x**2 + 12 * x - 10
G = sp.exp(x) - 2 * x  # notebook 08's function that is not a parabola


def _nodes_and_uses_of_x() -> tuple[int, int]:
    v = Value(3.0, "x")
    y = v * v + 2 * v
    seen, todo = set(), [y]
    while todo:
        node = todo.pop()
        if node not in seen:
            seen.add(node)
            todo.extend(node.parents)
    return len(seen), sum(parent is v for node in seen for parent in node.parents)


def _branch_outcome() -> str:
    w = Value(0.5, "w")

    def branchy(value):
        return w * value if value.data > 0 else w * value * 0.01

    try:
        record(branchy, 1).run(np.linspace(-1.0, 1.0, 50))
    except LanesBranchError:
        return "error"
    return "ran"


def _first_failing_lab_task() -> str:
    """The notebook's engine (its + assigns instead of adding) run through the lab's real checks."""
    import json
    import tempfile
    from pathlib import Path

    import nbformat

    from autograd.lab import check_lab, write_starter

    notebook = Path(__file__).resolve().parent.parent / "notebooks" / "09_build_it_yourself.ipynb"
    cells = nbformat.read(notebook, as_version=4).cells
    (engine,) = [c.source for c in cells if c.source.startswith("%%writefile {LAB}/engine.py")]
    with tempfile.TemporaryDirectory() as folder:
        lab = Path(folder) / "mylab"
        write_starter(lab)
        (lab / "engine.py").write_text(engine.split("\n", 1)[1], encoding="utf-8")
        report = check_lab(lab, ["add", "mul", "used-twice"])
    failing = [task.id for task in report.tasks if not task.passed]
    assert len(failing) == 1, json.dumps([t.id for t in report.tasks])
    return failing[0]


ORACLES = {
    "01.slope": lambda: float(sp.diff(P, x).subs(x, 5)),
    "01.first-step": lambda: float(12 + sp.Rational(1, 10) * sp.diff(P, x).subs(x, 12)),
    "02.nodes": lambda: float(_nodes_and_uses_of_x()[0]),
    "02.arrows-from-x": lambda: float(_nodes_and_uses_of_x()[1]),
    "03.chain-slope": lambda: float(sp.diff((3 * x + 1) ** 2, x).subs(x, 1)),
    "08.dy": lambda: float(sp.diff(x**3, x).subs(x, 3)),
    "08.d2y": lambda: float(sp.diff(x**3, x, 2).subs(x, 3)),
    "08.newton": lambda: float((x - sp.diff(G, x) / sp.diff(G, x, 2)).subs(x, 0)),
    "09.first-failure": lambda: _first_failing_lab_task(),
    "10.branch": _branch_outcome,
}


def test_every_question_has_an_oracle() -> None:
    assert set(ORACLES) == set(COURSE_PREDICTIONS)


@pytest.mark.parametrize("key", sorted(COURSE_PREDICTIONS))
def test_the_right_answer_is_the_oracles_and_is_marked_right(key: str) -> None:
    question = COURSE_PREDICTIONS[key]
    assert question.right == ORACLES[key]()
    mark = mark_answer(key, question.right)
    assert mark.correct and str(mark).startswith("✓")


@pytest.mark.parametrize("key", sorted(COURSE_PREDICTIONS))
def test_a_wrong_answer_is_told_its_slip_never_the_answer(key: str) -> None:
    question = COURSE_PREDICTIONS[key]
    right = question.right if isinstance(question.right, str) else f"{question.right:g}"
    wrong_ones = [*question.slips, "nonsense" if isinstance(question.right, str) else 12345.5]
    for wrong in wrong_ones:
        assert not question.matches(wrong, question.right), f"{key}: the slip {wrong!r} is the right answer"
        mark = mark_answer(key, wrong)
        assert not mark.correct and str(mark).startswith("✗")
        said = mark.message.replace(f"not {wrong:g}" if not isinstance(wrong, str) else f"not {wrong!r}", "")
        # The right answer may not appear as a word or number of its own in what a wrong answer is told
        # (a word question's hint lists the choices, so there only the slips' messages are held to it).
        if isinstance(question.right, str) and wrong not in question.slips:
            continue
        assert not re.search(rf"(?<![\w.·−-]){re.escape(right)}(?![\w.])", said), (key, wrong, mark.message)
        if wrong in question.slips:
            assert question.slips[wrong] in mark.message
        else:
            assert question.hint in mark.message


def test_numbers_and_words_match_loosely_but_not_wrongly() -> None:
    assert mark_answer("01.slope", -8).correct and mark_answer("01.slope", -8.0000000001).correct
    assert not mark_answer("01.slope", -8.01).correct
    assert mark_answer("01.first-step", 12 + 0.1 * -36).correct  # 8.399999999999999 in floating point
    assert mark_answer("10.branch", " Error ").correct and mark_answer("10.branch", "'error'").correct
    assert not mark_answer("01.slope", True).correct  # a bool is not a number here
    assert "is not a number" in mark_answer("01.slope", "-8").message
    assert "is not a word" in mark_answer("10.branch", 3).message
    import fractions

    assert mark_answer("01.slope", np.int64(-8)).correct and mark_answer("01.slope", fractions.Fraction(-8)).correct
    assert mark_answer("01.first-step", np.float32(8.4)).correct  # 8.3999996 in float32
    # A slip typed rounded, as the text writes it (ln 2 ≈ 0.693), is still that slip; not one digit less.
    assert "ln 2" in mark_answer("08.newton", 0.693).message and "ln 2" in mark_answer("08.newton", 0.69).message
    assert "ln 2" not in mark_answer("08.newton", 0.7).message


def test_a_blank_asks_for_an_answer() -> None:
    mark = mark_answer("08.newton", None)
    assert not mark.correct and "still None" in str(mark) and "3" not in mark.message


def test_an_unknown_question_names_the_known_ones() -> None:
    with pytest.raises(KeyError, match="01.slope"):
        mark_answer("01.slop", 1)
