"""Your derivative formula against the limit definition: ``check_derivative`` and ``assert_derivative``.

A learner who works out f'(x) by hand wants to know whether the formula is right, and if not, where
and by how much. :func:`check_derivative` evaluates the difference quotients of f at each point,
watches them converge (:func:`autograd.limits.slope_evidence`), and compares the limit with the
learner's formula. The verdict blames the right thing: a wrong formula ("at x = 1 the quotients
converge to 0.196612; your formula gives 0.268941"), a point where no derivative exists (a kink: the
quotients from the left and the right settle on different numbers), or a point outside f's domain.
f needs no graph: a plain-float function works as well as one written with Values.
"""

from __future__ import annotations

import html
import math
import numbers
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import Any

from .limits import SlopeEvidence, slope_evidence
from .report_text import CELL_STYLE, WIDTH, AllRowsOk, number_cell, short, wrap_text
from .under_test import EVAL_ERRORS, as_number, evaluate
from .value import Value

__all__ = ["check_derivative", "assert_derivative", "DerivativeReport", "DerivativeRow", "DerivativeError"]

#: The steps whose forward quotients the table shows converging (times |x| where |x| > 1).
SHOWN_HS = (1e-2, 1e-4, 1e-6)

#: What each row's ``status`` means.
STATUSES = {
    "ok": "your formula matches the limit",
    "wrong": "your formula does not match the limit",
    "kink": "no derivative: the limits from the left and the right differ",
    "no-limit": "no derivative: the quotients do not settle (a jump or a vertical tangent)",
    "edge": "f is defined on one side only: compared with the one-sided limit",
    "undefined": "f cannot be evaluated here",
    "formula-error": "your formula could not be evaluated here",
}


@dataclass(frozen=True)
class DerivativeRow:
    """One point: the quotients converging, their limit, the formula's value and the verdict.

    Attributes:
        x: the point.
        quotients: (h, (f(x+h) − f(x))/h) for the steps of :data:`SHOWN_HS`.
        limit: the number the quotients converge to (NaN where there is none).
        formula: the learner's f'(x) (NaN if it failed).
        status: one of :data:`STATUSES`.
        ok: the formula matches, or there is no derivative to match (a kink is not the formula's fault).
        note: what happened, in words (which limits differ, what the formula raised, a likely mistake).
    """

    x: float
    quotients: tuple[tuple[float, float], ...]
    limit: float
    formula: float
    status: str
    ok: bool
    note: str = ""


