"""The teaching trace: every step of a backward pass, with the chain rule written out in numbers.

>>> from autograd.examples import lecture_graph
>>> g = lecture_graph()
>>> trace = trace_backward(g.L)
>>> print(trace[0].parents[0].derivative)
∂(d·f)/∂d = f = -2

``trace_backward(y)`` runs the one generic backward pass (:func:`autograd.backward.propagate`) and
writes down what it does at each node: the node's upstream gradient ∂y/∂node, and for each parent
the local derivative (formula from the op's rule, with the names and numbers filled in) and the
contribution local × upstream that the parent receives. Where a node is used more than once, the step
whose term completes its gradient writes the sum term by term, in the order the terms arrived
(``∂out/∂x = 1 + 3 + 3 = 7``). Names, orders and numbers all come from the graph's one view
(:class:`autograd.view.GraphView`); this module only formats them. The pictures
(:mod:`autograd.viz`) read the same view, so a step reads the same in the terminal, in a notebook and
in the HTML stepper.
"""

from __future__ import annotations

import html
import textwrap
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .value import Value
from .view import GraphView, format_number, forward_order, policy_names, view_of

__all__ = [
    "trace_backward", "BackpropStep", "ParentStep", "Trace", "format_number", "node_names", "forward_order",
    "compute_trace", "grad_name",
]


# ---- numbers and names: read from the one view of the graph (autograd.view) ------------------------
def node_names(nodes: Iterable[Value]) -> dict[Value, str]:
    """The name of every node, as :class:`~autograd.view.GraphView` gives it (see its naming policy).

    ``nodes`` should have the output first (as :func:`autograd.backward.backprop_order` gives them);
    nodes that are not under it are named too. A convenience over ``GraphView(root).names``.
    """
    ordered = list(nodes)
    if not ordered:
        return {}
    members = set(ordered)
    forward = [node for node in forward_order(ordered[0]) if node in members]
    placed = set(forward)
    forward += [node for node in reversed(ordered) if node not in placed]  # not under ordered[0]
    return policy_names(forward, ordered[0])


#: ``str(trace)`` keeps its table within this many columns for typical graphs (formulas wrap).
TABLE_WIDTH = 100
_MIN_FORMULA = 16


def _fit_widths(rows: Sequence[Sequence[str]], wrapping: Sequence[int], width: int, separators: int) -> list[int]:
    """Column widths for ``rows``: natural widths, then the ``wrapping`` columns narrowed (the one with
    the most room to give first, one character at a time) until the table fits ``width``, but never
    below the width at which their formulas would have to break anywhere but before " = "."""
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    floor = {i: max(_unbreakable(r[i]) for r in rows) for i in wrapping}
    excess = sum(widths) + separators - width
    while excess > 0:
        column = max(wrapping, key=lambda i: widths[i] - floor[i])
        if widths[column] <= floor[column]:
            break  # a very wide graph: better a wide table than formulas cut mid-symbol
        widths[column] -= 1
        excess -= 1
    return widths


def _unbreakable(text: str) -> int:
    """The width a cell of :func:`_wrap_formula` cannot go below (its longest piece between " = ")."""
    pieces = text.split(" = ")
    return max([len(pieces[0])] + [len(p) + 4 for p in pieces[1:]])


def _wrap_formula(text: str, width: int) -> list[str]:
    """``∂tanh(n2)/∂n2 = 1 − tanh²(n2) = 0.001341`` in lines of at most ``width``, broken before " = "
    (continuation lines start with "  = "), and at spaces only when one piece is still too long."""
    if len(text) <= width:
        return [text]
    pieces = text.split(" = ")
    lines: list[str] = []
    current = pieces[0]
    for piece in pieces[1:]:
        if len(current) + 3 + len(piece) <= width:
            current += " = " + piece
        else:
            lines.append(current)
            current = "  = " + piece
    lines.append(current)
    out: list[str] = []
    for item in lines:
        out += textwrap.wrap(item, width, subsequent_indent="    ", break_on_hyphens=False,
                             drop_whitespace=False) if len(item) > width else [item]
    return [item.rstrip() for item in out]


# ---- the trace --------------------------------------------------------------------------------------
def _factor(x: float) -> str:
    """A number as the right-hand factor of a product: negatives in parentheses, ``2 × (-3)``."""
    text = format_number(x)
    return f"({text})" if text.startswith("-") else text


