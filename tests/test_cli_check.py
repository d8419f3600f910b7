"""`gradstep check`: good expressions, every class of refused input, exit codes, never a traceback.

Expected numbers come from hand-derived formulas (P'(x) = −4x + 12) and math, not from the output.
"""

from __future__ import annotations

import math
import re
import subprocess
import sys

import pytest

from autograd.__main__ import main
from autograd.examples import profit, profit_derivative


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    try:
        code = main(["check", *argv])
    except SystemExit as exit_:  # argparse's own errors
        code = int(exit_.code or 0)
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def width(text: str) -> int:
    return max(len(line) for line in text.splitlines())


# ---- good expressions ------------------------------------------------------------------------------
def test_profit_at_12(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "-2*x**2 + 12*x - 10", "--at", "x=12")
    assert code == 0 and err == ""
    assert f"f = {profit(12.0):g}" in out  # −154
    assert f"∂f/∂x = {profit_derivative(12.0):g}" in out  # −36
    table = [line for line in out.splitlines() if re.match(r"\s+1e-\d\d\s", line)]
    assert len(table) == 12
    # The forward column is −4x + 12 − 2h = −36 − 2h at the large steps (h = 0.1: −36.2).
    h, forward = table[0].split()[:2]
    assert float(forward) == pytest.approx(profit_derivative(12.0) - 2 * float(h), abs=1e-9)
    assert "Best h" in out and "PASS" in out
    assert width(out) <= 100, out


def test_several_variables_with_second_derivatives(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "x*y + sin(x)", "--at", "x=0.5,y=-2", "--second")
    assert code == 0
    assert re.search(r"∂f/∂x = (\S+)", out) and re.search(r"∂f/∂y = (\S+)", out)
    dx = float(re.search(r"∂f/∂x = (\S+)", out).group(1))  # type: ignore[union-attr]
    dy = float(re.search(r"∂f/∂y = (\S+)", out).group(1))  # type: ignore[union-attr]
    assert dx == pytest.approx(-2 + math.cos(0.5), rel=1e-10) and dy == pytest.approx(0.5, rel=1e-12)
    assert out.count("Limit table of f at") == 2
    assert "(other variables held at y = -2)" in out and "(other variables held at x = 0.5)" in out
    assert "first partial derivatives agree" in out and "second partial derivatives agree" in out
    assert "∂²f/∂y∂x" in out
    assert width(out) <= 100, out


def test_chosen_steps(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "exp(x)", "--at", "x=1", "--h", "1e-2,1e-5")
    assert code == 0
    rows = [line.split() for line in out.splitlines() if re.match(r"\s+1e-0[25]\s", line)]
    assert [r[0] for r in rows] == ["1e-02", "1e-05"]
    assert float(rows[1][3]) == pytest.approx(math.e, rel=1e-10)  # central quotient at h = 1e-5


def test_a_kink_fails_with_the_reason(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "relu(x) + abs(y)", "--at", "x=0,y=1")
    assert code == 1 and err == ""
    assert "non-differentiable point" in out and "FAIL" in out


def test_the_edge_of_a_domain_fails_with_the_reason(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "sqrt(x)", "--at", "x=0")
    assert code == 1
    assert "could not be checked" in out and "edge of the domain" in out


