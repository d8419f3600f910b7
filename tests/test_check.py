"""autograd.check: difference quotients, the limit table, gradcheck and gradgradcheck.

Oracles: formulas worked by hand from the limit definition (the profit quadratic, x³), math.e for
exp'(1), and sympy for the partial derivatives of every op.
"""

from __future__ import annotations

import math

import pytest
import sympy as sp

from autograd import Value, backprop_order, derivative, dot, grad, ops, sum_of
from autograd.check import (
    DEFAULT_HS,
    NON_DIFFERENTIABLE,
    GradcheckError,
    GradcheckReport,
    assert_grad_close,
    central_difference,
    forward_difference,
    gradcheck,
    gradcheck_graph,
    gradgradcheck,
    limit_table,
)
from autograd.examples import profit

EPS64 = 2.0**-52


def roundoff(fx: float, h: float) -> float:
    """A generous bound on the rounding error of a difference quotient of f with |f| ≈ |fx|."""
    return 64 * EPS64 * (abs(fx) + 1.0) / h


# ---- the quadratic P(x) = −2x² + 12x − 10, by hand -----------------------------------------------
# (P(x+h) − P(x))/h = (−2(2xh + h²) + 12h)/h = −4x + 12 − 2h
# (P(x+h) − P(x−h))/2h = (−2·4xh + 24h)/2h = −4x + 12


@pytest.mark.parametrize("x", [-3.0, 0.0, 3.0, 7.5, 12.0])
@pytest.mark.parametrize("h", [0.5, 1e-1, 1e-2, 1e-3, 1e-4])
def test_forward_quotient_of_the_quadratic_is_minus_4x_plus_12_minus_2h(x: float, h: float) -> None:
    expected = -4 * x + 12 - 2 * h
    assert forward_difference(profit, x, h) == pytest.approx(expected, rel=0, abs=roundoff(profit(x), h))


@pytest.mark.parametrize("x", [-3.0, 0.0, 3.0, 7.5, 12.0])
@pytest.mark.parametrize("h", [0.5, 1e-1, 1e-2, 1e-3, 1e-4])
def test_central_quotient_of_the_quadratic_is_exactly_minus_4x_plus_12(x: float, h: float) -> None:
    assert central_difference(profit, x, h) == pytest.approx(-4 * x + 12, rel=0, abs=roundoff(profit(x), h))


def test_quotients_of_a_cubic_show_the_order_of_the_truncation_error() -> None:
    # (x+h)³ − x³ = 3x²h + 3xh² + h³, and the central quotient keeps only 3x² + h².
    cube = lambda t: t * t * t  # noqa: E731
    for h in (0.5, 0.1, 0.01):
        assert forward_difference(cube, 2.0, h) == pytest.approx(12 + 6 * h + h * h, abs=roundoff(8, h))
        assert central_difference(cube, 2.0, h) == pytest.approx(12 + h * h, abs=roundoff(8, h))


def test_quotients_accept_value_points_and_functions_of_plain_floats() -> None:
    def float_only(t: object) -> float:
        if not isinstance(t, float):
            raise TypeError("this function wants a float")
        return math.exp(t)

    assert central_difference(float_only, Value(1.0), 1e-5) == pytest.approx(math.e, rel=1e-9)
    # math.sin accepts a Value (through float()) and returns a float: fine for a quotient.
    assert forward_difference(math.sin, 0.0, 1e-8) == pytest.approx(1.0, abs=1e-7)
    # A function returning a plain number is fine as well.
    assert central_difference(lambda t: 3.0, 1.0) == 0.0


@pytest.mark.parametrize("h", [0.0, -1e-3, math.nan, math.inf])
def test_a_step_that_is_not_positive_and_finite_is_refused(h: float) -> None:
    with pytest.raises(ValueError, match="positive finite"):
        forward_difference(profit, 1.0, h)
    with pytest.raises(ValueError, match="positive finite"):
        central_difference(profit, 1.0, h)


