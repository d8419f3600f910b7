"""check_derivative / assert_derivative: a hand-worked formula against the limit definition.

Oracles: derivatives by hand (P'(x) = −4x + 12, σ' = σ·(1 − σ), tanh' = 1 − tanh², (ln x)' = 1/x,
relu's one-sided slopes 0 and 1), and pytest's own output for the failure message.
"""

from __future__ import annotations

import math
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from autograd.check import DerivativeError, assert_derivative, check_derivative, limit_table
from autograd.examples import profit


def sigmoid(x: float) -> float:
    return 1 / (1 + math.exp(-x))


def test_a_wrong_formula_is_caught_at_the_right_point_with_both_numbers() -> None:
    report = check_derivative(lambda x: x.sigmoid(), lambda x: 1 - sigmoid(x), 1.0)  # should be σ(1 − σ)
    assert not report.ok
    (row,) = report.rows
    assert row.status == "wrong" and row.limit == pytest.approx(sigmoid(1) * (1 - sigmoid(1)), rel=1e-9)
    assert report.verdict() == "FAIL: at x = 1 the quotients converge to 0.196612; your formula gives 0.268941."


def test_the_verdict_names_the_first_wrong_point_among_many() -> None:
    # 1 − tanh(x)² is right; 1 − tanh(x) is right only at x = 0.
    report = check_derivative(lambda x: x.tanh(), lambda x: 1 - math.tanh(x), [0.0, 0.5, 1.0])
    assert [row.status for row in report.rows] == ["ok", "wrong", "wrong"]
    expected = 1 - math.tanh(0.5) ** 2
    assert report.verdict().startswith(
        f"FAIL at 2 of 3 points: at x = 0.5 the quotients converge to {expected:.6g}; your formula gives "
        f"{1 - math.tanh(0.5):.6g}"
    )


def test_a_subtly_wrong_value_is_caught_and_shown_with_enough_digits() -> None:
    report = check_derivative(lambda x: x.tanh(), lambda x: 1 - math.tanh(x) ** 2 + 1e-5, 0.5)
    assert not report.ok
    right = 1 - math.tanh(0.5) ** 2
    assert f"converge to {right:.6g}; your formula gives {right + 1e-5:.6g}" in report.verdict()


def test_right_formulas_pass_everywhere_including_the_critical_point() -> None:
    points = [-3, -1, 0, 0.5, 3, 12]
    assert check_derivative(profit, lambda x: -4 * x + 12, points).ok  # P'(3) = 0
    assert check_derivative(lambda x: x.sigmoid(), lambda x: sigmoid(x) * (1 - sigmoid(x)), points).ok
    assert check_derivative(lambda x: x.log(), lambda x: 1 / x, [1e-5, 0.1, 1, 1e10]).ok
    assert check_derivative(math.exp, math.exp, [-20, 0, 20]).ok  # a plain-float function


def test_hints_for_classic_slips() -> None:
    (flipped,) = check_derivative(profit, lambda x: 4 * x - 12, [0.0]).rows
    assert flipped.note == "the sign is flipped"
    (value,) = check_derivative(lambda x: x.exp() * 2, lambda x: 2 * math.exp(x) + 1, [1.0]).rows
    assert value.status == "wrong" and value.note == ""
    (itself,) = check_derivative(lambda x: x * x, lambda x: x * x, [3.0]).rows
    assert itself.note == "that is f(x) itself, not its slope"


def test_a_kink_is_not_blamed_on_the_formula() -> None:
    report = check_derivative(lambda x: x.relu(), lambda x: 1.0 if x > 0 else 0.0, [-1, 0, 1])
    assert report.ok
    kink = report.rows[1]
    assert kink.status == "kink" and math.isnan(kink.limit)
    assert "from the left converge to 0, from the right to 1" in kink.note
    assert "(no derivative at x = 0)" in report.verdict()


def test_outside_the_domain_and_a_formula_that_raises() -> None:
    report = check_derivative(lambda x: x.log(), lambda x: 1 / x, [0.0])
    assert not report.ok and report.rows[0].status == "undefined" and "log(0.0) is undefined" in report.verdict()
    (row,) = check_derivative(lambda x: x.sqrt(), lambda x: 1 / x, [1.0]).rows
    assert row.status == "wrong"
    (row,) = check_derivative(lambda x: x * x, lambda x: 1 / (x - 2), [2.0]).rows
    assert row.status == "formula-error" and "ZeroDivisionError" in row.note
    (row,) = check_derivative(lambda x: x.sqrt(), lambda x: 0.5 / math.sqrt(x) if x else math.inf, [0.0]).rows
    assert row.status == "no-limit"  # √x at 0: the quotients grow without bound