def test_help(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--help")
    assert code == 0 and "--at" in out and "Exit code" in out


# ---- refused input: one line on stderr, exit code 2 -------------------------------------------------
REFUSED = {
    "attribute access": ("x.__class__", "x=1", "attribute"),
    "attribute call": ("x.__class__()", "x=1", "not allowed"),
    "__import__": ("__import__('os')", "", "__import__"),
    "open": ("open('f')", "", "open"),
    "lambda": ("(lambda: 1)()", "", "lambda"),
    "bare lambda": ("lambda x: x", "", "lambda"),
    "subscript": ("x[0]", "x=1", "subscript"),
    "comprehension": ("[x for x in y]", "", "comprehension"),
    "generator": ("sum(x for x in y)", "", "sum"),
    "too long": ("x+" * 300 + "x", "x=1", "500"),
    "deeply nested parentheses": ("(" * 60 + "x" + ")" * 60, "x=1", "limit"),
    "deeply nested operators": ("+" * 150 + "x", "x=1", "too large"),
    "syntax error": ("x +", "x=1", "not a valid expression"),
    "no variables": ("2 + 3", "", "no variables"),
    "unknown variable": ("x**2", "x=1,q=2", "q"),
    "missing value": ("x*y", "x=1", "no value for y"),
    "no --at at all": ("x*y", "", "no value for x, y"),
    "not a number": ("x**2", "x=abc", "'abc' is not a number"),
    "infinite number": ("x**2", "x=inf", "not a finite number"),
    "not an assignment": ("x**2", "x", "name=value"),
    "log of a negative number": ("log(x)", "x=-1", "log"),
    "division by zero": ("x / y", "x=1,y=0", "zero"),
    "overflow": ("exp(x)", "x=1000", "exp"),
}


@pytest.mark.parametrize("expr,at,words", REFUSED.values(), ids=REFUSED.keys())
def test_refused_input(capsys: pytest.CaptureFixture[str], expr: str, at: str, words: str) -> None:
    code, out, err = run(capsys, expr, "--at", at)
    assert code == 2
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("gradstep check: ")
    assert words.lower() in lines[0].lower()


@pytest.mark.parametrize(
    "option,value,words",
    [("--h", "0", "--h"), ("--h", "1e-2,abc", "abc"), ("--eps", "-1", "--eps"), ("--atol", "-1", "atol")],
)
def test_refused_settings(capsys: pytest.CaptureFixture[str], option: str, value: str, words: str) -> None:
    code, out, err = run(capsys, "x**2", "--at", "x=1", option, value)
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and words in err


def test_missing_at_value_is_an_argparse_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "x**2", "--at")
    assert code == 2 and out == ""
    assert "--at" in err and "expected one argument" in err


def test_an_expression_starting_with_minus_works_as_typed(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "-x**2", "--at", "x=1")
    assert code == 0 and "∂f/∂x = -2" in out
    code, out, _ = run(capsys, "--at", "x=3", "--", "-x**2")
    assert code == 0 and "∂f/∂x = -6" in out


# ---- the installed command, as a separate process ---------------------------------------------------
@pytest.mark.parametrize(
    "argv,code",
    [
        (["-2*x**2 + 12*x - 10", "--at", "x=12"], 0),
        (["relu(x)", "--at", "x=0"], 1),
        (["__import__('os').system('echo hi')", "--at", "x=1"], 2),
        (["x.__class__.__mro__", "--at", "x=1"], 2),
    ],
)
def test_as_a_process(argv: list[str], code: int) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "autograd", "check", *argv], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == code, done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    assert "hi" not in done.stdout


# ---- what the output says where autograd gives NaN, and how wide it is ---------------------------------
def test_a_nan_partial_is_explained_with_advice_for_the_command_line(capsys: pytest.CaptureFixture[str]) -> None:
    # ∂(x^y)/∂y = x^y·ln x, and ln(−2) is undefined; x^y itself is undefined at y ± h for x < 0.
    code, out, err = run(capsys, "x**y", "--at", "x=-2,y=2")
    assert code == 1 and err == ""
    assert "built no graph" not in out and "derivative=" not in out
    assert "autograd gives nan here" in out and "x^y·ln x" in out and "--at" in out
    verdict = out.strip().splitlines()[-1]
    assert "y ± eps" in verdict and "x ± eps" not in verdict
    assert width(out) <= 100, out


@pytest.mark.parametrize("expr", ["exp(x)*exp(x)", "-exp(x)*exp(x)"])
def test_huge_values_keep_the_tables_aligned_and_narrow(capsys: pytest.CaptureFixture[str], expr: str) -> None:
    code, out, _ = run(capsys, "--at", "x=200", "--", expr)
    assert code == 0
    assert width(out) <= 100, out
    lines = out.splitlines()
    heading = next(line for line in lines if line.lstrip().startswith("h "))
    data = [line.split("  ◀")[0] for line in lines if re.match(r"\s+1e-\d\d\s", line)]
    assert {len(line) for line in data} == {len(heading)}, out


def test_long_lines_are_wrapped(capsys: pytest.CaptureFixture[str]) -> None:
    names = [f"variable_{i}" for i in range(8)]
    expr = " + ".join(f"{name}*{name}" for name in names)
    code, out, _ = run(capsys, expr, "--at", ",".join(f"{name}=1.2345678901234e200" for name in names))
    assert code in (0, 1)
    assert width(out) <= 100, out


def test_eps_below_resolution_is_named(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "x*x", "--at", "x=1e10")[0] == 0  # the default step is scaled to |x|
    code, out, _ = run(capsys, "x*x", "--at", "x=1e10", "--absolute-eps")
    assert code == 1
    assert "below float64 resolution" in out and "use eps ≥" in out and "disagree" not in out
    assert width(out) <= 100, out