# ---- the limit table ------------------------------------------------------------------------------
def test_limit_table_on_exp_at_1_is_best_at_an_interior_h() -> None:
    table = limit_table(lambda t: t.exp(), 1.0)
    rows = list(table)
    assert [r.h for r in rows] == pytest.approx([10.0**-k for k in range(1, 13)])
    forward_errors = [abs(r.forward - math.e) for r in rows]  # against e itself, not autograd's number
    central_errors = [abs(r.central - math.e) for r in rows]
    for errors in (forward_errors, central_errors):
        best = errors.index(min(errors))
        assert 0 < best < len(rows) - 1, errors
        assert errors[-1] > 100 * min(errors)  # round-off: the smallest h is far from the best
    assert 1e-9 <= rows[forward_errors.index(min(forward_errors))].h <= 1e-7
    assert 1e-7 <= rows[central_errors.index(min(central_errors))].h <= 1e-3
    assert min(central_errors) < min(forward_errors) / 10
    # Truncation regime: ten times smaller h, ten times (forward) or a hundred times (central) smaller error.
    for i in range(3):
        assert 7 < forward_errors[i] / forward_errors[i + 1] < 13
        assert 70 < central_errors[i] / central_errors[i + 1] < 130
    assert all(r.autograd == pytest.approx(math.e, rel=1e-15) for r in rows)
    assert table.best_forward is rows[forward_errors.index(min(forward_errors))]


def test_limit_table_rows_carry_the_errors_of_their_quotients() -> None:
    table = limit_table(profit, 12.0, hs=[1e-1, 1e-3])
    assert len(table) == 2
    for row in table:
        assert row.autograd == -36.0
        assert row.forward_error == pytest.approx(2 * row.h, rel=1e-6)  # −2h, by hand
        assert row.forward_error == abs(row.forward - row.autograd)
        assert row.central_error == abs(row.central - row.autograd)


def test_limit_table_str_is_narrow_and_names_the_best_h_of_each_method() -> None:
    table = limit_table(lambda t: t.exp(), 1.0)
    text = str(table)
    lines = text.splitlines()
    assert max(len(line) for line in lines) <= 90, text
    assert lines[0].startswith("Limit table of f at x = 1")
    data = [line for line in lines if "e-" in line[:8]]
    assert len(data) == len(DEFAULT_HS)
    best_f, best_c = table.best_forward, table.best_central
    assert best_f is not None and best_c is not None
    assert f"forward {best_f.h:.0e}" in lines[-1] and f"central {best_c.h:.0e}" in lines[-1]
    marked = [line for line in data if "◀ best" in line]
    assert 1 <= len(marked) <= 2
    assert any(line.lstrip().startswith(f"{best_f.h:.0e}") and "forward" in line for line in marked)


def test_limit_table_html_highlights_the_best_rows() -> None:
    table = limit_table(lambda t: t.sin(), 0.5)
    page = table._repr_html_()
    assert "<table" in page and page.endswith("</table>")
    assert page.count("<tr>") == len(DEFAULT_HS) + 2  # head, rows, closing line
    assert page.count("background:#fff3b0") == 4  # quotient and error cell of each best row


def test_limit_table_survives_steps_that_leave_the_domain() -> None:
    table = limit_table(lambda t: t.log(), 0.05, hs=[1e-1, 1e-5])
    first, second = table.rows
    assert math.isnan(first.central) and math.isfinite(first.forward)  # log(0.05 − 0.1) is undefined
    assert second.central == pytest.approx(20.0, rel=1e-7)  # d/dx ln x = 1/x, error ≈ f'''·h²/6
    assert table.best_central is second
    assert "—" in str(table)


def test_limit_table_of_a_float_function_needs_the_derivative_given() -> None:
    table = limit_table(math.exp, 1.0, hs=[1e-2, 1e-5])
    assert table.best_forward is None and "unknown" in str(table)
    table = limit_table(math.exp, 1.0, hs=[1e-2, 1e-5], derivative=math.e)
    assert table.best_central is table.rows[1]
    assert table.rows[0].central_error == pytest.approx(math.e * 1e-4 / 6, rel=1e-3)  # f'''·h²/6


def test_limit_table_refuses_bad_steps() -> None:
    with pytest.raises(ValueError, match="empty"):
        limit_table(profit, 1.0, hs=[])
    with pytest.raises(ValueError, match="positive"):
        limit_table(profit, 1.0, hs=[1e-2, 0.0])


