"""Derivatives against the limit definition: difference quotients, the limit table, ``gradcheck``.

The derivative is a limit, f'(x) = lim_{h→0} (f(x+h) − f(x)) / h. A computer cannot take the limit,
but it can evaluate the quotient at a small h and compare the result with what autograd says:

* :func:`forward_difference` — (f(x+h) − f(x)) / h, the limit definition at a finite h;
* :func:`central_difference` — (f(x+h) − f(x−h)) / 2h, the symmetric quotient (far more accurate);
* :func:`limit_table` — both quotients for h = 10⁻¹ … 10⁻¹², beside autograd's derivative, so one
  can watch the error fall as h shrinks, and then rise again once floating-point round-off wins;
* :func:`gradcheck` / :func:`gradgradcheck` — every first (second) partial derivative of a function of
  several Values against central differences, as a report table; :func:`assert_grad_close` is the
  pytest-friendly form.

Functions under test are called with :class:`~autograd.value.Value` arguments (so they may use
``x.exp()`` and friends) and may return a Value or a plain number. A function written for plain
floats only (it raises ``TypeError`` when handed a Value) is called with floats instead.

Points where the derivative does not exist
------------------------------------------
The engine follows PyTorch's conventions at kinks: relu'(0) = 0, |x|'(0) = sign(0) = 0,
leaky_relu'(0) = slope, and √x at 0 has derivative +inf. These are conventions, not derivatives: at
such a point the slope from the left and the slope from the right differ, and no number is "the"
derivative. ``gradcheck`` detects this by comparing the one-sided quotients (extrapolated to h → 0,
so that mere curvature is not mistaken for a kink) and reports the row as **not ok** with the note
"non-differentiable point", even when autograd's conventional value happens to equal the central
quotient (as for |x| at 0): the check fails, and the note says why, instead of a bare mismatch.
Where f cannot be evaluated on one side (√x or log x at the edge of their domain), the row is not ok
with a note that names the failing evaluation. Where autograd's own answer is NaN, the note (and the
limit table) names the local derivative that made it (:func:`nan_origin`).

Large inputs
------------
``eps`` is absolute, as in PyTorch, so it suits inputs of size about 1. Floats near 1e10 are about
2e-6 apart, so there x ± 1e-6 rounds to a different step. ``gradcheck`` divides by the step float64
actually took, (x + eps) − (x − eps), whenever it differs from 2·eps; if the row still fails, its note
says that eps is below float64 resolution there and suggests an eps that works (about eps·|x|).
Printed tables keep every line within 100 columns, whatever the numbers.
"""

from __future__ import annotations

import html
import math
import numbers
import textwrap
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from .backward import backprop_order, propagate
from .functional import grad, no_grad
from .value import Value

__all__ = [
    "forward_difference",
    "central_difference",
    "limit_table",
    "LimitTable",
    "LimitRow",
    "gradcheck",
    "gradgradcheck",
    "assert_grad_close",
    "GradcheckReport",
    "GradcheckRow",
    "GradcheckError",
    "gradcheck_graph",
    "DEFAULT_HS",
    "NON_DIFFERENTIABLE",
    "BELOW_RESOLUTION",
    "nan_origin",
]

#: The step sizes of :func:`limit_table`: 10⁻¹, 10⁻², …, 10⁻¹².
DEFAULT_HS: tuple[float, ...] = tuple(10.0**-k for k in range(1, 13))

#: The note on a row whose left and right slopes differ.
NON_DIFFERENTIABLE = "non-differentiable point"

#: The note on a row whose step eps is too small to move the input in float64.
BELOW_RESOLUTION = "eps is below float64 resolution"

#: Every line of a printed table or report fits in this many columns, whatever the numbers.
WIDTH = 100

# The step x ± eps actually moves x by (x + eps) − (x − eps); when that differs from 2·eps by more
# than this fraction (x is so large that eps is a few float64 spacings), the quotient divides by
# the step taken instead.
_STEP_TOLERANCE = 1e-4

_EPSILON = 2.0**-52  # float64 machine epsilon, ε ≈ 2.2e-16
# What evaluating f may raise at a shifted point: a domain error (log of a negative number), a
# division by zero, or an overflow (exp of a large number). Anything else is a bug and propagates.
_EVAL_ERRORS = (ValueError, ZeroDivisionError, OverflowError, FloatingPointError)


# ---- evaluating the function under test --------------------------------------------------------
def _as_number(x: Any, what: str) -> float:
    if isinstance(x, Value):
        return x.data
    if isinstance(x, numbers.Real) and not isinstance(x, bool):
        return float(x)
    raise TypeError(f"{what} must be a number or a Value, got {type(x).__name__} ({x!r:.40})")


