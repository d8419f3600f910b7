"""Property-based: random expression graphs over every op pass gradcheck and gradgradcheck; the
printed tables fit in 100 columns for any numbers.

Each example is a random tree over x, y, z (tests/strategies.py keeps every op inside its domain by
construction) at a random point. Three filters, each a documented property of the point, not a
loosened tolerance:

* ``value_is_tame`` — the function evaluates to a finite number below 1e6 in size, so the central
  difference's round-off (about ε·|f|/eps ≈ 2e-4 at worst) stays below the tolerance;
* ``kinks_are_clear(margin=1e-2)`` — no relu/abs/leaky_relu input is within 1e-2 of its kink, so the
  derivative exists on the whole stencil x ± 2·eps (kinks have their own tests in test_check.py);
* :func:`poles_are_clear` — no base of a negative power (``u ** -1``) is within 1e-2 of 0. Near a
  pole the function changes by orders of magnitude within eps (or the stencil straddles the pole),
  so no finite difference, however tuned, estimates the derivative; the engine itself is right there.
"""

from __future__ import annotations

import math
from typing import Any

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from strategies import VARIABLES, kinks_are_clear, points, to_value, trees, value_is_tame

from autograd import Value
from autograd.check import GradcheckReport, GradcheckRow, LimitRow, LimitTable, gradcheck, gradgradcheck

EXAMPLES = 600  # ≈ 8 s on one core; each example runs both checks


def poles_are_clear(tree: tuple, point: dict[str, float], margin: float = 1e-2) -> bool:
    """True when the base of every negative constant power is at least ``margin`` away from 0."""
    env = {name: Value(v) for name, v in point.items()}

    def clear(t: Any) -> bool:
        if not (isinstance(t, tuple) and t):
            return True
        if not isinstance(t[0], str):  # the weight / input tuples of a dot node
            return all(clear(c) for c in t)
        if t[0] == "powc" and t[2] < 0 and abs(to_value(t[1], env).data) < margin:
            return False
        return all(clear(c) for c in t[1:] if isinstance(c, tuple))

    return clear(tree)


def test_poles_are_clear_looks_inside_every_node() -> None:
    inner = ("powc", ("var", "x"), -1)
    assert not poles_are_clear(("dot", (("const", 1.0),), (("sin", inner),), ("const", 0.0)), {"x": 1e-3})
    assert poles_are_clear(("dot", (("const", 1.0),), (("sin", inner),), ("const", 0.0)), {"x": 0.5})
    assert poles_are_clear(("powc", ("var", "x"), 2), {"x": 0.0})


def test_gradcheck_and_gradgradcheck_pass_on_random_graphs() -> None:
    checked = []

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    @given(trees(), points())
    def check(tree: tuple, point: dict[str, float]) -> None:
        assume(value_is_tame(tree, point))
        assume(kinks_are_clear(tree, point, margin=1e-2))
        assume(poles_are_clear(tree, point))

        def f(x: Value, y: Value, z: Value) -> Value:
            return to_value(tree, {"x": x, "y": y, "z": z})

        inputs = [Value(point[name], name) for name in VARIABLES]
        gradcheck(f, inputs)  # raises GradcheckError, with the table, on a failure
        gradgradcheck(f, inputs)
        checked.append(tree)

    check()
    assert len(checked) >= 500
    # The trees are real graphs, not mostly bare leaves.
    assert sum(isinstance(t[1], tuple) for t in checked) > len(checked) // 2


# ---- every printed line fits in 100 columns, whatever the numbers ---------------------------------------
ANY_FLOAT = st.floats(allow_nan=True, allow_infinity=True)
ERROR = st.one_of(st.floats(min_value=0.0, allow_infinity=True), st.just(math.nan))


@settings(max_examples=300, deadline=None)
@given(
    x=st.floats(allow_nan=False, allow_infinity=False),
    derivative=ANY_FLOAT,
    rows=st.lists(st.tuples(st.floats(1e-300, 1e300), ANY_FLOAT, ANY_FLOAT, ERROR, ERROR), min_size=1, max_size=4),
)
def test_limit_tables_fit_in_100_columns_and_stay_aligned(
    x: float, derivative: float, rows: list[tuple[float, float, float, float, float]]
) -> None:
    table = LimitTable(x, tuple(LimitRow(h, f, c, derivative, fe, ce) for h, f, c, fe, ce in rows), derivative)
    lines = str(table).splitlines()
    assert max(len(line) for line in lines) <= 100, "\n".join(lines)
    heading = next(line for line in lines if line.lstrip().startswith("h "))
    start = lines.index(heading) + 1
    data = [line.split("  ◀")[0] for line in lines[start : start + len(rows)]]
    assert {len(line) for line in data} == {len(heading)}, "\n".join(lines)


@settings(max_examples=300, deadline=None)
@given(
    point=st.lists(st.floats(allow_nan=False, allow_infinity=False), min_size=1, max_size=6),
    value=ANY_FLOAT,
    numbers=st.lists(st.tuples(ANY_FLOAT, ANY_FLOAT, ERROR, ERROR, st.booleans()), min_size=6, max_size=6),
    eps=st.floats(1e-300, 1e300),
)
def test_gradcheck_reports_fit_in_100_columns(
    point: list[float], value: float, numbers: list[tuple[float, float, float, float, bool]], eps: float
) -> None:
    names = tuple(f"v{i}" for i in range(len(point)))
    rows = tuple(
        GradcheckRow(name, f"∂f/∂{name}", a, n, ae, re, ok, "" if ok else "a note " * 30, name)
        for name, (a, n, ae, re, ok) in zip(names, numbers)
    )
    report = GradcheckReport(rows, names, tuple(point), value, 1, eps, 1e-5, 1e-3)
    lines = str(report).splitlines()
    assert max(len(line) for line in lines) <= 100, "\n".join(lines)
