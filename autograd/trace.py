"""The teaching trace: every step of a backward pass, with the chain rule written out in numbers.

>>> from autograd.examples import lecture_graph
>>> g = lecture_graph()
>>> trace = trace_backward(g.L)
>>> print(trace[0].parents[0].derivative)
∂(d·f)/∂d = f = -2

``trace_backward(y)`` runs the one generic backward pass (:func:`autograd.backward.propagate`) and
writes down what it does at each node: the node's upstream gradient ∂y/∂node, and for each parent
the local derivative (formula from the op's rule, with the names and numbers filled in) and the
contribution local × upstream that the parent receives. The numbers all come from the engine; this
module only formats them. The pictures (:mod:`autograd.viz`) use the same names and formatting, so
a step reads the same in the terminal, in a notebook and in the HTML stepper.
"""

from __future__ import annotations

import html
import math
import re
import textwrap
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from .backward import backprop_order, propagate
from .value import Value

__all__ = [
    "trace_backward", "BackpropStep", "ParentStep", "Trace", "format_number", "node_names", "stand_in_names",
    "forward_order",
]


# ---- numbers and names shared by the trace and the pictures ---------------------------------------
def format_number(x: Any) -> str:
    """A number as a learner reads it: exact for small integers (``-3``), else 4 significant digits.

    >>> format_number(-3.0), format_number(0.76159416), format_number(1.5e-7), format_number(-0.0)
    ('-3', '0.7616', '1.5e-7', '0')
    """
    if isinstance(x, Value):
        x = x.data
    x = float(x)
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    if x == 0.0:
        return "0"  # also -0.0: a sign on zero only confuses
    if x.is_integer() and abs(x) < 1e6:
        return str(int(x))
    text = f"{x:.4g}"
    if "e" in text:  # 1.5e-07 → 1.5e-7, 2.5e+08 → 2.5e8
        mantissa, exponent = text.split("e")
        text = f"{mantissa}e{int(exponent)}"
    return text


def _factor(x: float) -> str:
    """A number as the right-hand factor of a product: negatives in parentheses, ``2 × (-3)``."""
    text = format_number(x)
    return f"({text})" if text.startswith("-") else text


def stand_in_names(
    forward: Sequence[Value],
    root: Value | None = None,
    *,
    output: str = "out",
    computed: str = "v",
    leaf: str = "k",
    parameter: str = "p",
) -> dict[Value, str]:
    """A distinct display name for every node of ``forward`` (inputs before the nodes made from them).

    * a label that only one node has is its name;
    * a label that several nodes share gets ``#1, #2, …`` in ``forward`` order (``x#1``, ``x#2``);
    * an unlabeled ``root`` is called ``output`` (if no label uses it);
    * other unlabeled nodes get numbered stand-ins that no label uses: leaves ``k1, k2, …`` (the value
      shows next to the name wherever it matters), parameters ``p1, …``, computed nodes ``v1, …``.

    No two nodes ever share a name, so "∂out/∂k1" always means one node. The graph is not changed.
    """
    counts: dict[str, int] = {}
    for node in forward:
        if node.label:
            counts[node.label] = counts.get(node.label, 0) + 1
    taken = set(counts)
    names: dict[Value, str] = {}
    counters: dict[str, int] = {}

    def fresh(prefix: str) -> str:
        while True:
            counters[prefix] = counters.get(prefix, 0) + 1
            name = f"{prefix}{counters[prefix]}"
            if name not in taken:
                taken.add(name)
                return name

    if root is not None and not root.label and output not in taken:
        names[root] = output
        taken.add(output)
    repeats: dict[str, int] = {}
    for node in forward:
        if node in names:
            continue
        label = node.label
        if label and counts[label] == 1:
            names[node] = label
        elif label:
            while True:  # "x#2" could, in theory, be someone's label too
                repeats[label] = repeats.get(label, 0) + 1
                name = f"{label}#{repeats[label]}"
                if name not in taken:
                    break
            taken.add(name)
            names[node] = name
        elif node.is_leaf:
            names[node] = fresh(parameter if node.is_parameter else leaf)
        else:
            names[node] = fresh(computed)
    return names


