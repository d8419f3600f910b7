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
from dataclasses import dataclass, replace
from typing import Any

from .diagnose import ancestors, float_conversions, nan_origin
from .functional import grad, no_grad
from .report_text import CELL_STYLE, WIDTH, AllRowsOk, error_cell, number_cell, short, wrap_text
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
    "GRAPH_CUT",
    "PRESETS",
    "check_op",
    "OpCheckReport",
]

#: The note on a row whose left and right slopes differ.
NON_DIFFERENTIABLE = "non-differentiable point"

#: The note on a row whose step eps is too small to move the input in float64.
BELOW_RESOLUTION = "eps is below float64 resolution"

#: The note on a row whose input does not reach the output in autograd's graph.
GRAPH_CUT = "the graph is cut"

#: eps, atol and rtol by the precision the function under test computes in. float64 is PyTorch's
#: gradcheck; float32 is JAX's check_grads (its step 1e-4 and its float32 gradient tolerance 2e-3),
#: for code that rounds to float32 (numpy float32 arrays, a GPU kernel's output).
PRESETS: dict[str, tuple[float, float, float]] = {
    "float64": (1e-6, 1e-5, 1e-3),
    "float32": (1e-4, 2e-3, 2e-3),
}

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
        rel_error: abs_error / |numeric|; NaN where |numeric| ≤ atol: near a zero derivative a relative
            error means nothing (it is 1 for any small mismatch), and the absolute error decides.
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
    def graph_cut(self) -> bool:
        """autograd's graph does not carry this input to the output, though f's value depends on it."""
        return GRAPH_CUT in self.note

    @property
    def unchecked(self) -> bool:
        """f could not be evaluated on both sides (x ± eps leaves its domain), so no central difference."""
        return math.isnan(self.numeric) and not self.eps_too_small

    @property
    def eps_too_small(self) -> bool:
        """x ± eps rounds to a different step in float64 and the check failed: eps must grow, not f be fixed."""
        return BELOW_RESOLUTION in self.note


