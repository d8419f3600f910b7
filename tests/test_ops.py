"""Every op's value and derivative against two independent oracles.

1. A central difference computed here on plain floats, with the function written again with ``math.*``
   (never through the engine), refined by one Richardson step so a moderate step size is accurate.
2. sympy: the exact derivative of the same function, ``sympy.diff``, evaluated at the point.

Points include negative, tiny (1e-8) and large inputs wherever the op is defined there. The derivative
is read both through ``backward()`` (the fast path) and through ``grad()`` (the rule-driven path).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
import sympy as sp

from autograd import Value, dot, grad, sum_of

X, Y = sp.symbols("x y", real=True)

# A derivative that is mathematically ~1e-17 comes out of float arithmetic as 0 (tanh'(20) = 1 − 1.0²):
# absolute errors are judged against the size of the numbers involved, which is about 1.
SYMPY_REL, SYMPY_ABS = 1e-9, 1e-14
DIFF_REL, DIFF_ABS = 1e-6, 1e-9


def central_difference(f: Callable[[float], float], x: float, h: float) -> float:
    """(f(x+h) − f(x−h)) / 2h, improved by Richardson extrapolation (error O(h⁴))."""

    def d(step: float) -> float:
        return (f(x + step) - f(x - step)) / (2.0 * step)

    return (4.0 * d(h / 2.0) - d(h)) / 3.0


def step_for(x: float, singular_at_zero: bool) -> float:
    """The difference step.

    Ops with a domain edge, a pole or a kink at 0 (log, sqrt, 1/x, relu, ...) vary on the scale of |x|
    itself, so the step is relative (and never crosses 0); the others vary on a scale of about 1.
    """
    return 1e-3 * abs(x) if singular_at_zero else 1e-3


def exact(expr: sp.Expr, point: dict[sp.Symbol, float]) -> float:
    """The expression at the point, the point's floats taken as the exact rationals they are."""
    return float(expr.subs({s: sp.Rational(v) for s, v in point.items()}).evalf(30))


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


@dataclass(frozen=True)
class Unary:
    name: str
    build: Callable[[Value], Value]
    plain: Callable[[float], float]
    symbolic: Callable[[sp.Expr], sp.Expr]
    points: tuple[float, ...]
    singular_at_zero: bool = False


TINY = 1e-8