@dataclass(frozen=True)
class DerivativeReport(AllRowsOk[DerivativeRow]):
    """The result of :func:`check_derivative`; ``print`` it for the table, ``.ok`` for the verdict."""

    rows: tuple[DerivativeRow, ...]
    name: str = "f"
    formula_name: str = "your formula"
    rtol: float = 1e-6
    atol: float = 1e-9
    #: The variable's name in the texts (the command line uses the expression's).
    variable: str = "x"

    def verdict(self) -> str:
        """One line that names the first point where the formula is wrong, with both numbers."""
        n = len(self.rows)
        no_derivative = [row for row in self.rows if row.status in ("kink", "no-limit")]
        aside = ""
        if no_derivative:
            at = ", ".join(f"{self.variable} = {short(row.x)}" for row in no_derivative[:3])
            aside = f" (no derivative at {at}{', …' if len(no_derivative) > 3 else ''})"
        if self.ok:
            with_slope = n - len(no_derivative)
            where = "at the point" if n == 1 else (
                "at the one point with a derivative" if with_slope == 1
                else f"at all {with_slope} points with a derivative"
            )
            return f"PASS: {self.formula_name} matches the limit of the difference quotients {where}{aside}."
        first = self.failures[0]
        count = "" if n == 1 else f" at {len(self.failures)} of {n} points"
        return f"FAIL{count}: {_blame(first, self.formula_name, self.variable)}{aside}."

    def __str__(self) -> str:
        return "\n".join([*self.table_lines(), *wrap_text(self.verdict())])

    def table_lines(self) -> list[str]:
        """The table without the closing verdict (an error message puts the verdict first)."""
        shown = "  ".join(f"{'h=' + format(h, '.0e'):>13}" for h in SHOWN_HS)
        v = self.variable
        lines = [
            *wrap_text(
                f"{self.formula_name} for {self.name}'({v}) against the limit of ({self.name}({v}+h) − "
                f"{self.name}({v}))/h as h → 0 (h times |{v}| where |{v}| > 1)"
            ),
            f"{v:>9}  {shown}  {'limit':>13}  {'formula':>13}",
        ]
        for row in self.rows:
            cells = "  ".join(number_cell(q, 13) for _, q in row.quotients)
            lines.append(
                f"{short(row.x, 6):>9}  {cells}  {number_cell(row.limit, 13)}  {number_cell(row.formula, 13)}"
                f"  {_mark(row)}"
            )
            if row.note:
                lines.extend(wrap_text(f"{'':>11}↳ {row.note}", WIDTH, indent="    "))
        return lines

    def _repr_html_(self) -> str:
        head = "".join(f"<th>h = {h:.0e}</th>" for h in SHOWN_HS)
        cells = []
        for row in self.rows:
            style = "" if row.ok else ' style="background:#ffd6d6"'
            quotients = "".join(f"<td>{number_cell(q, 0)}</td>" for _, q in row.quotients)
            cells.append(
                f"<tr{style}><td>{short(row.x, 6)}</td>{quotients}<td>{number_cell(row.limit, 0)}</td>"
                f"<td>{number_cell(row.formula, 0)}</td><td>{html.escape(_mark(row))}</td>"
                f"<td style='text-align:left'>{html.escape(row.note)}</td></tr>"
            )
        caption = html.escape(f"{self.formula_name} for {self.name}'(x) against the limit of (f(x+h) − f(x))/h")
        color = "#1a7f37" if self.ok else "#cf222e"
        return (
            CELL_STYLE.format(cls="gradstep-derivative")
            + '<table class="gradstep-derivative" style="font-family:monospace;text-align:right">'
            f'<caption style="text-align:left">{caption}</caption><tr><th>x</th>{head}<th>limit</th>'
            f"<th>formula</th><th></th><th style='text-align:left'>note</th></tr>{''.join(cells)}"
            f'<tr><td colspan="8" style="text-align:left;color:{color}"><b>{html.escape(self.verdict())}</b>'
            "</td></tr></table>"
        )


class DerivativeError(AssertionError):
    """A derivative formula failed :func:`assert_derivative`; ``.report`` is the :class:`DerivativeReport`."""

    def __init__(self, report: DerivativeReport) -> None:
        super().__init__("\n".join([report.verdict(), *report.table_lines()]))
        self.report = report


def _mark(row: DerivativeRow) -> str:
    if row.status == "edge":
        return "ok (one side)" if row.ok else "WRONG"
    return {"ok": "ok", "wrong": "WRONG", "kink": "kink", "no-limit": "no f'"}.get(row.status, "FAIL")


def _blame(row: DerivativeRow, formula_name: str, variable: str) -> str:
    at = f"{variable} = {short(row.x)}"
    if row.status in ("wrong", "edge"):
        limit, formula = _distinct(row.limit, row.formula)
        side = " (from the one side where f is defined)" if row.status == "edge" else ""
        return f"at {at} the quotients converge to {limit}{side}; {formula_name} gives {formula}"
    if row.status == "undefined":
        return f"f cannot be evaluated at {at}: {row.note}"
    return f"at {at} {formula_name} could not be evaluated: {row.note}"


def _distinct(a: float, b: float) -> tuple[str, str]:
    """a and b with enough digits to see that they differ (6 at least, up to 17)."""
    for digits in range(6, 18):
        ta, tb = short(a, digits), short(b, digits)
        if ta != tb:
            return ta, tb
    return short(a, 17), short(b, 17)


