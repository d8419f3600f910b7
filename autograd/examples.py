"""The running examples of the course, built once so every lesson, demo and test uses the same ones."""

from __future__ import annotations

from typing import NamedTuple

from .value import Value

__all__ = ["profit", "profit_derivative", "PROFIT_TEXT", "LectureGraph", "lecture_graph"]

PROFIT_TEXT = "P(x) = −2x² + 12x − 10"


def profit(x: Value | float) -> Value | float:
    """A company's profit for x units sold: P(x) = −2x² + 12x − 10 (largest at x = 3)."""
    return -2 * x**2 + 12 * x - 10


def profit_derivative(x: float) -> float:
    """P'(x) = −4x + 12, worked out by hand from the limit definition (an oracle for the tests)."""
    return -4 * x + 12


class LectureGraph(NamedTuple):
    a: Value
    b: Value
    c: Value
    f: Value
    e: Value
    d: Value
    L: Value


def lecture_graph() -> LectureGraph:
    """The classic lecture graph: a=2, b=−3, c=10, f=−2; e = a·b, d = e + c, L = d·f (L = −8).

    Its gradients, by the chain rule: dL/da = 6, dL/db = −4, dL/dc = −2, dL/df = 4, dL/de = dL/dd = −2.
    """
    a, b, c, f = Value(2.0, "a"), Value(-3.0, "b"), Value(10.0, "c"), Value(-2.0, "f")
    e = a * b
    e.label = "e"
    d = e + c
    d.label = "d"
    L = d * f
    L.label = "L"
    return LectureGraph(a, b, c, f, e, d, L)