UNARY = [
    Unary("neg", lambda v: -v, lambda x: -x, lambda s: -s, (-3.5, -TINY, TINY, 2.0, 1e6)),
    Unary("abs", abs, abs, sp.Abs, (-3.5, -TINY, TINY, 2.0, 1e6), singular_at_zero=True),
    Unary("exp", Value.exp, math.exp, sp.exp, (-30.0, -TINY, TINY, 1.5, 700.0)),
    Unary("log", Value.log, math.log, sp.log, (TINY, 0.3, 1.0, 5.0, 1e10), singular_at_zero=True),
    Unary("sqrt", Value.sqrt, math.sqrt, sp.sqrt, (TINY, 0.3, 2.0, 1e10), singular_at_zero=True),
    Unary("tanh", Value.tanh, math.tanh, sp.tanh, (-5.0, -TINY, TINY, 0.5, 5.0, 20.0)),
    Unary(
        "sigmoid",
        Value.sigmoid,
        _sigmoid,
        lambda s: 1 / (1 + sp.exp(-s)),
        (-30.0, -TINY, 0.0, TINY, 2.0, 30.0),
    ),
    Unary(
        "relu",
        Value.relu,
        lambda x: x if x > 0 else 0.0,
        lambda s: sp.Piecewise((s, s > 0), (0, True)),
        (-3.0, -TINY, TINY, 2.0, 1e6),
        singular_at_zero=True,
    ),
    Unary(
        "leaky_relu(0.1)",
        lambda v: v.leaky_relu(0.1),
        lambda x: x if x > 0 else 0.1 * x,
        lambda s: sp.Piecewise((s, s > 0), (sp.Rational(1, 10) * s, True)),
        (-3.0, -TINY, TINY, 2.0, 1e6),
        singular_at_zero=True,
    ),
    Unary(
        "leaky_relu(default)",
        lambda v: v.leaky_relu(),
        lambda x: x if x > 0 else 0.01 * x,
        lambda s: sp.Piecewise((s, s > 0), (sp.Rational(1, 100) * s, True)),
        (-3.0, -TINY, TINY, 2.0),
        singular_at_zero=True,
    ),
    Unary("sin", Value.sin, math.sin, sp.sin, (-4.0, -TINY, TINY, 1.0, 1e3)),
    Unary("cos", Value.cos, math.cos, sp.cos, (-4.0, -TINY, 0.0, TINY, 1.0, 1e3)),
    Unary("erf", Value.erf, math.erf, sp.erf, (-6.0, -1.0, -TINY, 0.0, TINY, 0.7, 3.0)),
    Unary(
        "softplus",
        Value.softplus,
        lambda x: math.log1p(math.exp(x)) if x < 30 else x + math.log1p(math.exp(-x)),
        lambda s: sp.log(1 + sp.exp(s)),
        (-30.0, -2.0, -TINY, 0.0, TINY, 1.5, 40.0),
    ),
    # x ** n with a number exponent (op "powc")
    Unary("x**2", lambda v: v**2, lambda x: x * x, lambda s: s**2, (-3.0, -TINY, TINY, 1e3)),
    Unary("x**3", lambda v: v**3, lambda x: x * x * x, lambda s: s**3, (-3.0, -TINY, 0.0, TINY, 1e3)),
    Unary("x**-1", lambda v: v**-1, lambda x: 1.0 / x, lambda s: 1 / s, (-3.0, -TINY, TINY, 1e3), True),
    Unary(
        "x**-2.5",
        lambda v: v**-2.5,
        lambda x: x**-2.5,
        lambda s: s ** sp.Rational(-5, 2),
        (TINY, 0.7, 1e3),
        True,
    ),
    Unary("x**0.5", lambda v: v**0.5, math.sqrt, sp.sqrt, (TINY, 0.7, 1e10), singular_at_zero=True),
    Unary(
        "x**1.5",
        lambda v: v**1.5,
        lambda x: x * math.sqrt(x),
        lambda s: s ** sp.Rational(3, 2),
        (TINY, 0.7, 1e6),
        True,
    ),
    Unary("x**1", lambda v: v**1, lambda x: x, lambda s: s, (-2.0, 0.0, 3.0)),
    Unary("x**0 (not at 0)", lambda v: v**0, lambda x: 1.0, lambda s: sp.Integer(1), (-2.0, 3.0)),
]

UNARY_CASES = [pytest.param(op, x, id=f"{op.name}@{x:g}") for op in UNARY for x in op.points]


def _both_paths(build: Callable[..., Value], *xs: float) -> tuple[float, list[float], list[float]]:
    """The output value and the gradient by backward() and by grad(), each on a fresh graph."""
    leaves = [Value(x) for x in xs]
    out = build(*leaves)
    out.backward()
    by_backward = [leaf.grad for leaf in leaves]
    leaves2 = [Value(x) for x in xs]
    by_grad = grad(build(*leaves2), leaves2)
    return out.data, by_backward, by_grad


@pytest.mark.parametrize(("op", "x"), UNARY_CASES)
def test_unary_value_and_derivative(op: Unary, x: float) -> None:
    value, (d_backward,), (d_grad,) = _both_paths(op.build, x)
    assert value == pytest.approx(op.plain(x), rel=1e-12, abs=1e-300)
    expr = op.symbolic(X)
    assert value == pytest.approx(exact(expr, {X: x}), rel=1e-12, abs=1e-300)

    numeric = central_difference(op.plain, x, step_for(x, op.singular_at_zero))
    symbolic = exact(sp.diff(expr, X), {X: x})
    for d in (d_backward, d_grad):
        assert math.isclose(d, numeric, rel_tol=DIFF_REL, abs_tol=DIFF_ABS), (d, numeric)
        assert math.isclose(d, symbolic, rel_tol=SYMPY_REL, abs_tol=SYMPY_ABS), (d, symbolic)