@dataclass(frozen=True)
class ParentStep:
    """What one node hands to one of its parents during its backprop step.

    Attributes:
        parent: the parent node.
        label: its name (label or stand-in).
        derivative: the local derivative as text, e.g. ``∂(a·b)/∂a = b = -3``.
        local: the local derivative's value.
        contribution: local × upstream, the amount added to the parent's gradient.
        contribution_text: e.g. ``-2 × (-3) = 6`` (upstream × local = contribution).
        position: this is term ``position`` of the ``of`` terms that add up to the parent's gradient.
        of: how many terms the parent's gradient has (more than 1 when it is used more than once).
        total_text: with the last of several terms, the completed sum, e.g. ``∂out/∂x = 1 + 3 + 3 = 7``
            (else "").
    """

    parent: Value
    label: str
    derivative: str
    local: float
    contribution: float
    contribution_text: str
    position: int = 1
    of: int = 1
    total_text: str = ""

    def sum_note(self) -> str:
        """How this term stands in its sum: "" for a parent used once; else e.g. ``term 1 of 3, so
        far 1 + ?`` or ``the last of 3 terms: ∂out/∂x = 1 + 3 + 3 = 7``."""
        if self.of < 2:
            return ""
        if self.total_text:
            return f"the last of {self.of} terms: {self.total_text}"
        return f"term {self.position} of {self.of}, more to come"


@dataclass(frozen=True)
class BackpropStep:
    """One node's turn in the backward pass.

    Attributes:
        index: 1 for the first step (the output), up to the number of nodes.
        node: the node visited.
        label: its name (its label, or a stand-in such as ``n3`` for an unlabeled node).
        op: the op symbol that made it ("" for a leaf).
        data: its value.
        formula: how it was computed from its parents' names, e.g. ``a·b`` ("" for a leaf).
        upstream: ∂root/∂node, complete at this point: every node that uses it came earlier.
        parents: one :class:`ParentStep` per parent (empty for a leaf).
        root_label: the output's name, for writing gradients as ∂L/∂node.
        total: the number of steps in the whole pass.
        sum_text: for a node used more than once, its gradient term by term in arrival order,
            ``∂out/∂x = 1 + 3 + 3 = 7`` (else "").
        sources: where those terms came from, ``from out = n1 + x, then from n1 = x·x twice`` (else "").
        uses: how many terms add up to the node's gradient (0 for the output: its gradient is the seed).
    """

    index: int
    node: Value
    label: str
    op: str
    data: float
    formula: str
    upstream: float
    parents: tuple[ParentStep, ...]
    root_label: str
    total: int
    sum_text: str = ""
    sources: str = ""
    uses: int = 1

    @property
    def is_leaf(self) -> bool:
        return not self.formula

    @property
    def grad_name(self) -> str:
        """``∂L/∂a``: how this step writes the node's gradient."""
        return grad_name(self.root_label, self.label)

    def grad_text(self) -> str:
        """``∂out/∂x = 7``, or the sum ``∂out/∂x = 1 + 3 + 3 = 7`` for a node used more than once."""
        return self.sum_text or f"{self.grad_name} = {format_number(self.upstream)}"

    def headline(self) -> str:
        """One line: which node, its value and its gradient (a sum written out term by term)."""
        what = f"{self.label} = {self.formula} = {format_number(self.data)}" if self.formula else (
            f"{self.label} = {format_number(self.data)} (a leaf)"
        )
        return f"Step {self.index} of {self.total}: {what};  {self.grad_text()}"

    def parent_line(self, p: ParentStep) -> str:
        """``→ a:  ∂(a·b)/∂a = b = -3;  ∂L/∂a += -2 × (-3) = 6`` (and the sum, when this completes one)."""
        line = f"→ {p.label}:  {p.derivative};  {grad_name(self.root_label, p.label)} += {p.contribution_text}"
        note = p.sum_note()
        return f"{line}  ({note})" if note else line

    def lines(self) -> list[str]:
        """The step explained, one line per parent (what the HTML stepper and captions show)."""
        out = [self.headline()]
        if self.index == 1 and self.root_label == self.label:
            out.append(f"Start: the output's gradient with respect to itself is {self.grad_name} = "
                       f"{format_number(self.upstream)}.")
        elif self.index == 1:
            out.append(f"Start: {self.grad_name} = {format_number(self.upstream)}, the gradient that arrives "
                       f"here from the rest of the graph above {self.label}.")
        if self.sum_text:
            times = "twice" if self.uses == 2 else f"{self.uses} times"
            out.append(f"{self.label} is used {times}, so its gradient is the sum of what each use sent back "
                       f"({self.sources}).")
        if self.is_leaf:
            out.append(f"{self.label} is a leaf: nothing to pass on, its gradient is final.")
        out += [self.parent_line(p) for p in self.parents]
        return out

    def explain(self) -> str:
        return "\n".join(self.lines())

    def __str__(self) -> str:
        return self.explain()