# ---- gradcheck over every op -----------------------------------------------------------------------
a_, b_, c_ = sp.symbols("a b c", real=True)
SP_RELU = lambda u: sp.Piecewise((u, u > 0), (0, True))  # noqa: E731
SP_LEAKY = lambda u: sp.Piecewise((u, u > 0), (0.1 * u, True))  # noqa: E731

# (name, f on Values, the same f on sympy symbols, point). Points are away from every kink.
CASES = [
    ("add", lambda a, b: a + b, lambda a, b: a + b, (1.5, -2.0)),
    ("sub", lambda a, b: a - b, lambda a, b: a - b, (1.5, -2.0)),
    ("mul", lambda a, b: a * b, lambda a, b: a * b, (1.5, -2.0)),
    ("div", lambda a, b: a / b, lambda a, b: a / b, (1.5, -2.0)),
    ("pow", lambda a, b: a**b, lambda a, b: a**b, (1.5, -2.0)),
    ("powc", lambda a: a**3 + a**-1 + a**0.5, lambda a: a**3 + a**-1 + sp.sqrt(a), (1.7,)),
    ("neg", lambda a: -a * a, lambda a: -a * a, (0.7,)),
    ("abs", lambda a, b: abs(a * b), lambda a, b: sp.Abs(a * b), (1.5, -2.0)),
    ("exp", lambda a: (a * a).exp(), lambda a: sp.exp(a * a), (0.8,)),
    ("log", lambda a, b: (a * b).log(), lambda a, b: sp.log(a * b), (-1.5, -2.0)),
    ("sqrt", lambda a: (a + 3).sqrt(), lambda a: sp.sqrt(a + 3), (0.4,)),
    ("tanh", lambda a, b: (a * b).tanh(), lambda a, b: sp.tanh(a * b), (0.5, -0.8)),
    ("sigmoid", lambda a: (3 * a).sigmoid(), lambda a: 1 / (1 + sp.exp(-3 * a)), (-0.3,)),
    (
        "relu",  # one relu active, one not
        lambda a, b: (a * b).relu() + (a - b).relu(),
        lambda a, b: SP_RELU(a * b) + SP_RELU(a - b),
        (1.5, 2.0),
    ),
    ("leaky_relu", lambda a: a.leaky_relu(0.1) * a, lambda a: SP_LEAKY(a) * a, (-1.2,)),
    ("sin", lambda a, b: (a * b).sin(), lambda a, b: sp.sin(a * b), (1.5, -2.0)),
    ("cos", lambda a: a.cos() * a, lambda a: sp.cos(a) * a, (2.5,)),
    ("erf", lambda a, b: (a * b).erf(), lambda a, b: sp.erf(a * b), (0.7, -1.1)),
    ("softplus", lambda a, b: (a - b).softplus() * a, lambda a, b: sp.log(1 + sp.exp(a - b)) * a, (1.5, 2.5)),
    ("sum", lambda a, b, c: sum_of([a, a * b, c]), lambda a, b, c: a + a * b + c, (1.5, -2.0, 0.5)),
    ("dot", lambda a, b, c: dot([a, b], [c, a], b), lambda a, b, c: a * c + b * a + b, (1.5, -2.0, 0.5)),
]


def _sympy_partials(sym_f, point):  # type: ignore[no-untyped-def]
    symbols = (a_, b_, c_)[: len(point)]
    expr = sym_f(*symbols)
    at = dict(zip(symbols, point))
    return [float(sp.diff(expr, s).subs(at)) for s in symbols], [
        [float(sp.diff(expr, s, t).subs(at)) for t in symbols] for s in symbols
    ]


def test_the_cases_cover_every_op() -> None:
    seen = set()
    for _, f, _, point in CASES:
        root = f(*[Value(p) for p in point])
        seen |= {node.rule.name for node in backprop_order(root)}
    assert seen == set(ops.OPS)


