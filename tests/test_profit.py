"""The running example: profit P(x) = −2x² + 12x − 10, its derivatives, and ``gradstep profit``.

The oracles are worked out by hand (P'(x) = −4x + 12, P'' = −4, P''' = 0), by the limit definition
computed here on plain floats, and by sympy.
"""

from __future__ import annotations

import math
import re

import pytest
import sympy as sp

from autograd import Value, derivative
from autograd.__main__ import main
from autograd.commands.profit import walk
from autograd.examples import PROFIT_TEXT, lecture_graph, profit, profit_derivative

POINTS = [-7.0, -1.0, 0.0, 0.5, 2.0, 3.0, 12.0, 1e6, 0.1, -2.75]


def _p(x: float) -> float:
    return -2.0 * x * x + 12.0 * x - 10.0


@pytest.mark.parametrize("x", POINTS)
def test_profit_value(x: float) -> None:
    assert float(profit(Value(x)).data) == pytest.approx(_p(x), rel=1e-15, abs=1e-12)
    assert profit(x) == pytest.approx(_p(x), rel=1e-15, abs=1e-12)  # plain floats work too


@pytest.mark.parametrize("x", POINTS)
def test_first_derivative_is_minus_4x_plus_12(x: float) -> None:
    d = derivative(profit)(x)
    hand = -4 * x + 12
    if float(x).is_integer():
        assert d == hand  # every intermediate is an exact integer in float64
    else:
        assert d == pytest.approx(hand, rel=1e-14)
    assert profit_derivative(x) == hand


@pytest.mark.parametrize("x", [-3.0, 0.5, 3.0, 12.0])
def test_first_derivative_against_the_limit_definition(x: float) -> None:
    """(P(x+h) − P(x)) / h → P'(x) as h → 0; for a quadratic the error is exactly −2h."""
    d = derivative(profit)(x)
    for h in (1e-2, 1e-3, 1e-4):
        forward_quotient = (_p(x + h) - _p(x)) / h
        assert forward_quotient == pytest.approx(d - 2 * h, abs=1e-6)


@pytest.mark.parametrize("x", POINTS)
def test_second_derivative_is_minus_4(x: float) -> None:
    assert derivative(derivative(profit))(x) == -4.0


@pytest.mark.parametrize("x", [-7.0, -1.0, 0.5, 2.0, 3.0, 12.0])
def test_third_derivative_is_zero(x: float) -> None:
    assert derivative(derivative(derivative(profit)))(x) == 0.0


def test_third_derivative_is_zero_at_the_origin() -> None:
    assert derivative(derivative(derivative(profit)))(0.0) == 0.0


def test_against_sympy() -> None:
    x = sp.Symbol("x", real=True)
    expr = -2 * x**2 + 12 * x - 10
    for order, d in enumerate(
        [derivative(profit), derivative(derivative(profit)), derivative(derivative(derivative(profit)))],
        start=1,
    ):
        for point in (-1.5, 2.0, 12.0):
            assert d(point) == pytest.approx(
                float(sp.diff(expr, x, order).subs(x, sp.Rational(point))), abs=1e-12
            )


def test_critical_point_is_3() -> None:
    assert derivative(profit)(3.0) == 0.0
    assert profit(3.0) == 8.0
    # It is a maximum: the slope is positive to the left, negative to the right, and P'' < 0.
    assert derivative(profit)(2.9) > 0 > derivative(profit)(3.1)
    assert derivative(derivative(profit))(3.0) < 0


def test_the_slope_at_12_says_which_way_to_step() -> None:
    x = Value(12.0)
    y = profit(x)
    y.backward()
    assert x.grad == -36.0 == profit_derivative(12.0)


def test_profit_text() -> None:
    assert "−2x² + 12x − 10" in PROFIT_TEXT


def test_lecture_graph_gradients_by_the_chain_rule() -> None:
    g = lecture_graph()
    assert (g.a.data, g.b.data, g.c.data, g.f.data) == (2.0, -3.0, 10.0, -2.0)
    assert g.L.data == (2.0 * -3.0 + 10.0) * -2.0
    g.L.backward()
    # L = (a·b + c)·f: dL/da = b·f, dL/db = a·f, dL/dc = f, dL/df = a·b + c, dL/de = dL/dd = f
    assert [g.a.grad, g.b.grad, g.c.grad, g.f.grad, g.e.grad, g.d.grad] == [6.0, -4.0, -2.0, 4.0, -2.0, -2.0]
    assert [n.label for n in g] == ["a", "b", "c", "f", "e", "d", "L"]


