"""Bad inputs give the documented exception with a message that says what went wrong and what to do.

A message is judged by what a learner needs from it: what was given (the value, or its type), what is
accepted, and which op complained. Python's bare "math domain error" is never good enough.
"""

from __future__ import annotations

import fractions
import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from autograd import Value, dot, sum_of

BARE = ("math domain error", "float division by zero", "division by zero", "math range error")


def _not_bare(message: str) -> None:
    assert message.strip() not in BARE, f"bare Python message: {message!r}"
    assert len(message) > 30, f"too terse to help: {message!r}"


# ---- Value(...) with something that is not one real number --------------------------------------
@pytest.mark.parametrize(
    ("given", "shown"),
    [
        ("abc", "'abc'"),
        (None, "None"),
        ([1.0], "[1.0]"),
        (1 + 2j, "(1+2j)"),
        (np.array([1.0, 2.0]), "(2,)"),
        (np.zeros((2, 3)), "(2, 3)"),
        ({"x": 1.0}, "dict"),
        (b"1.0", "bytes"),
        (np.complex128(1 + 2j), "1+2j"),
    ],
    ids=["str", "None", "list", "complex", "array(2)", "array(2x3)", "dict", "bytes", "np.complex128"],
)
def test_value_rejects_what_is_not_a_real_number(given: Any, shown: str) -> None:
    with pytest.raises(TypeError) as info:
        Value(given)
    message = str(info.value)
    assert shown in message, message  # what was given
    assert "real number" in message  # what is accepted
    _not_bare(message)


def test_value_of_a_numpy_array_names_it_as_an_array() -> None:
    with pytest.raises(TypeError, match="numpy array"):
        Value(np.array([1.0, 2.0]))


def test_value_of_a_value_explains_how_to_copy_it() -> None:
    with pytest.raises(TypeError, match=r"v\.data"):
        Value(Value(1.0))


@pytest.mark.parametrize(
    "given",
    [
        np.float32(1.5),
        np.float64(-2.25),
        np.int64(7),
        np.int8(-3),
        np.array([2.5]),
        np.array(4.0),
        np.array([[0.5]]),
        np.bool_(True),
        True,
        3,
        fractions.Fraction(1, 4),
    ],
    ids=[
        "float32",
        "float64",
        "int64",
        "int8",
        "array([2.5])",
        "array(4.0)",
        "array([[0.5]])",
        "np.bool_",
        "bool",
        "int",
        "Fraction",
    ],
)
def test_value_accepts_real_scalars_and_one_element_arrays_as_float(given: Any) -> None:
    expected = float(given.reshape(()).item()) if isinstance(given, np.ndarray) else float(given)
    v = Value(given)
    assert type(v.data) is float
    assert v.data == expected
    assert v.grad == 0.0


def test_label_must_be_a_string() -> None:
    with pytest.raises(TypeError, match="label"):
        Value(1.0, label=3)  # type: ignore[arg-type]


# ---- domain errors in the forward pass ------------------------------------------------------------
@pytest.mark.parametrize(
    ("make", "error", "op", "value"),
    [
        (lambda: Value(-1.0).log(), ValueError, "log", "-1.0"),
        (lambda: Value(0.0).log(), ValueError, "log", "0.0"),
        (lambda: Value(-1.0).sqrt(), ValueError, "sqrt", "-1.0"),
        (lambda: Value(-8.0) ** 0.5, ValueError, "pow", "-8.0"),
        (lambda: Value(-8.0) ** Value(1 / 3), ValueError, "pow", "-8.0"),
        (lambda: Value(0.0) ** -1, ZeroDivisionError, "pow", "0.0"),
        (lambda: Value(0.0) ** Value(-2.0), ZeroDivisionError, "pow", "0.0"),
        (lambda: Value(1.0) / 0, ZeroDivisionError, "div", "1.0"),
        (lambda: 1 / Value(0.0), ZeroDivisionError, "div", "1.0"),
        (lambda: Value(2.0) / Value(0.0), ZeroDivisionError, "div", "2.0"),
        (lambda: Value(1000.0).exp(), OverflowError, "exp", "1000.0"),
        (lambda: Value(1e200) ** 2, OverflowError, "pow", "1e+200"),
        (lambda: Value(10.0) ** Value(400.0), OverflowError, "pow", "400.0"),
    ],
    ids=[
        "log(-1)",
        "log(0)",
        "sqrt(-1)",
        "(-8)**0.5",
        "(-8)**Value(1/3)",
        "0**-1",
        "0**Value(-2)",
        "1/0",
        "1/Value(0)",
        "Value/Value(0)",
        "exp(1000)",
        "1e200**2",
        "10**Value(400)",
    ],
)
def test_domain_errors_name_the_op_and_the_value(
    make: Callable[[], Any], error: type, op: str, value: str
) -> None:
    with pytest.raises(error) as info:
        make()
    message = str(info.value)
    assert op in message, message
    assert value in message, message
    _not_bare(message)