@pytest.mark.parametrize("name,f,sym_f,point", CASES, ids=[c[0] for c in CASES])
def test_gradcheck_passes_on_correct_functions(name, f, sym_f, point) -> None:  # type: ignore[no-untyped-def]
    report = gradcheck(f, point)
    assert report.ok and bool(report)
    firsts, _ = _sympy_partials(sym_f, point)
    for row, expected in zip(report.rows, firsts):
        assert row.analytic == pytest.approx(expected, rel=1e-9, abs=1e-12)
        assert row.numeric == pytest.approx(expected, rel=1e-7, abs=1e-8)
        assert row.abs_error == abs(row.analytic - row.numeric)
        assert row.note == ""


@pytest.mark.parametrize("name,f,sym_f,point", CASES, ids=[c[0] for c in CASES])
def test_gradgradcheck_passes_on_correct_functions(name, f, sym_f, point) -> None:  # type: ignore[no-untyped-def]
    report = gradgradcheck(f, point)
    assert report.ok and report.order == 2
    _, hessian = _sympy_partials(sym_f, point)
    n = len(point)
    assert len(report.rows) == n * n
    for row, expected in zip(report.rows, [h for line in hessian for h in line]):
        assert row.analytic == pytest.approx(expected, rel=1e-8, abs=1e-10)
        assert row.numeric == pytest.approx(expected, rel=1e-5, abs=1e-6)


# ---- gradcheck catches wrong derivatives ------------------------------------------------------------
def cut_graph(a: Value, b: Value) -> Value:
    """f(a, b) = a·b + a, but the product uses a leaf rebuilt from a.data: autograd misses b there."""
    return Value(a.data) * b + a


def test_gradcheck_fails_on_a_cut_graph_with_the_numbers_in_the_message() -> None:
    with pytest.raises(GradcheckError) as caught:
        gradcheck(cut_graph, [Value(2.0, "a"), Value(-3.0, "b")])
    report = caught.value.report
    assert not report.ok
    row_a, row_b = report.rows
    assert (row_a.name, row_a.label) == ("a", "∂f/∂a")
    assert row_a.analytic == 1.0  # only the "+ a" term
    assert row_a.numeric == pytest.approx(-3.0 + 1.0, abs=1e-8)  # ∂(a·b + a)/∂a = b + 1
    assert row_a.abs_error == pytest.approx(3.0, abs=1e-8) and not row_a.ok
    assert row_b.ok and row_b.analytic == 2.0
    message = str(caught.value)
    assert "∂f/∂a" in message and "FAIL" in message
    for number in (row_a.analytic, row_a.numeric, row_a.abs_error):
        assert (f"{number:.12g}" in message) or (f"{number:.1e}" in message)
    assert report.verdict() in message and "1 of 2 disagree" in message


def test_gradcheck_hints_at_a_cut_graph_when_autograd_sees_no_dependence() -> None:
    report = gradcheck(lambda a, b: math.sin(a) * b, [0.5, 2.0], raise_on_failure=False)  # math.sin → float
    row_a = report.rows[0]
    assert not row_a.ok and row_a.analytic == 0.0
    assert row_a.numeric == pytest.approx(2.0 * math.cos(0.5), rel=1e-8)
    assert "graph" in row_a.note
    assert not report.ok and report.failures == (row_a,)


def test_raise_on_failure_false_returns_the_report() -> None:
    report = gradcheck(cut_graph, [2.0, -3.0], raise_on_failure=False)
    assert isinstance(report, GradcheckReport) and not report
    assert [r.name for r in report.rows] == ["x0", "x1"]


def test_gradgradcheck_catches_a_second_derivative_graph_that_is_cut(monkeypatch: pytest.MonkeyPatch) -> None:
    # Break the create_graph rule of cos' = −sin by cutting the graph of sin: values stay right,
    # so gradcheck passes, but the second derivative of cos comes out 0.
    monkeypatch.setattr(ops.VALUE_MATH, "sin", lambda a: Value(a.data).sin())
    f = lambda t: t.cos()  # noqa: E731
    assert gradcheck(f, [0.7]).ok
    with pytest.raises(GradcheckError) as caught:
        gradgradcheck(f, [0.7])
    (row,) = caught.value.report.rows
    assert row.label == "∂²f/∂x0²" and row.analytic == 0.0
    assert row.numeric == pytest.approx(-math.cos(0.7), rel=1e-6)
    with pytest.raises(AssertionError, match="second derivatives"):
        assert_grad_close(f, [0.7], second_order=True)


