"""autograd.practice: marking hand-computed gradients, naming the mistake, exercises and quiz data.

Right answers are derived by hand in each test (chain rule on paper) or by sympy, never read back from
the implementation.
"""

from __future__ import annotations

import json
import math
import re

import pytest
import sympy as sp

from autograd import Value
from autograd.backward import backprop_order
from autograd.examples import lecture_graph
from autograd.practice import (
    MISTAKES,
    Exercise,
    GradReport,
    make_exercise,
    mark_gradients,
    quiz_questions,
)

# The lecture graph by hand: L = d·f, d = e + c, e = a·b with a=2, b=−3, c=10, f=−2.
#   ∂L/∂d = f = −2, ∂L/∂f = d = 4, ∂L/∂e = ∂L/∂d·1 = −2, ∂L/∂c = −2,
#   ∂L/∂a = ∂L/∂e·b = 6, ∂L/∂b = ∂L/∂e·a = −4.
LECTURE = {"a": 6.0, "b": -4.0, "c": -2.0, "f": 4.0, "e": -2.0, "d": -2.0}


def _row(report: GradReport, label: str):
    (row,) = [r for r in report.rows if r.label == label]
    return row


# ---- mark_gradients on the lecture graph -------------------------------------------------------------
def test_right_answers_are_ok():
    g = lecture_graph()
    report = mark_gradients(g.L, LECTURE)
    assert report.ok
    assert all(row.correct and row.mistake is None for row in report.rows)
    assert {row.label: row.expected for row in report.rows} == LECTURE


def test_answers_may_be_keyed_by_node_and_given_as_fractions():
    g = lecture_graph()
    report = mark_gradients(g.L, {g.a: 6, g.b: "-8/2", "c": -2.0})
    assert report.ok and [r.label for r in report.rows] == ["c", "a", "b"]  # backprop order


@pytest.mark.parametrize(
    ("answer", "mistake", "must_say"),
    [
        (2.0, "local-only", ["∂(a·b)/∂b = a = 2.0", "∂L/∂e = -2.0", "-4.0"]),  # ∂(a·b)/∂b = a, no upstream
        (-2.0, "upstream-only", ["∂L/∂e = -2.0", "∂(a·b)/∂b = a = 2.0", "-4.0"]),  # ∂L/∂e, no local
        (4.0, "sign", ["-4.0", "sign"]),
        (-3.0, "value-not-grad", ["value of b", "b = -3.0", "-4.0"]),
    ],
)
def test_lecture_graph_mistakes_for_b(answer, mistake, must_say):
    g = lecture_graph()
    row = mark_gradients(g.L, {"b": answer}).rows[0]
    assert not row.correct
    assert row.mistake == mistake
    assert row.expected == -4.0 and row.answer == answer
    for text in must_say:
        assert text in row.explanation


def test_explanation_of_local_only_reads_as_the_chain_rule():
    g = lecture_graph()
    row = mark_gradients(g.L, {"b": 2}).rows[0]
    assert row.explanation.startswith("You gave 2.0, which is ∂(a·b)/∂b = a = 2.0, the local derivative only")
    assert "-2.0 × 2.0 = -4.0" in row.explanation


def test_wrong_answer_matching_no_pattern_has_no_mistake():
    g = lecture_graph()
    row = mark_gradients(g.L, {"b": 7.25}).rows[0]
    assert not row.correct and row.mistake is None
    assert "-4.0" in row.explanation and "7.25" in row.explanation


# ---- accumulation ---------------------------------------------------------------------------------
def test_a_plus_a_one_path_is_accumulation():
    a = Value(3.0, "a")
    b = a + a  # db/da = 2 (two uses, local derivative 1 each)
    row = mark_gradients(b, {"a": 1}).rows[0]
    assert row.mistake == "accumulation"  # also a local derivative, but accumulation comes first
    assert "2.0" in row.explanation
    assert mark_gradients(b, {a: 2}).ok


