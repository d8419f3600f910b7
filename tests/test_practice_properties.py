"""Property tests of the mistake diagnosis over random graphs (every op, tests/strategies.py).

* the right answer is always marked right, with no mistake;
* every wrong value the quiz data lists is marked wrong and named with its mistake, and that value is
  what the mistake's definition gives, recomputed here from the graph (local derivatives, upstream
  gradients, node value, negation, partial sums over the uses of the node);
* an answer far from all of those values gets ``mistake is None``;
* no ``.grad`` changes; the expected gradients of the inputs agree with sympy.
"""

from __future__ import annotations

import math
import random
from itertools import combinations

import pytest
import sympy as sp
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from strategies import kinks_are_clear, points, to_sympy, to_value, trees, value_is_tame

from autograd import Value
from autograd.backward import backprop_order, local_derivatives, propagate
from autograd.practice import MISTAKES, make_exercise, mark_gradients, quiz_questions
from autograd.practice.diagnose import _MAX_SUBSET_USES, display_names

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _graph(tree: tuple, point: dict[str, float]) -> tuple[Value, dict[str, Value]]:
    env = {name: Value(v, name) for name, v in point.items()}
    return to_value(tree, env), env


def _uses(root: Value) -> dict[Value, list[tuple[Value, float]]]:
    """For each node: (consumer, local derivative) per edge out of it, from the op rules."""
    uses: dict[Value, list[tuple[Value, float]]] = {}
    for node in backprop_order(root):
        for parent, local in zip(node.parents, local_derivatives(node)):
            uses.setdefault(parent, []).append((node, float(local)))
    return uses


def _pattern_values(node: Value, grads: dict, uses: dict) -> dict[str, list[float]]:
    """What each mistake would answer for ``node``, straight from the definitions."""
    edges = uses.get(node, [])
    contributions = [local * grads[consumer] for consumer, local in edges]
    m = len(contributions)
    if m > _MAX_SUBSET_USES:
        # The documented cap: with this many uses only one path, or all paths but one, is looked for
        # (2^m subsets would be too many to try, and to tell apart).
        partial = contributions + [math.fsum(contributions[:i] + contributions[i + 1:]) for i in range(m)]
    else:
        partial = [math.fsum(subset) for k in range(1, m) for subset in combinations(contributions, k)]
    return {
        "accumulation": partial,
        "local-only": [local for _, local in edges],
        "upstream-only": [grads[consumer] for consumer, _ in edges],
        "sign": [-grads[node]],
        "value-not-grad": [node.data],
    }


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-9)


@st.composite
def graphs(draw):
    tree = draw(trees(max_leaves=7))
    point = draw(points())
    assume(tree[0] not in ("var", "const"))
    assume(value_is_tame(tree, point, limit=1e4) and kinks_are_clear(tree, point))
    root, env = _graph(tree, point)
    assume(not root.is_leaf)
    grads = propagate(root)
    assume(all(math.isfinite(g) and abs(g) < 1e6 for g in grads.values()))
    return tree, point, root, env


@SETTINGS
@given(graphs())
def test_right_answer_is_never_diagnosed(case):
    tree, point, root, env = case
    grads = propagate(root)
    report = mark_gradients(root, {node: g for node, g in grads.items()})
    assert report.ok
    assert all(row.mistake is None for row in report.rows)
    # the inputs' expected gradients against sympy, the independent oracle
    symbols = {name: sp.Symbol(name, real=True) for name in point}
    expr = to_sympy(tree, symbols)
    at = {symbols[k]: v for k, v in point.items()}
    for name, leaf in env.items():
        if leaf in grads:
            oracle = float(sp.diff(expr, symbols[name]).subs(at).evalf())
            assert math.isclose(grads[leaf], oracle, rel_tol=1e-6, abs_tol=1e-8)


@SETTINGS
@given(graphs())
def test_every_listed_mistake_is_what_its_definition_gives(case):
    _, _, root, _ = case
    grads = propagate(root)
    uses = _uses(root)
    names = display_names(root)
    labels_before = {node: node.label for node in grads}
    for question in quiz_questions(root, rtol=1e-6, atol=1e-9):  # mark_gradients' defaults, as _close
        (node,) = [n for n in grads if names[n] == question.label]
        defined = _pattern_values(node, grads, uses)
        for cand in question.candidates:
            row = mark_gradients(root, {node: cand.value}).rows[0]
            assert not row.correct
            assert row.mistakes == cand.mistakes and row.mistake == cand.mistakes[0] == cand.mistake
            # exactly the mistakes whose definition gives this value are named, in MISTAKES order
            assert list(row.mistakes) == [m for m in MISTAKES if any(_close(cand.value, v) for v in defined[m])]
    assert {node: node.label for node in grads} == labels_before  # names shown, never set


