"""gradcheck without traps: steps scaled to |x|, cut graphs named, near-zero derivatives, pytest output.

Oracles: the derivatives by hand (log' = 1/x, √x' = 1/(2√x), relu' = 1 for x > 0, P'(3) = 0 for the
profit quadratic, GELU'(x) = Φ(x) + x·φ(x)), and pytest's own output for the failure messages.
"""

from __future__ import annotations

import math
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from autograd import Value
from autograd.check import GradcheckError, assert_grad_close, gradcheck, gradgradcheck
from autograd.examples import profit


# ---- relative eps: no false kinks near 0 ------------------------------------------------------------
@pytest.mark.parametrize(
    ("f", "x", "slope"),
    [
        (lambda t: t.log(), 1e-5, 1e5),
        (lambda t: 1 / t, 1e-5, -1e10),
        (lambda t: t**-2, 1e-5, -2e15),
        (lambda t: t.sqrt(), 1e-5, 0.5 / math.sqrt(1e-5)),
        (lambda t: t.relu(), 1e-7, 1.0),  # differentiable at 1e-7; a step of 1e-6 straddles the kink
    ],
)
def test_a_step_scaled_to_x_finds_no_false_kink_near_zero(f, x: float, slope: float) -> None:
    (row,) = gradcheck(f, [x]).rows  # raises if it fails
    assert row.analytic == pytest.approx(slope, rel=1e-12)
    assert row.numeric == pytest.approx(slope, rel=1e-5)
    assert "smaller step" in row.note and "1e-06" in row.note  # the verdict depended on the step: said
    absolute = gradcheck(f, [x], raise_on_failure=False, relative_eps=False)
    assert not absolute.ok  # PyTorch's absolute step fails there


def test_a_real_kink_is_still_a_kink() -> None:
    (row,) = gradcheck(lambda t: t.relu(), [0.0], raise_on_failure=False).rows
    assert not row.ok and row.non_differentiable
    (row,) = gradcheck(lambda t: abs(t - 1e-7), [1e-7], raise_on_failure=False).rows  # kink at x itself
    assert not row.ok and row.non_differentiable


def test_large_inputs_step_relative_to_x() -> None:
    (row,) = gradcheck(lambda t: t * t, [1e10]).rows
    assert row.numeric == pytest.approx(2e10, rel=1e-9)


def test_second_derivatives_near_zero_use_the_scaled_step_too() -> None:
    (row,) = gradgradcheck(lambda t: t.log(), [1e-5]).rows
    assert row.numeric == pytest.approx(-1e10, rel=1e-5)


# ---- a graph cut by math.* or float() -----------------------------------------------------------------
def _gelu_cut(x: Value) -> Value:
    return x * (0.5 * (1.0 + math.erf(x / 2**0.5)))  # math.erf turns the Value into a float


def _gelu_slope(x: float) -> float:
    return 0.5 * (1 + math.erf(x / math.sqrt(2))) + x * math.exp(-x * x / 2) / math.sqrt(2 * math.pi)


def test_a_value_turned_into_a_float_is_named() -> None:
    report = gradcheck(_gelu_cut, [Value(1.0, "x")], raise_on_failure=False)
    (row,) = report.rows
    assert row.numeric == pytest.approx(_gelu_slope(1.0), rel=1e-6)
    assert not row.ok and row.graph_cut
    assert "turned into a plain float" in row.note and "math.*" in row.note
    assert "graph is cut" in report.verdict()


def test_a_pass_by_coincidence_through_a_cut_graph_is_flagged() -> None:
    # At x = 0 the x·erf(x/√2) term has slope 0, so the cut graph's 0.5 happens to be right.
    report = gradcheck(_gelu_cut, [Value(0.0, "x")])
    assert report.ok and report.rows[0].numeric == pytest.approx(_gelu_slope(0.0))
    assert report.verdict().startswith("PASS (doubtful)") and "graph is cut along x" in report.verdict()