def _output(y: Any) -> float:
    if isinstance(y, Value):
        return y.data
    if isinstance(y, numbers.Real) and not isinstance(y, bool):
        return float(y)
    raise TypeError(
        f"the function returned {type(y).__name__} ({y!r:.40}); it must return a Value or a number"
    )


def _evaluate(f: Callable[[Any], Any], x: float) -> float:
    """f(x) as a float: called with a Value (no graph is recorded) or, failing that, a plain float."""
    with no_grad():
        try:
            y = f(Value(x))
        except TypeError:
            # A function written for floats only; anything that also fails on a float is re-raised.
            y = f(x)
    return _output(y)


def forward_difference(f: Callable[[Any], Any], x: Value | float, h: float = 1e-6) -> float:
    """(f(x+h) − f(x)) / h: the limit definition of f'(x), stopped at a finite h.

    Its error is about |f''(x)|·h/2 (truncation, O(h)) plus about ε·|f(x)|/h (round-off).

    >>> forward_difference(lambda x: x * x, 3.0, h=0.5)   # ((3.5)² − 3²)/0.5 = 2·3 + 0.5
    6.5
    """
    x, h = _as_number(x, "x"), _step(h, "h")
    return (_evaluate(f, x + h) - _evaluate(f, x)) / h


def central_difference(f: Callable[[Any], Any], x: Value | float, h: float = 1e-6) -> float:
    """(f(x+h) − f(x−h)) / 2h: the symmetric quotient, whose error is O(h²) instead of O(h).

    The h-terms of the two one-sided quotients cancel, leaving about |f'''(x)|·h²/6 (truncation)
    plus about ε·|f(x)|/h (round-off). It is exact for quadratics, up to rounding.

    >>> central_difference(lambda x: x * x, 3.0, h=0.5)
    6.0
    """
    x, h = _as_number(x, "x"), _step(h, "h")
    return (_evaluate(f, x + h) - _evaluate(f, x - h)) / (2.0 * h)


def _step(h: Any, name: str) -> float:
    value = _as_number(h, name)
    if not (value > 0.0 and math.isfinite(value)):
        raise ValueError(f"the step {name} must be a positive finite number, got {h!r}")
    return value


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


def nan_origin(output: Value, wrt: Value) -> str:
    """Where autograd's NaN for ∂output/∂wrt comes from, in words ("" when it is not NaN).

    Backprop multiplies local derivatives along every path from ``output`` to ``wrt``; the NaN starts
    at the first step (in backprop order, on a path that reaches ``wrt``) whose contribution is NaN
    while its upstream gradient was not: a local derivative undefined at the point (ln of a negative
    number in ∂(x^y)/∂y), or an infinite one times a zero upstream gradient. Where gradients +inf and
    −inf meet at a node, that node is named instead.
    """
    order = backprop_order(output, include_leaves=True)
    reaches = {wrt}
    for node in reversed(order):  # every node after its parents
        if any(parent in reaches for parent in node.parents):
            reaches.add(node)
    found: list[str] = []

    def on_step(node: Value, upstream: Any, parents: Any, locals_: Any, contributions: Any) -> None:
        if found or node not in reaches:
            return
        if math.isnan(upstream):  # no NaN flowed in (that would have been found first): inf − inf here
            found.append(f"the gradients reaching {_name(node, 0)} add up to inf − inf")
            return
        for i, (parent, local, part) in enumerate(zip(parents, locals_, contributions)):
            if parent in reaches and math.isnan(part):
                found.append(_describe_step(node, i, local, upstream))
                return

    try:
        propagate(output, on_step=on_step)
    except (ArithmeticError, ValueError):  # a rule that raises: no explanation rather than a new error
        return ""
    return found[0] if found else ""


def _name(node: Value, position: int) -> str:
    if node.label:
        return node.label
    if node.is_leaf:  # a constant: the formula shows the number itself
        text = _g(node.data)
        return f"({text})" if text.startswith("-") else text
    return "uvwpqrst"[position % 8]