@pytest.mark.parametrize(
    ("points", "error"),
    [([], "points is empty"), ([math.nan], "finite"), ("abc", "must be a number"), ([1.0, None], "each point")],
)
def test_bad_points_are_refused(points, error: str) -> None:
    with pytest.raises((ValueError, TypeError), match=error):
        check_derivative(profit, lambda x: -4 * x + 12, points)


def test_the_table_shows_the_quotients_converging_and_fits_100_columns() -> None:
    text = str(check_derivative(lambda x: x.sigmoid(), lambda x: 1 - sigmoid(x), [-2.0, 1.0, 1e10]))
    assert max(len(line) for line in text.splitlines()) <= 100, text
    assert "h=1e-02" in text and "h=1e-06" in text and "WRONG" in text
    row = next(line for line in text.splitlines() if line.strip().startswith("1 "))
    quotients = [float(v) for v in row.split()[1:4]]
    errors = [abs(q - sigmoid(1) * (1 - sigmoid(1))) for q in quotients]
    assert errors[0] > errors[1] > errors[2]  # converging as h shrinks


def test_assert_derivative_for_pytest(tmp_path: Path) -> None:
    assert assert_derivative(profit, lambda x: -4 * x + 12, [0, 3]).ok
    with pytest.raises(DerivativeError) as caught:
        assert_derivative(profit, lambda x: -4 * x - 12, [0, 3])
    assert str(caught.value).startswith("FAIL at 2 of 2 points: at x = 0 the quotients converge to 12;")
    test_file = tmp_path / "test_mine.py"
    test_file.write_text(textwrap.dedent("""
        from autograd.check import assert_derivative

        def test_mine():
            assert_derivative(lambda x: x ** 3, lambda x: 3 * x, [2.0])
    """))
    run = subprocess.run(
        [sys.executable, "-m", "pytest", str(test_file), "-q", "-p", "no:cacheprovider", "-p", "no:xdist"],
        capture_output=True, text=True, cwd=tmp_path, timeout=120, env={**os.environ, "COLUMNS": "200"},
    )
    summary = [line for line in run.stdout.splitlines() if line.startswith("FAILED")]
    assert summary == [
        "FAILED test_mine.py::test_mine - autograd.derivative_check.DerivativeError: FAIL: at x = 2 the "
        "quotients converge to 12; your formula gives 6."
    ], run.stdout
    assert "derivative_check.py" not in run.stdout


# ---- the limit table: no false blame, no best h from exact zeros --------------------------------------
def test_limit_table_blames_a_wrong_given_derivative_not_a_kink() -> None:
    text = " ".join(str(limit_table(lambda x: x.sigmoid(), 1.0, derivative=0.2689)).split())
    assert "the quotients converge to 0.196612 instead, so the given derivative is wrong" in text
    assert "kink" not in text


def test_limit_table_at_a_real_kink_names_both_one_sided_limits() -> None:
    text = " ".join(str(limit_table(lambda x: x.relu(), 0.0, derivative=0.0)).split())
    assert "from the right converge to 1, from the left to 0" in text and "a kink" in text


def test_limit_table_takes_no_best_h_from_an_exact_zero_at_the_critical_point() -> None:
    table = limit_table(profit, 3.0)  # P'(3) = 0
    cancelled = [row for row in table.rows if row.forward_cancels]
    assert cancelled and all(row.forward == 0.0 and row.h < 1e-6 for row in cancelled)
    best = table.best_forward
    assert best is not None and not best.forward_cancels and best.forward != 0.0
    # The forward quotient of P at 3 is exactly −2h: the truncation error falls until round-off wins.
    assert best.h in (1e-7, 1e-8)
    text = str(table)
    assert "0*" in text and "cancellation, not by convergence" in text and "√ε ≈ 1e-8" in text


def test_a_formula_that_raises_is_a_failing_point_not_a_traceback():
    # The formula is a learner's code: x.sin() on the plain float x is the classic slip, and gets the fix.
    def g(x):
        return x * x.sin()

    report = check_derivative(g, lambda x: x.sin() + x * x.cos(), [1.0, 2.0])
    assert not report.ok and all(row.status == "formula-error" for row in report.rows)
    assert "math.sin(x)" in report.verdict() and "not x.sin()" in report.verdict()
    broken = check_derivative(g, lambda x: [][1], [1.0])
    assert not broken.ok and "IndexError" in broken.verdict()
