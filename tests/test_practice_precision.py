"""Marking to the precision the learner was shown, and names that never change or collide.

Right answers are derived by hand with the chain rule and evaluated with ``math`` (an independent
oracle), never read back from the implementation.
"""

from __future__ import annotations

import math
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import Value
from autograd.backward import backprop_order
from autograd.examples import lecture_graph
from autograd.practice import EXACT, ROUNDED, Exercise, mark_gradients, quiz_questions
from autograd.practice.diagnose import display_names
from autograd.trace import node_names


def _tanh_graph():
    """L = tanh(a·b + c) at a=0.5, b=-1.5, c=0.25: a·b + c = -0.5."""
    a, b, c = Value(0.5, "a"), Value(-1.5, "b"), Value(0.25, "c")
    return (a * b + c).tanh(), a, b, c


# By hand: ∂L/∂c = 1 − tanh²(−0.5), ∂L/∂a = b·∂L/∂c, ∂L/∂b = a·∂L/∂c.
TANH_SLOPE = 1 - math.tanh(-0.5) ** 2
TANH_GRADS = {"a": -1.5 * TANH_SLOPE, "b": 0.5 * TANH_SLOPE, "c": TANH_SLOPE}
ROUNDED_ANSWERS = {"a": -1.1796, "b": 0.3932, "c": 0.7864}  # the right values cut to 4 decimals


def test_the_rounded_answers_are_the_hand_values_to_4_decimals():
    assert all(abs(TANH_GRADS[k] - v) < 1e-4 for k, v in ROUNDED_ANSWERS.items())


# ---- mark_gradients keeps its documented defaults, and says why a near miss is wrong ------------------
def test_mark_gradients_defaults_are_exact_but_a_near_miss_says_how_close_and_what_is_required():
    L, *_ = _tanh_graph()
    report = mark_gradients(L, ROUNDED_ANSWERS)
    assert not any(row.correct for row in report.rows)  # rtol=1e-6, atol=1e-9: DESIGN's defaults
    for row in report.rows:
        gap = abs(ROUNDED_ANSWERS[row.label] - TANH_GRADS[row.label]) / abs(TANH_GRADS[row.label])
        assert row.near_miss and row.mistake is None
        assert f"{gap * 100:.2g}%" in row.explanation  # how close it was
        assert "rtol=1e-06" in row.explanation and "7 significant digits" in row.explanation  # what's needed
    assert "rtol=1e-3" in str(report)  # how to mark rounded answers


def test_mark_gradients_with_rtol_1e_3_accepts_4_digit_answers():
    L, *_ = _tanh_graph()
    assert mark_gradients(L, ROUNDED_ANSWERS, rtol=1e-3).ok
    report = mark_gradients(L, {"a": -1.17}, rtol=1e-3)  # 0.8 % off: a near miss at 4 digits
    (row,) = report.rows
    assert not row.correct and "Close" in row.explanation and "4 significant digits" in row.explanation
    assert "rtol=1e-3)" not in str(report)  # no advice to loosen what is already loose


def test_a_wrong_answer_is_never_explained_with_numbers_that_read_the_same_as_the_right_ones():
    x, c = Value(2.0, "x"), Value(1.0000049, "c")
    report = mark_gradients(x * c, {"x": 1, "c": 2.00001})  # ∂L/∂x = c = 1.0000049, ∂L/∂c = x = 2
    for row in report.rows:
        assert not row.correct
        products = re.findall(r"(-?\d+(?:\.\d+)?) × \(?(-?\d+(?:\.\d+)?)\)? = (-?\d+(?:\.\d+)?)", row.explanation)
        assert products
        for _, _, result in products:
            assert float(result) != row.answer  # the shown arithmetic gives another number
        # and the table shows two different numbers for answer and expected
    table = str(report).splitlines()
    for line in table[1:3]:
        answer, expected = line.split()[1:3]
        assert answer != expected
    (row_x,) = [r for r in report.rows if r.label == "x"]
    assert "1.000005" in row_x.explanation and "1.0 × 1.0 = 1.0" not in row_x.explanation


# ---- exercises and quizzes: one rule -------------------------------------------------------------------
def test_hand_computable_graphs_are_marked_exactly_others_to_4_significant_digits():
    lecture = Exercise(lecture_graph().L)
    assert lecture.tolerance == EXACT
    rounded = Exercise.from_expression("(a*b + c).tanh()", at="a=0.5,b=-1.5,c=0.25")
    assert rounded.tolerance == ROUNDED == (1e-3, 5e-5)
    answers = {q.label: q for q in rounded.questions}
    assert rounded.answer(answers["c"].index, 0.7864).correct
    assert rounded.answer(answers["a"].index, "-1.1796").correct
    assert not rounded.answer(answers["b"].index, 0.39).correct  # 0.8 % off
    assert "4 significant digits" in rounded.precision_text()


