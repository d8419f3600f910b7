"""Edge cases a reviewer found: each pins behaviour that was wrong before (values from independent reasoning)."""

from __future__ import annotations

import math
import subprocess
import sys
import warnings

import pytest

from autograd import Value, derivative, detect_anomaly, grad, no_grad
from autograd.check import central_difference
from autograd.examples import profit
from autograd.expr import ExpressionError, parse_expression


# ---- derivative() needs a graph even where recording is off -----------------------------------------
def test_derivative_inside_no_grad_still_differentiates() -> None:
    with no_grad():
        assert derivative(profit)(12.0) == -36.0  # P'(x) = −4x + 12
        assert derivative(derivative(profit))(3.0) == -4.0


def test_the_limit_definition_of_a_derivative_function() -> None:
    """check evaluates f under no_grad(); P'' = −4 must come out, not 0."""
    assert central_difference(derivative(profit), 3.0, h=1e-3) == pytest.approx(-4.0, abs=1e-9)


def test_derivative_warns_when_f_cuts_the_graph() -> None:
    with pytest.warns(UserWarning, match="plain number"):
        assert derivative(lambda x: math.sin(x))(1.0) == 0.0  # math.sin made a float: the graph is cut
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert derivative(lambda x: x.sin())(1.0) == pytest.approx(math.cos(1.0))


def test_derivative_refuses_a_function_that_returns_no_number() -> None:
    with pytest.raises(TypeError, match="must return a Value"):
        derivative(lambda x: [x])(1.0)


# ---- create_graph=True gives the numbers backward() gives, where a derivative is inf or undefined ----
@pytest.mark.parametrize(
    ("build", "at"),
    [
        (lambda x: x ** Value(2.0), -2.0),  # d/dx = 2x = −4, although ln(−2) (for d/dn) is undefined
        (lambda x: x.sqrt(), 0.0),  # +inf
        (lambda x: x**0.5, 0.0),  # +inf
        (lambda x: x ** Value(0.0), 0.0),  # x⁰ is constant: 0
        (lambda x: x**3, 0.0),  # 3x² = 0
    ],
)
def test_create_graph_agrees_with_first_order(build, at: float) -> None:
    x = Value(at)
    (plain,) = grad(build(x), [x])
    (graph,) = grad(build(x), [x], create_graph=True)
    assert graph.data == plain or (math.isnan(graph.data) and math.isnan(plain))


def test_second_derivative_of_a_power_with_a_value_exponent_at_a_negative_base() -> None:
    # d²/dt² t² = 2 everywhere, negative t included
    assert derivative(derivative(lambda t: t ** Value(2.0)))(-3.0) == pytest.approx(2.0)


def test_relu_fast_path_and_rule_agree_on_zero_times_infinity() -> None:
    x = Value(-1.0)
    y = x.relu().sqrt()  # sqrt'(0) = inf, relu'(−1) = 0: 0·inf
    (by_rule,) = grad(y, [x])
    y.backward()
    assert math.isnan(by_rule) and math.isnan(x.grad)


def test_relu_keeps_nan_so_detect_anomaly_can_name_it() -> None:
    assert math.isnan(Value(math.nan).relu().data)  # as torch.relu(nan)
    with detect_anomaly(), pytest.raises(FloatingPointError, match="relu"):
        Value(math.nan).relu()


# ---- inputs that are not what they should be -----------------------------------------------------
def test_a_huge_int_names_the_problem() -> None:
    with pytest.raises(OverflowError, match="too large for a float64"):
        Value(10**400)


@pytest.mark.parametrize("seed", ["3", None, [1.0], True])
def test_backward_seed_must_be_a_number(seed) -> None:
    y = Value(2.0) * Value(3.0)
    with pytest.raises(TypeError, match="real number"):
        y.backward(seed)


# ---- the expression parser --------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("x*1e999", "not a finite"),
        ("leaky_relu(x, 1e999)", "finite"),
        ("x*" + "9" * 400, "not a finite"),
        ("−2*x**2 + 12*x", "ASCII minus"),
        ("x^2", "'**' for powers"),
        ("2x + 1", "2*x"),
        ("3(x + 1)", "3*(x + 1)"),
        ("x·y", "'*'"),
        ("x²", "'**'"),
    ],
)
def test_parser_refuses_with_a_hint(text: str, words: str) -> None:
    with pytest.raises(ExpressionError, match=None) as info:
        parse_expression(text)
    assert words in str(info.value)


@pytest.mark.parametrize("text", ["2*x", "x*2e5", "1e-3*x", "2.5e3*x + x2", "exp(x)*3", "2 * (x + 1)"])
def test_parser_accepts_ordinary_numbers(text: str) -> None:
    parse_expression(text)


def test_a_long_flat_sum_is_not_too_deep() -> None:
    expr = parse_expression("+".join(["x.exp()"] * 60))  # 60 terms, one level of parentheses
    root, _ = expr.build({"x": 0.0})
    assert root.data == 60.0


def test_automatic_labels_never_take_a_variable_name() -> None:
    root, leaves = parse_expression("n1*n2 + n1").build({"n1": 1.0, "n2": 2.0})
    labels = [root.label, *(p.label for p in root.parents)]
    assert labels.count("n1") == 1 and leaves["n1"].label == "n1"
    root, _ = parse_expression("out*2 + 1").build({"out": 3.0})
    assert root.label != "out"


# ---- the command line when its reader goes away ---------------------------------------------------
@pytest.mark.parametrize(
    "command",
    [
        ["profit", "--lr", "0.001"],
        ["graph", "(a*b + c).tanh()", "--at", "a=2,b=-3,c=10", "--steps"],
        ["check", "x**2 + y**2", "--at", "x=1,y=2"],
    ],
    ids=["profit", "graph", "check"],
)
def test_piping_into_head_stops_quietly(command: list[str]) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "autograd", *command],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # the reader is gone before the first line (like `| head -0`): every write fails
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == 1
    assert err == ""