def check_derivative(
    f: Callable[[Any], Any],
    df: Callable[[Any], Any],
    points: float | Iterable[float],
    *,
    rtol: float = 1e-6,
    atol: float = 1e-9,
    variable: str = "x",
) -> DerivativeReport:
    """Check a derivative formula worked by hand against the limit definition, at one or many points.

    Args:
        f: the function, of one variable: called with a Value (so ``x.exp()`` works) or, if it only
            takes floats, with a float. It may return a Value or a number.
        df: the formula for f'(x): a plain function of x returning a number (called with a float).
        points: one x or several, e.g. ``[-2, -1, 0, 1, 2]``.
        rtol, atol: the formula matches when |formula − limit| ≤ atol + rtol·|limit| (plus the spread
            of the quotients, which is tiny where they converge well).
        variable: what the table and the verdict call the variable.

    Returns:
        a :class:`DerivativeReport`: ``.ok``, ``.rows`` (per point: the quotients converging, their
        limit, the formula's value, a status and a note), ``verdict()`` (one line naming the first
        point where the formula is wrong, with both numbers), ``print`` for the table.

    >>> report = check_derivative(lambda x: -2 * x**2 + 12 * x - 10, lambda x: -4 * x + 12, [0, 3, 12])
    >>> report.ok
    True
    """
    if not callable(f) or not callable(df):
        raise TypeError("check_derivative needs two functions: f, and your formula df for f'(x)")
    for name, tol in (("rtol", rtol), ("atol", atol)):
        if not (isinstance(tol, numbers.Real) and not isinstance(tol, bool) and tol >= 0 and math.isfinite(tol)):
            raise ValueError(f"{name} must be a finite number ≥ 0, got {tol!r}")
    xs = _points(points)
    rows = _shared_hints(tuple(_row(f, df, x, rtol, atol) for x in xs))
    return DerivativeReport(rows, _name(f, "f"), "your formula", rtol, atol, str(variable))


def assert_derivative(
    f: Callable[[Any], Any], df: Callable[[Any], Any], points: float | Iterable[float], **kw: Any
) -> DerivativeReport:
    """For tests: :func:`check_derivative`, raising :class:`DerivativeError` (an AssertionError) on failure.

    The message's first line is the verdict (pytest's summary line shows it), the table follows; the
    frames of gradstep itself are hidden from pytest's traceback.
    """
    __tracebackhide__ = True
    report = check_derivative(f, df, points, **kw)
    if not report.ok:
        raise DerivativeError(report)
    return report


def _points(points: Any) -> tuple[float, ...]:
    if isinstance(points, (numbers.Real, Value)):
        points = [points]
    try:
        xs = tuple(as_number(x, "each point") for x in points)
    except TypeError as err:
        if "each point" in str(err):
            raise
        raise TypeError(f"points must be a number or a list of numbers, got {type(points).__name__}") from None
    if not xs:
        raise ValueError("points is empty; give at least one x, e.g. points=[0, 1, 2]")
    bad = [x for x in xs if not math.isfinite(x)]
    if bad:
        raise ValueError(f"each point must be a finite number, got {bad[0]!r}")
    return xs


def _name(fn: Any, default: str) -> str:
    name = getattr(fn, "__name__", default)
    return default if name == "<lambda>" else name