def test_the_extreme_case_one_times_one():
    # L = x·c, c = 1.0000049: ∂L/∂x = c. Shown to 6 digits c reads 1.0, so 1 is right by default.
    ex = Exercise.from_expression("x*c", at="x=2,c=1.0000049")
    assert ex.answer(0, 1).correct
    strict = Exercise.from_expression("x*c", at="x=2,c=1.0000049", rtol=1e-6)
    assert strict.tolerance.atol <= 1e-6 * 0.05  # rtol alone: atol follows it, so 1 is not let through
    feedback = strict.answer(0, 1)
    assert not feedback.correct and "1.000005" in feedback.explanation
    assert "1.000005" in strict.forward_table() and "c=1.0000049" in strict.inputs_text()


def test_level_3_keeps_its_4_decimals_tolerance():
    from autograd.practice import make_exercise

    ex = make_exercise(level=3, seed=1)
    assert (ex.rtol, ex.atol, ex.decimals) == (1e-3, 1e-3, 4)
    assert make_exercise(level=3, seed=1, rtol=1e-6).tolerance.rtol == 1e-6


def test_quiz_questions_use_the_same_rule_and_take_a_tolerance():
    assert {(q.rtol, q.atol) for q in quiz_questions(lecture_graph().L)} == {EXACT}
    L, *_ = _tanh_graph()
    assert {(q.rtol, q.atol) for q in quiz_questions(L)} == {ROUNDED}
    assert {(q.rtol, q.atol) for q in quiz_questions(L, rtol=1e-5, atol=1e-7)} == {(1e-5, 1e-7)}
    assert all("4 significant digits" in q.precision for q in quiz_questions(L))
    with pytest.raises(ValueError, match="rtol"):
        quiz_questions(L, rtol=-1)


# ---- names: shown, never set; accepted as keys; never shared ---------------------------------------
def _unlabeled_graph():
    a, b, c = Value(0.5), Value(-1.5), Value(0.25)
    return (a * b + c).tanh(), a, b, c


def test_mark_gradients_and_quiz_questions_leave_labels_untouched():
    L, *_ = _unlabeled_graph()
    nodes = backprop_order(L, include_leaves=True)
    before = [n.label for n in nodes]
    mark_gradients(L, {nodes[1]: 0.0})
    quiz_questions(L)
    assert [n.label for n in nodes] == before == [""] * len(nodes)


def test_the_stand_in_names_a_report_shows_are_accepted_as_keys():
    L, a, b, c = _unlabeled_graph()
    names = display_names(L)
    assert names[L] == "out" and {names[a], names[b], names[c]} == {"k1", "k2", "k3"}
    # by hand: n2 = a·b + c = -0.5 feeds tanh, so ∂L/∂n2 = 1 − tanh²(−0.5); ∂L/∂a = b · that
    n2 = L.parents[0]
    report = mark_gradients(L, {names[n2]: TANH_SLOPE, names[a]: -1.5 * TANH_SLOPE, "out": 1.0})
    assert report.ok and [row.label for row in report.rows] == ["out", names[n2], names[a]]  # backprop order


def test_a_shared_label_error_lists_the_usable_and_the_duplicated_names():
    x1, x2 = Value(2.0, "x"), Value(3.0, "x")
    L = x1 * x2
    with pytest.raises(ValueError) as info:
        mark_gradients(L, {"x": 3.0})
    message = str(info.value)
    assert "label of 2 nodes" in message and "x#1, x#2" in message and "out" in message
    assert "(none)" not in message
    report = mark_gradients(L, {"x#1": 3.0, "x#2": 2.0})  # ∂L/∂x1 = x2 = 3, ∂L/∂x2 = x1 = 2
    assert report.ok
    with pytest.raises(ValueError, match="use one of the names x#1, x#2, out"):
        mark_gradients(L, {"nope": 1.0})


_LABELS = st.sampled_from(["", "", "", "x", "x", "x1", "n1", "v1", "L", "out", "x#1", "p1"])


@st.composite
def labelled_graphs(draw):
    """A small random graph (+, *, tanh) whose nodes get labels from a pool full of look-alikes."""
    nodes = [Value(draw(st.sampled_from([2.0, 2.0, -1.0, 0.5])), draw(_LABELS))
             for _ in range(draw(st.integers(1, 4)))]
    for _ in range(draw(st.integers(1, 5))):
        op = draw(st.sampled_from(["+", "*", "tanh"]))
        x = draw(st.sampled_from(nodes))
        if op == "tanh":
            new = x.tanh()
        else:
            y = draw(st.sampled_from(nodes))
            new = x + y if op == "+" else x * y
        new.label = draw(_LABELS)
        nodes.append(new)
    return nodes[-1]


@settings(max_examples=80, deadline=None)
@given(labelled_graphs())
def test_no_two_nodes_ever_share_a_display_name(root):
    nodes = backprop_order(root, include_leaves=True)
    labels = [n.label for n in nodes]
    for names in (display_names(root), node_names(nodes)):
        assert set(names) == set(nodes)
        assert len(set(names.values())) == len(nodes)
        for node in nodes:  # a label only one node has is kept as its name
            if node.label and labels.count(node.label) == 1:
                assert names[node] == node.label
    questions = [q.label for q in quiz_questions(root)]
    assert len(set(questions)) == len(questions)
    assert [n.label for n in nodes] == labels
