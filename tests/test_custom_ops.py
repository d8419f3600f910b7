"""Ops of your own (define_op), swept by check_op; the built-ins erf and softplus.

Oracles: sympy's derivatives of erf and ln(1 + eˣ) (first and second), the hand-derived derivatives of
x³ and of the logistic function (σ' = σ·(1 − σ)), and central differences computed here.
"""

from __future__ import annotations

import math

import pytest
import sympy as sp

from autograd import Value, define_op, grad, trace_backward
from autograd.check import check_op, gradcheck, gradgradcheck
from autograd.ops import OPS

S = sp.Symbol("s")


# ---- erf and softplus against sympy ------------------------------------------------------------------
@pytest.mark.parametrize(
    ("method", "symbolic"), [(Value.erf, sp.erf(S)), (Value.softplus, sp.log(1 + sp.exp(S)))]
)
@pytest.mark.parametrize("x", [-7.0, -1.3, 0.0, 0.4, 2.5, 8.0])
def test_erf_and_softplus_first_and_second_derivatives(method, symbolic, x: float) -> None:
    leaf = Value(x)
    out = method(leaf)
    (first,) = grad(out, [leaf], create_graph=True)
    (second,) = grad(first, [leaf])
    def exact(e: sp.Expr) -> float:
        return float(e.subs(S, sp.Rational(x)).evalf(40))

    assert out.data == pytest.approx(exact(symbolic), rel=1e-14, abs=1e-300)
    assert first.data == pytest.approx(exact(sp.diff(symbolic, S)), rel=1e-12, abs=1e-300)
    assert second == pytest.approx(exact(sp.diff(symbolic, S, 2)), rel=1e-9, abs=1e-15)


def test_softplus_never_overflows_and_keeps_its_digits() -> None:
    assert Value(1000.0).softplus().data == 1000.0
    assert Value(-1000.0).softplus().data == 0.0
    assert Value(-40.0).softplus().data == pytest.approx(math.exp(-40.0), rel=1e-12)
    leaf = Value(-1000.0)
    (slope,) = grad(leaf.softplus(), [leaf])
    assert slope == 0.0


def test_exact_gelu_from_erf_passes_gradcheck_everywhere() -> None:
    def gelu(x: Value) -> Value:
        return x * (0.5 * (1.0 + (x / math.sqrt(2.0)).erf()))

    for x in (-3.0, -0.5, 0.0, 1.0, 2.5):
        gradcheck(gelu, [x])
        gradgradcheck(gelu, [x])


def test_builtin_sweeps() -> None:
    assert check_op(Value.erf, (-6, 6)).ok
    assert check_op(Value.softplus, (-40, 40)).ok
    relu = check_op(Value.relu, (-1, 1), points=5)
    assert relu.ok and relu.kinks == ((0.0,),) and "non-differentiable at x = 0" in str(relu)


# ---- define_op ---------------------------------------------------------------------------------------------
cube = define_op("cube", lambda a: a**3, lambda a, out: 3 * a**2, derivative_text="3·{a}²")
logistic = define_op(
    "logistic", lambda a: 1 / (1 + math.exp(-a)), lambda m, a, out: out * (1 - out), derivative_text="σ·(1 − σ)"
)
hypot = define_op(
    "hypot", math.hypot, lambda m, a, b, out: (m.div(a, out), m.div(b, out)), text="hypot({a}, {b})",
    derivative_text=("{a}/hypot", "{b}/hypot"),
)


def test_a_custom_op_goes_through_backward_grad_and_gradcheck() -> None:
    x = Value(2.0, "x")
    y = cube(x) * 5.0 + x
    y.backward()
    assert y.data == 42.0 and x.grad == 5 * 3 * 4 + 1
    assert grad(cube(x), [x]) == [12.0]
    gradcheck(lambda t: cube(t).sin(), [0.7])
    a, b = Value(3.0, "a"), Value(-4.0, "b")
    out = hypot(a, b)
    assert out.data == 5.0 and grad(out, [a, b]) == [pytest.approx(0.6), pytest.approx(-0.8)]
    assert cube(3).data == 27.0  # a plain number becomes a constant


def test_a_rule_written_against_the_math_namespace_serves_create_graph() -> None:
    x = Value(0.3)
    (first,) = grad(logistic(x), [x], create_graph=True)
    (second,) = grad(first, [x])
    s = 1 / (1 + math.exp(-0.3))
    assert second == pytest.approx(s * (1 - s) * (1 - 2 * s), rel=1e-12)  # σ'' = σ(1−σ)(1−2σ)
    gradgradcheck(lambda t, u: hypot(t, u) * t, [1.5, 2.0])


def test_a_float_only_rule_refuses_create_graph_with_what_to_write() -> None:
    x = Value(2.0)
    with pytest.raises(TypeError, match=r"write it against the math namespace: def derivative\(m, a, out\)"):
        grad(cube(x), [x], create_graph=True)


def test_the_trace_the_graph_and_the_stepper_show_the_ops_name_and_formula(tmp_path) -> None:
    from autograd.viz import draw_graph, save_backprop_html

    y = cube(Value(3.0, "x"))
    y.label = "y"
    text = str(trace_backward(y))
    assert "cube(x)" in text and "3·x²" in text and "27" in text
    assert "cube" in draw_graph(y).source
    page = save_backprop_html(y, tmp_path / "cube.html").read_text("utf-8")
    assert "cube" in page and "3·x²" in page


def test_check_op_catches_a_wrong_rule_at_the_right_points() -> None:
    wrong = define_op("wrong_logistic", lambda a: 1 / (1 + math.exp(-a)), lambda a, out: 1 - out)
    report = check_op(wrong, (-3, 3), points=7)
    assert not report.ok and len(report.mismatches) == 7
    point, row = report.mismatches[0]
    s = 1 / (1 + math.exp(3.0))
    assert point == (-3.0,) and row.analytic == pytest.approx(1 - s) and row.numeric == pytest.approx(s * (1 - s))
    assert "FAIL: wrong_logistic's derivative disagrees at 7 of 7 points, first at x = -3." in str(report)
    assert "∂wrong_logistic/∂x" in str(report)
    assert check_op(cube, (-3, 3)).ok and check_op(logistic, (-5, 5)).second_order.startswith("first and second")
    assert check_op(hypot, ((0.5, 3.0), (-2.0, 2.0)), points=5).ok


@pytest.mark.parametrize(
    ("args", "kw", "message"),
    [
        (("exp", math.exp, lambda a, out: out), {}, "'exp' is a built-in op"),
        (("my op", math.exp, lambda a, out: out), {}, "the name must be an identifier"),
        (("three", lambda a, b, c: a, lambda a, b, c, out: (1, 1, 1)), {}, "one or two inputs, and derivative"),
        (("two", lambda a, b: a, lambda a, b, out: (1, 1)), {"derivative_text": "1"}, "needs 2 formula"),
    ],
)
def test_define_op_refuses_what_it_cannot_use(args, kw, message: str) -> None:
    with pytest.raises((ValueError, TypeError), match=message):
        define_op(*args, **kw)


def test_a_rule_giving_the_wrong_number_of_slopes_is_named() -> None:
    two = define_op("two_slopes", lambda a: a, lambda a, out: (1.0, 2.0))
    x = Value(1.0)
    with pytest.raises(ValueError, match="op 'two_slopes': derivative gave 2 value"):
        grad(two(x), [x])
    assert "two_slopes" not in OPS  # a learner's op is not added to the built-in table