# ---- points where there is no derivative --------------------------------------------------------------
@pytest.mark.parametrize(
    "f,slopes",
    [
        (lambda t: t.relu(), "slope 0 from the left, 1 from the right"),
        (lambda t: abs(t), "slope -1 from the left, 1 from the right"),
        (lambda t: t.leaky_relu(0.1), "slope 0.1 from the left, 1 from the right"),
        (lambda t: (t - 2e-7).relu(), ""),  # the kink is within eps of the point, not at it
    ],
    ids=["relu", "abs", "leaky_relu", "relu-kink-within-eps"],
)
def test_a_kink_is_reported_as_a_non_differentiable_point(f, slopes) -> None:  # type: ignore[no-untyped-def]
    report = gradcheck(f, [0.0], raise_on_failure=False)
    (row,) = report.rows
    assert not row.ok and row.non_differentiable
    assert row.note.startswith(NON_DIFFERENTIABLE)
    assert "non-differentiable point" in report.verdict() and "disagree" not in report.verdict()
    with pytest.raises(GradcheckError, match="non-differentiable point"):
        gradcheck(f, [0.0])
    assert slopes in row.note


def test_abs_at_0_fails_although_the_convention_matches_the_central_quotient() -> None:
    (row,) = gradcheck(lambda t: abs(t), [0.0], raise_on_failure=False).rows
    assert row.analytic == 0.0 and row.numeric == 0.0  # sign(0) = 0 = (|h| − |−h|)/2h
    assert not row.ok and "-1 from the left, 1 from the right" in row.note


def test_only_the_input_at_its_kink_is_flagged() -> None:
    report = gradcheck(lambda x, y: x.relu() * y, [Value(0.0, "x"), Value(1.5, "y")], raise_on_failure=False)
    row_x, row_y = report.rows
    assert row_x.non_differentiable and not row_x.ok
    assert row_y.ok and row_y.note == ""


@pytest.mark.parametrize(
    "f,x",
    [(lambda t: 1000 * t**2, 0.0), (lambda t: 1e4 * t.cos(), 0.0), (lambda t: (t * 20).exp(), 0.3)],
    ids=["steep-parabola", "steep-cos", "steep-exp"],
)
def test_curvature_is_not_mistaken_for_a_kink(f, x) -> None:  # type: ignore[no-untyped-def]
    report = gradcheck(f, [x])
    assert report.ok and report.rows[0].note == ""


def test_sqrt_at_0_cannot_be_checked_and_says_why() -> None:
    report = gradcheck(lambda t: t.sqrt(), [0.0], raise_on_failure=False)
    (row,) = report.rows
    assert row.analytic == math.inf  # the engine's convention, as PyTorch
    assert math.isnan(row.numeric) and row.unchecked and not row.ok
    assert "edge of the domain" in row.note and "x0 − eps" in row.note
    assert "could not be checked" in report.verdict()


def test_a_kink_in_the_first_derivative_shows_in_gradgradcheck() -> None:
    f = lambda t: t.relu() * t  # noqa: E731  (f' = 2·relu(t) is continuous; f'' jumps from 0 to 2)
    assert gradcheck(f, [0.0]).ok
    (row,) = gradgradcheck(f, [0.0], raise_on_failure=False).rows
    assert row.non_differentiable and "0 from the left, 2 from the right" in row.note


# ---- reports, names, helpers --------------------------------------------------------------------------
def test_rows_are_named_by_labels_and_repeats_are_numbered() -> None:
    report = gradcheck(lambda p, q, r: p * q * r, [Value(1.0, "w"), 2.0, Value(3.0, "w")])
    assert [r.name for r in report.rows] == ["w[0]", "x1", "w[2]"]
    assert gradcheck(lambda t: t * t, 3.0).rows[0].analytic == 6.0  # a single number is one input


