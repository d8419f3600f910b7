"""A flat point (f'(x) = 0) is a derivative like any other: the quotients close in on 0 like h does.

Before, the convergence test measured the quotients' spread against 1e-5 of the limit itself, which is
nothing when the limit is 0, so x² at 0 was reported as "no derivative" and the verdict of a correct
formula read "PASS … (no derivative at x = 0)".
"""

from __future__ import annotations

import math

import pytest

from autograd.check import check_derivative
from autograd.limits import slope_evidence

# f, x, f'(x) worked by hand from the limit definition: e.g. (h² − 0)/h = h → 0.
FLAT = [
    ("x²", lambda x: x**2, 0.0, 0.0),
    ("x·sin x", lambda x: x * x.sin(), 0.0, 0.0),
    ("x·|x|", lambda x: x * abs(x), 0.0, 0.0),
    ("1e-8·x²", lambda x: 1e-8 * x**2, 0.0, 0.0),
    ("P at its critical point", lambda x: -2 * x**2 + 12 * x - 10, 3.0, 0.0),
]


@pytest.mark.parametrize("name, f, x, slope", FLAT, ids=[c[0] for c in FLAT])
def test_a_flat_point_has_a_derivative(name, f, x, slope) -> None:
    evidence = slope_evidence(f, x)
    assert evidence.kind == "smooth", name
    assert abs(evidence.value - slope) < 1e-8


def test_the_verdict_of_a_right_formula_at_a_flat_point_claims_no_missing_derivative() -> None:
    report = check_derivative(lambda x: x * x.sin(), lambda x: math.sin(x) + x * math.cos(x), [-2.0, 0.0, 1.0])
    assert report.ok
    assert [row.status for row in report.rows] == ["ok", "ok", "ok"]
    assert "no derivative" not in report.verdict()


def test_real_non_derivatives_are_still_named() -> None:
    assert slope_evidence(lambda x: abs(x), 0.0).kind == "kink"
    assert slope_evidence(lambda x: x.relu(), 0.0).kind == "kink"
    assert slope_evidence(lambda x: x.sqrt(), 0.0).kind != "smooth"                 # vertical tangent
    jump = slope_evidence(lambda x: 1.0 if getattr(x, "data", x) >= 0 else 0.0, 0.0)
    assert jump.kind == "no-limit"                                                    # a jump
