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
from .under_test import EPSILON, EVAL_ERRORS, as_number, evaluate, positive_step
from .value import Value

__all__ = [
    "forward_difference",
    "central_difference",
    "limit_table",
    "LimitTable",
    "LimitRow",
    "DEFAULT_HS",
    "estimate_limit",
    "LimitEstimate",
    "slope_evidence",
    "SlopeEvidence",
]

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
    #: The quotient is exactly 0 because f(x+h) and f(x) (f(x−h) for the central one) rounded to the
    #: same float: cancellation, not convergence. Such a zero is never a "best h".
    forward_cancels: bool = False
    central_cancels: bool = False


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

    #: The limit the quotients settle on (see :func:`slope_evidence`); NaN when there is none.
    limit: float = math.nan
    #: (from the left, from the right) where those limits differ: a kink; () otherwise.
    one_sided: tuple[float, ...] = ()

    @property
    def best_forward(self) -> LimitRow | None:
        """The row whose forward quotient is closest to the derivative (None if none is known).

        A quotient that is exactly 0 by cancellation (f(x+h) rounds to f(x)) is not counted: at a
        critical point it matches f'(x) = 0 by luck, not because h is well chosen.
        """
        return _best([r for r in self.rows if not r.forward_cancels], "forward_error")

    @property
    def best_central(self) -> LimitRow | None:
        """The row whose central quotient is closest to the derivative (None if none is known)."""
        return _best([r for r in self.rows if not r.central_cancels], "central_error")

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
                f"{row.h:>7.0e}  {number_cell(row.forward, 17)}  {_error(row.forward_error, row.forward_cancels)}  "
                f"{number_cell(row.central, 17)}  {_error(row.central_error, row.central_cancels)}{mark}"
            )
        lines.extend(wrap_text(self._closing_line(self.best_forward, self.best_central)))
        cancelled = self._cancellation_note()
        if cancelled:
            lines.extend(wrap_text(cancelled))
        return "\n".join(lines)

    def _cancellation_note(self) -> str:
        """What the starred exact zeros are: luck from cancellation, not a quotient that converged."""
        hs = [f"{r.h:.0e}" for r in self.rows if r.forward_cancels or r.central_cancels]
        if not hs:
            return ""
        at = ", ".join(hs) if len(hs) <= 4 else f"{hs[0]}, …, {hs[-1]} ({len(hs)} steps)"
        v = self.variable
        return (
            f"* exact 0 at h = {at}: f({v}+h) and f({v}) (or f({v}−h)) round to the same float, so the "
            f"quotient is 0 by cancellation, not by convergence; it matches only where the derivative is 0, "
            f"and round-off dominates below about √ε ≈ 1e-8 (no best h is taken from it)."
        )

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
            best = min(fwd.forward_error, cen.central_error)
            if self.one_sided:
                left, right = self.one_sided
                return (
                    f"No h brings a quotient near {short(self.derivative, 6)}: the quotients from the right "
                    f"converge to {short(right, 6)}, from the left to {short(left, 6)}, so the derivative "
                    f"does not exist here (a kink; {short(self.derivative, 6)} is a convention at best)."
                )
            if math.isfinite(self.limit):  # the quotients do settle, on another number
                return (
                    f"No h brings a quotient near the {self.reference} {short(self.derivative, 6)} (best |error| "
                    f"{best:.1e}): the quotients converge to {short(self.limit, 6)} instead, so the "
                    f"{self.reference} derivative is wrong here."
                )
            return (
                f"No h brings a quotient near {short(self.derivative, 6)} (best |error| {best:.1e}), and "
                "the quotients do not settle on any number: the derivative does not exist here (a kink, "
                "a jump or a vertical tangent)."
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


def _error(x: float, cancels: bool) -> str:
    return f"{'0*':>8}" if cancels else error_cell(x)


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
        rows.append(LimitRow(
            h, forward, central, exact, abs(forward - exact), abs(central - exact),
            forward_cancels=_cancels(plus, at_x, h, x), central_cancels=_cancels(plus, minus, h, x),
        ))
    name = getattr(f, "__name__", "f").replace("<lambda>", "f")
    evidence = slope_evidence(f, x)
    one_sided = (evidence.left.value, evidence.right.value) if evidence.kind == "kink" else ()
    return LimitTable(x, tuple(rows), exact, name, reference, unknown=unknown, limit=evidence.value,
                      one_sided=one_sided)


def _cancels(a: float, b: float, h: float, x: float) -> bool:
    """a − b is exactly 0 at a step small enough for round-off to rule (below ~1e-6 relative to x).

    At larger steps an exact 0 is genuine (f symmetric about x, as x² about 0).
    """
    return a == b and h < 1e-6 * max(1.0, abs(x))


def _try_evaluate(f: Callable[[Any], Any], x: float) -> float:
    try:
        return evaluate(f, x)
    except EVAL_ERRORS:
        return math.nan


# ---- the limit the quotients converge to -----------------------------------------------------------------
@dataclass(frozen=True)
class LimitEstimate:
    """Where the difference quotients of f at x settle as h shrinks (see :func:`estimate_limit`).

    Attributes:
        value: the limit (the quotient at the step where two neighbouring quotients agree best);
            NaN when f cannot be evaluated near x.
        spread: |D(h) − D(h/10)| there: how far apart the two best-agreeing quotients are.
        h: that step.
        converged: the quotients settle (spread small against the value and the round-off at h).
        quotients: (h, D(h)) for every step tried, the largest first.
    """

    value: float
    spread: float
    h: float
    converged: bool
    quotients: tuple[tuple[float, float], ...]


def estimate_limit(f: Callable[[Any], Any], x: Value | float, side: int = 0) -> LimitEstimate:
    """The number the difference quotients of f at x converge to, found by watching them settle.

    The quotients D(h) are taken at h = 10⁻¹·s … 10⁻¹⁴·s, s = max(1, |x|): central ones
    (f(x+h) − f(x−h))/2h for ``side=0``, from the right (f(x+h) − f(x))/h for ``side=1`` and from the
    left (f(x) − f(x−h))/h for ``side=-1``. Truncation error shrinks with h and round-off grows, so
    the best estimate is where two neighbouring quotients agree best; an exact 0 from cancellation
    (deep in round-off) is skipped. Where the one-sided limits differ, f has a kink at x.
    """
    x = as_number(x, "x")
    scale = max(1.0, abs(x))
    centre = _try_evaluate(f, x)
    quotients = []
    numerators = []
    for k in range(1, 15):
        h = scale * 10.0**-k
        plus = _try_evaluate(f, x + h) if side >= 0 else centre
        minus = _try_evaluate(f, x - h) if side <= 0 else centre
        width = (x + h if side >= 0 else x) - (x - h if side <= 0 else x)  # the step float64 took
        quotients.append((h, (plus - minus) / width if width > 0 else math.nan))
        numerators.append(plus - minus)
    size = max((abs(v) for v in (centre, *_samples_near(f, x, scale)) if math.isfinite(v)), default=0.0)
    best: tuple[float, float, float, float] | None = None  # (score, spread, value, h)
    for k in range(len(quotients) - 1):
        (_, q1), (h2, q2) = quotients[k], quotients[k + 1]
        if not (math.isfinite(q1) and math.isfinite(q2)):
            continue
        if (numerators[k] == 0.0 or numerators[k + 1] == 0.0) and h2 < 1e-6 * scale:
            continue  # cancellation, not convergence
        spread = abs(q1 - q2)
        # Deep in round-off two quotients can agree by luck: count the round-off expected at h2.
        score = max(spread, 4.0 * EPSILON * size / h2)
        if best is None or score < best[0]:
            best = (score, spread, q2, h2)
    if best is None:
        return LimitEstimate(math.nan, math.nan, math.nan, False, tuple(quotients))
    _, spread, value, h = best
    # Round-off in a quotient at step h is about ε·|f|/h; allow for it, and for 1e-5 of the value. A
    # limit of 0 (x² at 0, x·sin x at 0) has no size of its own to be 1e-5 of: there the quotients
    # close in on 0 like h does, so measure them against f's typical slope near x instead (how much f
    # changes over 0.1·s), or every flat point would be called "no limit".
    slope_scale = size / (0.1 * scale) if math.isfinite(size) else 0.0
    noise = 1e3 * EPSILON * max(abs(centre), size, 1e-300) / h if math.isfinite(centre) else 0.0
    converged = spread <= 1e-5 * max(abs(value), slope_scale) + noise + 1e-12
    return LimitEstimate(value, spread, h, converged, tuple(quotients))


@dataclass(frozen=True)
class SlopeEvidence:
    """What the quotients of f at x say about f'(x): the central limit and the two one-sided ones.

    ``kind`` is ``"smooth"`` (the derivative exists: ``value``), ``"kink"`` (the limits from the
    left and the right differ), ``"edge"`` (f is defined on one side only; ``value`` is that side's
    limit), ``"no-limit"`` (the quotients do not settle: a jump or a vertical tangent) or
    ``"undefined"`` (f cannot be evaluated near x).
    """

    central: LimitEstimate
    right: LimitEstimate
    left: LimitEstimate

    @property
    def kind(self) -> str:
        right, left = self.right, self.left
        if right.converged and left.converged:
            gap = abs(right.value - left.value)
            tolerance = 1e-4 * max(1.0, abs(right.value), abs(left.value)) + 10.0 * (right.spread + left.spread)
            return "kink" if gap > tolerance else ("smooth" if self.central.converged else "no-limit")
        finite = [e for e in (right, left) if math.isfinite(e.value)]
        if not finite and not math.isfinite(self.central.value):
            return "undefined"
        if len(finite) == 1 and finite[0].converged and not math.isfinite(self.central.value):
            return "edge"
        return "no-limit"

    @property
    def value(self) -> float:
        """f'(x) as the quotients give it (a one-sided limit at an edge); NaN where there is none."""
        kind = self.kind
        if kind == "smooth":
            return self.central.value
        if kind == "edge":
            return self.right.value if self.right.converged else self.left.value
        return math.nan


def _samples_near(f: Callable[[Any], Any], x: float, scale: float) -> tuple[float, float]:
    return _try_evaluate(f, x + 0.1 * scale), _try_evaluate(f, x - 0.1 * scale)


def slope_evidence(f: Callable[[Any], Any], x: Value | float) -> SlopeEvidence:
    """The central, right and left limits of f's quotients at x (see :class:`SlopeEvidence`)."""
    return SlopeEvidence(estimate_limit(f, x, 0), estimate_limit(f, x, 1), estimate_limit(f, x, -1))