def test_gradgradcheck_labels_mixed_partials() -> None:
    report = gradgradcheck(lambda x, y: x * x * y, [Value(1.0, "x"), Value(2.0, "y")])
    labels = {r.label: r for r in report.rows}
    assert set(labels) == {"∂²f/∂x²", "∂²f/∂y∂x", "∂²f/∂x∂y", "∂²f/∂y²"}
    assert labels["∂²f/∂x²"].analytic == 4.0  # 2y
    assert labels["∂²f/∂y∂x"].analytic == 2.0  # 2x
    assert labels["∂²f/∂y²"].analytic == 0.0


def test_report_str_and_html() -> None:
    report = gradcheck(cut_graph, [Value(2.0, "a"), Value(-3.0, "b")], raise_on_failure=False)
    text = str(report)
    assert all(len(line) <= 90 for line in text.splitlines()), text
    assert text.splitlines()[-1] == report.verdict()
    assert text.count(" ok") == 1 and text.count("FAIL") == 2  # b's row; a's row and the verdict
    page = report._repr_html_()
    assert "<table" in page and page.count("background:#ffd6d6") == 1
    assert "∂f/∂a" in page and "FAIL" in page


def test_long_notes_are_wrapped() -> None:
    text = str(gradcheck(lambda t: t.sqrt(), [0.0], raise_on_failure=False))
    assert all(len(line) <= 90 for line in text.splitlines()), text


def test_assert_grad_close() -> None:
    assert_grad_close(lambda a, b: a * b.exp(), [1.0, 0.5], second_order=True)
    with pytest.raises(AssertionError) as caught:
        assert_grad_close(cut_graph, [2.0, -3.0], atol=1e-6)
    message = str(caught.value)
    assert "autograd" in message and "numeric" in message and "∂f/∂x0" in message


@pytest.mark.parametrize(
    "kw,match",
    [({"eps": 0.0}, "eps"), ({"atol": -1.0}, "atol"), ({"rtol": math.nan}, "rtol")],
)
def test_bad_settings_are_refused(kw, match) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match=match):
        gradcheck(lambda t: t, [1.0], **kw)
    with pytest.raises(ValueError, match=match):
        gradgradcheck(lambda t: t, [1.0], **kw)


def test_bad_inputs_are_refused() -> None:
    with pytest.raises(ValueError, match="at least one input"):
        gradcheck(lambda: Value(1.0), [])
    with pytest.raises(TypeError, match="number or a Value"):
        gradcheck(lambda t: t, ["2"])
    with pytest.raises(TypeError, match="function"):
        gradcheck(3, [1.0])
    with pytest.raises(ValueError, match="order"):
        gradcheck_graph(lambda p: (Value(p[0]), []), ["x"], [1.0], order=3)


def test_limit_table_at_a_kink_says_the_limit_does_not_exist() -> None:
    table = limit_table(lambda t: t.relu(), 0.0, hs=[1e-2, 1e-5])
    assert [row.forward for row in table] == [1.0, 1.0]  # (relu(h) − 0)/h, by hand
    assert [row.central for row in table] == [0.5, 0.5]
    text = str(table)
    assert "◀ best" not in text and "does not exist" in text.splitlines()[-1]
    assert "background:#fff3b0" not in table._repr_html_()


def test_limit_table_at_an_infinite_derivative() -> None:
    table = limit_table(lambda t: t.sqrt(), 0.0, hs=[1e-2])
    (row,) = table.rows
    assert row.forward == pytest.approx(1 / math.sqrt(1e-2))  # √h / h
    assert math.isnan(row.central)  # √(−h) is undefined
    assert "derivative is inf" in str(table).splitlines()[-1]


# ---- derivative() under the checks' no_grad ----------------------------------------------------------
# P'(x) = −4x + 12 is a straight line of slope P'' = −4, by hand.
def test_the_slope_of_derivative_profit_is_minus_4() -> None:
    d_profit = derivative(profit)
    assert central_difference(d_profit, 3.0) == pytest.approx(-4.0, abs=roundoff(12.0, 1e-6))
    assert forward_difference(d_profit, 3.0, 1e-3) == pytest.approx(-4.0, abs=roundoff(12.0, 1e-3))
    table = limit_table(d_profit, 3.0, hs=[1e-1, 1e-4])
    assert table.derivative == -4.0
    assert [row.central for row in table] == pytest.approx([-4.0, -4.0], abs=roundoff(12.0, 1e-4))
    (row,) = gradcheck(d_profit, [3.0]).rows
    assert row.analytic == -4.0 and row.numeric == pytest.approx(-4.0, abs=1e-8) and row.ok