@pytest.mark.parametrize("answer", [1.0, 3.0])  # the path through + gives 1, the path through x·y gives y = 3
def test_x_times_y_plus_x_one_path_is_accumulation(answer):
    x, y = Value(2.0, "x"), Value(3.0, "y")
    L = x * y + x  # ∂L/∂x = y + 1 = 4
    row = mark_gradients(L, {"x": answer}).rows[0]
    assert row.expected == 4.0
    assert row.mistake == "accumulation"


def test_partial_sum_of_three_paths_is_accumulation():
    x, y, z = Value(2.0, "x"), Value(3.0, "y"), Value(5.0, "z")
    L = x * y + x * z + x  # ∂L/∂x = y + z + 1 = 9; y + z = 8 is two of three paths
    report = mark_gradients(L, {"x": 8.0})
    assert report.rows[0].expected == 9.0
    assert report.rows[0].mistake == "accumulation"
    assert "2 of the 3" in report.rows[0].explanation


# ---- a candidate equal to the right answer is no mistake --------------------------------------------
def test_no_sign_when_the_right_answer_is_zero():
    a, b = Value(2.0, "a"), Value(0.0, "b")
    L = a * b  # ∂L/∂a = b = 0
    assert mark_gradients(L, {"a": 0.0}).ok
    assert mark_gradients(L, {"a": -0.0}).ok
    row = mark_gradients(L, {"a": 5.0}).rows[0]
    assert row.mistake is None
    question = [q for q in quiz_questions(L) if q.label == "a"][0]
    assert "sign" not in {c.mistake for c in question.candidates}


def test_value_equal_to_gradient_is_right_not_value_not_grad():
    a, b = Value(2.0, "a"), Value(2.0, "b")
    L = a * b  # ∂L/∂a = b = 2 = a.data: the right answer, although it is also a's value
    row = mark_gradients(L, {"a": 2.0}).rows[0]
    assert row.correct and row.mistake is None


# ---- mark_gradients contract -------------------------------------------------------------------------
def test_mark_gradients_leaves_every_grad_unchanged():
    g = lecture_graph()
    for i, node in enumerate(g):
        node.grad = 100.0 + i  # sentinels: any write would show
    before = [node.grad for node in g]
    mark_gradients(g.L, {"a": 1, "b": 2, "e": 3, "L": 1})
    quiz_questions(g.L)
    assert [node.grad for node in g] == before


def test_unknown_label_lists_the_usable_labels():
    g = lecture_graph()
    with pytest.raises(ValueError) as err:
        mark_gradients(g.L, {"zz": 1.0})
    message = str(err.value)
    assert "'zz'" in message
    for label in "abcdef":
        assert label in message


def test_shared_label_is_refused():
    x1, x2 = Value(1.0, "x"), Value(2.0, "x")
    y = Value(3.0, "y")
    L = x1 * y + x2
    with pytest.raises(ValueError, match="label of 2 nodes") as err:
        mark_gradients(L, {"x": 3.0})
    assert "y" in str(err.value)
    assert mark_gradients(L, {x1: 3.0, x2: 1.0}).ok  # the nodes themselves still work


def test_node_outside_the_graph_is_refused():
    g = lecture_graph()
    stranger = Value(1.0, "s")
    with pytest.raises(ValueError, match="not part of the graph"):
        mark_gradients(g.L, {stranger: 1.0})


def test_bad_answers_are_refused_clearly():
    g = lecture_graph()
    with pytest.raises(ValueError, match="no answers"):
        mark_gradients(g.L, {})
    with pytest.raises(TypeError, match="must be a number"):
        mark_gradients(g.L, {"a": None})
    with pytest.raises(ValueError, match="not a number"):
        mark_gradients(g.L, {"a": "six"})


def test_report_text_and_html():
    g = lecture_graph()
    report = mark_gradients(g.L, {"a": 6, "b": 2})
    text = str(report)
    assert "✓" in text and "✗" in text and "local-only" in text
    assert "1 of 2 right" in text
    assert "You gave 2.0" in text
    html = report._repr_html_()
    assert html.count("<tr") == 3 and "local-only" in html
    weird = Value(2.0, "<x>")
    assert "&lt;x&gt;" in mark_gradients(weird * Value(3.0, "y"), {"<x>": 3.0})._repr_html_()