@dataclass(frozen=True)
class GradcheckReport(AllRowsOk[GradcheckRow]):
    """The result of :func:`gradcheck` / :func:`gradgradcheck`; ``print`` it for the table."""

    rows: tuple[GradcheckRow, ...]
    names: tuple[str, ...]
    point: tuple[float, ...]
    value: float
    order: int
    eps: float
    atol: float
    rtol: float
    #: The step along input x is eps·max(1, |x|) (True) or eps itself, as in PyTorch (False).
    relative: bool = False
    #: Things that make a pass doubtful (a Value turned into a float on its way to the output).
    warnings: tuple[str, ...] = ()

    @property
    def what(self) -> str:
        return "first" if self.order == 1 else "second"

    def verdict(self) -> str:
        """One line: PASS, or FAIL with what failed and why."""
        n = len(self.rows)
        if self.ok:
            doubt = f" at this point, but {self.warnings[0]}" if self.warnings else ""
            head = "PASS (doubtful)" if doubt else "PASS"
            if n == 1:
                return f"{head}: the {self.what} derivative agrees with central differences{doubt}."
            return f"{head}: all {n} {self.what} partial derivatives agree with central differences{doubt}."
        groups: dict[str, list[GradcheckRow]] = {"disagree": [], "kink": [], "resolution": [], "unchecked": []}
        groups["cut"] = []
        for row in self.failures:
            if row.non_differentiable:
                kind = "kink"
            elif row.graph_cut:
                kind = "cut"
            elif row.eps_too_small:
                kind = "resolution"
            else:
                kind = "unchecked" if row.unchecked else "disagree"
            groups[kind].append(row)
        parts = []
        for kind, what in (
            ("disagree", f"of {n} disagree with central differences"),
            ("cut", "disagree because the graph is cut (see the note)"),
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
        return "\n".join([*self.table_lines(), *wrap_text(self.verdict())])

    def _step_text(self) -> str:
        return f"step = {self.eps:g}·max(1, |x|)" if self.relative else f"eps = {self.eps:g}"

    def table_lines(self) -> list[str]:
        """The table without the closing verdict line (an error message puts the verdict first)."""
        at = ", ".join(f"{name} = {short(v)}" for name, v in zip(self.names, self.point))
        # The numbers take 68 columns; a label longer than the rest allows gets a line of its own.
        widest = WIDTH - 68
        width = max([len("derivative")] + [len(r.label) for r in self.rows if len(r.label) <= widest])
        lines = [
            *wrap_text(f"gradcheck ({self.what} derivatives): autograd vs central differences at {at}"),
            *wrap_text(
                f"  f = {short(self.value, 12)};  {self._step_text()}; passes if |error| ≤ {self.atol:g} + "
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
        if any(math.isnan(row.rel_error) and not math.isnan(row.numeric) for row in self.rows):
            lines.append("  rel error —: the derivative is about 0 (|numeric| ≤ atol), so the absolute error decides")
        return lines

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
    """A gradient check failed. ``.report`` is the :class:`GradcheckReport`.

    The message starts with the one-line verdict (what pytest's summary line shows), then the table.
    """

    def __init__(self, report: GradcheckReport) -> None:
        super().__init__("\n".join([report.verdict(), *report.table_lines()]))
        self.report = report


@dataclass(frozen=True)
class _Settings:
    """How a check steps and when it passes (see :func:`gradcheck`)."""

    eps: float
    atol: float
    rtol: float
    relative: bool

    def step(self, x: float) -> float:
        """The step along an input at x: eps·max(1, |x|) when relative, else eps."""
        return self.eps * max(1.0, abs(x)) if self.relative else self.eps


def _settings(
    eps: float | None, atol: float | None, rtol: float | None, preset: str, relative_eps: bool
) -> _Settings:
    if preset not in PRESETS:
        raise ValueError(f"preset must be one of {', '.join(map(repr, PRESETS))}, got {preset!r}")
    default_eps, default_atol, default_rtol = PRESETS[preset]
    chosen = _Settings(
        default_eps if eps is None else eps,
        default_atol if atol is None else atol,
        default_rtol if rtol is None else rtol,
        bool(relative_eps),
    )
    _tolerances(chosen.eps, chosen.atol, chosen.rtol)
    return chosen


def gradcheck(
    f: Callable[..., Any],
    inputs: Any,
    eps: float | None = None,
    atol: float | None = None,
    rtol: float | None = None,
    raise_on_failure: bool = True,
    *,
    preset: str = "float64",
    relative_eps: bool = True,
) -> GradcheckReport:
    """Check every partial derivative of ``f(*inputs)`` from autograd against central differences.

    ``f`` takes one Value per input and returns a Value (a plain number counts as a constant, which
    autograd sees no dependence in). Each input may be a number or a Value; only its ``.data`` is
    used, and its label names the row (unlabelled inputs are x0, x1, …).

    For input i the numeric derivative is (f(…, xᵢ+s, …) − f(…, xᵢ−s, …)) / 2s with the step
    s = eps·max(1, |xᵢ|) (``relative_eps=False``: s = eps, PyTorch's absolute step); the row is ok
    when |analytic − numeric| ≤ atol + rtol·|numeric| and f is differentiable there (see the module
    docstring for kinks). Where 0 < |xᵢ| < 1 and that step fails, the row is checked again with the
    smaller step eps·|xᵢ| (log x at x = 1e-5: a step of 1e-6 is 10% of x), and the note says that
    the verdict depended on the step. A Value turned into a plain float on its way to the output
    (``math.erf(x)``, ``float(x)``) is named: it cuts autograd's graph.

    Args:
        eps, atol, rtol: default from ``preset``: ``"float64"`` is 1e-6, 1e-5, 1e-3 (PyTorch's);
            ``"float32"`` is 1e-4, 2e-3, 2e-3 (JAX's for float32), for code that rounds to float32.
        relative_eps: scale the step to |x| (default True).

    >>> report = gradcheck(lambda a, b: a * b + a.sin(), [2.0, -3.0])
    >>> report.ok
    True

    Raises:
        GradcheckError: when a row is not ok and ``raise_on_failure`` (the message is the verdict,
            then the table).
    """
    __tracebackhide__ = True  # pytest shows the caller's line and the report, not gradstep's frames
    return _check(1, f, inputs, _settings(eps, atol, rtol, preset, relative_eps), raise_on_failure)


def gradgradcheck(
    f: Callable[..., Any],
    inputs: Any,
    eps: float | None = None,
    atol: float | None = None,
    rtol: float | None = None,
    raise_on_failure: bool = True,
    *,
    preset: str = "float64",
    relative_eps: bool = True,
) -> GradcheckReport:
    """Check every second partial derivative of ``f(*inputs)`` against central differences.

    Each first partial ∂f/∂xᵢ is made with ``grad(..., create_graph=True)``, so it is itself a graph;
    autograd differentiates it again for ∂²f/∂xⱼ∂xᵢ, and that is compared with the central difference
    of the first-derivative function xⱼ ↦ ∂f/∂xᵢ. This tests the derivative *graphs* the engine
    builds (what Newton's method or a gradient penalty would use), not just their values.
    Same arguments and result as :func:`gradcheck`, with one row per pair (i, j).
    """
    __tracebackhide__ = True
    return _check(2, f, inputs, _settings(eps, atol, rtol, preset, relative_eps), raise_on_failure)


def assert_grad_close(f: Callable[..., Any], inputs: Any, *, second_order: bool = False, **kw: Any) -> None:
    """For tests: raise ``AssertionError`` (a :class:`GradcheckError`) when autograd disagrees.

    The message's first line is the verdict (pytest's one-line summary shows it), the table follows,
    and gradstep's own frames are hidden from pytest's traceback. Keyword arguments are those of
    :func:`gradcheck`; with ``second_order=True`` the second derivatives are checked as well.
    """
    __tracebackhide__ = True
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
    *,
    relative_eps: bool = True,
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
    settings = _settings(eps, atol, rtol, "float64", relative_eps)
    check = _first_order if order == 1 else _second_order
    return check(make, names, point, settings)


def _check(
    order: int, f: Callable[..., Any], inputs: Any, settings: _Settings, raise_on_failure: bool
) -> GradcheckReport:
    __tracebackhide__ = True
    names, point = _inputs(inputs)
    check = _first_order if order == 1 else _second_order
    report = check(_maker(f, names), names, point, settings)
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
    make: GraphMaker, names: tuple[str, ...], point: tuple[float, ...], settings: _Settings
) -> GradcheckReport:
    with float_conversions() as converted:
        out, leaves = make(point)
    value = output_number(out)
    constant = not isinstance(out, Value)
    analytic = [0.0] * len(point) if constant else grad(out, list(leaves))
    reached = set() if constant else ancestors(out)
    upstream_of_floats = ancestors(*converted)
    cut = [leaf in upstream_of_floats for leaf in leaves]
    # The stencil's centre is evaluated the way its other points are (no graph), so that a fast path
    # rounding differently from the rule cannot look like a jump.
    centre = _value_at(make, point)
    rows, warnings = [], []
    for j, name in enumerate(names):
        why_nan = "" if constant or not math.isnan(analytic[j]) else nan_origin(out, leaves[j])
        unreached = _unreached_note(name, constant, cut[j]) if leaves[j] not in reached or cut[j] else ""

        def column(step: float, j: int = j, name: str = name, why_nan: str = why_nan, unreached: str = unreached
                   ) -> list[GradcheckRow]:
            stencil = _samples(lambda p: _value_at(make, p), point, j, step)
            return [_row(name, f"∂f/∂{name}", analytic[j], centre, stencil, step, settings, name, point[j],
                         why_nan=why_nan, unreached=unreached)]

        (row,) = _adaptive(column, point[j], name, settings)
        rows.append(row)
        if row.ok and cut[j]:
            warnings.append(
                f"the graph is cut along {name} (a Value that depends on it was turned into a plain float, "
                "by math.* or float()), so the agreement may be a coincidence at this point"
            )
    return GradcheckReport(tuple(rows), names, point, value, 1, settings.eps, settings.atol, settings.rtol,
                           settings.relative, tuple(warnings))


def _unreached_note(var: str, constant: bool, cut: bool) -> str:
    """What a failing row says when autograd's graph does not carry ``var`` (all the way) to the output."""
    if cut:
        return (
            f"{GRAPH_CUT}: a Value that depends on {var} was turned into a plain float (by math.*, float() or "
            "numpy) on its way to the output, and autograd cannot follow a float; use Value methods "
            "(x.exp(), x.erf(), …) or autograd.define_op for a function of your own"
        )
    start = "f returned a plain number, so autograd sees no graph" if constant else (
        f"the output does not depend on {var} in autograd's graph"
    )
    return (
        f"{GRAPH_CUT}: {start}, yet f's value changes with {var}: was a Value turned into a float, e.g. by "
        "math.* or float(), or rebuilt as Value(v.data)?"
    )


def _adaptive(
    column: Callable[[float], list[GradcheckRow]], x: float, var: str, settings: _Settings
) -> list[GradcheckRow]:
    """The rows along one input, checked again with a step scaled to |x| when 0 < |x| < 1 and they fail.

    The default step eps·max(1, |x|) is absolute for small x, and near 0 it can be a large part of x:
    log x at x = 1e-5 with a step of 1e-6 looks like a kink, and √x there fails outright. A smaller
    step that passes shows the failure was the step's, and the note says so.
    """
    step = settings.step(x)
    rows = column(step)
    if all(row.ok for row in rows) or not settings.relative or not 0.0 < abs(x) < 1.0:
        return rows
    smaller = settings.eps * abs(x)
    retry = column(smaller)
    if not all(row.ok for row in retry):
        return rows
    failed = next(row for row in rows if not row.ok)
    why = failed.note.split(";")[0] if failed.note else f"|error| {failed.abs_error:.1e}"
    ratio = step / abs(x)
    share = f"{ratio:.3g} times" if ratio >= 1.0 else f"{100.0 * ratio:.2g}% of"
    said = (
        f"checked with the smaller step eps·|{var}| = {smaller:.1e}: the step {step:g} is {share} "
        f"|{var}| = {short(x)} and gave {why}"
    )
    return [replace(row, note="; ".join(filter(None, [row.note, said]))) for row in retry]


def _second_order(
    make: GraphMaker, names: tuple[str, ...], point: tuple[float, ...], settings: _Settings
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

        def column(step: float, j: int = j) -> list[GradcheckRow]:
            stencil = _samples(lambda p: _grads_at(make, p), point, j, step)
            rows = []
            for i in range(n):
                by_k = _Stencil({k: g[i] for k, g in stencil.values.items()}, stencil.errors, stencil.steps)
                label = f"∂²f/∂{names[i]}²" if i == j else f"∂²f/∂{names[j]}∂{names[i]}"
                why_nan = ""
                if math.isnan(hessian[i][j]) and isinstance(firsts[i] if firsts else None, Value):
                    why_nan = nan_origin(firsts[i], leaves[j])
                rows.append(_row(
                    f"{names[i]},{names[j]}", label, hessian[i][j], centre[i], by_k, step, settings,
                    names[j], point[j], of=f"∂f/∂{names[i]}", why_nan=why_nan,
                ))
            return rows

        for i, row in enumerate(_adaptive(column, point[j], names[j], settings)):
            rows_by_pair[i, j] = row
    rows = tuple(rows_by_pair[i, j] for i in range(n) for j in range(n))
    return GradcheckReport(rows, names, point, value, 2, settings.eps, settings.atol, settings.rtol,
                           settings.relative)


def _row(
    name: str,
    label: str,
    analytic: float,
    centre: float,
    stencil: _Stencil,
    step: float,
    settings: _Settings,
    var: str,
    x: float,
    of: str = "f",
    why_nan: str = "",
    unreached: str = "",
) -> GradcheckRow:
    """Compare one analytic partial with the central difference of ``of`` along ``var`` (at ``var = x``).

    ``step`` is the half-width of the stencil; ``unreached`` is the note for a row that fails because
    autograd's graph does not carry ``var`` to the output ("" when it does).
    """
    samples, errors = stencil.values, stencil.errors
    atol, rtol = settings.atol, settings.rtol
    notes: list[str] = []
    coarse = False  # float64 could not move x by ±step: the step taken is used, and may be too coarse
    if 1 in samples and -1 in samples:
        width = 2.0 * step
        if abs(stencil.taken() - width) > _STEP_TOLERANCE * width:
            width, coarse = stencil.taken(), True
        numeric = (samples[1] - samples[-1]) / width if width > 0.0 else math.nan
        if math.isnan(numeric) and width > 0.0:  # evaluated, but to nan (or inf − inf): say so
            notes.append(
                f"no central difference: {of} is {short(samples[-1])} at {var} − eps and {short(samples[1])} "
                f"at {var} + eps"
            )
    else:
        numeric = math.nan
        side = f"{var} + eps" if 1 in errors else f"{var} − eps"
        notes.append(f"edge of the domain: {of} is undefined at {side}: {errors.get(1) or errors.get(-1)}")
    abs_error = abs(analytic - numeric)
    if abs(numeric) <= atol:
        rel_error = math.nan  # near a zero derivative only the absolute error means something
    else:
        rel_error = abs_error / abs(numeric)
    agrees = abs_error <= atol + rtol * abs(numeric)  # False for NaN and inf
    kink = _kink(centre, stencil, step, atol, rtol)
    if kink:
        notes.insert(0, kink)
    elif coarse and not agrees:
        notes.insert(0, _resolution_note(var, x, settings, stencil.taken()))
    elif not agrees and unreached and math.isfinite(numeric):
        notes.insert(0, unreached)
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


def _resolution_note(var: str, x: float, settings: _Settings, taken: float) -> str:
    """Why a row failed when x ± eps rounded, and an eps that works.

    An absolute eps (PyTorch's convention) suits inputs of size about 1: the suggestion scales it by
    |x| and rounds up to a power of ten. A relative eps this small is simply too small: the default works.
    """
    eps = settings.eps
    if settings.relative:
        suggested, how = PRESETS["float64"][0], "the default"
    else:
        power = math.ceil(math.log10(eps) + math.log10(max(1.0, abs(x))))  # no overflow for huge eps·|x|
        suggested, how = 10.0 ** min(power, 308), f"about eps·|{var}|"
    return (
        f"{BELOW_RESOLUTION} at {var} = {short(x)}: {var} ± eps is a step of {short(taken, 3)}, not "
        f"{short(2 * settings.step(x), 3)} (floats there are {short(math.ulp(x), 3)} apart); "
        f"use eps ≥ {suggested:g}, {how}"
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


# ---- sweeping an op -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class OpCheckReport:
    """The result of :func:`check_op`: where an op's derivative rule disagrees, and where it has kinks.

    Attributes:
        name: the op's name.
        points: every point checked (tuples of one or two numbers).
        mismatches: (point, row) for each derivative that disagrees with central differences.
        kinks: the points where left and right slopes differ (no derivative to check; not a failure).
        unchecked: (point, row) where x ± eps leaves the op's domain.
        second_order: whether second derivatives (``create_graph=True``) were checked too, or why not.
    """

    name: str
    points: tuple[tuple[float, ...], ...]
    mismatches: tuple[tuple[tuple[float, ...], GradcheckRow], ...]
    kinks: tuple[tuple[float, ...], ...]
    unchecked: tuple[tuple[tuple[float, ...], GradcheckRow], ...]
    second_order: str

    @property
    def ok(self) -> bool:
        return not self.mismatches

    def __bool__(self) -> bool:
        return self.ok

    def verdict(self) -> str:
        n = len(self.points)
        if self.ok:
            return f"PASS: {self.name}'s derivative agrees with central differences at all {n} points checked."
        at = sorted({p for p, _ in self.mismatches})
        return f"FAIL: {self.name}'s derivative disagrees at {len(at)} of {n} points, first at {_at(at[0])}."

    def __str__(self) -> str:
        lines = [f"check_op {self.name}: {len(self.points)} points; {self.second_order}"]
        for point, row in self.mismatches[:8]:
            label = row.label.replace("f", self.name, 1)  # ∂f/∂x → ∂cube/∂x
            lines.append(
                f"  at {_at(point)}: {label} autograd {number_cell(row.analytic, 0)}, "
                f"central differences {number_cell(row.numeric, 0)}"
            )
        if len(self.mismatches) > 8:
            lines.append(f"  … and {len(self.mismatches) - 8} more")
        if self.kinks:
            lines.extend(wrap_text(
                f"  non-differentiable at {', '.join(_at(p) for p in self.kinks[:6])}"
                f"{' …' if len(self.kinks) > 6 else ''} (left and right slopes differ: a kink, not an error)",
                indent="    ",
            ))
        if self.unchecked:
            lines.append(f"  {len(self.unchecked)} point(s) at the edge of the domain could not be checked")
        lines.extend(wrap_text(self.verdict()))
        return "\n".join(lines)


def _at(point: tuple[float, ...]) -> str:
    names = ("a", "b") if len(point) == 2 else ("x",)
    return ", ".join(f"{n} = {short(v)}" for n, v in zip(names, point))


def check_op(
    op: Callable[..., Any],
    domain: Sequence[float] | Sequence[Sequence[float]],
    *,
    points: int = 41,
    second_order: bool | None = None,
    eps: float | None = None,
    atol: float | None = None,
    rtol: float | None = None,
) -> OpCheckReport:
    """Sweep an op's derivative rule against central differences over a domain.

    Args:
        op: a function of one or two Values, e.g. what :func:`autograd.define_op` returns, or
            ``Value.erf``.
        domain: ``(low, high)`` for an op of one input, ``((low_a, high_a), (low_b, high_b))`` for two.
        points: evenly spaced points per input, ends included (an op of two inputs gets a grid of
            ``points × points``, capped at 21 × 21).
        second_order: also check second derivatives, which ``create_graph=True`` builds from the rule.
            Default: when the rule is written against the math namespace (it can build Values).
        eps, atol, rtol: as for :func:`gradcheck`.

    Kinks (relu at 0) are listed, not counted as failures; the report is ``ok`` when no derivative
    disagrees. ``print`` it for a summary naming the first points that disagree.
    """
    if not callable(op):
        raise TypeError(f"check_op needs an op (a function of Values), got {type(op).__name__}")
    name = getattr(op, "__name__", "op")
    ranges = _ranges(domain)
    if not isinstance(points, int) or isinstance(points, bool) or points < 2:
        raise ValueError(f"points must be an integer ≥ 2, got {points!r}")
    per_axis = points if len(ranges) == 1 else min(points, 21)
    axes = [[lo + (hi - lo) * k / (per_axis - 1) for k in range(per_axis)] for lo, hi in ranges]
    grid = [(a,) for a in axes[0]] if len(axes) == 1 else [(a, b) for a in axes[0] for b in axes[1]]
    if second_order is None:
        second_order = _builds_values(op, grid)
    settings = _settings(eps, atol, rtol, "float64", True)
    mismatches, kinks, unchecked = [], [], []
    names = ("x",) if len(ranges) == 1 else ("a", "b")
    for point in grid:
        orders = (1, 2) if second_order else (1,)
        for order in orders:
            report = _check(order, op, [Value(v, n) for v, n in zip(point, names)], settings, False)
            for row in report.rows:
                if row.non_differentiable:
                    if point not in kinks:
                        kinks.append(point)
                elif row.unchecked:
                    unchecked.append((point, row))
                elif not row.ok:
                    mismatches.append((point, row))
    how = "first and second derivatives checked" if second_order else (
        "first derivatives checked (second: the rule gives plain floats, so create_graph=True is not available)"
        if not _builds_values(op, grid) else "first derivatives checked"
    )
    return OpCheckReport(name, tuple(grid), tuple(mismatches), tuple(kinks), tuple(unchecked), how)


def _ranges(domain: Any) -> list[tuple[float, float]]:
    items = list(domain)
    if len(items) == 2 and all(isinstance(v, numbers.Real) for v in items):
        items = [items]
    ranges = []
    for item in items:
        pair = list(item) if not isinstance(item, numbers.Real) else []
        if len(pair) != 2:
            raise ValueError(f"domain must be (low, high) or ((low, high), (low, high)), got {domain!r}")
        lo, hi = (as_number(v, "domain") for v in pair)
        if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
            raise ValueError(f"each range needs finite low < high, got ({lo!r}, {hi!r})")
        ranges.append((lo, hi))
    if len(ranges) not in (1, 2):
        raise ValueError(f"check_op sweeps ops of one or two inputs, got {len(ranges)} ranges")
    return ranges


def _builds_values(op: Callable[..., Any], grid: Sequence[tuple[float, ...]]) -> bool:
    """Whether create_graph=True works through the op's rule (it raises TypeError for a float-only rule)."""
    for point in grid:
        leaves = [Value(v) for v in point]
        try:
            out = op(*leaves)
            if isinstance(out, Value):
                grad(out, leaves, create_graph=True)
            return True
        except TypeError:
            return False
        except EVAL_ERRORS:
            continue
    return False