# ---- where autograd gives NaN --------------------------------------------------------------------------
def test_limit_table_says_autograd_gives_nan_and_which_local_derivative_made_it() -> None:
    # ∂(b^y)/∂y = b^y·ln b, and ln(−2) is undefined: autograd's NaN is the honest answer.
    table = limit_table(lambda y: Value(-2.0) ** y, 2.0, hs=[1e-2])
    assert math.isnan(table.derivative)
    text = str(table)
    assert "built no graph" not in text
    assert "autograd gives nan here" in text and "ln" in text and "is nan" in text
    assert "f'(x) = nan" in text.splitlines()[0]
    assert max(len(line) for line in text.splitlines()) <= 100, text


def test_limit_table_of_a_function_without_graph_still_says_so() -> None:
    text = str(limit_table(math.exp, 1.0, hs=[1e-2]))
    assert "built no graph" in text and "derivative=" in text and "autograd gives nan" not in text


def test_gradcheck_note_names_the_local_derivative_that_is_nan() -> None:
    report = gradcheck(lambda x, y: x**y, [Value(-2.0, "x"), Value(2.0, "y")], raise_on_failure=False)
    row_x, row_y = report.rows
    assert row_x.ok and row_x.analytic == pytest.approx(2 * -2.0)  # y·x^(y−1), by hand
    assert math.isnan(row_y.analytic) and not row_y.ok
    assert "autograd gives nan" in row_y.note and "x^y·ln x" in row_y.note and "x = -2" in row_y.note


def test_nan_from_inf_times_zero_is_explained() -> None:
    # d/dt √t at 0 is inf; times the upstream 0·… it becomes nan.
    report = gradcheck(lambda t: t.sqrt() * 0.0, [0.0], raise_on_failure=False)
    (row,) = report.rows
    assert math.isnan(row.analytic)
    assert "inf" in row.note and "upstream gradient of 0" in row.note


# ---- the verdict names the variable that was stepped ---------------------------------------------------
def test_verdict_names_the_variable_whose_step_leaves_the_domain() -> None:
    report = gradcheck(lambda x, y: x * y.sqrt(), [Value(3.0, "x"), Value(0.0, "y")], raise_on_failure=False)
    assert report.rows[0].ok and report.rows[1].unchecked
    verdict = report.verdict()
    assert "y ± eps" in verdict and "x ± eps" not in verdict and "(∂f/∂y)" in verdict
    second = gradgradcheck(
        lambda x, y: x * y.sqrt(), [Value(3.0, "x"), Value(1e-7, "y")], raise_on_failure=False, relative_eps=False
    )
    assert "y ± eps" in second.verdict() and "x ± eps" not in second.verdict()


# ---- eps below float64 resolution -----------------------------------------------------------------------
def test_gradcheck_uses_the_step_actually_taken_when_x_plus_eps_rounds() -> None:
    x = 1e10  # float64 spacing here is 2⁻¹⁹ ≈ 1.9e-6 > eps: x ± 1e-6 rounds to x ± 2⁻¹⁹
    assert (x + 1e-6) - (x - 1e-6) != 2e-6
    # f(x) = 3(x − 1e10) is computed exactly at the rounded points, so the quotient over the step
    # taken is exactly 3; over the nominal 2·eps it would be 3·2⁻¹⁸/2e-6 ≈ 5.7.
    (row,) = gradcheck(lambda t: (t - 1e10) * 3.0, [x], relative_eps=False).rows
    assert row.ok and row.numeric == 3.0
    (row,) = gradgradcheck(lambda t: (t - 1e10) * (t - 1e10), [x], relative_eps=False).rows  # f'' = 2
    assert row.ok and row.numeric == 2.0