# ---- Exercise ---------------------------------------------------------------------------------------
def test_exercise_questions_follow_backprop_order_without_root():
    g = lecture_graph()
    ex = Exercise(g.L)
    order = [n for n in backprop_order(g.L, include_leaves=True) if n is not g.L]
    assert [q.node for q in ex.questions] == order
    assert [q.label for q in ex.questions] == [n.label for n in order]
    assert ex.questions[-1].prompt == "∂L/∂b = ?"


def test_exercise_answer_feedback_and_score():
    g = lecture_graph()
    ex = Exercise(g.L)
    index = {q.label: q.index for q in ex.questions}
    feedback = ex.answer(index["b"], 2)
    assert (feedback.correct, feedback.expected, feedback.mistake) == (False, -4.0, "local-only")
    assert "∂(a·b)/∂b = a = 2.0" in feedback.explanation
    assert "-4" not in feedback.hint and "∂(a·b)/∂b = a = 2.0" in feedback.hint  # a hint, not the answer
    assert ex.answer(index["a"], "6").correct
    assert ex.answer(index["b"], -4).correct  # right after a retry: not right first time
    assert tuple(ex.score) == (1, 2, 6, 1, 0)
    assert str(ex.score) == "1 of 6 right first time, 1 after retries, 0 revealed, 4 skipped"
    with pytest.raises(IndexError):
        ex.answer(6, 1.0)


def test_three_misses_reveal_the_answer_and_show_answer_reveals_it_at_once():
    g = lecture_graph()
    ex = Exercise(g.L)
    index = {q.label: q.index for q in ex.questions}
    tries = [ex.answer(index["b"], v) for v in (2, 4, 7)]  # local only, sign, nothing known
    assert [(f.tries, f.revealed) for f in tries] == [(1, False), (2, False), (3, True)]
    assert [f.mistakes for f in tries] == [("local-only",), ("sign",), ()]
    assert all("-4" not in f.hint for f in tries)
    assert "the right answer is -4.0" in tries[2].explanation  # the last miss shows the working
    assert ex.tries_left(index["b"]) == 0
    assert ex.answer(index["b"], -4).correct and ex.score.revealed == 1  # too late to count as right
    assert ex.reveal(index["a"]) == "∂L/∂a = ∂L/∂e · ∂(a·b)/∂a = -2.0 × (-3.0) = 6.0 (with ∂(a·b)/∂a = b = -3.0)."
    assert ex.answer(index["d"], -2).correct
    score = ex.score
    assert (score.right, score.retried, score.revealed, score.skipped) == (1, 0, 2, 3)


def test_an_answer_that_fits_two_mistakes_names_both():
    # L = d·f, d = e + c, e = a·b at a = -1, b = -3, c = 10, f = -2: ∂L/∂e = f = -2, ∂L/∂b = ∂L/∂e·a = 2.
    # -2 is then both the upstream gradient alone and the right size with the wrong sign.
    a, b, c, f = Value(-1.0, "a"), Value(-3.0, "b"), Value(10.0, "c"), Value(-2.0, "f")
    e = a * b
    e.label = "e"
    d = e + c
    d.label = "d"
    L = d * f
    L.label = "L"
    row = mark_gradients(L, {"b": -2}).rows[0]
    assert (row.mistake, row.mistakes) == ("upstream-only", ("upstream-only", "sign"))
    assert row.explanation.startswith(
        "You gave -2.0, which fits more than one classic mistake here: it is the upstream gradient ∂L/∂e = "
        "-2.0 only, and it is also the right size with the wrong sign. The right working: ∂L/∂b = ∂L/∂e · "
        "∂(a·b)/∂b = -2.0 × (-1.0) = 2.0")
    assert "upstream-only or sign" in str(mark_gradients(L, {"b": -2}))
    assert "2.0" not in row.retry_hint.replace("-2.0", "")  # the hint names both, not the answer