def test_exp_overflow_is_an_error_not_a_silent_inf() -> None:
    """DESIGN.md lets the engine choose; value.py documents OverflowError. exp(709) is still fine."""
    assert Value(709.0).exp().data == pytest.approx(math.exp(709.0))
    with pytest.raises(OverflowError, match="exp"):
        Value(710.0).exp()


def test_domain_errors_also_under_no_grad() -> None:
    from autograd import no_grad

    with no_grad(), pytest.raises(ValueError, match="log"):
        Value(-1.0).log()


@pytest.mark.parametrize("method", ["sin", "cos"])
def test_sin_cos_of_infinity_name_the_op(method: str) -> None:
    with pytest.raises(ValueError) as info:
        getattr(Value(math.inf), method)()
    assert method in str(info.value)
    _not_bare(str(info.value))


@pytest.mark.parametrize("items", [[1e308, 1e308], [math.inf, -math.inf]], ids=["overflow", "inf-inf"])
def test_sum_of_extreme_values_behaves_like_repeated_addition(items: list[float]) -> None:
    total = sum_of([Value(v) for v in items])
    chained = Value(items[0]) + Value(items[1])
    assert (math.isnan(total.data) and math.isnan(chained.data)) or total.data == chained.data


# ---- operands that are not numbers ------------------------------------------------------------------
@pytest.mark.parametrize(
    ("make", "type_name"),
    [
        (lambda: Value(1.0) + "a", "str"),
        (lambda: "a" + Value(1.0), "str"),
        (lambda: Value(1.0) - None, "NoneType"),
        (lambda: [1.0] * Value(1.0), "list"),
        (lambda: Value(1.0) / "2", "str"),
        (lambda: Value(2.0) ** "2", "str"),
        (lambda: "2" ** Value(2.0), "str"),
        (lambda: Value(2.0) ** True, "bool"),
        (lambda: Value(1.0) * (1 + 2j), "complex"),
        (lambda: sum_of([Value(1.0), "x"]), "str"),
        (lambda: dot([Value(1.0)], [None]), "NoneType"),
        (lambda: Value(1.0) < "a", "str"),
        (lambda: Value(1.0).leaky_relu("0.1"), "0.1"),
        (lambda: Value(1.0).leaky_relu(math.nan), "nan"),
    ],
    ids=[
        "V+str",
        "str+V",
        "V-None",
        "list*V",
        "V/str",
        "V**str",
        "str**V",
        "V**bool",
        "V*complex",
        "sum_of(str)",
        "dot(None)",
        "V<str",
        "slope str",
        "slope nan",
    ],
)
def test_bad_operands_raise_type_error_naming_what_was_given(make: Callable[[], Any], type_name: str) -> None:
    with pytest.raises(TypeError) as info:
        make()
    assert type_name in str(info.value), str(info.value)


def test_dot_length_mismatch_and_empty() -> None:
    with pytest.raises(ValueError, match="2 weights but 3 inputs"):
        dot([Value(1.0), Value(2.0)], [1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="at least one"):
        dot([], [])
