"""Random expression graphs over every op, against sympy (hypothesis).

Each example is a random tree over x, y, z (``tests/strategies.py``), built twice: with gradstep and with
sympy. The value and all three partial derivatives must agree, with the gradient read through
``grad()`` (the rule-driven pass) and through ``backward()`` (the fast pass). sympy differentiates
symbolically and evaluates at the float point taken as exact rationals, so it is an independent oracle.
"""

from __future__ import annotations

import math

import sympy as sp
from hypothesis import HealthCheck, assume, given, settings
from strategies import VARIABLES, kinks_are_clear, points, to_sympy, to_value, trees, value_is_tame

from autograd import Value, grad
from autograd.backward import propagate

SYMBOLS = {name: sp.Symbol(name, real=True) for name in VARIABLES}

# Float arithmetic through a dozen ops loses a few digits, more where terms cancel; the tolerance is
# relative to the size of the numbers involved (at least 1).
REL = 1e-7


def backward_stays_finite(out: Value) -> bool:
    try:
        propagate(out, check_finite=True)
    except FloatingPointError:
        return False
    return True


def _exact(expr: sp.Expr, point: dict[str, float]) -> float:
    subs = {SYMBOLS[n]: sp.Rational(v) for n, v in point.items()}
    return float(expr.subs(subs).evalf(25))


def _agrees(got: float, expected: float, scale: float) -> bool:
    return math.isclose(got, expected, rel_tol=REL, abs_tol=REL * scale)


@settings(
    max_examples=220,
    deadline=None,
    suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow],
)
@given(trees(max_leaves=8), points())
def test_random_graphs_value_and_gradient_against_sympy(tree: tuple, point: dict[str, float]) -> None:
    assume(value_is_tame(tree, point))
    assume(kinks_are_clear(tree, point))
    expr = to_sympy(tree, SYMBOLS)

    leaves = {name: Value(v, name) for name, v in point.items()}
    out = to_value(tree, leaves)
    expected_value = _exact(expr, point)
    assert _agrees(out.data, expected_value, max(1.0, abs(expected_value))), (out.data, expected_value)

    # Where an intermediate derivative overflows float64 (x⁻¹ near 1e-177 has slope −1e353), the chain
    # rule in floats meets inf × 0 = nan however the engine is written: such points test float range,
    # not the derivative rules.
    assume(backward_stays_finite(out))
    expected = [_exact(sp.diff(expr, SYMBOLS[n]), point) for n in VARIABLES]
    scale = max([1.0, abs(expected_value)] + [abs(g) for g in expected])
    by_grad = grad(out, [leaves[n] for n in VARIABLES])
    out.backward()
    by_backward = [leaves[n].grad for n in VARIABLES]
    for name, e, g, b in zip(VARIABLES, expected, by_grad, by_backward):
        assert _agrees(g, e, scale), ("grad()", name, g, e)
        assert _agrees(b, e, scale), ("backward()", name, b, e)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow],
)
@given(trees(max_leaves=5), points())
def test_random_graphs_second_derivatives_against_sympy(tree: tuple, point: dict[str, float]) -> None:
    """∂²f/∂x² and ∂²f/∂x∂y through grad(create_graph=True)."""
    assume(value_is_tame(tree, point))
    assume(kinks_are_clear(tree, point, margin=1e-2))
    x, y = SYMBOLS["x"], SYMBOLS["y"]
    expr = to_sympy(tree, SYMBOLS)
    leaves = {name: Value(v, name) for name, v in point.items()}
    out = to_value(tree, leaves)
    try:
        (dx,) = grad(out, [leaves["x"]], create_graph=True)
        dxx, dxy = grad(dx, [leaves["x"], leaves["y"]])
    except OverflowError:
        # A derivative graph past float64's range (x⁻² at x ≈ 6e-189 is 3e376): the op says so, by
        # design; such points test float range, not the derivative rules (as in the test above).
        assume(False)
    fx = sp.diff(expr, x)
    expected = [_exact(fx, point), _exact(sp.diff(fx, x), point), _exact(sp.diff(fx, y), point)]
    assume(all(math.isfinite(e) and abs(e) < 1e8 for e in expected))
    scale = max([1.0] + [abs(e) for e in expected])
    for got, e in zip([dx.data, dxx, dxy], expected):
        assert math.isclose(got, e, rel_tol=1e-6, abs_tol=1e-6 * scale), (got, e)