def grad_name(root_label: str, label: str) -> str:
    return f"∂{root_label}/∂{label}"


class Trace(list):
    """The steps of one backward pass (a list of :class:`BackpropStep`) with a readable ``str()``.

    Attributes:
        root: the output the pass started from.
        grads: {node: ∂root/∂node} for every node reachable from the root.
        view: the graph's :class:`~autograd.view.GraphView` the steps were read from.
    """

    def __init__(self, steps: Iterable[BackpropStep], root: Value, grads: dict[Value, float],
                 view: GraphView | None = None) -> None:
        super().__init__(steps)
        self.root = root
        self.grads = grads
        self.view = view

    def grad_of(self, node: Value) -> float:
        """∂root/∂node as this pass computed it."""
        return self.grads[node]

    def _rows(self, value_column: bool) -> list[tuple[str, ...]]:
        """Per step: its first row (number, node, [value,] gradient), then one row per parent and, for a
        node used several times, a row with its gradient written as the sum of its terms."""
        rows: list[tuple[str, ...]] = []
        for s in self:
            if value_column:
                node = f"{s.label} = {s.formula}" if s.formula else f"{s.label} (leaf)"
                first: tuple[str, ...] = (str(s.index), node, format_number(s.data), format_number(s.upstream))
            else:
                node = (f"{s.label} = {s.formula} = {format_number(s.data)}" if s.formula
                        else f"{s.label} = {format_number(s.data)} (leaf)")
                first = (str(s.index), node, format_number(s.upstream))
            blank = ("",) * len(first)
            own = [("", f"(sum of its {s.uses} terms)", s.sum_text.split(" = ", 1)[1])] if s.sum_text else []
            if not s.parents:
                own.append(("", "(leaf: its gradient is final)", ""))
            own += [(p.label, p.derivative, p.contribution_text) for p in s.parents]
            for i, cells in enumerate(own):
                rows.append((*(first if i == 0 else blank), *cells))
        return rows

    def __str__(self) -> str:
        if not self:
            return "Trace: no steps"
        root = self[0]
        header = ("#", "node = value", f"∂{root.root_label}/∂node", "to", "local derivative", "upstream × local")
        rows = self._rows(value_column=False)
        widths = _fit_widths([header, *rows], wrapping=(1, 4), width=TABLE_WIDTH, separators=2 * 4 + 3)
        right = {0, 2}

        def line(cells: tuple[str, ...]) -> str:
            parts = [c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(cells, widths))]
            return ("  ".join(parts[:3]) + " │ " + "  ".join(parts[3:])).rstrip()

        def physical(cells: tuple[str, ...]) -> list[str]:
            wrapped = [_wrap_formula(c, widths[i]) if i in (1, 4) else [c] for i, c in enumerate(cells)]
            height = max(len(w) for w in wrapped)
            return [line(tuple(w[k] if k < len(w) else "" for w in wrapped)) for k in range(height)]

        title = (f"Backprop from {root.label} = {format_number(root.data)}: {len(self)} steps "
                 "(each node is visited after every node that uses it)")
        head = line(header)
        out = textwrap.wrap(title, TABLE_WIDTH) + ["", head, "─" * len(head)]
        for r in rows:
            out += physical(r)
        out += [""] + textwrap.wrap("Gradients of the leaves: " + self._leaf_summary(), TABLE_WIDTH,
                                    subsequent_indent="  ", break_on_hyphens=False)
        return "\n".join(out)

    def _leaf_summary(self) -> str:
        leaves = [s for s in self if s.is_leaf]
        named = [s for s in leaves if s.node.label or s.node.is_parameter]
        leaves = named or leaves  # constants (unlabeled leaves) only when nothing else is there
        return ", ".join(s.grad_text() for s in leaves)

    def _repr_html_(self) -> str:
        if not self:
            return "<p>Trace: no steps</p>"
        e = html.escape
        root = self[0]
        head = ["step", "node", "value", f"∂{root.root_label}/∂node", "passes to", "local derivative",
                "upstream × local"]
        cells = "".join(f"<th>{e(h)}</th>" for h in head)
        body = []
        for r in self._rows(value_column=True):
            style = ' style="border-top:1px solid #999"' if r[0] else ""
            body.append(f"<tr{style}>" + "".join(f"<td>{e(c)}</td>" for c in r) + "</tr>")
        return (f"<p><b>Backprop from {e(root.label)} = {e(format_number(root.data))}</b>: {len(self)} steps "
                "(each node is visited after every node that uses it)</p>"
                f"<table><thead><tr>{cells}</tr></thead><tbody>{''.join(body)}</tbody></table>"
                f"<p>Gradients of the leaves: {e(self._leaf_summary())}</p>")