def test_a_wrong_answer_no_mistake_explains_says_what_it_would_have_needed():
    g = lecture_graph()
    row = mark_gradients(g.L, {"b": 5}).rows[0]  # ∂L/∂b = ∂L/∂e · a = -2 · 2; 5 fits no mistake
    assert row.mistake is None and row.mistakes == ()
    assert "the right answer is -4.0" in row.explanation
    assert ("For 5.0 to be right, ∂L/∂e would have to be 2.5 (it is -2.0), or ∂(a·b)/∂b would have to be -2.5 "
            "(it is a = 2.0).") in row.explanation


def test_hint_is_the_chain_rule_in_symbols():
    g = lecture_graph()
    ex = Exercise(g.L)
    index = {q.label: q.index for q in ex.questions}
    hint = ex.hint(index["b"])
    assert hint.startswith("∂L/∂b = ∂L/∂e · ∂(a·b)/∂b = ∂L/∂e · a")
    assert "e = a·b" in hint
    assert not re.search(r"\d\.\d|-4|6", hint)  # no numbers of this graph
    a = Value(3.0, "a")
    two_uses = Exercise(a * Value(2.0, "y") + a)
    assert (
        two_uses.hint(two_uses.questions.index([q for q in two_uses.questions if q.label == "a"][0])).count(
            "+"
        )
        >= 2
    )


def test_exercise_labels_unlabeled_nodes_deterministically():
    def build():
        x, y = Value(2.0, "x"), Value(-1.0, "y")
        return x * y + x * 3.0, x, y

    first, _, _ = build()
    second, _, _ = build()
    ex1, ex2 = Exercise(first), Exercise(second)
    assert [q.label for q in ex1.questions] == [q.label for q in ex2.questions]
    assert first.label == "out"  # the one name of an unlabeled output, as in every picture
    labels = [q.label for q in ex1.questions]
    assert "x" in labels and "y" in labels and "3" not in labels  # the constant 3 is not asked
    assert all(label for label in labels)
    kept = Value(1.0, "p") * Value(2.0, "q")
    kept.label = "mine"
    assert Exercise(kept).root.label == "mine"


def test_from_expression_uses_the_safe_parser_and_names_the_output_out():
    ex = Exercise.from_expression("(a*b + c)*f", at={"a": 2, "b": -3, "c": 10, "f": -2})
    assert ex.root.label == "out" and ex.root.data == -8.0  # as `gradstep graph` names it
    answers = {"a": 6.0, "b": -4.0, "c": -2.0, "f": 4.0}
    for q in ex.questions:
        if q.label in answers:
            assert ex.answer(q.index, answers[q.label]).correct
    same = Exercise.from_expression("(a*b + c)*f", at="a=2,b=-3,c=10,f=-2")
    assert [q.label for q in same.questions] == [q.label for q in ex.questions]
    with pytest.raises(ValueError):
        Exercise.from_expression("__import__('os')", at={})
    with pytest.raises(ValueError, match="no value for"):
        Exercise.from_expression("a*b", at={"a": 1})


def test_nothing_to_ask_is_refused():
    with pytest.raises(ValueError, match="nothing to practise"):
        Exercise(Value(2.0, "x"))
    with pytest.raises(ValueError, match="nothing to practise"):
        Exercise(Value(2.0) * Value(3.0))  # unlabeled leaves are constants
    assert quiz_questions(Value(2.0, "x")) == []


# ---- make_exercise ------------------------------------------------------------------------------------
def _sympy_gradients(ex: Exercise) -> dict[str, float]:
    """The gradient of the output for each input, by sympy from the expression text (independent)."""
    leaves = {n.label: n.data for n in backprop_order(ex.root, include_leaves=True) if n.is_leaf and n.label}
    symbols = {name: sp.Symbol(name) for name in leaves}
    text = re.sub(r"\((.*)\)\.(tanh|exp|log)\(\)", r"\2(\1)", ex.text)  # sympy has no x.tanh()
    expr = sp.sympify(text, locals={**symbols, "tanh": sp.tanh, "exp": sp.exp, "log": sp.log})
    at = {symbols[k]: sp.Rational(v) for k, v in leaves.items()}
    return {name: float(sp.diff(expr, s).subs(at)) for name, s in symbols.items()}


def _half_multiple(x: float) -> bool:
    return abs(2 * x - round(2 * x)) < 1e-9