def node_names(nodes: Iterable[Value]) -> dict[Value, str]:
    """A distinct, readable name for every node: its label, or a stand-in (see :func:`stand_in_names`).

    ``nodes`` should be in a deterministic order with the output first (as
    :func:`autograd.backward.backprop_order` gives them); an unlabeled output is called ``out``, and
    stand-ins are numbered in forward order (the reverse), so ``v1`` is computed before ``v2``.
    Unlabeled leaves are ``x1, x2, …`` (constants such as the 2 in ``2*x`` too: their value is shown
    beside them), unlabeled parameters ``p1, p2, …``, unlabeled computed nodes ``v1, v2, …``.
    """
    ordered = list(nodes)
    if not ordered:
        return {}
    members = set(ordered)
    forward = [node for node in forward_order(ordered[0]) if node in members]
    placed = set(forward)
    forward += [node for node in reversed(ordered) if node not in placed]  # not under ordered[0]
    return stand_in_names(forward, ordered[0])


def forward_order(root: Value) -> list[Value]:
    """Every node under ``root``, each after its inputs, in the order the expression computes them
    (inputs left to right, depth first): how a learner reads the forward pass. Iterative (no recursion)."""
    seen: set[Value] = set()
    order: list[Value] = []
    stack: list[tuple[Value, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        if done:
            order.append(node)
            continue
        if node in seen:
            continue
        seen.add(node)
        stack.append((node, True))
        stack.extend((p, False) for p in reversed(node.parents) if p not in seen)
    return order


_CALL = re.compile(r"[^\W\d]\w*\([^()]*\)\Z")  # tanh(x), σ(x): already bracketed


def _bracketed(expr: str) -> str:
    """``a·b`` → ``(a·b)`` so that ``∂(a·b)/∂a`` parses; ``tanh(a)`` and names stay as they are."""
    if _CALL.match(expr) or re.fullmatch(r"\w+", expr) or re.fullmatch(r"\|[^|]*\|", expr):
        return expr
    return f"({expr})"


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
    """

    parent: Value
    label: str
    derivative: str
    local: float
    contribution: float
    contribution_text: str


@dataclass(frozen=True)
class BackpropStep:
    """One node's turn in the backward pass.

    Attributes:
        index: 1 for the first step (the output), up to the number of nodes.
        node: the node visited.
        label: its name (its label, or a stand-in such as ``v3`` for an unlabeled node).
        op: the op symbol that made it ("" for a leaf).
        data: its value.
        formula: how it was computed from its parents' names, e.g. ``a·b`` ("" for a leaf).
        upstream: ∂root/∂node, complete at this point: every node that uses it came earlier.
        parents: one :class:`ParentStep` per parent (empty for a leaf).
        root_label: the output's name, for writing gradients as ∂L/∂node.
        total: the number of steps in the whole pass.
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

    @property
    def is_leaf(self) -> bool:
        return not self.formula

    @property
    def grad_name(self) -> str:
        """``∂L/∂a``: how this step writes the node's gradient."""
        return grad_name(self.root_label, self.label)

    def headline(self) -> str:
        """One line: which node, its value and its gradient."""
        what = f"{self.label} = {self.formula} = {format_number(self.data)}" if self.formula else (
            f"{self.label} = {format_number(self.data)} (a leaf)"
        )
        return f"Step {self.index} of {self.total}: {what};  {self.grad_name} = {format_number(self.upstream)}"

    def lines(self) -> list[str]:
        """The step explained, one line per parent (what the HTML stepper and captions show)."""
        out = [self.headline()]
        if self.index == 1:
            out.append(f"Start: the output's gradient with respect to itself is {self.grad_name} = "
                       f"{format_number(self.upstream)}.")
        if self.is_leaf:
            out.append(f"{self.label} is a leaf: nothing to pass on, its gradient is final.")
        for p in self.parents:
            out.append(f"→ {p.label}:  {p.derivative};  {grad_name(self.root_label, p.label)} += "
                       f"{p.contribution_text}")
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
    """

    def __init__(self, steps: Iterable[BackpropStep], root: Value, grads: dict[Value, float]) -> None:
        super().__init__(steps)
        self.root = root
        self.grads = grads

    def grad_of(self, node: Value) -> float:
        """∂root/∂node as this pass computed it."""
        return self.grads[node]

    def _rows(self) -> list[tuple[str, str, str, str, str, str, str]]:
        rows = []
        for s in self:
            node = f"{s.label} = {s.formula}" if s.formula else f"{s.label} (leaf)"
            first = (str(s.index), node, format_number(s.data), format_number(s.upstream))
            if not s.parents:
                rows.append((*first, "", "(leaf: its gradient is final)", ""))
            for i, p in enumerate(s.parents):
                rows.append((*(first if i == 0 else ("", "", "", "")), p.label, p.derivative, p.contribution_text))
        return rows

    def __str__(self) -> str:
        if not self:
            return "Trace: no steps"
        root = self[0]
        header = ("#", "node = value", f"∂{root.root_label}/∂node", "to", "local derivative", "upstream × local")
        rows: list[tuple[str, ...]] = []
        for s in self:
            node = (f"{s.label} = {s.formula} = {format_number(s.data)}" if s.formula
                    else f"{s.label} = {format_number(s.data)} (leaf)")
            first = (str(s.index), node, format_number(s.upstream))
            if not s.parents:
                rows.append((*first, "", "(leaf: its gradient is final)", ""))
            for i, p in enumerate(s.parents):
                rows.append((*(first if i == 0 else ("", "", "")), p.label, p.derivative, p.contribution_text))
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
        return ", ".join(f"{s.grad_name} = {format_number(s.upstream)}" for s in leaves)

    def _repr_html_(self) -> str:
        if not self:
            return "<p>Trace: no steps</p>"
        e = html.escape
        root = self[0]
        head = ["step", "node", "value", f"∂{root.root_label}/∂node", "passes to", "local derivative",
                "upstream × local"]
        cells = "".join(f"<th>{e(h)}</th>" for h in head)
        body = []
        for r in self._rows():
            style = ' style="border-top:1px solid #999"' if r[0] else ""
            body.append(f"<tr{style}>" + "".join(f"<td>{e(c)}</td>" for c in r) + "</tr>")
        return (f"<p><b>Backprop from {e(root.label)} = {e(format_number(root.data))}</b>: {len(self)} steps "
                "(each node is visited after every node that uses it)</p>"
                f"<table><thead><tr>{cells}</tr></thead><tbody>{''.join(body)}</tbody></table>"
                f"<p>Gradients of the leaves: {e(self._leaf_summary())}</p>")


def compute_trace(root: Value, grad: float = 1.0, names: dict[Value, str] | None = None) -> Trace:
    """The trace of a backward pass from ``root`` without touching any ``.grad`` (the pictures use this).

    ``names`` ({node: display name}, every node) replaces the default :func:`node_names`, so that a page
    that also shows questions (the quiz) uses one set of names throughout.
    """
    if not isinstance(root, Value):
        raise TypeError(f"trace_backward expects a Value (the output to differentiate), got {type(root).__name__}")
    order = backprop_order(root, include_leaves=True)
    if names is None:
        names = node_names(order)
    elif any(node not in names for node in order):
        raise ValueError("compute_trace: names must give a name to every node of the graph")
    root_label = names[root]
    total = len(order)
    steps: list[BackpropStep] = []

    def on_step(node: Value, upstream: Any, parents: tuple[Value, ...], locals_: tuple[Any, ...],
                contributions: list[Any]) -> None:
        rule = node.rule
        parent_names = [names[p] for p in parents]
        formula = rule.expr_text(parent_names, node.param) if rule is not None else ""
        items = []
        for i, (parent, local, contribution) in enumerate(zip(parents, locals_, contributions)):
            deriv = rule.deriv_text(i, parent_names, node.param)  # type: ignore[union-attr]
            text = f"∂{_bracketed(formula)}/∂{parent_names[i]} = {deriv}"
            if deriv.replace("−", "-") != format_number(local):
                text += f" = {format_number(local)}"
            items.append(ParentStep(
                parent=parent,
                label=parent_names[i],
                derivative=text,
                local=float(local),
                contribution=float(contribution),
                contribution_text=f"{format_number(upstream)} × {_factor(local)} = {format_number(contribution)}",
            ))
        steps.append(BackpropStep(
            index=len(steps) + 1, node=node, label=names[node], op=node.op, data=node.data, formula=formula,
            upstream=float(upstream), parents=tuple(items), root_label=root_label, total=total,
        ))

    grads = propagate(root, float(grad), on_step=on_step)
    return Trace(steps, root, grads)


def trace_backward(y: Value, grad: float = 1.0) -> Trace:
    """Run backprop from ``y`` step by step and return what happened at each node.

    Like ``y.backward(grad)`` it adds ∂y/∂node · grad to ``.grad`` of every node reachable from ``y``
    (so gradients accumulate across calls the same way), and it also returns a :class:`Trace`: one
    :class:`BackpropStep` per node, leaves included, in the order backprop visits them. ``print`` it
    for a table; in a notebook it shows as an HTML table.
    """
    trace = compute_trace(y, grad)
    for step in trace:
        step.node.grad += step.upstream
    return trace