def test_a_usage_error_is_wrapped_to_100_columns(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "--at", "x=1", "--h", "1e-1", "--eps", "1e-6", "--atol", "1e-5", "--rtol", "1e-3")
    assert code == 2 and "the following arguments are required: EXPR" in err
    assert width(err) <= 100, err


def test_a_closed_pipe_is_not_called_a_bug(monkeypatch: pytest.MonkeyPatch) -> None:
    # `gradstep check ... | head` closes stdout early; the command line's main handles that quietly.
    import argparse

    from autograd.commands import check as command

    def closed(args: argparse.Namespace) -> int:
        raise BrokenPipeError(32, "Broken pipe")

    monkeypatch.setattr(command, "_run", closed)
    with pytest.raises(BrokenPipeError):
        command.run(argparse.Namespace())


# ---- --derivative: your own formula, at a point or a range ------------------------------------------------
def test_a_wrong_formula_over_a_range(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "sigmoid(x)", "--derivative", "1 - sigmoid(x)", "--at", "x=-2:2:5")
    assert code == 1 and err == ""
    rows = [line.split() for line in out.splitlines() if re.match(r"\s+-?\d+\s+\d", line)]
    assert [float(r[0]) for r in rows] == [-2, -1, 0, 1, 2]
    assert [r[-1] for r in rows] == ["WRONG"] * 5  # 1 − σ is never σ·(1 − σ) (at 0: 1/2 against 1/4)
    s = 1 / (1 + math.exp(2.0))
    assert f"FAIL at 5 of 5 points: at x = -2 the quotients converge to {s * (1 - s):.6g}" in out
    assert width(out) <= 100, out


def test_a_right_formula_passes_with_exit_0(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "-2*x**2 + 12*x - 10", "--derivative", "-4*x + 12", "--at", "x=0:12:5")
    assert code == 0 and "PASS" in out
    rows = [line.split() for line in out.splitlines() if re.match(r"\s+\d+\s+-?\d", line)]
    assert [float(r[-2]) for r in rows] == [profit_derivative(x) for x in (0, 3, 6, 9, 12)]


def test_a_formula_starting_with_minus_works_as_typed(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "-x**2", "--derivative", "-2*x", "--at", "x=1")
    assert code == 0 and "PASS" in out
    code, out, _ = run(capsys, "x**2", "--derivative", "-2*x", "--at", "x=1")
    assert code == 1 and "the sign is flipped" in out


def test_the_variable_keeps_its_name(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "relu(t)", "--derivative", "0", "--at", "t=-1:1:3")
    flat = " ".join(out.split())
    assert code == 1 and "at t = 1 the quotients converge to 1; your formula gives 0" in flat
    assert "(no derivative at t = 0)" in flat and "f(x" not in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["x**2", "--at", "x=-1:1:3"], "a range of points (x=-1:1:3) needs --derivative"),
        (["x*y", "--derivative", "y", "--at", "x=1"], "--derivative checks a function of one variable"),
        (["x**2", "--derivative", "2*y", "--at", "x=1"], "uses y, but f's variable is x"),
        (["x**2", "--derivative", "2*x"], "no point given; add --at x=1"),
        (["x**2", "--derivative", "2*x", "--at", "x=1:2:0"], "COUNT of 'x=1:2:0' must be a whole number"),
        (["x**2", "--derivative", "2*x", "--at", "x=1:2"], "a range is FROM:TO:COUNT"),
    ],
)
def test_bad_derivative_input_is_refused_in_one_line(
    capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    code, _, err = run(capsys, *argv)
    assert code == 2 and message in " ".join(err.split()), err


@pytest.mark.parametrize(
    ("expression", "coarse"),
    [("log(x)", "non-differentiable point"), ("1/x", "non-differentiable point"),
     ("x**-2", "non-differentiable point"), ("sqrt(x)", "gave |error| 2.0e-01")],
)
def test_no_false_kink_near_zero(capsys: pytest.CaptureFixture[str], expression: str, coarse: str) -> None:
    code, out, _ = run(capsys, expression, "--at", "x=1e-5")
    flat = " ".join(out.split())
    assert code == 0 and "PASS" in flat and coarse in flat  # what the coarse step saw, said
    assert "checked with the smaller step eps·|x| = 1.0e-11: the step 1e-06 is 10% of |x| = 1e-05" in flat