@pytest.mark.parametrize("x", [1e10, -1e10, 1e30])
def test_eps_below_resolution_is_named_with_a_step_that_works(x: float) -> None:
    # PyTorch's absolute eps: x ± 1e-6 rounds at these sizes. The default relative step never does.
    assert gradcheck(lambda t: t * t, [x]).ok
    report = gradcheck(lambda t: t * t, [x], raise_on_failure=False, relative_eps=False)
    (row,) = report.rows
    assert not row.ok and row.eps_too_small and not row.non_differentiable
    assert "below float64 resolution" in row.note and "use eps ≥" in row.note
    assert "disagree" not in report.verdict() and "resolution" in report.verdict()
    suggested = float(row.note.split("use eps ≥ ")[1].split()[0].rstrip(",;:)"))
    assert suggested > 1e-6
    (fixed,) = gradcheck(lambda t: t * t, [x], eps=suggested, relative_eps=False).rows  # raises if it fails
    assert fixed.numeric == pytest.approx(2 * x, rel=1e-9)


# ---- output width for any values --------------------------------------------------------------------------
@pytest.mark.parametrize("sign", [1.0, -1.0])
def test_limit_table_with_huge_values_stays_aligned_and_narrow(sign: float) -> None:
    table = limit_table(lambda t: t.exp() * t.exp() * sign, 200.0)
    lines = str(table).splitlines()
    assert max(len(line) for line in lines) <= 100, "\n".join(lines)
    heading = next(line for line in lines if line.lstrip().startswith("h "))
    data = [line.split("  ◀")[0] for line in lines if line.lstrip().startswith("1e-")]
    assert len(data) == len(DEFAULT_HS)
    assert {len(line) for line in data} == {len(heading)}, "\n".join(lines)
    report = gradcheck(lambda t: t.exp() * t.exp() * sign, [200.0], raise_on_failure=False)
    assert max(len(line) for line in str(report).splitlines()) <= 100, str(report)


# ---- a known engine bug (autograd/ops.py, not this module) ----------------------------------------------
def test_gradgradcheck_of_x_to_the_y_at_y_0() -> None:
    # ∂²(x^y)/∂y∂x = x^(y−1) + y·x^(y−1)·ln x, by hand: 1/x at y = 0.
    x, y = Value(2.0, "x"), Value(0.0, "y")
    dfdx = grad(x**y, [x], create_graph=True)[0]
    assert grad(dfdx, [y])[0] == pytest.approx(0.5)
    assert gradgradcheck(lambda a, b: a**b, [x, y]).ok


def test_a_row_whose_stencil_evaluates_to_nan_says_so() -> None:
    # f(x) = x·inf is −inf left of 0 and +inf right of it (nan at 0): inf − (−inf) over 2·eps is inf,
    # but at x = 1 both sides are +inf and inf − inf is nan: there is no central difference.
    report = gradcheck(lambda t: t * math.inf, [1.0], raise_on_failure=False)
    (row,) = report.rows
    assert math.isnan(row.numeric) and row.unchecked and not row.ok
    assert "no central difference" in row.note and "inf at x0 − eps" in row.note
    assert "x0 ± eps" in report.verdict()


# ---- the façade: two modules, one public import ---------------------------------------------------
def test_check_is_a_facade_over_the_teaching_and_the_testing_module():
    import autograd
    import autograd.check as check
    import autograd.limits as limits
    import autograd.testing as testing

    for name in ("forward_difference", "central_difference", "limit_table", "LimitTable", "LimitRow"):
        assert getattr(check, name) is getattr(limits, name)
    for name in ("gradcheck", "gradgradcheck", "assert_grad_close", "GradcheckReport", "GradcheckError"):
        assert getattr(check, name) is getattr(testing, name)
    assert set(check.__all__) >= set(limits.__all__) | set(testing.__all__)
    # The package-level names are the functions, not modules of the same name.
    assert autograd.gradcheck is testing.gradcheck and autograd.limit_table is limits.limit_table
    assert autograd.check_derivative is check.check_derivative and autograd.check_op is testing.check_op
    assert autograd.assert_derivative is check.assert_derivative and callable(autograd.define_op)