@dataclass(frozen=True)
class Binary:
    name: str
    build: Callable[[Value, Value], Value]
    plain: Callable[[float, float], float]
    symbolic: Callable[[sp.Expr, sp.Expr], sp.Expr]
    points: tuple[tuple[float, float], ...]
    singular: tuple[bool, bool] = (False, False)  # a domain edge at 0 in that argument
    skip_b: tuple[tuple[float, float], ...] = ()  # points where ∂/∂b is not real


BINARY = [
    Binary(
        "add",
        lambda a, b: a + b,
        lambda a, b: a + b,
        lambda a, b: a + b,
        ((-3.0, 2.0), (TINY, -TINY), (2.5, 1e6), (-1e6, -7.25)),
    ),
    Binary(
        "sub",
        lambda a, b: a - b,
        lambda a, b: a - b,
        lambda a, b: a - b,
        ((-3.0, 2.0), (TINY, -TINY), (2.5, 1e6), (-1e6, -7.25)),
    ),
    Binary(
        "mul",
        lambda a, b: a * b,
        lambda a, b: a * b,
        lambda a, b: a * b,
        ((-3.0, 2.0), (TINY, -TINY), (2.5, 1e6), (-1e3, -7.25)),
    ),
    Binary(
        "div",
        lambda a, b: a / b,
        lambda a, b: a / b,
        lambda a, b: a / b,
        ((-3.0, 2.0), (TINY, -TINY), (2.5, 1e6), (-1e3, -7.25), (1.0, TINY)),
        singular=(False, True),
    ),
    Binary(
        "pow",
        lambda a, b: a**b,
        lambda a, b: math.pow(a, b),
        lambda a, b: a**b,
        (
            (2.0, 3.0),
            (0.5, -1.5),
            (TINY, 2.0),
            (3.0, -TINY),
            (1e3, 2.5),
            (1.5, 40.0),
            (-2.0, 3.0),
            (-1.5, -2.0),
        ),
        singular=(True, False),
        skip_b=((-2.0, 3.0), (-1.5, -2.0)),
    ),
]

BINARY_CASES = [pytest.param(op, a, b, id=f"{op.name}@{a:g},{b:g}") for op in BINARY for a, b in op.points]


@pytest.mark.parametrize(("op", "a", "b"), BINARY_CASES)
def test_binary_value_and_derivatives(op: Binary, a: float, b: float) -> None:
    value, by_backward, by_grad = _both_paths(op.build, a, b)
    assert value == pytest.approx(op.plain(a, b), rel=1e-12, abs=1e-300)
    expr = op.symbolic(X, Y)
    point = {X: a, Y: b}
    assert value == pytest.approx(exact(expr, point), rel=1e-12, abs=1e-300)

    numeric = [
        central_difference(lambda t: op.plain(t, b), a, step_for(a, op.singular[0])),
        None
        if (a, b) in op.skip_b
        else central_difference(lambda t: op.plain(a, t), b, step_for(b, op.singular[1])),
    ]
    for i, symbol in enumerate((X, Y)):
        if numeric[i] is None:
            continue
        symbolic = exact(sp.diff(expr, symbol), point)
        for grads in (by_backward, by_grad):
            assert math.isclose(grads[i], numeric[i], rel_tol=DIFF_REL, abs_tol=DIFF_ABS), (
                i,
                grads[i],
                numeric[i],
            )
            assert math.isclose(grads[i], symbolic, rel_tol=SYMPY_REL, abs_tol=SYMPY_ABS), (
                i,
                grads[i],
                symbolic,
            )


def test_pow_exponent_derivative_is_nan_for_negative_base() -> None:
    """(−2)ᵇ·ln(−2) is not real: the engine says NaN rather than inventing a number."""
    a, b = Value(-2.0), Value(3.0)
    (a**b).backward()
    assert a.grad == pytest.approx(3 * 4.0)
    assert math.isnan(b.grad)