@SETTINGS
@given(graphs())
def test_every_injected_mistake_is_named(case):
    _, _, root, _ = case
    grads = propagate(root)
    uses = _uses(root)
    for node, expected in grads.items():
        for mistake, values in _pattern_values(node, grads, uses).items():
            for value in values:
                if _close(value, expected) or not math.isfinite(value):
                    continue  # a "mistake" that gives the right answer is no mistake
                row = mark_gradients(root, {node: value}).rows[0]
                assert not row.correct and mistake in row.mistakes
                if len(row.mistakes) > 1:
                    assert "fits more than one classic mistake" in row.explanation


@SETTINGS
@given(graphs(), st.floats(0.125, 8.0))
def test_an_answer_matching_no_pattern_has_no_mistake(case, offset):
    _, _, root, _ = case
    grads = propagate(root)
    uses = _uses(root)
    for node, expected in grads.items():
        known = [expected] + [v for vs in _pattern_values(node, grads, uses).values() for v in vs]
        answer = max(abs(v) for v in known) + offset  # beyond every value a pattern could give
        row = mark_gradients(root, {node: answer}).rows[0]
        assert not row.correct
        assert row.mistake is None
        assert row.explanation.startswith("Not quite")


@SETTINGS
@given(graphs(), st.data())
def test_mark_gradients_touches_no_grad(case, data):
    _, _, root, _ = case
    nodes = backprop_order(root, include_leaves=True)
    for i, node in enumerate(nodes):
        node.grad = float(i) - 0.5
    before = [node.grad for node in nodes]
    picked = data.draw(st.lists(st.sampled_from(nodes), min_size=1, max_size=4, unique=True))
    mark_gradients(root, {node: data.draw(st.floats(-5, 5)) for node in picked})
    assert [node.grad for node in nodes] == before


# ---- generated exercises (#19): never ambiguous, so every diagnosis is a claim that holds ------------
# A seed range no other test uses; each level's exercises are made once for all the tests below.
_SEEDS = range(5000, 5060)


@pytest.fixture(scope="module")
def generated():
    return [make_exercise(level, seed) for level in (1, 2, 3) for seed in _SEEDS]


def _questions(exercises):
    for ex in exercises:
        grads = propagate(ex.root)
        uses = _uses(ex.root)
        for q in ex.questions:
            yield ex, q.node, grads, uses


def _within(ex, a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=ex.rtol, abs_tol=ex.atol)


def test_generated_exercises_give_pairwise_different_answers_for_different_mistakes(generated):
    for ex, node, grads, uses in _questions(generated):
        defined = _pattern_values(node, grads, uses)
        wrong = {m: [v for v in vs if not _within(ex, v, grads[node])] for m, vs in defined.items()}
        for m1, m2 in combinations(MISTAKES, 2):
            assert not any(_within(ex, a, b) for a in wrong[m1] for b in wrong[m2]), (ex.title, m1, m2)


def test_a_sign_flip_is_named_sign_at_every_generated_question(generated):
    named = total = 0
    for ex, node, grads, _ in _questions(generated):
        row = ex.check({node: -grads[node]}).rows[0]
        total += 1
        named += "sign" in row.mistakes
    assert named / total >= 0.995, f"{named} of {total}"


def test_a_random_odd_wrong_answer_is_almost_never_named_a_mistake(generated):
    rng = random.Random(19)
    named = total = 0
    for ex, node, grads, _ in _questions(generated):
        offset = rng.choice((-1, 1)) * rng.uniform(0.125, 8.0)  # no multiple of 0.5: no hand-made number
        row = ex.check({node: grads[node] + offset}).rows[0]
        total += 1
        named += row.mistake is not None
        if row.mistake is None:
            assert "would have to be" in row.explanation or "add up to" in row.explanation
    assert named / total <= 0.001, f"{named} of {total}"


def test_every_injected_mistake_is_named_at_every_generated_question(generated):
    for ex, node, grads, uses in _questions(generated):
        for mistake, values in _pattern_values(node, grads, uses).items():
            for value in values:
                if _within(ex, value, grads[node]):
                    continue
                row = ex.check({node: value}).rows[0]
                assert row.mistakes == (mistake,), (ex.title, node.label, value, row.mistakes)