# ---- the walk and the command ------------------------------------------------------------------------
def test_walk_converges_to_3() -> None:
    steps = walk(12.0, 0.1, 1e-6)
    assert steps[0].x == 12.0 and steps[0].slope == -36.0 and steps[0].profit == _p(12.0)
    last = steps[-1]
    assert abs(last.slope) < 1e-6
    assert last.x == pytest.approx(3.0, abs=1e-6)
    for before, after in zip(steps, steps[1:]):
        assert after.x == pytest.approx(before.x + 0.1 * before.slope)  # x ← x + lr·P'(x)
        assert after.profit >= before.profit  # ascent on P with a small enough step
        assert after.slope == -4 * after.x + 12 or after.slope == pytest.approx(-4 * after.x + 12)


@pytest.mark.parametrize(
    ("lr", "tol"), [(0.0, 1e-3), (-0.1, 1e-3), (0.1, 0.0), (math.nan, 1e-3), (math.inf, 1e-3), (0.1, math.inf)]
)
def test_walk_rejects_bad_settings(lr: float, tol: float) -> None:
    with pytest.raises(ValueError, match="must be a finite number > 0"):
        walk(12.0, lr, tol)


@pytest.mark.parametrize("x0", [math.inf, 1e151, -2e6])
def test_walk_rejects_a_start_beyond_its_range(x0: float) -> None:
    with pytest.raises(ValueError, match="starting point"):
        walk(x0)


@pytest.mark.parametrize(
    ("args", "advice"),
    [
        (["--lr", "0.001"], "too small"),  # |x − 3| shrinks by 0.996 a step: 1000 steps are not enough
        (["--lr", "0.6"], "too large"),  # the factor 1 − 4·lr = −1.4: |x − 3| grows
        (["--lr", "0.5"], "bounces back and forth"),  # the factor is −1: x = 12, −6, 12, …
        (["--tol", "1e-20"], "larger tolerance"),  # P′ near 3 is rounding noise of about 1e-15
    ],
)
def test_gradstep_profit_says_why_it_did_not_converge(
    capsys: pytest.CaptureFixture[str], args: list[str], advice: str
) -> None:
    assert main(["profit", *args]) == 1
    out = capsys.readouterr().out
    assert advice in " ".join(out.splitlines()[-2:])
    assert max(len(line) for line in out.splitlines()) <= 100


def _rows(out: str) -> list[tuple[int, float, float, float]]:
    rows = []
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 4 and re.fullmatch(r"\d+", parts[0]):
            rows.append((int(parts[0]), float(parts[1]), float(parts[2]), float(parts[3])))
    return rows


def test_gradstep_profit_ends_at_3(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["profit"])
    out = capsys.readouterr().out
    assert code == 0
    rows = _rows(out)
    assert rows[0][1] == 12.0 and rows[0][3] == -36.0
    assert [r[0] for r in rows] == list(range(len(rows)))
    step, x, p, slope = rows[-1]
    assert x == pytest.approx(3.0, abs=1e-3)
    assert p == pytest.approx(8.0, abs=1e-5)
    assert abs(slope) < 1e-3
    for _, x_i, p_i, slope_i in rows:  # every printed row is consistent with P and P'
        assert p_i == pytest.approx(_p(x_i), abs=1e-3)
        assert slope_i == pytest.approx(-4 * x_i + 12, abs=1e-3)
    assert "STOP" in out and "x = 3" in out


def test_gradstep_profit_options(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["profit", "--x0", "-4", "--lr", "0.2", "--tol", "1e-6"]) == 0
    rows = _rows(capsys.readouterr().out)
    assert rows[0][1] == -4.0
    assert rows[-1][1] == pytest.approx(3.0, abs=1e-5)


@pytest.mark.parametrize("lr", ["0", "-0.5"])
def test_gradstep_profit_bad_lr_exits_2(lr: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["profit", f"--lr={lr}"]) == 2
    out = capsys.readouterr()
    assert "learning rate" in out.out + out.err


def test_gradstep_profit_non_numeric_lr_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["profit", "--lr", "fast"])
    assert info.value.code == 2
    assert "--lr" in capsys.readouterr().err


def test_gradstep_profit_oscillating_lr_reports_no_convergence(capsys: pytest.CaptureFixture[str]) -> None:
    """lr = 0.5 maps x to 6 − x: it bounces between 12 and −6 forever."""
    assert main(["profit", "--lr", "0.5"]) == 1
    assert "no convergence" in capsys.readouterr().out


def test_gradstep_profit_diverging_lr_reports_no_convergence(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["profit", "--lr", "1"]) == 1
    assert "no convergence" in capsys.readouterr().out