@pytest.mark.parametrize("level", [1, 2])
def test_levels_1_and_2_are_hand_computable(level):
    for seed in range(200):
        ex = make_exercise(level, seed)
        nodes = backprop_order(ex.root, include_leaves=True)
        for q in ex.questions:
            assert _half_multiple(ex.expected(q.index)), (seed, ex.title, q.label)
        for node in nodes:
            assert _half_multiple(node.data), (seed, ex.title, node.label)
        ops = {n.op for n in nodes if n.op}
        consumers: dict = {}
        for node in nodes:
            for parent in node.parents:
                consumers[parent] = consumers.get(parent, 0) + 1
        if level == 1:
            assert ops <= {"+", "*"}, ex.title
            assert 3 <= len(nodes) <= 6, ex.title
        else:
            assert ops <= {"+", "-", "*", "/", "**"}, ex.title
            assert max(consumers.values()) >= 2, f"no node used twice in {ex.title}"
        if seed % 10 == 0:  # the engine's input gradients against sympy on the typed expression
            oracle = _sympy_gradients(ex)
            for q in ex.questions:
                if q.label in oracle:
                    assert ex.expected(q.index) == pytest.approx(oracle[q.label], abs=1e-12)


@pytest.mark.parametrize("level", [1, 2, 3])
def test_same_seed_same_exercise(level):
    for seed in (0, 1, 42, 12345):
        a, b = make_exercise(level, seed), make_exercise(level, seed)
        assert (a.title, a.inputs_text()) == (b.title, b.inputs_text())
        assert [q.label for q in a.questions] == [q.label for q in b.questions]
    assert len({make_exercise(level, s).title + make_exercise(level, s).inputs_text() for s in range(30)}) > 5


def test_level_3_is_a_neuron_or_exp_log_step_with_rounding_tolerance():
    kinds = set()
    for seed in range(40):
        ex = make_exercise(3, seed)
        ops = {n.op for n in backprop_order(ex.root, include_leaves=True)}
        assert ops & {"tanh", "exp", "log"}, ex.title
        kinds |= ops & {"tanh", "exp", "log"}
        oracle = _sympy_gradients(ex)
        for q in ex.questions:
            expected = ex.expected(q.index)
            if q.label in oracle:
                assert expected == pytest.approx(oracle[q.label], rel=1e-9, abs=1e-12)
            assert ex.answer(q.index, round(expected, 4)).correct  # 4 decimals are enough
            assert not ex.answer(q.index, expected + 0.01).correct
    assert kinds == {"tanh", "exp", "log"}


def test_make_exercise_arguments():
    with pytest.raises(ValueError, match="level must be 1, 2 or 3"):
        make_exercise(4)
    ex = make_exercise(1)
    assert isinstance(ex.seed, int)
    again = make_exercise(1, ex.seed)
    assert (again.title, again.inputs_text()) == (ex.title, ex.inputs_text())


# ---- quiz_questions agree with mark_gradients --------------------------------------------------------
def _graphs():
    g = lecture_graph()
    yield g.L
    a = Value(3.0, "a")
    yield a + a
    x, y = Value(2.0, "x"), Value(3.0, "y")
    yield x * y + x
    for level, seed in [(1, 3), (2, 0), (2, 5), (2, 8), (3, 1), (3, 4)]:
        yield make_exercise(level, seed)


@pytest.mark.parametrize("graph", list(_graphs()), ids=lambda g: getattr(g, "title", None) or g.label)
def test_quiz_questions_agree_with_mark_gradients(graph):
    ex = graph if isinstance(graph, Exercise) else Exercise(graph)
    quiz = quiz_questions(ex)
    assert [q.label for q in quiz] == [q.label for q in ex.questions]
    assert [q.prompt for q in quiz] == [q.prompt for q in ex.questions]
    for q, question in zip(quiz, ex.questions):
        assert q.expected == ex.expected(question.index)
        assert q.hint == ex.hint(question.index)
        assert (q.rtol, q.atol) == (ex.rtol, ex.atol)
        right = mark_gradients(ex.root, {question.node: q.expected}, q.rtol, q.atol).rows[0]
        assert right.correct and right.explanation == q.right_text
        values = [c.value for c in q.candidates]
        for c in q.candidates:
            assert c.mistake in MISTAKES
            assert not math.isclose(c.value, q.expected, rel_tol=q.rtol, abs_tol=q.atol)
            row = mark_gradients(ex.root, {question.node: c.value}, q.rtol, q.atol).rows[0]
            assert not row.correct
            assert (row.mistake, row.explanation) == (c.mistake, c.explanation)
        assert len(values) == len(set(values))
        assert [MISTAKES.index(c.mistake) for c in q.candidates] == sorted(
            MISTAKES.index(c.mistake) for c in q.candidates
        )
    json.dumps([q.to_dict() for q in quiz])  # JSON-able


