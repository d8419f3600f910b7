"""The limit definition, computed: difference quotients and the limit table (teaching).

The derivative is a limit, f'(x) = lim_{h→0} (f(x+h) − f(x)) / h. A computer cannot take the limit,
but it can evaluate the quotient at a small h and compare the result with what autograd says:

* :func:`forward_difference` — (f(x+h) − f(x)) / h, the limit definition at a finite h;
* :func:`central_difference` — (f(x+h) − f(x−h)) / 2h, the symmetric quotient (far more accurate);
* :func:`limit_table` — both quotients for h = 10⁻¹ … 10⁻¹², beside autograd's derivative, so one
  can watch the error fall as h shrinks, and then rise again once floating-point round-off wins.

Functions under test are called with :class:`~autograd.value.Value` arguments (so they may use
``x.exp()`` and friends) and may return a Value or a plain number (see :mod:`autograd.under_test`).
The testing tool built on central differences, ``gradcheck``, lives in :mod:`autograd.testing`.
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from .diagnose import nan_origin
from .functional import grad
from .report_text import CELL_STYLE, error_cell, number_cell, short, wrap_text
from .under_test import EVAL_ERRORS, as_number, evaluate, positive_step
from .value import Value

__all__ = ["forward_difference", "central_difference", "limit_table", "LimitTable", "LimitRow", "DEFAULT_HS"]

#: The step sizes of :func:`limit_table`: 10⁻¹, 10⁻², …, 10⁻¹².
DEFAULT_HS: tuple[float, ...] = tuple(10.0**-k for k in range(1, 13))


def forward_difference(f: Callable[[Any], Any], x: Value | float, h: float = 1e-6) -> float:
    """(f(x+h) − f(x)) / h: the limit definition of f'(x), stopped at a finite h.

    Its error is about |f''(x)|·h/2 (truncation, O(h)) plus about ε·|f(x)|/h (round-off).

    >>> forward_difference(lambda x: x * x, 3.0, h=0.5)   # ((3.5)² − 3²)/0.5 = 2·3 + 0.5
    6.5
    """
    x, h = as_number(x, "x"), positive_step(h, "h")
    return (evaluate(f, x + h) - evaluate(f, x)) / h


def central_difference(f: Callable[[Any], Any], x: Value | float, h: float = 1e-6) -> float:
    """(f(x+h) − f(x−h)) / 2h: the symmetric quotient, whose error is O(h²) instead of O(h).

    The h-terms of the two one-sided quotients cancel, leaving about |f'''(x)|·h²/6 (truncation)
    plus about ε·|f(x)|/h (round-off). It is exact for quadratics, up to rounding.

    >>> central_difference(lambda x: x * x, 3.0, h=0.5)
    6.0
    """
    x, h = as_number(x, "x"), positive_step(h, "h")
    return (evaluate(f, x + h) - evaluate(f, x - h)) / (2.0 * h)


_NO_GRAPH = (
    "f built no graph (it returns a plain number, or takes floats only); "
    "pass derivative= to compare with a formula of your own"
)


def _autograd_derivative(f: Callable[[Any], Any], x: float) -> tuple[float, str, str]:
    """(f'(x) by reverse mode, the reference's name, why it is NaN when it is).

    NaN either because f builds no graph (it returns a plain number or needs floats; reference "")
    or because autograd's own answer is NaN (a local derivative undefined at x; reference "autograd").
    """
    leaf = Value(x, "x")
    try:
        y = f(leaf)
    except TypeError:
        return math.nan, "", _NO_GRAPH
    if not isinstance(y, Value):
        return math.nan, "", _NO_GRAPH
    slope = grad(y, [leaf])[0]
    if not math.isnan(slope):
        return slope, "autograd", ""
    origin = nan_origin(y, leaf)
    why = f"autograd gives nan here: {origin}" if origin else "autograd gives nan here"
    return slope, "autograd", why + "; pass derivative= to compare with a value of your own, or try another x"


# ---- the limit table --------------------------------------------------------------------------------
@dataclass(frozen=True)
class LimitRow:
    """One step size: both quotients, the derivative they are compared with, and their errors.

    A quotient is NaN when f cannot be evaluated at x ± h (the step leaves f's domain).
    """

    h: float
    forward: float
    central: float
    autograd: float
    forward_error: float
    central_error: float


@dataclass(frozen=True)
class LimitTable:
    """The limit table of f at x (see :func:`limit_table`). Iterate over it for the rows."""

    x: float
    rows: tuple[LimitRow, ...]
    derivative: float
    name: str = "f"
    reference: str = "autograd"
    variable: str = "x"
    #: How the header writes the derivative; default ``f'(x)`` (the command line shows ``∂f/∂y``).
    derivative_label: str = ""
    #: Why the derivative is NaN and what to do about it (shown under the table); "" when it is known.
    unknown: str = ""

    def __iter__(self) -> Iterator[LimitRow]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    def __getitem__(self, i: int) -> LimitRow:
        return self.rows[i]

    @property
    def best_forward(self) -> LimitRow | None:
        """The row whose forward quotient is closest to the derivative (None if none is known)."""
        return _best(self.rows, "forward_error")

    @property
    def best_central(self) -> LimitRow | None:
        """The row whose central quotient is closest to the derivative (None if none is known)."""
        return _best(self.rows, "central_error")

    def _marked(self) -> tuple[LimitRow | None, LimitRow | None]:
        """The best rows worth pointing at: none when no quotient comes near the derivative."""
        fwd, cen = self.best_forward, self.best_central
        if fwd is None or cen is None or not self._converges(fwd, cen):
            return None, None
        return fwd, cen

    def _converges(self, fwd: LimitRow, cen: LimitRow) -> bool:
        return min(fwd.forward_error, cen.central_error) <= 1e-3 * max(1.0, abs(self.derivative))

    def __str__(self) -> str:
        fwd, cen = self._marked()
        v = self.variable
        lines = [
            *wrap_text(
                f"Limit table of {self.name} at {v} = {short(self.x)}: difference quotients vs {self._versus()}"
            ),
            *wrap_text(
                f"  forward = (f({v}+h)−f({v}))/h,  central = (f({v}+h)−f({v}−h))/2h,  "
                f"|error| = |quotient − {self._label()}|",
                indent="    ",
            ),
            f"{'h':>7}  {'forward':>17}  {'|error|':>8}  {'central':>17}  {'|error|':>8}",
        ]
        for row in self.rows:
            marks = [name for name, best in (("forward", fwd), ("central", cen)) if best is row]
            mark = "  ◀ best " + " & ".join(marks) if marks else ""
            lines.append(
                f"{row.h:>7.0e}  {number_cell(row.forward, 17)}  {error_cell(row.forward_error)}  "
                f"{number_cell(row.central, 17)}  {error_cell(row.central_error)}{mark}"
            )
        lines.extend(wrap_text(self._closing_line(self.best_forward, self.best_central)))
        return "\n".join(lines)

    def _headings(self) -> tuple[str, str]:
        v = self.variable
        return f"forward (f({v}+h)−f({v}))/h", f"central (f({v}+h)−f({v}−h))/2h"

    def _label(self) -> str:
        return self.derivative_label or f"{self.name}'({self.variable})"

    def _versus(self) -> str:
        label = self._label()
        if math.isnan(self.derivative):
            # No reference means f built no graph; otherwise the reference's answer is NaN.
            return f"{self.reference} {label} = nan" if self.reference else f"{label} = unknown"
        return f"{self.reference} {label} = {short(self.derivative, 15)}"

    def _closing_line(self, fwd: LimitRow | None, cen: LimitRow | None) -> str:
        if math.isnan(self.derivative):
            why = self.unknown or ("autograd gives nan here" if self.reference else _NO_GRAPH)
            return f"Best h unknown, no derivative to compare with: {why}."
        if fwd is None or cen is None:
            return f"Best h unknown: the derivative is {self.derivative} here, which no quotient reaches."
        if not self._converges(fwd, cen):
            return (
                f"No h brings a quotient near {short(self.derivative, 6)} (best |error| "
                f"{min(fwd.forward_error, cen.central_error):.1e}): the limit does not exist here (a kink?)."
            )
        return f"Best h: forward {fwd.h:.0e}, central {cen.h:.0e}  (float64 theory: √ε ≈ 1e-8, ∛ε ≈ 1e-5)"

    def _repr_html_(self) -> str:
        fwd, cen = self._marked()
        best_style = "background:#fff3b0;font-weight:bold"
        cells = []
        for row in self.rows:
            f_style = f' style="{best_style}"' if row is fwd else ""
            c_style = f' style="{best_style}"' if row is cen else ""
            cells.append(
                f"<tr><td>{row.h:.0e}</td><td{f_style}>{number_cell(row.forward, 0)}</td>"
                f"<td{f_style}>{error_cell(row.forward_error).strip()}</td>"
                f"<td{c_style}>{number_cell(row.central, 0)}</td>"
                f"<td{c_style}>{error_cell(row.central_error).strip()}</td></tr>"
            )
        caption = html.escape(
            f"{self.name} at {self.variable} = {short(self.x)}: difference quotients vs {self._versus()} "
            "(highlighted: the best h of each method)"
        )
        forward, central = (html.escape(text) for text in self._headings())
        head = f"<tr><th>h</th><th>{forward}</th><th>|error|</th><th>{central}</th><th>|error|</th></tr>"
        foot = html.escape(self._closing_line(self.best_forward, self.best_central))
        return (
            CELL_STYLE.format(cls="gradstep-limit-table")
            + '<table class="gradstep-limit-table" style="font-family:monospace;text-align:right">'
            f'<caption style="text-align:left">{caption}</caption>{head}{"".join(cells)}'
            f'<tr><td colspan="5" style="text-align:left">{foot}</td></tr></table>'
        )


def _best(rows: Sequence[LimitRow], field: str) -> LimitRow | None:
    known = [r for r in rows if math.isfinite(getattr(r, field))]
    return min(known, key=lambda r: getattr(r, field)) if known else None  # ties: the larger h


def limit_table(
    f: Callable[[Any], Any],
    x: Value | float,
    hs: Sequence[float] | None = None,
    *,
    derivative: float | None = None,
) -> LimitTable:
    """Forward and central quotients of f at x for shrinking h, beside the true derivative.

    The lesson it shows: the error of a difference quotient has two parts that pull against
    each other.

    * **Truncation error** — the quotient is not yet the limit. It falls as h shrinks: about
      |f''|·h/2 for the forward quotient (O(h): ten times smaller h, ten times smaller error) and
      about |f'''|·h²/6 for the central one (O(h²): a hundred times smaller).
    * **Round-off error** — f(x+h) and f(x) are rounded to about 16 digits (ε = 2⁻⁵² ≈ 2.2e-16), and
      subtracting two nearly equal numbers loses those digits; dividing by h magnifies what is
      left. It grows like ε·|f|/h as h shrinks.

    Their sum is smallest where the two balance: for float64 near h ≈ √ε ≈ 1e-8 for the forward
    quotient (best error ≈ 1e-8) and near h ≈ ∛ε ≈ 1e-5 for the central quotient (best error
    ≈ 1e-11). Below that, a smaller h gives a *worse* answer — the reason autograd computes
    derivatives exactly instead of by limits, and the reason ``gradcheck`` uses a moderate h.

    Args:
        f: the function; called with a Value (or, if it only takes floats, with a float).
        x: the point.
        hs: the step sizes; default 1e-1, 1e-2, …, 1e-12.
        derivative: the derivative to compare with; default autograd's f'(x). Give it when f
            builds no graph (plain-float functions) or to compare with a formula worked by hand.

    Returns:
        a :class:`LimitTable`: iterate it for :class:`LimitRow` rows; ``print`` it for a table;
        in a notebook it shows as HTML with the best h of each method highlighted.
    """
    x = as_number(x, "x")
    steps = DEFAULT_HS if hs is None else tuple(positive_step(h, "each h in hs") for h in hs)
    if not steps:
        raise ValueError("hs is empty; give at least one step size, e.g. hs=[1e-1, 1e-4, 1e-8]")
    if derivative is None:
        exact, reference, unknown = _autograd_derivative(f, x)
    else:
        exact, reference = as_number(derivative, "derivative"), "given"
        unknown = "the given derivative is nan" if math.isnan(exact) else ""
    at_x = evaluate(f, x)
    rows = []
    for h in steps:
        plus, minus = _try_evaluate(f, x + h), _try_evaluate(f, x - h)
        forward = (plus - at_x) / h
        central = (plus - minus) / (2.0 * h)
        rows.append(LimitRow(h, forward, central, exact, abs(forward - exact), abs(central - exact)))
    name = getattr(f, "__name__", "f").replace("<lambda>", "f")
    return LimitTable(x, tuple(rows), exact, name, reference, unknown=unknown)


def _try_evaluate(f: Callable[[Any], Any], x: float) -> float:
    try:
        return evaluate(f, x)
    except EVAL_ERRORS:
        return math.nan