def _row(f: Callable[[Any], Any], df: Callable[[Any], Any], x: float, rtol: float, atol: float) -> DerivativeRow:
    scale = max(1.0, abs(x))
    quotients = tuple((h, _forward(f, x, h * scale)) for h in SHOWN_HS)
    formula, formula_error = _formula(df, x)
    try:
        at_x = evaluate(f, x)
    except EVAL_ERRORS as err:
        why = (str(err) or type(err).__name__).split(";")[0]  # the first clause names the problem
        return DerivativeRow(x, quotients, math.nan, formula, "undefined", False, why)
    evidence = slope_evidence(f, x)
    kind, limit = evidence.kind, evidence.value
    if kind in ("kink", "no-limit"):
        return DerivativeRow(x, quotients, math.nan, formula, kind, True, _no_derivative(evidence, formula))
    if kind == "undefined":
        return DerivativeRow(x, quotients, math.nan, formula, "undefined", False, "f cannot be evaluated near x")
    if formula_error:
        return DerivativeRow(x, quotients, limit, math.nan, "formula-error", False, formula_error)
    spread = evidence.central.spread if kind == "smooth" else max(evidence.right.spread, evidence.left.spread)
    agrees = abs(formula - limit) <= atol + rtol * abs(limit) + 10.0 * (spread if math.isfinite(spread) else 0.0)
    side = "f is defined on one side of x only, so the formula is compared with that side's limit" if (
        kind == "edge") else ""
    if agrees:
        return DerivativeRow(x, quotients, limit, formula, "ok" if kind == "smooth" else "edge", True, side)
    note = "; ".join(filter(None, [_likely_mistake(formula, limit, at_x), side]))
    return DerivativeRow(x, quotients, limit, formula, "wrong" if kind == "smooth" else "edge", False, note)


def _shared_hints(rows: tuple[DerivativeRow, ...]) -> tuple[DerivativeRow, ...]:
    """Keep a mistake's hint only if it fits every wrong point: one match can be a coincidence
    (1 − σ(0) = σ(0) = 0.5 is not "f itself")."""
    wrong = [row for row in rows if row.status == "wrong"]
    hints = {row.note for row in wrong}
    if len(wrong) < 2 or len(hints) == 1:
        return rows
    return tuple(replace(row, note="") if row.status == "wrong" else row for row in rows)


def _forward(f: Callable[[Any], Any], x: float, h: float) -> float:
    try:
        return (evaluate(f, x + h) - evaluate(f, x)) / h
    except EVAL_ERRORS:
        return math.nan


def _formula(df: Callable[[Any], Any], x: float) -> tuple[float, str]:
    """The formula's value at x, or NaN and what went wrong (the formula is the learner's code)."""
    try:
        value = df(x)
    except AttributeError as err:  # x.sin() on the float x: the formula is plain maths, not a graph
        if "'float' object has no attribute" in str(err):
            return math.nan, (f"{type(err).__name__}: {err}. The formula is called with a plain float x, "
                              "so write math.sin(x), math.exp(x), … (import math), not x.sin()")
        return math.nan, f"{type(err).__name__}: {err}"
    except Exception as err:  # the learner's code: any error is this point's verdict, not a traceback
        return math.nan, f"{type(err).__name__}: {err}"
    if isinstance(value, Value):
        value = value.data
    if not isinstance(value, numbers.Real) or isinstance(value, bool):
        return math.nan, f"it returned {type(value).__name__} ({value!r:.40}), not a number"
    value = float(value)
    if not math.isfinite(value):
        return value, f"it gives {value}"
    return value, ""


def _no_derivative(evidence: SlopeEvidence, formula: float) -> str:
    if evidence.kind == "kink":
        left, right = evidence.left.value, evidence.right.value
        return (
            f"the quotients from the left converge to {short(left)}, from the right to {short(right)}: no "
            f"derivative here, so any value (yours: {short(formula)}) is a convention"
        )
    return "the quotients do not settle on a number as h shrinks (a jump, a pole or a vertical tangent)"


def _likely_mistake(formula: float, limit: float, at_x: float) -> str:
    """A hint when the wrong number fits a classic slip."""
    close = lambda a, b: abs(a - b) <= 1e-6 * max(1.0, abs(b))  # noqa: E731
    if limit != 0.0 and close(formula, -limit):
        return "the sign is flipped"
    if close(formula, at_x) and not close(at_x, limit):
        return "that is f(x) itself, not its slope"
    if limit != 0.0 and formula != 0.0 and close(round(formula / limit), formula / limit) and abs(formula / limit) > 1:
        return f"{round(formula / limit):g} times the limit: a constant factor too many?"
    return ""