def test_quiz_lists_the_lecture_graph_mistakes_for_b():
    quiz = {q.label: q for q in quiz_questions(lecture_graph().L)}
    found = {c.value: c.mistake for c in quiz["b"].candidates}
    assert found == {2.0: "local-only", -2.0: "upstream-only", 4.0: "sign", -3.0: "value-not-grad"}
    assert quiz["b"].wrong_text.startswith("Not quite: the right answer is -4.0")
    data = quiz["b"].to_dict()
    assert set(data) == {
        "label",
        "prompt",
        "expected",
        "rtol",
        "atol",
        "hint",
        "candidates",
        "right_text",
        "wrong_text",
        "retry_text",
        "precision",
        "near",
    }
    assert set(data["candidates"][0]) == {"value", "mistake", "explanation", "mistakes", "hint"}


def test_the_old_name_check_grads_still_marks_but_warns():
    import autograd
    from autograd.practice import check_grads

    g = lecture_graph()
    with pytest.warns(DeprecationWarning, match="mark_gradients"):
        old = check_grads(g.L, {"b": 2})
    assert old == mark_gradients(g.L, {"b": 2})
    assert autograd.mark_gradients is mark_gradients
    with pytest.warns(DeprecationWarning):
        autograd.check_grads(g.L, LECTURE)


def test_notebook_04_your_turn_starts_blank_and_the_solution_is_folded_after_it():
    from pathlib import Path

    import nbformat

    path = Path(__file__).resolve().parent.parent / "notebooks" / "04_practice.ipynb"
    cells = nbformat.read(path, as_version=4).cells
    (turn,) = [i for i, c in enumerate(cells) if c.cell_type == "markdown" and "## Your turn" in c.source]
    answer_cell = cells[turn + 1].source
    blanks = re.search(r"my_answers = \{(.*?)\}", answer_cell).group(1)
    assert re.findall(r'"(\w+)": None', blanks) == ["d", "c", "e", "a", "b"]
    assert not re.search(r"\d", blanks)  # no answer given away
    marking = cells[turn + 2].source
    assert "mark_gradients" in marking and "reveal=False" in marking  # right after the blanks, answer hidden
    solution = cells[turn + 3]
    assert solution.cell_type == "markdown" and "Solution" in solution.source and "<details>" in solution.source
    # The solution's numbers against the engine on the notebook's own graph (built by its first code cell).
    graph_cell = next(c.source for c in cells if c.cell_type == "code" and "def your_graph" in c.source)
    namespace: dict = {}
    exec(graph_cell.split("draw_graph(your_graph()")[0], namespace)
    root = namespace["your_graph"]()
    root.backward()
    nodes, todo = {}, [root]
    while todo:
        node = todo.pop()
        nodes[node.label] = node
        todo.extend(node.parents)
    written = eval(re.search(r"my_answers = (\{.*?\})", solution.source).group(1))
    assert written == {name: nodes[name].grad for name in written} and len(written) == 5


