"""grad(), derivative(), higher-order derivatives, and the no_grad / enable_grad / detect_anomaly modes."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import pytest
import sympy as sp

from autograd import (
    Value,
    derivative,
    detect_anomaly,
    dot,
    enable_grad,
    grad,
    is_grad_enabled,
    no_grad,
    sum_of,
)

X, Y = sp.symbols("x y", real=True)


def exact(expr: sp.Expr, point: dict[sp.Symbol, float]) -> float:
    return float(expr.subs({s: sp.Rational(v) for s, v in point.items()}).evalf(30))


# ---- grad() ------------------------------------------------------------------------------------
def test_grad_returns_floats_in_input_order_and_leaves_grad_untouched() -> None:
    x, y = Value(1.5), Value(-2.0)
    out = (x * y).sin() + y.exp()
    h = out.parents[0]
    for node in (x, y, h, out):
        node.grad = 7.0  # whatever is there must stay there
    gx, gy = grad(out, [x, y])
    assert (x.grad, y.grad, h.grad, out.grad) == (7.0, 7.0, 7.0, 7.0)
    assert isinstance(gx, float) and isinstance(gy, float)
    assert gx == pytest.approx(math.cos(1.5 * -2.0) * -2.0, rel=1e-14)
    assert gy == pytest.approx(math.cos(1.5 * -2.0) * 1.5 + math.exp(-2.0), rel=1e-14)
    assert grad(out, [y, x]) == [gy, gx]


def test_grad_with_create_graph_leaves_grad_untouched_too() -> None:
    x = Value(0.3)
    y = x.tanh() * x
    (dy,) = grad(y, [x], create_graph=True)
    grad(dy, [x], create_graph=True)
    assert x.grad == 0.0 and y.grad == 0.0


def test_grad_of_an_unrelated_input_is_zero_and_of_itself_is_one() -> None:
    x, other = Value(2.0), Value(5.0)
    y = x * 3
    assert grad(y, [other]) == [0.0]
    assert grad(y, other) == [0.0]  # a single Value is accepted as the inputs
    assert grad(x, [x]) == [1.0]
    (g,) = grad(y, [other], create_graph=True)
    assert isinstance(g, Value) and g.data == 0.0


def test_grad_rejects_non_values() -> None:
    with pytest.raises(TypeError, match="float"):
        grad(1.0, [Value(1.0)])  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"inputs\[1\]"):
        grad(Value(1.0), [Value(1.0), 2.0])  # type: ignore[list-item]


# ---- higher order, against sympy --------------------------------------------------------------
def _nth(f: Callable[[Value], Value], x: float, order: int) -> list[float]:
    """[f'(x), f''(x), …] by repeated grad(..., create_graph=True)."""
    leaf = Value(x)
    current = f(leaf)
    found = []
    for _ in range(order):
        (current,) = grad(current, [leaf], create_graph=True)
        found.append(current.data)
    return found


HIGHER = [
    ("x**3*sin(x)", lambda v: v**3 * v.sin(), lambda s: s**3 * sp.sin(s), (-1.3, 0.4, 2.0)),
    ("tanh(x)", Value.tanh, sp.tanh, (-0.8, 0.1, 1.7)),
    ("sigmoid(x)", Value.sigmoid, lambda s: 1 / (1 + sp.exp(-s)), (-2.0, 0.0, 0.6)),
    ("exp(x)/x", lambda v: v.exp() / v, lambda s: sp.exp(s) / s, (-1.5, 0.7)),
    ("log(x)*sqrt(x)", lambda v: v.log() * v.sqrt(), lambda s: sp.log(s) * sp.sqrt(s), (0.3, 2.5)),
    ("2**x * cos(x)", lambda v: 2**v * v.cos(), lambda s: 2**s * sp.cos(s), (-1.0, 0.5)),
    ("x**x", lambda v: v**v, lambda s: s**s, (0.5, 1.7)),
    ("x**2.5 - 1/x", lambda v: v**2.5 - 1 / v, lambda s: s ** sp.Rational(5, 2) - 1 / s, (0.4, 3.0)),
    ("relu(x)*x", lambda v: v.relu() * v, lambda s: sp.Piecewise((s * s, s > 0), (0, True)), (-1.0, 1.5)),
    ("abs(x)**3", lambda v: abs(v) ** 3, lambda s: sp.Abs(s) ** 3, (-1.2, 0.9)),
]


@pytest.mark.parametrize(("text", "f", "symbolic", "points"), HIGHER, ids=[h[0] for h in HIGHER])
def test_first_second_third_derivatives_against_sympy(text: str, f: Any, symbolic: Any, points: Any) -> None:
    expr = symbolic(X)
    for x in points:
        got = _nth(f, x, 3)
        for order, value in enumerate(got, start=1):
            assert value == pytest.approx(exact(sp.diff(expr, X, order), {X: x}), rel=1e-10, abs=1e-12), (
                x,
                order,
            )


@pytest.mark.parametrize(("xv", "yv"), [(0.5, -1.25), (-2.0, 3.0)])
def test_mixed_partials_of_exp_x_times_y(xv: float, yv: float) -> None:
    """f = eˣ·y: ∂f/∂x = eˣy, ∂f/∂y = eˣ, ∂²f/∂x∂y = eˣ, ∂²f/∂y² = 0, ∂³f/∂x²∂y = eˣ."""
    expr = sp.exp(X) * Y
    point = {X: xv, Y: yv}
    x, y = Value(xv), Value(yv)
    f = x.exp() * y
    fx, fy = grad(f, [x, y], create_graph=True)
    fxx, fxy = grad(fx, [x, y], create_graph=True)
    fyx, fyy = grad(fy, [x, y], create_graph=True)
    fxxy = grad(fxx, [y])[0]
    fyyy = grad(fyy, [y])[0]
    cases = [
        (fx.data, sp.diff(expr, X)),
        (fy.data, sp.diff(expr, Y)),
        (fxx.data, sp.diff(expr, X, 2)),
        (fxy.data, sp.diff(expr, X, Y)),
        (fyx.data, sp.diff(expr, Y, X)),
        (fyy.data, sp.diff(expr, Y, 2)),
        (fxxy, sp.diff(expr, X, 2, Y)),
        (fyyy, sp.diff(expr, Y, 3)),
    ]
    for got, symbolic in cases:
        assert got == pytest.approx(exact(symbolic, point), rel=1e-13, abs=1e-15)


def test_second_derivative_of_sum_and_dot_nodes() -> None:
    """f = Σ(x·x, x, 3) + dot([x, y], [x, x]) = x² + x + 3 + x² + xy: f_xx = 4, f_xy = 1."""
    x, y = Value(0.75), Value(-2.0)
    f = sum_of([x * x, x, 3.0]) + dot([x, y], [x, x])
    fx, fy = grad(f, [x, y], create_graph=True)
    assert fx.data == pytest.approx(4 * 0.75 + 1 + -2.0)
    assert fy.data == pytest.approx(0.75)
    assert grad(fx, [x, y]) == pytest.approx([4.0, 1.0])
    assert grad(fy, [x, y]) == pytest.approx([1.0, 0.0])


def test_create_graph_works_inside_no_grad() -> None:
    """grad(create_graph=True) must build its graph even when called under no_grad()."""
    x = Value(1.2)
    y = x**3
    with no_grad():
        (dy,) = grad(y, [x], create_graph=True)
    assert dy.data == pytest.approx(3 * 1.2**2)
    assert grad(dy, [x]) == pytest.approx([6 * 1.2])


# ---- derivative() ----------------------------------------------------------------------------------
def test_derivative_returns_a_float_for_numbers_and_a_value_for_values() -> None:
    def cube(v: Any) -> Any:
        return v**3

    d = derivative(cube)
    assert isinstance(d(2.0), float) and d(2.0) == 12.0
    assert isinstance(d(2), float) and d(2) == 12.0
    assert isinstance(d(Value(2.0)), Value)
    assert derivative(derivative(cube))(2.0) == pytest.approx(12.0)
    assert derivative(derivative(derivative(cube)))(-5.0) == pytest.approx(6.0)
    assert d.__name__ == "d_cube"


def test_derivative_of_a_constant_function_is_zero() -> None:
    def flat(v: Any) -> float:
        return 4.0

    with pytest.warns(UserWarning, match="plain number"):  # a float result may be a cut graph: say so
        assert derivative(flat)(1.0) == 0.0
    assert derivative(derivative(lambda v: 3 * v))(1.0) == 0.0


def test_derivative_rejects_non_callables() -> None:
    with pytest.raises(TypeError, match="function"):
        derivative(3.0)  # type: ignore[arg-type]


@pytest.mark.parametrize("x", [-1.5, 0.25, 2.0])
def test_composed_derivative_matches_sympy(x: float) -> None:
    def f(v: Any) -> Any:
        return (v * v + 1).log() * v.cos()

    expr = sp.log(X**2 + 1) * sp.cos(X)
    d1, d2, d3 = derivative(f), derivative(derivative(f)), derivative(derivative(derivative(f)))
    for order, d in enumerate((d1, d2, d3), start=1):
        assert d(x) == pytest.approx(exact(sp.diff(expr, X, order), {X: x}), rel=1e-10)


# ---- no_grad / enable_grad ---------------------------------------------------------------------------
def test_no_grad_builds_no_graph() -> None:
    x, y = Value(2.0), Value(-1.0)
    with no_grad():
        assert not is_grad_enabled()
        results = [
            x + y,
            x - y,
            x * y,
            x / y,
            x**y,
            x**2,
            -x,
            abs(y),
            x.exp(),
            x.log(),
            x.sqrt(),
            x.tanh(),
            x.sigmoid(),
            x.relu(),
            y.leaky_relu(0.1),
            x.sin(),
            x.cos(),
            sum_of([x, y, x]),
            dot([x], [y], 1.0),
            3 * x,
            1 / x,
            2**x,
        ]
    assert is_grad_enabled()
    for r in results:
        assert r.parents == () and r.op == "" and r.is_leaf
    # The numbers are the same as with a graph.
    assert [r.data for r in results[:4]] == [1.0, 3.0, -2.0, -2.0]
    assert results[17].data == 3.0 and results[18].data == -1.0


def test_enable_grad_inside_no_grad_and_nesting_restore_the_mode() -> None:
    x = Value(1.0)
    with no_grad():
        with enable_grad():
            assert is_grad_enabled()
            inside = x * 2
        assert not is_grad_enabled()
        with no_grad():
            assert not is_grad_enabled()
        assert not is_grad_enabled()
        outside = x * 2
    assert is_grad_enabled()
    assert inside.parents[0] is x
    assert outside.parents == ()


def test_modes_are_restored_after_an_exception() -> None:
    with pytest.raises(RuntimeError), no_grad(), enable_grad():
        raise RuntimeError("boom")
    assert is_grad_enabled()
    with pytest.raises(ValueError), no_grad():
        Value(-1.0).log()
    assert is_grad_enabled()
    assert (Value(1.0) * 2).parents != ()
    with pytest.raises(FloatingPointError), no_grad(), detect_anomaly():
        Value(1e308) * 10
    assert is_grad_enabled()
    assert math.isinf((Value(1e308) * 10).data)  # anomaly detection is off again


# ---- detect_anomaly -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("make", "op"),
    [
        (lambda: Value(1e308) * 10, "mul"),
        (lambda: Value(1e308) + Value(1e308), "add"),
        (lambda: Value(-1e308) - Value(1e308), "sub"),
        (lambda: Value(1e308) / 1e-10, "div"),
        (lambda: dot([Value(1e308)], [Value(1e308)]), "dot"),
        (lambda: sum_of([Value(1e308), Value(1e308)]), "sum"),
        (lambda: Value(float("inf")) * 0, "mul"),
        (lambda: Value(float("nan")).tanh(), "tanh"),
    ],
)
def test_detect_anomaly_names_the_forward_op(make: Callable[[], Value], op: str) -> None:
    with detect_anomaly(), pytest.raises(FloatingPointError, match=op) as info:
        make()
    assert "forward" in str(info.value)
    make()  # outside the block nothing is raised: the state was restored