def _describe_step(node: Value, i: int, local: float, upstream: float) -> str:
    parents = node.parents
    names = [_name(parent, k) for k, parent in enumerate(parents)]
    rule, param = node.rule, node.param
    assert rule is not None  # a node with parents has a rule
    formula = f"∂({rule.expr_text(names, param)})/∂{names[i]} = {rule.deriv_text(i, names, param)}"
    known = [(name, p) for name, p in zip(names, parents) if p.label or not p.is_leaf][:4]
    at = ", ".join(f"{name} = {_g(p.data)}" for name, p in known)
    where = f" at {at}" if at else ""
    if math.isnan(local):
        return f"the local derivative {formula} is nan{where}"
    return f"the local derivative {formula} is {_g(local)}{where}, times an upstream gradient of {_g(upstream)}"


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
            *_wrap(f"Limit table of {self.name} at {v} = {_g(self.x)}: difference quotients vs {self._versus()}"),
            *_wrap(
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
                f"{row.h:>7.0e}  {_num(row.forward, 17)}  {_err(row.forward_error)}  "
                f"{_num(row.central, 17)}  {_err(row.central_error)}{mark}"
            )
        lines.extend(_wrap(self._closing_line(self.best_forward, self.best_central)))
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
        return f"{self.reference} {label} = {_g(self.derivative, 15)}"

    def _closing_line(self, fwd: LimitRow | None, cen: LimitRow | None) -> str:
        if math.isnan(self.derivative):
            why = self.unknown or ("autograd gives nan here" if self.reference else _NO_GRAPH)
            return f"Best h unknown, no derivative to compare with: {why}."
        if fwd is None or cen is None:
            return f"Best h unknown: the derivative is {self.derivative} here, which no quotient reaches."
        if not self._converges(fwd, cen):
            return (
                f"No h brings a quotient near {_g(self.derivative, 6)} (best |error| "
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
                f"<tr><td>{row.h:.0e}</td><td{f_style}>{_num(row.forward, 0)}</td>"
                f"<td{f_style}>{_err(row.forward_error).strip()}</td>"
                f"<td{c_style}>{_num(row.central, 0)}</td>"
                f"<td{c_style}>{_err(row.central_error).strip()}</td></tr>"
            )
        caption = html.escape(
            f"{self.name} at {self.variable} = {_g(self.x)}: difference quotients vs {self._versus()} "
            "(highlighted: the best h of each method)"
        )
        forward, central = (html.escape(text) for text in self._headings())
        head = f"<tr><th>h</th><th>{forward}</th><th>|error|</th><th>{central}</th><th>|error|</th></tr>"
        foot = html.escape(self._closing_line(self.best_forward, self.best_central))
        return (
            _CELL_STYLE.format(cls="gradstep-limit-table")
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
    x = _as_number(x, "x")
    steps = DEFAULT_HS if hs is None else tuple(_step(h, "each h in hs") for h in hs)
    if not steps:
        raise ValueError("hs is empty; give at least one step size, e.g. hs=[1e-1, 1e-4, 1e-8]")
    if derivative is None:
        exact, reference, unknown = _autograd_derivative(f, x)
    else:
        exact, reference = _as_number(derivative, "derivative"), "given"
        unknown = "the given derivative is nan" if math.isnan(exact) else ""
    at_x = _evaluate(f, x)
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
        return _evaluate(f, x)
    except _EVAL_ERRORS:
        return math.nan


# ---- gradcheck ----------------------------------------------------------------------------------
#: point → (output, leaves): builds the function's graph at a point, one leaf per coordinate.
GraphMaker = Callable[[Sequence[float]], "tuple[Any, Sequence[Value]]"]


@dataclass(frozen=True)
class GradcheckRow:
    """One partial derivative: autograd's value, the central difference, and whether they agree.

    Attributes:
        name: the input(s) differentiated by: ``"x"``, or ``"x,y"`` for ∂²f/∂y∂x.
        label: how the table writes it: ``"∂f/∂x"``, ``"∂²f/∂y∂x"``.
        analytic: autograd's value.
        numeric: the central difference (NaN if f could not be evaluated at x ± eps).
        abs_error: |analytic − numeric|.
        rel_error: abs_error / |numeric| (inf when numeric is 0 and they differ).
        ok: abs_error ≤ atol + rtol·|numeric|, and the derivative exists at the point.
        note: why a row is not ok beyond the numbers ("non-differentiable point: …", a cut
            graph, an evaluation outside f's domain, eps below float64 resolution); "" otherwise.
        along: the input the central difference steps along (``"y"`` for ∂f/∂y and ∂²f/∂y∂x).
        of: what is differenced: ``"f"``, or ``"∂f/∂x"`` for the second derivatives ∂²f/∂·∂x.
    """

    name: str
    label: str
    analytic: float
    numeric: float
    abs_error: float
    rel_error: float
    ok: bool
    note: str = ""
    along: str = ""
    of: str = "f"

    @property
    def non_differentiable(self) -> bool:
        """The left and right slopes differ here: there is no derivative to check."""
        return self.note.startswith(NON_DIFFERENTIABLE)

    @property
    def unchecked(self) -> bool:
        """f could not be evaluated on both sides (x ± eps leaves its domain), so no central difference."""
        return math.isnan(self.numeric) and not self.eps_too_small

    @property
    def eps_too_small(self) -> bool:
        """x ± eps rounds to a different step in float64 and the check failed: eps must grow, not f be fixed."""
        return BELOW_RESOLUTION in self.note


@dataclass(frozen=True)
class GradcheckReport:
    """The result of :func:`gradcheck` / :func:`gradgradcheck`; ``print`` it for the table."""

    rows: tuple[GradcheckRow, ...]
    names: tuple[str, ...]
    point: tuple[float, ...]
    value: float
    order: int
    eps: float
    atol: float
    rtol: float

    @property
    def ok(self) -> bool:
        return all(row.ok for row in self.rows)

    def __bool__(self) -> bool:
        return self.ok

    @property
    def failures(self) -> tuple[GradcheckRow, ...]:
        return tuple(row for row in self.rows if not row.ok)

    @property
    def what(self) -> str:
        return "first" if self.order == 1 else "second"

    def verdict(self) -> str:
        """One line: PASS, or FAIL with what failed and why."""
        n = len(self.rows)
        if self.ok:
            if n == 1:
                return f"PASS: the {self.what} derivative agrees with central differences."
            return f"PASS: all {n} {self.what} partial derivatives agree with central differences."
        groups: dict[str, list[GradcheckRow]] = {"disagree": [], "kink": [], "resolution": [], "unchecked": []}
        for row in self.failures:
            if row.non_differentiable:
                kind = "kink"
            elif row.eps_too_small:
                kind = "resolution"
            else:
                kind = "unchecked" if row.unchecked else "disagree"
            groups[kind].append(row)
        parts = []
        for kind, what in (
            ("disagree", f"of {n} disagree with central differences"),
            ("kink", "at a non-differentiable point"),
            ("resolution", "could not be checked, eps is below float64 resolution there, use a larger eps"),
        ):
            if groups[kind]:
                parts.append(f"{len(groups[kind])} {what} ({', '.join(r.label for r in groups[kind])})")
        if groups["unchecked"]:
            # Name the input whose step left the domain, and what could not be evaluated there.
            where: dict[str, list[str]] = {}
            for row in groups["unchecked"]:
                where.setdefault(f"{row.of} is undefined at {row.along or 'x'} ± eps", []).append(row.label)
            places = "; ".join(f"{text} ({', '.join(labels)})" for text, labels in where.items())
            parts.append(f"{len(groups['unchecked'])} could not be checked, {places}")
        return "FAIL: " + "; ".join(parts) + "."

    def __str__(self) -> str:
        at = ", ".join(f"{name} = {_g(v)}" for name, v in zip(self.names, self.point))
        # The numbers take 68 columns; a label longer than the rest allows gets a line of its own.
        widest = WIDTH - 68
        width = max([len("derivative")] + [len(r.label) for r in self.rows if len(r.label) <= widest])
        lines = [
            *_wrap(f"gradcheck ({self.what} derivatives): autograd vs central differences at {at}"),
            *_wrap(
                f"  f = {_g(self.value, 12)};  eps = {self.eps:g}, passes if |error| ≤ {self.atol:g} + "
                f"{self.rtol:g}·|numeric|",
                indent="    ",
            ),
            f"  {'derivative':<{width}}  {'autograd':>17}  {'numeric':>17}  "
            f"{'abs error':>9}  {'rel error':>9}",
        ]
        for row in self.rows:
            label = row.label
            if len(label) > width:
                lines.extend(_wrap(f"  {label}", indent="    "))
                label = ""
            lines.append(
                f"  {label:<{width}}  {_num(row.analytic, 17)}  {_num(row.numeric, 17)}  "
                f"{_err(row.abs_error, 9)}  {_err(row.rel_error, 9)}  {'ok' if row.ok else 'FAIL'}"
            )
            if row.note:
                indent = " " * min(width + 4, 24)
                note = f"↳ {row.note}"
                lines.extend(textwrap.wrap(note, 88, initial_indent=indent, subsequent_indent=indent + "  "))
        lines.extend(_wrap(self.verdict()))
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        head = (
            "<tr><th>derivative</th><th>autograd</th><th>numeric</th><th>abs error</th><th>rel error</th>"
            "<th></th><th style='text-align:left'>note</th></tr>"
        )
        cells = []
        for row in self.rows:
            style = "" if row.ok else ' style="background:#ffd6d6"'
            cells.append(
                f"<tr{style}><td style='text-align:left'>{html.escape(row.label)}</td>"
                f"<td>{_num(row.analytic, 0)}</td>"
                f"<td>{_num(row.numeric, 0)}</td><td>{_err(row.abs_error).strip()}</td>"
                f"<td>{_err(row.rel_error).strip()}</td><td>{'ok' if row.ok else '<b>FAIL</b>'}</td>"
                f"<td style='text-align:left'>{html.escape(row.note)}</td></tr>"
            )
        at = ", ".join(f"{name} = {_g(v)}" for name, v in zip(self.names, self.point))
        caption = html.escape(
            f"gradcheck ({self.what} derivatives) at {at}: eps = {self.eps:g}, "
            f"passes if |error| ≤ {self.atol:g} + {self.rtol:g}·|numeric|"
        )
        verdict_color = "#1a7f37" if self.ok else "#cf222e"
        return (
            _CELL_STYLE.format(cls="gradstep-gradcheck")
            + '<table class="gradstep-gradcheck" style="font-family:monospace;text-align:right">'
            f'<caption style="text-align:left">{caption}</caption>{head}{"".join(cells)}'
            f'<tr><td colspan="7" style="text-align:left;color:{verdict_color}">'
            f"<b>{html.escape(self.verdict())}</b></td></tr></table>"
        )


class GradcheckError(AssertionError):
    """A gradient check failed. ``.report`` is the :class:`GradcheckReport`; the message is its table."""

    def __init__(self, report: GradcheckReport) -> None:
        super().__init__("\n" + str(report))
        self.report = report


def gradcheck(
    f: Callable[..., Any],
    inputs: Any,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    raise_on_failure: bool = True,
) -> GradcheckReport:
    """Check every partial derivative of ``f(*inputs)`` from autograd against central differences.

    ``f`` takes one Value per input and returns a Value (a plain number counts as a constant, which
    autograd sees no dependence in). Each input may be a number or a Value; only its ``.data`` is
    used, and its label names the row (unlabelled inputs are x0, x1, …).

    For input i the numeric derivative is (f(…, xᵢ+eps, …) − f(…, xᵢ−eps, …)) / 2·eps; the row is ok
    when |analytic − numeric| ≤ atol + rtol·|numeric| and f is differentiable there (see the module
    docstring for kinks). When xᵢ is so large that xᵢ ± eps rounds, the quotient divides by the step
    float64 actually took, and a row that still fails says so (see "Large inputs" above).

    >>> report = gradcheck(lambda a, b: a * b + a.sin(), [2.0, -3.0])
    >>> report.ok
    True

    Raises:
        GradcheckError: when a row is not ok and ``raise_on_failure`` (the message is the table).
    """
    names, point = _inputs(inputs)
    _tolerances(eps, atol, rtol)
    report = _first_order(_maker(f, names), names, point, eps, atol, rtol)
    if raise_on_failure and not report.ok:
        raise GradcheckError(report)
    return report


def gradgradcheck(
    f: Callable[..., Any],
    inputs: Any,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    raise_on_failure: bool = True,
) -> GradcheckReport:
    """Check every second partial derivative of ``f(*inputs)`` against central differences.

    Each first partial ∂f/∂xᵢ is made with ``grad(..., create_graph=True)``, so it is itself a graph;
    autograd differentiates it again for ∂²f/∂xⱼ∂xᵢ, and that is compared with the central difference
    of the first-derivative function xⱼ ↦ ∂f/∂xᵢ. This tests the derivative *graphs* the engine
    builds (what Newton's method or a gradient penalty would use), not just their values.
    Same arguments and result as :func:`gradcheck`, with one row per pair (i, j).
    """
    names, point = _inputs(inputs)
    _tolerances(eps, atol, rtol)
    report = _second_order(_maker(f, names), names, point, eps, atol, rtol)
    if raise_on_failure and not report.ok:
        raise GradcheckError(report)
    return report


def assert_grad_close(f: Callable[..., Any], inputs: Any, *, second_order: bool = False, **kw: Any) -> None:
    """For tests: raise ``AssertionError`` (a :class:`GradcheckError`) whose message is the report table.

    Keyword arguments are those of :func:`gradcheck`; with ``second_order=True`` the second
    derivatives are checked as well.
    """
    kw.pop("raise_on_failure", None)
    gradcheck(f, inputs, raise_on_failure=True, **kw)
    if second_order:
        gradgradcheck(f, inputs, raise_on_failure=True, **kw)


def gradcheck_graph(
    make: GraphMaker,
    names: Sequence[str],
    point: Sequence[float],
    order: int = 1,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
) -> GradcheckReport:
    """:func:`gradcheck` (``order=1``) or :func:`gradgradcheck` (``order=2``) for a graph built elsewhere.

    ``make(point)`` must build the graph at ``point`` and return ``(output, leaves)``, one leaf per
    coordinate, in the order of ``names``. The command line uses it to check an expression, which
    builds its own leaves. Never raises on failure: look at the report's ``ok``.
    """
    names, point = tuple(names), tuple(_as_number(v, "point") for v in point)
    if len(names) != len(point) or not names:
        raise ValueError(f"need one name per coordinate, got {len(names)} names for {len(point)} numbers")
    if order not in (1, 2):
        raise ValueError(f"order must be 1 or 2, got {order!r}")
    _tolerances(eps, atol, rtol)
    check = _first_order if order == 1 else _second_order
    return check(make, names, point, eps, atol, rtol)


def _inputs(inputs: Any) -> tuple[tuple[str, ...], tuple[float, ...]]:
    if isinstance(inputs, (Value, numbers.Real)):
        inputs = [inputs]
    items = list(inputs)
    if not items:
        raise ValueError("gradcheck needs at least one input")
    point = tuple(_as_number(v, f"inputs[{i}]") for i, v in enumerate(items))
    names = [v.label if isinstance(v, Value) and v.label else f"x{i}" for i, v in enumerate(items)]
    seen: dict[str, int] = {}
    for name in names:
        seen[name] = seen.get(name, 0) + 1
    # Two inputs labelled alike would make two rows that read the same: number the repeats.
    names = [f"{name}[{i}]" if seen[name] > 1 else name for i, name in enumerate(names)]
    return tuple(names), point


def _tolerances(eps: float, atol: float, rtol: float) -> None:
    _step(eps, "eps")
    for name, tol in (("atol", atol), ("rtol", rtol)):
        if not (isinstance(tol, numbers.Real) and tol >= 0 and math.isfinite(tol)):
            raise ValueError(f"{name} must be a finite number ≥ 0, got {tol!r}")


def _maker(f: Callable[..., Any], names: Sequence[str]) -> GraphMaker:
    if not callable(f):
        raise TypeError(f"gradcheck needs a function of the inputs, got {type(f).__name__}")

    def make(point: Sequence[float]) -> tuple[Any, list[Value]]:
        leaves = [Value(v, name) for v, name in zip(point, names)]
        return f(*leaves), leaves

    return make


def _value_at(make: GraphMaker, point: Sequence[float]) -> float:
    with no_grad():
        out, _ = make(point)
    return _output(out)


def _grads_at(make: GraphMaker, point: Sequence[float]) -> list[float]:
    out, leaves = make(point)
    if not isinstance(out, Value):
        _output(out)  # a number: constant, no dependence on any input
        return [0.0] * len(point)
    return grad(out, list(leaves))


def _shifted(point: Sequence[float], j: int, delta: float) -> tuple[list[float], float]:
    """The point moved by delta along j, and how far float64 really moved it (0 when x + delta == x)."""
    moved = list(point)
    moved[j] += delta
    return moved, moved[j] - point[j]


@dataclass
class _Stencil:
    """f (or a first derivative) at x + k·eps along one input, k = −2, −1, 1, 2.

    ``steps[k]`` is the offset float64 actually took, (x + k·eps) − x, which differs from k·eps once
    eps is near the spacing of floats at x. Failed evaluations are in ``errors``, not raised.
    """

    values: dict[int, Any]
    errors: dict[int, str]
    steps: dict[int, float]

    def taken(self, k: int = 1) -> float:
        """The width of the central stencil ±k: (x + k·eps) − (x − k·eps), as float64 took it."""
        return self.steps[k] - self.steps[-k]


def _samples(fn: Callable[[Sequence[float]], Any], point: Sequence[float], j: int, eps: float) -> _Stencil:
    values, errors, steps = {}, {}, {}
    for k in (-2, -1, 1, 2):
        moved, steps[k] = _shifted(point, j, k * eps)
        try:
            values[k] = fn(moved)
        except _EVAL_ERRORS as err:
            errors[k] = str(err) or type(err).__name__
    return _Stencil(values, errors, steps)


def _first_order(
    make: GraphMaker, names: tuple[str, ...], point: tuple[float, ...], eps: float, atol: float, rtol: float
) -> GradcheckReport:
    out, leaves = make(point)
    value = _output(out)
    constant = not isinstance(out, Value)
    analytic = [0.0] * len(point) if constant else grad(out, list(leaves))
    # The stencil's centre is evaluated the way its other points are (no graph), so that a fast path
    # rounding differently from the rule cannot look like a jump.
    centre = _value_at(make, point)
    rows = []
    for j, name in enumerate(names):
        stencil = _samples(lambda p: _value_at(make, p), point, j, eps)
        notes = ["f returned a plain number, so autograd sees no graph"] if constant else []
        why_nan = "" if constant or not math.isnan(analytic[j]) else nan_origin(out, leaves[j])
        rows.append(
            _row(name, f"∂f/∂{name}", analytic[j], centre, stencil, eps, atol, rtol, notes, name, point[j],
                 why_nan=why_nan)
        )
    return GradcheckReport(tuple(rows), names, point, value, 1, eps, atol, rtol)


def _second_order(
    make: GraphMaker, names: tuple[str, ...], point: tuple[float, ...], eps: float, atol: float, rtol: float
) -> GradcheckReport:
    out, leaves = make(point)
    value = _output(out)
    n = len(point)
    firsts: list[Any] = []
    if isinstance(out, Value):
        firsts = grad(out, list(leaves), create_graph=True)
        hessian = [grad(g, list(leaves)) for g in firsts]
    else:
        hessian = [[0.0] * n for _ in range(n)]
    centre = _grads_at(make, point)  # as the stencil's other points are computed
    rows_by_pair: dict[tuple[int, int], GradcheckRow] = {}
    for j in range(n):
        stencil = _samples(lambda p: _grads_at(make, p), point, j, eps)
        for i in range(n):
            by_k = _Stencil({k: grads[i] for k, grads in stencil.values.items()}, stencil.errors, stencil.steps)
            label = f"∂²f/∂{names[i]}²" if i == j else f"∂²f/∂{names[j]}∂{names[i]}"
            why_nan = ""
            if math.isnan(hessian[i][j]) and isinstance(firsts[i] if firsts else None, Value):
                why_nan = nan_origin(firsts[i], leaves[j])
            rows_by_pair[i, j] = _row(
                f"{names[i]},{names[j]}", label, hessian[i][j], centre[i], by_k, eps, atol, rtol, [],
                names[j], point[j], of=f"∂f/∂{names[i]}", why_nan=why_nan,
            )
    rows = tuple(rows_by_pair[i, j] for i in range(n) for j in range(n))
    return GradcheckReport(rows, names, point, value, 2, eps, atol, rtol)


def _row(
    name: str,
    label: str,
    analytic: float,
    centre: float,
    stencil: _Stencil,
    eps: float,
    atol: float,
    rtol: float,
    notes: list[str],
    var: str,
    x: float,
    of: str = "f",
    why_nan: str = "",
) -> GradcheckRow:
    """Compare one analytic partial with the central difference of ``of`` along ``var`` (at ``var = x``)."""
    samples, errors = stencil.values, stencil.errors
    coarse = False  # float64 could not move x by ±eps: the step taken is used, and may be too coarse
    if 1 in samples and -1 in samples:
        step = 2.0 * eps
        if abs(stencil.taken() - step) > _STEP_TOLERANCE * step:
            step, coarse = stencil.taken(), True
        numeric = (samples[1] - samples[-1]) / step if step > 0.0 else math.nan
        if math.isnan(numeric) and step > 0.0:  # evaluated, but to nan (or inf − inf): say so
            notes.append(
                f"no central difference: {of} is {_g(samples[-1])} at {var} − eps and {_g(samples[1])} "
                f"at {var} + eps"
            )
    else:
        numeric = math.nan
        side = f"{var} + eps" if 1 in errors else f"{var} − eps"
        notes.append(f"edge of the domain: {of} is undefined at {side}: {errors.get(1) or errors.get(-1)}")
    abs_error = abs(analytic - numeric)
    if abs_error == 0.0:
        rel_error = 0.0
    else:
        rel_error = abs_error / abs(numeric) if numeric != 0.0 else math.inf
    agrees = abs_error <= atol + rtol * abs(numeric)  # False for NaN and inf
    kink = _kink(centre, stencil, eps, atol, rtol)
    if kink:
        notes.insert(0, kink)
    elif coarse and not agrees:
        notes.insert(0, _resolution_note(var, x, eps, stencil.taken()))
    elif not agrees and analytic == 0.0 and math.isfinite(numeric) and not notes:
        notes.append(
            f"autograd sees no dependence on {var}: is the graph cut (Value(v.data), float(v), math.*)?"
        )
    if math.isnan(analytic) and not kink:
        notes.append(f"autograd gives nan: {why_nan}" if why_nan else "autograd gives nan")
    elif not math.isfinite(analytic) and not kink:
        notes.append(f"autograd gives {analytic}")
    ok = agrees and not kink
    return GradcheckRow(name, label, analytic, numeric, abs_error, rel_error, ok, "; ".join(notes), var, of)


def _resolution_note(var: str, x: float, eps: float, taken: float) -> str:
    """Why a row failed when x ± eps rounded, and an eps that works: the same step relative to |x|.

    eps is absolute (PyTorch's convention), so it suits inputs of size about 1. The suggestion scales
    it by |x| and rounds up to a power of ten, which keeps a relative step of eps at any size.
    """
    power = math.ceil(math.log10(eps) + math.log10(max(1.0, abs(x))))  # no overflow for huge eps·|x|
    suggested = 10.0 ** min(power, 308)
    return (
        f"{BELOW_RESOLUTION} at {var} = {_g(x)}: {var} ± eps is a step of {_g(taken, 3)}, not {_g(2 * eps, 3)}"
        f" (floats there are {_g(math.ulp(x), 3)} apart); use eps ≥ {suggested:g}, about eps·|{var}|"
    )


def _kink(centre: float, stencil: _Stencil, eps: float, atol: float, rtol: float) -> str:
    """The note for a non-differentiable point, or "" when the slopes left and right agree.

    The jump between the right and left quotients at half-width s is J(s) = right − left, where right
    = (f(x+s) − f(x))/s and left = (f(x) − f(x−s))/s. For a smooth f it is f''(x)·s + O(s³), which a
    steep but smooth f can make large; at a kink it tends to the jump in slope. Richardson
    extrapolation from s₁ ≈ eps and s₂ ≈ 2·eps, (s₂·J(s₁) − s₁·J(s₂))/(s₂ − s₁) (that is 2·J(eps) −
    J(2·eps) when float64 takes the steps exactly), removes the f''·s term and keeps the jump, so
    curvature is never mistaken for a kink. The offsets float64 actually took are used throughout.
    """
    samples, d = stencil.values, stencil.steps
    if not all(k in samples for k in (-2, -1, 1, 2)) or not math.isfinite(centre):
        return ""
    if not all(d[k] != 0.0 for k in (-2, -1, 1, 2)):
        return ""  # x did not move: no slope to measure
    right, left = (samples[1] - centre) / d[1], (centre - samples[-1]) / -d[-1]
    jump_1 = right - left
    jump_2 = (samples[2] - centre) / d[2] - (centre - samples[-2]) / -d[-2]
    s_1, s_2 = (d[1] - d[-1]) / 2.0, (d[2] - d[-2]) / 2.0
    if s_2 <= s_1:
        return ""
    jump = (s_2 * jump_1 - s_1 * jump_2) / (s_2 - s_1)
    # The extrapolation weighs five evaluations by 2, 2, −3, −½, −½ (over eps); each carries a
    # rounding error of a few ε·|f|, so smaller jumps are indistinguishable from noise.
    scale = max(abs(centre), *(abs(v) for v in samples.values()))
    noise = 100.0 * _EPSILON * scale / min(s_1, eps)
    if not math.isfinite(jump) or abs(jump) <= max(atol + rtol * max(abs(left), abs(right)), noise):
        return ""
    return f"{NON_DIFFERENTIABLE}: slope {_g(left, 6)} from the left, {_g(right, 6)} from the right"


_CELL_STYLE = "<style>.{cls} td, .{cls} th {{padding: 2px 10px}} .{cls} th {{white-space: nowrap}}</style>"


# ---- number formatting --------------------------------------------------------------------------------
def _g(x: float, digits: int = 6) -> str:
    if isinstance(x, float) and x.is_integer() and abs(x) < 1e15:
        return str(int(x))
    return f"{x:.{digits}g}"


def _num(x: float, width: int) -> str:
    """x right-aligned in ``width`` columns with up to 12 significant digits, fewer when that is too wide
    (-1.04429393795e+174 becomes -1.044293938e+174); ``width=0`` means no limit (HTML)."""
    if math.isnan(x):
        return f"{'—':>{width}}"
    text = f"{x:.12g}"
    digits = 11
    while width and len(text) > width and digits > 1:
        text = f"{x:.{digits}g}"
        digits -= 1
    return f"{text:>{width}}"


def _wrap(line: str, width: int = WIDTH, indent: str = "  ") -> list[str]:
    """A line of free text folded to ``width`` columns, continuation lines indented."""
    if len(line) <= width:
        return [line]
    lead = line[: len(line) - len(line.lstrip())]
    return textwrap.wrap(
        line, width, initial_indent="", subsequent_indent=lead + indent, break_on_hyphens=False
    ) or [line]


def _err(x: float, width: int = 8) -> str:
    text = "—" if math.isnan(x) else ("inf" if math.isinf(x) else f"{x:.1e}")
    return f"{text:>{width}}"