# ---- a reused node's gradient written term by term (#12 §3) -------------------------------------------
def _shared_cases():
    x = Value(3.0, "x")
    n1 = x * x
    yield "x*x + x", n1 + x, x, ["1.0 + 3.0 + 3.0 = 7.0", "from out = n1 + x, then from n1 = x·x twice"]
    a = Value(2.0, "a")
    yield "a + a", a + a, a, ["1.0 + 1.0 = 2.0"]  # ∂/∂a (a + a) = 1 + 1
    a = Value(1.0, "a")
    b = a + a
    b.label = "b"
    c = b + b
    c.label = "c"
    yield "b = a + a; c = b + b", c, a, ["2.0 + 2.0 = 4.0", "from b = a + a twice"]  # ∂c/∂b = 2, twice
    # one input feeding two neurons: h1 = relu(w1·x), h2 = relu(w2·x + 3); at x = 2 both are active
    x, w1, w2 = Value(2.0, "x"), Value(3.0, "w1"), Value(-1.0, "w2")
    h1, h2 = (w1 * x).relu(), (w2 * x + 3).relu()
    h1.label, h2.label = "h1", "h2"
    yield "neuron", h1 + h2, x, ["3.0 + (-1.0) = 2.0"]  # ∂/∂x = w1 + w2, the w1 term arrives first


@pytest.mark.parametrize("case", list(_shared_cases()), ids=lambda case: case[0])
def test_a_node_used_several_times_is_explained_term_by_term_in_arrival_order(case):
    _, root, node, says = case
    from autograd.view import GraphView

    view = GraphView(root)
    expected = view.grads[node]
    arrived = [c.amount for c in view.terms[node]]
    assert math.isclose(math.fsum(arrived), expected)
    right = mark_gradients(root, {node: expected}).rows[0].explanation
    wrong = mark_gradients(root, {node: expected + 0.37}).rows[0].explanation
    for text in (right, wrong):
        for phrase in says:
            assert phrase in text, text


# ---- reveal=False: a learner about to try again sees the mistake, never the right number --------------
@pytest.mark.parametrize("wrong", [12.0, 4.0, -2.0, 8.0, 15.0, 3.0])
def test_a_hidden_report_names_the_mistake_without_the_right_number(wrong):
    # Notebook 04's graph: e = a·b, d = e + b, L = d·c at a = 3, b = -2, c = 4, so ∂L/∂b = 4·3 + 4 = 16.
    a, b, c = Value(3.0, "a"), Value(-2.0, "b"), Value(4.0, "c")
    e = a * b
    e.label = "e"
    d = e + b
    d.label = "d"
    L = d * c
    L.label = "L"
    shown = mark_gradients(L, {"b": wrong}, reveal=False)
    (row,) = shown.rows
    assert not row.correct and row.expected == 16.0  # the row itself still knows
    for text in (str(shown), shown._repr_html_()):
        assert "16" not in text, text
        assert "?" in text
    assert row.retry_hint and " ".join(row.retry_hint.split()) in " ".join(str(shown).split())
    assert "16" in str(mark_gradients(L, {"b": wrong}))  # revealing is still the default


def test_a_hidden_report_shows_right_answers_in_full():
    g = lecture_graph()
    shown = mark_gradients(g.L, {"d": -2, "b": 2}, reveal=False)
    text = str(shown)
    assert "✓ right" in text and "✗ wrong" in text and "local-only" in text
    assert "-4" not in text.split("b:")[1]  # b's right value (-4) is not in its hint


@pytest.mark.parametrize("name", ["d", "f", "e", "c", "a", "b"])
def test_no_retry_hint_states_the_right_gradient(name):
    # Where one factor of upstream × local is ±1, the other factor *is* the answer: a hint for a learner
    # about to try again names it (∂(d·f)/∂d) but does not give its value (f = -2.0).
    from autograd.practice.diagnose import fmt

    g = lecture_graph()
    right = LECTURE[name]
    for answer in range(-12, 13):
        if answer in (right, -right):  # a sign slip's own number already gives the size away
            continue
        row = mark_gradients(g.L, {name: answer}, reveal=False).rows[0]
        hint = row.retry_hint.replace(f"You gave {fmt(float(answer))}", "")
        # A factor is stated as "= value" or "(it is value)"; "would have to be X" is the learner's
        # number divided by the other factor, which may equal the answer by coincidence.
        stated = re.findall(r"(?:= |it is )(?:[a-z]\w* = )?(-?[\d.]+)", hint)
        assert fmt(right) not in stated, (answer, hint)