def test_an_input_that_does_not_reach_the_output_is_named() -> None:
    (row,) = gradcheck(lambda t: Value(t.data) * 2.0, [3.0], raise_on_failure=False).rows
    assert not row.ok and row.graph_cut and "does not depend on x0 in autograd's graph" in row.note
    (row,) = gradcheck(lambda t: math.sin(t), [3.0], raise_on_failure=False).rows  # a plain number back
    assert not row.ok and row.graph_cut


def test_a_genuinely_constant_function_passes_without_a_cut_note() -> None:
    report = gradcheck(lambda t, u: t * 2.0, [1.0, 5.0])  # u really does not matter
    assert report.ok and not report.warnings and report.rows[1].note == ""


def test_watching_conversions_leaves_float_of_a_value_working() -> None:
    gradcheck(_gelu_cut, [0.0])
    assert float(Value(2.5)) == 2.5 and math.sqrt(Value(4.0)) == 2.0


# ---- a derivative of about zero -----------------------------------------------------------------------
def test_near_zero_derivative_reports_the_absolute_error_not_rel_error_one() -> None:
    report = gradcheck(profit, [3.0])  # P'(3) = 0: the critical point
    (row,) = report.rows
    assert row.analytic == 0.0 and abs(row.numeric) < 1e-8 and row.ok
    assert math.isnan(row.rel_error) and row.abs_error == abs(row.numeric)
    text = str(report)
    assert "1.0e+00" not in text and "absolute error decides" in text


# ---- presets --------------------------------------------------------------------------------------------
def _rounds_to_float32(x: Value) -> Value:
    # x² plus the rounding error float32 makes in it: what a float32 kernel would return.
    return x * x + (float(np.float32(x.data * x.data)) - x.data * x.data)


def test_the_float32_preset_accepts_float32_round_off_the_float64_one_rejects() -> None:
    assert not gradcheck(_rounds_to_float32, [3.1], raise_on_failure=False).ok
    report = gradcheck(_rounds_to_float32, [3.1], preset="float32")
    assert (report.eps, report.atol, report.rtol) == (1e-4, 2e-3, 2e-3)
    with pytest.raises(ValueError, match="preset must be one of 'float64', 'float32'"):
        gradcheck(_rounds_to_float32, [3.1], preset="float16")


# ---- pytest-friendly failures ---------------------------------------------------------------------------
def test_the_error_message_starts_with_the_verdict() -> None:
    with pytest.raises(GradcheckError) as caught:
        assert_grad_close(lambda t: t * math.sin(t), [1.0])
    message = str(caught.value)
    assert message.startswith("FAIL: 1 disagree because the graph is cut (see the note) (∂f/∂x0).")
    assert message.count("FAIL: ") == 1 and "gradcheck (first derivatives)" in message


def test_pytest_shows_a_one_line_summary_and_hides_gradsteps_frames(tmp_path: Path) -> None:
    test_file = tmp_path / "test_wrong.py"
    test_file.write_text(textwrap.dedent("""
        import math
        from autograd.check import assert_grad_close

        def test_wrong():
            assert_grad_close(lambda t: t * math.sin(t), [1.0])
    """))
    run = subprocess.run(
        [sys.executable, "-m", "pytest", str(test_file), "-q", "-p", "no:cacheprovider", "-p", "no:xdist"],
        capture_output=True, text=True, cwd=tmp_path, timeout=120, env={**os.environ, "COLUMNS": "200"},
    )
    out = run.stdout
    assert run.returncode == 1, out
    summary = [line for line in out.splitlines() if line.startswith("FAILED")]
    assert summary == ["FAILED test_wrong.py::test_wrong - autograd.testing.GradcheckError: FAIL: 1 disagree "
                       "because the graph is cut (see the note) (∂f/∂x0)."], out
    assert "autograd/testing.py" not in out and "def gradcheck" not in out, out
    assert len(out.splitlines()) < 30, out