def steps_of(view: GraphView) -> list[BackpropStep]:
    """One :class:`BackpropStep` per node of ``view``, in backprop order: the view's numbers as text."""
    names = view.names
    root_label = view.root_name
    total = len(view.backprop)
    steps: list[BackpropStep] = []
    for k, node in enumerate(view.backprop):
        rule = node.rule
        formula = view.formula(node)
        parent_names = [names[p] for p in node.parents]
        items = []
        for c in view.edges.get(node, ()):
            deriv = rule.deriv_text(c.index, parent_names, node.param)  # type: ignore[union-attr]
            text = f"{view.local_name(node, c.index)} = {deriv}"
            if deriv.replace("−", "-") != format_number(c.local):
                text += f" = {format_number(c.local)}"
            items.append(ParentStep(
                parent=c.node,
                label=parent_names[c.index],
                derivative=text,
                local=c.local,
                contribution=c.amount,
                contribution_text=f"{format_number(c.upstream)} × {_factor(c.local)} = {format_number(c.amount)}",
                position=c.position,
                of=c.of,
                total_text=view.sum_text(c.node) if c.completes and c.of > 1 else "",
            ))
        shared = view.is_shared(node)
        steps.append(BackpropStep(
            index=k + 1, node=node, label=names[node], op=node.op, data=node.data, formula=formula,
            upstream=view.grads[node], parents=tuple(items), root_label=root_label, total=total,
            sum_text=view.sum_text(node) if shared else "", sources=view.sources_text(node) if shared else "",
            uses=len(view.terms.get(node, ())),
        ))
    return steps


def compute_trace(root: Value | GraphView, grad: float = 1.0, names: dict[Value, str] | None = None) -> Trace:
    """The trace of a backward pass from ``root`` without touching any ``.grad`` (the pictures use this).

    ``root`` may be a :class:`~autograd.view.GraphView` already made (then ``grad`` and ``names`` are
    its own). ``names`` ({node: display name}, every node) replaces the view's naming policy.
    """
    if isinstance(root, GraphView):
        view = root
    elif not isinstance(root, Value):
        raise TypeError(f"trace_backward expects a Value (the output to differentiate), got {type(root).__name__}")
    else:
        try:
            view = view_of(root, names=names, seed=grad)
        except ValueError as err:
            raise ValueError(f"compute_trace: {err}") from None
    return Trace(steps_of(view), view.root, view.grads, view)


def trace_backward(y: Value | GraphView, grad: float = 1.0) -> Trace:
    """Run backprop from ``y`` step by step and return what happened at each node.

    Like ``y.backward(grad)`` it adds ∂y/∂node · grad to ``.grad`` of every node reachable from ``y``
    (so gradients accumulate across calls the same way), and it also returns a :class:`Trace`: one
    :class:`BackpropStep` per node, leaves included, in the order backprop visits them. ``print`` it
    for a table; in a notebook it shows as an HTML table. Where a node is used more than once, its
    step writes its gradient as the sum of what each use sent back, in arrival order.
    """
    trace = compute_trace(y, grad)
    for step in trace:
        step.node.grad += step.upstream
    return trace