def test_detect_anomaly_names_the_backward_op() -> None:
    with detect_anomaly():
        y = Value(0.0).sqrt()  # finite forward, infinite derivative 1/(2√0)
        with pytest.raises(FloatingPointError, match="sqrt") as info:
            y.backward()
    assert "backward" in str(info.value)
    x = Value(0.0)
    x.sqrt().backward()  # outside: no error, the derivative is +inf
    assert x.grad == math.inf


def test_detect_anomaly_in_backward_of_a_deeper_graph() -> None:
    """The op that first makes the inf is named, not the ops the inf later flows through."""
    x = Value(0.0)
    with detect_anomaly():
        y = (x.sqrt() * 2.0 + 1.0).tanh()
        with pytest.raises(FloatingPointError, match="sqrt"):
            y.backward()
    assert x.grad == 0.0  # nothing half-accumulated


def test_detect_anomaly_leaves_normal_gradients_unchanged() -> None:
    def build() -> tuple[Value, Value, Value]:
        a, b = Value(0.3), Value(-1.1)
        return (a * b + a.exp()).tanh() - (b * b).sin(), a, b

    y, a, b = build()
    y.backward()
    with detect_anomaly():
        y2, a2, b2 = build()
        y2.backward()
    assert (a2.grad, b2.grad) == (a.grad, b.grad)


def test_detect_anomaly_state_restored_after_the_block_and_nesting() -> None:
    with detect_anomaly():
        with detect_anomaly():
            pass
        with pytest.raises(FloatingPointError):
            Value(1e308) * 10
    assert math.isinf((Value(1e308) * 10).data)
