"""Calling the function under test: numbers in, numbers out, and what a shifted point may raise.

The checking tools call a learner's function with :class:`~autograd.value.Value` arguments (so it may
use ``x.exp()`` and friends) and accept a Value or a plain number back. A function written for plain
floats only (it raises ``TypeError`` when handed a Value) is called with floats instead.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable
from typing import Any

from .functional import no_grad
from .value import Value

EPSILON = 2.0**-52  # float64 machine epsilon, ε ≈ 2.2e-16
# What evaluating f may raise at a shifted point: a domain error (log of a negative number), a
# division by zero, or an overflow (exp of a large number). Anything else is a bug and propagates.
EVAL_ERRORS = (ValueError, ZeroDivisionError, OverflowError, FloatingPointError)


def as_number(x: Any, what: str) -> float:
    """x as a float (a Value gives its data); ``what`` names it in the TypeError for anything else."""
    if isinstance(x, Value):
        return x.data
    if isinstance(x, numbers.Real) and not isinstance(x, bool):
        return float(x)
    raise TypeError(f"{what} must be a number or a Value, got {type(x).__name__} ({x!r:.40})")


def output_number(y: Any) -> float:
    """What the function under test returned, as a float (TypeError for anything but a number or Value)."""
    if isinstance(y, Value):
        return y.data
    if isinstance(y, numbers.Real) and not isinstance(y, bool):
        return float(y)
    raise TypeError(
        f"the function returned {type(y).__name__} ({y!r:.40}); it must return a Value or a number"
    )


def evaluate(f: Callable[[Any], Any], x: float) -> float:
    """f(x) as a float: called with a Value (no graph is recorded) or, failing that, a plain float."""
    with no_grad():
        try:
            y = f(Value(x))
        except TypeError:
            # A function written for floats only; anything that also fails on a float is re-raised.
            y = f(x)
    return output_number(y)


def positive_step(h: Any, name: str) -> float:
    """h as a positive finite float, or a ValueError naming ``name``."""
    value = as_number(h, name)
    if not (value > 0.0 and math.isfinite(value)):
        raise ValueError(f"the step {name} must be a positive finite number, got {h!r}")
    return value