# ---- a plain number on either side -------------------------------------------------------------
MIXED = [
    ("2 * x", lambda v: 2 * v, lambda x: 2.0 * x, lambda s: 2 * s, False),
    ("x * 2", lambda v: v * 2, lambda x: x * 2.0, lambda s: s * 2, False),
    ("2 + x", lambda v: 2 + v, lambda x: 2.0 + x, lambda s: 2 + s, False),
    ("x + 2", lambda v: v + 2, lambda x: x + 2.0, lambda s: s + 2, False),
    ("3 - x", lambda v: 3 - v, lambda x: 3.0 - x, lambda s: 3 - s, False),
    ("x - 3", lambda v: v - 3, lambda x: x - 3.0, lambda s: s - 3, False),
    ("1 / x", lambda v: 1 / v, lambda x: 1.0 / x, lambda s: 1 / s, True),
    ("x / 4", lambda v: v / 4, lambda x: x / 4.0, lambda s: s / 4, False),
    ("2 ** x", lambda v: 2**v, lambda x: math.pow(2.0, x), lambda s: 2**s, False),
    ("x ** 2", lambda v: v**2, lambda x: x * x, lambda s: s**2, False),
    ("0.5 ** x", lambda v: 0.5**v, lambda x: math.pow(0.5, x), lambda s: sp.Rational(1, 2) ** s, False),
    (
        "2.5 * x - 1",
        lambda v: 2.5 * v - 1,
        lambda x: 2.5 * x - 1.0,
        lambda s: sp.Rational(5, 2) * s - 1,
        False,
    ),
]


@pytest.mark.parametrize(("text", "build", "plain", "symbolic", "singular"), MIXED, ids=[m[0] for m in MIXED])
@pytest.mark.parametrize("x", [-2.5, TINY, 3.0, 40.0])
def test_plain_numbers_on_either_side(
    text: str,
    build: Callable[[Any], Any],
    plain: Callable[[float], float],
    symbolic: Any,
    singular: bool,
    x: float,
) -> None:
    value, (d_backward,), (d_grad,) = _both_paths(build, x)
    assert value == pytest.approx(plain(x), rel=1e-12)
    numeric = central_difference(plain, x, step_for(x, singular))
    symbolic_d = exact(sp.diff(symbolic(X), X), {X: x})
    for d in (d_backward, d_grad):
        assert math.isclose(d, numeric, rel_tol=DIFF_REL, abs_tol=DIFF_ABS)
        assert math.isclose(d, symbolic_d, rel_tol=SYMPY_REL, abs_tol=SYMPY_ABS)


def test_constant_operand_gets_its_own_gradient() -> None:
    """The plain number becomes a leaf of the graph; ∂(c·x)/∂c = x reaches it."""
    x = Value(-1.5)
    y = 4 * x
    y.backward()
    (constant,) = [p for p in y.parents if p is not x]
    assert constant.data == 4.0
    assert constant.grad == -1.5
    assert x.grad == 4.0


# ---- the n-ary nodes --------------------------------------------------------------------------
NARY_POINTS = [(-3.0, 2.0, 0.5), (TINY, -TINY, 1e6), (-1e3, 7.25, -0.125)]


@pytest.mark.parametrize("xs", NARY_POINTS)
def test_sum_of(xs: tuple[float, float, float]) -> None:
    symbols = sp.symbols("s0:3", real=True)
    expr = sp.Add(*symbols)
    value, by_backward, by_grad = _both_paths(lambda *vs: sum_of(vs), *xs)
    assert value == pytest.approx(math.fsum(xs), rel=1e-15, abs=1e-300)
    point = dict(zip(symbols, xs))
    for i, s in enumerate(symbols):
        numeric = central_difference(lambda t, i=i: math.fsum(xs[:i] + (t,) + xs[i + 1 :]), xs[i], 1e-3)
        symbolic = exact(sp.diff(expr, s), point)
        for grads in (by_backward, by_grad):
            assert math.isclose(grads[i], numeric, rel_tol=DIFF_REL, abs_tol=DIFF_ABS)
            assert math.isclose(grads[i], symbolic, rel_tol=SYMPY_REL, abs_tol=SYMPY_ABS)


def _plain_dot(items: tuple[float, ...], with_bias: bool) -> float:
    n = len(items) // 2
    total = sum(items[i] * items[n + i] for i in range(n))
    return total + (items[-1] if with_bias else 0.0)


DOT_POINTS = [
    ((-3.0, 2.0, 0.5, 1.5), False),
    ((-3.0, 2.0, 0.5, 1.5, -0.75), True),
    ((TINY, -TINY, 1e3, -2.0, 4.0, 1e-3, 10.0), True),
    ((1.25, -4.0), False),
]


