"""gradcheck: every partial derivative autograd computes, against central differences (testing).

* :func:`gradcheck` / :func:`gradgradcheck` — every first (second) partial derivative of a function of
  several Values against central differences, as a report table; :func:`assert_grad_close` is the
  pytest-friendly form; :func:`gradcheck_graph` checks a graph built elsewhere (the command line).

Functions under test are called with :class:`~autograd.value.Value` arguments and may return a Value
or a plain number (see :mod:`autograd.under_test`).

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
limit table) names the local derivative that made it (:func:`autograd.diagnose.nan_origin`).

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
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from .diagnose import nan_origin
from .functional import grad, no_grad
from .report_text import CELL_STYLE, WIDTH, error_cell, number_cell, short, wrap_text
from .under_test import EPSILON, EVAL_ERRORS, as_number, output_number, positive_step
from .value import Value

__all__ = [
    "gradcheck",
    "gradgradcheck",
    "assert_grad_close",
    "gradcheck_graph",
    "GradcheckReport",
    "GradcheckRow",
    "GradcheckError",
    "NON_DIFFERENTIABLE",
    "BELOW_RESOLUTION",
]

#: The note on a row whose left and right slopes differ.
NON_DIFFERENTIABLE = "non-differentiable point"

#: The note on a row whose step eps is too small to move the input in float64.
BELOW_RESOLUTION = "eps is below float64 resolution"

# The step x ± eps actually moves x by (x + eps) − (x − eps); when that differs from 2·eps by more
# than this fraction (x is so large that eps is a few float64 spacings), the quotient divides by
# the step taken instead.
_STEP_TOLERANCE = 1e-4

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
        at = ", ".join(f"{name} = {short(v)}" for name, v in zip(self.names, self.point))
        # The numbers take 68 columns; a label longer than the rest allows gets a line of its own.
        widest = WIDTH - 68
        width = max([len("derivative")] + [len(r.label) for r in self.rows if len(r.label) <= widest])
        lines = [
            *wrap_text(f"gradcheck ({self.what} derivatives): autograd vs central differences at {at}"),
            *wrap_text(
                f"  f = {short(self.value, 12)};  eps = {self.eps:g}, passes if |error| ≤ {self.atol:g} + "
                f"{self.rtol:g}·|numeric|",
                indent="    ",
            ),
            f"  {'derivative':<{width}}  {'autograd':>17}  {'numeric':>17}  "
            f"{'abs error':>9}  {'rel error':>9}",
        ]
        for row in self.rows:
            label = row.label
            if len(label) > width:
                lines.extend(wrap_text(f"  {label}", indent="    "))
                label = ""
            lines.append(
                f"  {label:<{width}}  {number_cell(row.analytic, 17)}  {number_cell(row.numeric, 17)}  "
                f"{error_cell(row.abs_error, 9)}  {error_cell(row.rel_error, 9)}  {'ok' if row.ok else 'FAIL'}"
            )
            if row.note:
                indent = " " * min(width + 4, 24)
                note = f"↳ {row.note}"
                lines.extend(textwrap.wrap(note, 88, initial_indent=indent, subsequent_indent=indent + "  "))
        lines.extend(wrap_text(self.verdict()))
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
                f"<td>{number_cell(row.analytic, 0)}</td>"
                f"<td>{number_cell(row.numeric, 0)}</td><td>{error_cell(row.abs_error).strip()}</td>"
                f"<td>{error_cell(row.rel_error).strip()}</td><td>{'ok' if row.ok else '<b>FAIL</b>'}</td>"
                f"<td style='text-align:left'>{html.escape(row.note)}</td></tr>"
            )
        at = ", ".join(f"{name} = {short(v)}" for name, v in zip(self.names, self.point))
        caption = html.escape(
            f"gradcheck ({self.what} derivatives) at {at}: eps = {self.eps:g}, "
            f"passes if |error| ≤ {self.atol:g} + {self.rtol:g}·|numeric|"
        )
        verdict_color = "#1a7f37" if self.ok else "#cf222e"
        return (
            CELL_STYLE.format(cls="gradstep-gradcheck")
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
    return _check(1, f, inputs, eps, atol, rtol, raise_on_failure)


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
    return _check(2, f, inputs, eps, atol, rtol, raise_on_failure)


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
    names, point = tuple(names), tuple(as_number(v, "point") for v in point)
    if len(names) != len(point) or not names:
        raise ValueError(f"need one name per coordinate, got {len(names)} names for {len(point)} numbers")
    if order not in (1, 2):
        raise ValueError(f"order must be 1 or 2, got {order!r}")
    _tolerances(eps, atol, rtol)
    check = _first_order if order == 1 else _second_order
    return check(make, names, point, eps, atol, rtol)


def _check(
    order: int, f: Callable[..., Any], inputs: Any, eps: float, atol: float, rtol: float, raise_on_failure: bool
) -> GradcheckReport:
    names, point = _inputs(inputs)
    _tolerances(eps, atol, rtol)
    check = _first_order if order == 1 else _second_order
    report = check(_maker(f, names), names, point, eps, atol, rtol)
    if raise_on_failure and not report.ok:
        raise GradcheckError(report)
    return report


def _inputs(inputs: Any) -> tuple[tuple[str, ...], tuple[float, ...]]:
    if isinstance(inputs, (Value, numbers.Real)):
        inputs = [inputs]
    items = list(inputs)
    if not items:
        raise ValueError("gradcheck needs at least one input")
    point = tuple(as_number(v, f"inputs[{i}]") for i, v in enumerate(items))
    names = [v.label if isinstance(v, Value) and v.label else f"x{i}" for i, v in enumerate(items)]
    seen: dict[str, int] = {}
    for name in names:
        seen[name] = seen.get(name, 0) + 1
    # Two inputs labelled alike would make two rows that read the same: number the repeats.
    names = [f"{name}[{i}]" if seen[name] > 1 else name for i, name in enumerate(names)]
    return tuple(names), point


def _tolerances(eps: float, atol: float, rtol: float) -> None:
    positive_step(eps, "eps")
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
    return output_number(out)


def _grads_at(make: GraphMaker, point: Sequence[float]) -> list[float]:
    out, leaves = make(point)
    if not isinstance(out, Value):
        output_number(out)  # a number: constant, no dependence on any input
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
        except EVAL_ERRORS as err:
            errors[k] = str(err) or type(err).__name__
    return _Stencil(values, errors, steps)


def _first_order(
    make: GraphMaker, names: tuple[str, ...], point: tuple[float, ...], eps: float, atol: float, rtol: float
) -> GradcheckReport:
    out, leaves = make(point)
    value = output_number(out)
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
    value = output_number(out)
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
                f"no central difference: {of} is {short(samples[-1])} at {var} − eps and {short(samples[1])} "
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
        f"{BELOW_RESOLUTION} at {var} = {short(x)}: {var} ± eps is a step of {short(taken, 3)}, not {short(2 * eps, 3)}"
        f" (floats there are {short(math.ulp(x), 3)} apart); use eps ≥ {suggested:g}, about eps·|{var}|"
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
    noise = 100.0 * EPSILON * scale / min(s_1, eps)
    if not math.isfinite(jump) or abs(jump) <= max(atol + rtol * max(abs(left), abs(right)), noise):
        return ""
    return f"{NON_DIFFERENTIABLE}: slope {short(left, 6)} from the left, {short(right, 6)} from the right"