@pytest.mark.parametrize(("items", "with_bias"), DOT_POINTS)
def test_dot(items: tuple[float, ...], with_bias: bool) -> None:
    n = len(items) // 2
    symbols = sp.symbols(f"d0:{len(items)}", real=True)
    expr = sp.Add(*[symbols[i] * symbols[n + i] for i in range(n)]) + (symbols[-1] if with_bias else 0)

    def build(*vs: Value) -> Value:
        return dot(vs[:n], vs[n : 2 * n], vs[-1] if with_bias else None)

    value, by_backward, by_grad = _both_paths(build, *items)
    assert value == pytest.approx(_plain_dot(items, with_bias), rel=1e-12)
    point = dict(zip(symbols, items))
    for i, s in enumerate(symbols):
        numeric = central_difference(
            lambda t, i=i: _plain_dot(items[:i] + (t,) + items[i + 1 :], with_bias), items[i], 1e-3
        )
        symbolic = exact(sp.diff(expr, s), point)
        for grads in (by_backward, by_grad):
            assert math.isclose(grads[i], numeric, rel_tol=DIFF_REL, abs_tol=DIFF_ABS), (i, grads[i], numeric)
            assert math.isclose(grads[i], symbolic, rel_tol=SYMPY_REL, abs_tol=SYMPY_ABS)


def test_dot_with_number_inputs_and_bias() -> None:
    w = [Value(2.0), Value(-1.0)]
    out = dot(w, [3, 0.5], bias=1)
    assert out.data == 2.0 * 3 - 1.0 * 0.5 + 1
    out.backward()
    assert [p.grad for p in w] == [3.0, 0.5]


def test_sum_and_dot_with_a_repeated_input() -> None:
    """An input listed twice receives both contributions: d(x + x + y)/dx = 2, d(x·x + x·y)/dx = 2x + y."""
    x, y = Value(1.5), Value(-4.0)
    sum_of([x, x, y]).backward()
    assert (x.grad, y.grad) == (2.0, 1.0)
    x, y = Value(1.5), Value(-4.0)
    dot([x, x], [x, y]).backward()
    assert x.grad == pytest.approx(2 * 1.5 + -4.0)
    assert y.grad == 1.5


# ---- conventions at non-differentiable points (documented in autograd.ops, PyTorch's choice) ----
@pytest.mark.parametrize(
    ("build", "expected"),
    [
        (Value.relu, 0.0),
        (abs, 0.0),
        (lambda v: v.leaky_relu(0.2), 0.2),
        (Value.sqrt, math.inf),
    ],
    ids=["relu'(0)=0", "|x|'(0)=0", "leaky_relu'(0)=slope", "sqrt'(0)=inf"],
)
def test_derivative_conventions_at_zero(build: Callable[[Value], Value], expected: float) -> None:
    x = Value(0.0)
    build(x).backward()
    assert x.grad == expected
    leaf = Value(0.0)
    assert grad(build(leaf), [leaf]) == [expected]


@pytest.mark.parametrize("build", [lambda v: v**0, lambda v: v ** Value(0.0)], ids=["powc", "pow"])
def test_derivative_of_x_to_the_zero_at_zero(build: Callable[[Value], Value]) -> None:
    x = Value(0.0)
    build(x).backward()
    assert x.grad == exact(sp.diff(X**0, X), {X: 0.0}) == 0.0


def test_sigmoid_never_overflows() -> None:
    """sigmoid(±1000) is 0 / 1 (its exact value rounded), not an OverflowError from exp(1000)."""
    low, high = Value(-1000.0), Value(1000.0)
    assert low.sigmoid().data == 0.0
    assert high.sigmoid().data == 1.0
    assert math.isclose(Value(-700.0).sigmoid().data, math.exp(-700.0), rel_tol=1e-12)


@pytest.mark.parametrize("build", [lambda v: v**-1, lambda v: v ** Value(-1.0)], ids=["powc", "pow"])
def test_power_derivative_that_overflows_is_infinite_not_an_exception(
    build: Callable[[Value], Value],
) -> None:
    x = Value(1e-200)
    build(x).backward()
    reference = Value(1e-200)
    (1 / reference).backward()
    assert x.grad == reference.grad == -math.inf
