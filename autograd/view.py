"""The one view of a graph that every text and picture reads: names, orders, gradients and sums.

>>> from autograd import Value
>>> x = Value(3.0, "x")
>>> view = GraphView(x * x + x)
>>> [view.names[n] for n in view.forward]
['x', 'n1', 'out']
>>> view.sum_text(x)
'∂out/∂x = 1 + 3 + 3 = 7'
>>> view.sources_text(x)
'from out = n1 + x, then from n1 = x·x twice'

:class:`GraphView` reads a graph once (``.grad`` and ``.label`` are never changed) and computes

* ``names`` — one distinct name per node (the naming policy below);
* ``forward`` — the nodes in the order the expression computes them (inputs left to right, each
  node after its inputs), and ``backprop`` — the order backprop visits them (each node after every
  node that uses it; leaves included);
* ``grads`` — ∂root/∂node for every node, by one run of the engine's generic backward pass;
* ``edges`` — per node, what it sends back along each edge into it (local derivative × upstream);
* ``terms`` — per node, the :class:`Contribution` s that add up to its gradient, in arrival order.

The trace (:func:`autograd.trace_backward`), ``draw_graph``, the backprop frames, the HTML stepper
and quiz, the training recorder, the practice mode and the ``gradstep`` commands all take their names
and numbers from a view, so a node has the same name and the same gradient in all of them. A view
is public: a teacher can build a picture of their own from it.

Naming policy
-------------
* A label wins. A label that several nodes share gets ``#1, #2, …`` in forward order.
* An unlabeled output is ``out`` (a typed expression's output is ``out`` in every command).
* Nodes made by ``nn`` are named by where they live: parameters carry their place as label
  (``L1.n2.w1``, ``L1.n2.b``); an unlabeled neuron sum whose weights are labelled so is
  ``L1.n2.z``, and its activation ``L1.n2.a``.
* Other unlabeled computed nodes are ``n1, n2, …`` in forward order (as the expression parser names
  them), unlabeled parameters ``p1, …`` and unlabeled leaves — constants such as the 2 in ``2*x`` —
  ``k1, …`` (their value is shown beside them). A stand-in never takes a name a label uses.
* Gradients are written ``∂out/∂x`` everywhere (:meth:`GraphView.grad_name`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from .backward import propagate
from .ops import DOT
from .value import Value

__all__ = ["GraphView", "Contribution", "view_of", "format_number", "KINDS_ORDER", "forward_order", "policy_names"]

#: A consumer's formula longer than this is written by its name in a local derivative.
_SHORT_FORMULA = 24

#: The kinds of node a picture tells apart, in legend order.
KINDS_ORDER = ("input", "parameter", "constant", "computed", "output")


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


def _term(x: float, first: bool) -> str:
    """A term of a sum: negatives after the first in parentheses, ``3 + (-2)``."""
    text = format_number(x)
    return f"({text})" if not first and text.startswith("-") else text


_CALL = re.compile(r"[^\W\d]\w*\([^()]*\)\Z")  # tanh(x), σ(x): already bracketed


def _bracketed(expr: str) -> str:
    """``a·b`` → ``(a·b)`` so that ``∂(a·b)/∂a`` parses; ``tanh(a)`` and names stay as they are."""
    if _CALL.match(expr) or re.fullmatch(r"\w+", expr) or re.fullmatch(r"\|[^|]*\|", expr):
        return expr
    return f"({expr})"


def forward_order(root: Value) -> list[Value]:
    """Every node under ``root``, each after its inputs, in the order the expression computes them
    (inputs left to right, depth first): how a learner reads the forward pass. Iterative."""
    order: list[Value] = []
    seen = {root}
    stack: list[tuple[Value, int]] = [(root, 0)]
    while stack:
        node, i = stack.pop()
        parents = node.parents
        if i < len(parents):
            stack.append((node, i + 1))
            parent = parents[i]
            if parent not in seen:
                seen.add(parent)
                stack.append((parent, 0))
        else:
            order.append(node)
    return order


@dataclass(frozen=True, eq=False)
class Contribution:
    """One term of a node's gradient: what one consumer sends back along one edge.

    Attributes:
        node: the node that receives it (an input of ``consumer``).
        consumer: the node that sends it.
        index: which input of ``consumer`` the edge is (0 for the first).
        local: the local derivative ∂consumer/∂node along this edge.
        upstream: ∂root/∂consumer.
        amount: local × upstream, the term added to ∂root/∂node.
        step: the backprop step (0 for the first) at which the consumer sends it.
        position: 1 for the first term to arrive at ``node``, up to ``of``.
        of: how many terms ``node``'s gradient has in all.
    """

    node: Value
    consumer: Value
    index: int
    local: float
    upstream: float
    amount: float
    step: int
    position: int
    of: int

    @property
    def completes(self) -> bool:
        """True for the last term: with it the node's gradient is complete."""
        return self.position == self.of


class GraphView:
    """Everything a text or picture shows about the graph under ``root``, computed once.

    Args:
        root: the output; gradients are ∂root/∂node · ``seed``.
        names: {node: name} to use instead of the naming policy (every node must be named).
        seed: the output's own gradient (1 unless the pass starts from another value).
        max_nodes: refuse (ValueError, naming the count) a graph with more value nodes than this.
        what: the verb the ``max_nodes`` message uses ("draw", "step through", "record").
        of: the name of what the gradients are of, when it is not the root: with ``seed`` = ∂loss/∂root
            the gradients are ∂loss/∂node, and ``of="loss"`` writes them so.

    Attributes (read only): ``root``, ``names``, ``forward``, ``backprop``, ``grads``, ``edges``
    ({consumer: one Contribution per input}), ``terms`` ({node: Contributions in arrival order}),
    ``step_of`` ({node: its backprop step, 0-based}), ``done_at`` ({node: the step after which its
    gradient is complete: its last consumer's step; 0 for the output}).
    """

    def __init__(
        self,
        root: Value,
        *,
        names: Mapping[Value, str] | None = None,
        seed: float = 1.0,
        max_nodes: int | None = None,
        what: str = "draw",
        of: str | None = None,
    ) -> None:
        if not isinstance(root, Value):
            raise TypeError(f"expected a Value (the output of a computation), got {type(root).__name__}")
        self.root = root
        self.forward: tuple[Value, ...] = tuple(forward_order(root))
        if max_nodes is not None and len(self.forward) > max_nodes:
            raise too_big(len(self.forward), max_nodes, what)
        self.index: dict[Value, int] = {node: i for i, node in enumerate(self.forward)}
        if names is None:
            self.names: dict[Value, str] = policy_names(self.forward, root)
        else:
            missing = [n for n in self.forward if n not in names]
            if missing:
                raise ValueError(f"GraphView: names must name every node of the graph ({len(missing)} unnamed)")
            self.names = {node: names[node] for node in self.forward}
        self.seed = float(seed)
        self.of = of

        order: list[Value] = []
        sent: list[tuple[Value, tuple[Value, ...], tuple[Any, ...], list[Any], float]] = []

        def on_step(node: Value, upstream: Any, parents: tuple[Value, ...], locals_: tuple[Any, ...],
                    contributions: list[Any]) -> None:
            order.append(node)
            sent.append((node, parents, locals_, contributions, float(upstream)))

        self.grads: dict[Value, float] = {n: float(g) for n, g in propagate(root, self.seed, on_step=on_step).items()}
        self.backprop: tuple[Value, ...] = tuple(order)
        self.step_of: dict[Value, int] = {node: k for k, node in enumerate(order)}
        counts: dict[Value, int] = {}
        for _, parents, *_rest in sent:
            for parent in parents:
                counts[parent] = counts.get(parent, 0) + 1
        arrived: dict[Value, int] = {}
        self.edges: dict[Value, tuple[Contribution, ...]] = {}
        terms: dict[Value, list[Contribution]] = {}
        for k, (node, parents, locals_, contributions, upstream) in enumerate(sent):
            row = []
            for i, (parent, local, amount) in enumerate(zip(parents, locals_, contributions)):
                arrived[parent] = arrived.get(parent, 0) + 1
                c = Contribution(parent, node, i, float(local), upstream, float(amount), k,
                                 arrived[parent], counts[parent])
                row.append(c)
                terms.setdefault(parent, []).append(c)
            self.edges[node] = tuple(row)
        self.terms: dict[Value, tuple[Contribution, ...]] = {n: tuple(ts) for n, ts in terms.items()}
        self.done_at: dict[Value, int] = {root: 0}
        for node, ts in self.terms.items():
            self.done_at[node] = ts[-1].step

    # ---- names ------------------------------------------------------------------------------------
    @property
    def root_name(self) -> str:
        """The name gradients are written with, ``∂<root_name>/∂x``: the output's, or ``of``."""
        return self.of if self.of is not None else self.names[self.root]

    def name(self, node: Value) -> str:
        return self.names[node]

    def grad_name(self, node: Value) -> str:
        """``∂out/∂x``: how every output writes this node's gradient."""
        return f"∂{self.root_name}/∂{self.names[node]}"

    def formula(self, node: Value) -> str:
        """How the node was computed from its inputs' names, e.g. ``a·b`` ("" for a leaf)."""
        rule = node.rule
        if rule is None:
            return ""
        return rule.expr_text([self.names[p] for p in node.parents], node.param)

    def local_name(self, consumer: Value, index: int) -> str:
        """``∂(a·b)/∂a``: the local derivative of ``consumer`` with respect to its input ``index``,
        written with the consumer's formula so it never reads like the gradient ``∂out/∂a``; a long
        formula (a neuron's weighted sum) is written by the consumer's name, ``∂L1.n1.z/∂L1.n1.w1``, unless
        the consumer is the output (whose name would make it read like the gradient)."""
        formula = self.formula(consumer)
        top = formula if consumer is self.root or len(formula) <= _SHORT_FORMULA else self.names[consumer]
        return f"∂{_bracketed(top)}/∂{self.names[consumer.parents[index]]}"

    def definition(self, node: Value) -> str:
        """``e = a·b`` (just the name for a leaf)."""
        formula = self.formula(node)
        return f"{self.names[node]} = {formula}" if formula else self.names[node]

    def kind(self, node: Value) -> str:
        """One of :data:`KINDS_ORDER`: how a picture colours the node."""
        if node is self.root:
            return "output"
        if node.is_parameter:
            return "parameter"
        if node.is_leaf:
            return "input" if node.label else "constant"
        return "computed"

    # ---- orders -------------------------------------------------------------------------------------
    @property
    def interior(self) -> tuple[Value, ...]:
        """The nodes that pass gradient on (not leaves), in backprop order."""
        return tuple(n for n in self.backprop if not n.is_leaf)

    @property
    def leaves(self) -> tuple[Value, ...]:
        """The leaves, in forward order."""
        return tuple(n for n in self.forward if n.is_leaf)

    def consumers(self, node: Value) -> tuple[Value, ...]:
        """The nodes that use ``node``, once per use, in the order their terms arrive."""
        return tuple(c.consumer for c in self.terms.get(node, ()))

    # ---- sums -----------------------------------------------------------------------------------------
    def is_shared(self, node: Value) -> bool:
        """True when the node's gradient is a sum of more than one term (it is used more than once)."""
        return len(self.terms.get(node, ())) > 1

    def arrived(self, node: Value, step: int) -> tuple[Contribution, ...]:
        """The terms of ``node``'s gradient sent by the end of backprop step ``step`` (0-based)."""
        return tuple(c for c in self.terms.get(node, ()) if c.step <= step)

    def partial_sum(self, node: Value, step: int) -> float | None:
        """The running sum of ``node``'s gradient after step ``step``: None before any term arrived
        (the output's is its seed from the start)."""
        if node is self.root:
            return self.seed
        got = self.arrived(node, step)
        return math.fsum(c.amount for c in got) if got else None

    def terms_text(self, node: Value) -> str:
        """``1 + 3 + 3``: the terms of the node's gradient in arrival order ("" for the output)."""
        return " + ".join(_term(c.amount, i == 0) for i, c in enumerate(self.terms.get(node, ())))

    def sum_text(self, node: Value) -> str:
        """``∂out/∂x = 1 + 3 + 3 = 7``: the gradient term by term in arrival order (one term: just
        ``∂out/∂x = 7``)."""
        total = format_number(self.grads[node])
        if not self.is_shared(node):
            return f"{self.grad_name(node)} = {total}"
        return f"{self.grad_name(node)} = {self.terms_text(node)} = {total}"

    def running_text(self, node: Value, step: int) -> str:
        """``1 + 3 + ?``: the terms arrived by ``step`` and a ``?`` for the rest; "" when complete."""
        ts = self.terms.get(node, ())
        got = [c for c in ts if c.step <= step]
        if not got or len(got) == len(ts):
            return ""
        return " + ".join(_term(c.amount, i == 0) for i, c in enumerate(got)) + " + ?"

    def sources_text(self, node: Value) -> str:
        """Where each term came from, in arrival order: ``from out = n1 + x, then from n1 = x·x twice``."""
        groups: list[list[Any]] = []
        for c in self.terms.get(node, ()):
            if groups and groups[-1][0] is c.consumer:
                groups[-1][1] += 1
            else:
                groups.append([c.consumer, 1])
        times = {1: "", 2: " twice", 3: " three times"}
        parts = [f"from {self.definition(consumer)}{times.get(n, f' {n} times')}" for consumer, n in groups]
        return ", then ".join(parts)

    def __repr__(self) -> str:
        return f"<GraphView of {self.definition(self.root)}: {len(self.forward)} nodes>"


def view_of(graph: Value | GraphView, **options: Any) -> GraphView:
    """``graph`` itself when it is already a view, else a new :class:`GraphView` of it."""
    if isinstance(graph, GraphView):
        return graph
    return GraphView(graph, **options)


def too_big(count: int, max_nodes: int, what: str = "draw") -> ValueError:
    return ValueError(
        f"the graph has {count} nodes, more than max_nodes={max_nodes}: a picture that big is unreadable "
        f"and slow for Graphviz. {what.capitalize()} a smaller piece instead (e.g. one neuron's output, "
        f"or the loss of a single example), or pass max_nodes={count} to {what} it anyway."
    )


# ---- the naming policy ------------------------------------------------------------------------------
def _neuron_prefix(node: Value) -> str | None:
    """``L1.n2.`` when ``node`` is a dot node whose weights and bias are labelled ``L1.n2.w1 … L1.n2.b``."""
    if node.rule is not DOT:
        return None
    prefixes = set()
    for p in node.parents:
        if p.is_parameter:
            head, dot, _ = p.label.rpartition(".")
            if not dot:
                return None
            prefixes.add(head + ".")
    return prefixes.pop() if len(prefixes) == 1 else None


def policy_names(forward: Iterable[Value], root: Value) -> dict[Value, str]:
    forward = list(forward)
    counts: dict[str, int] = {}
    for node in forward:
        if node.label:
            counts[node.label] = counts.get(node.label, 0) + 1
    taken = set(counts)
    names: dict[Value, str] = {}
    counters: dict[str, int] = {}

    def claim(name: str) -> str | None:
        if name in taken:
            return None
        taken.add(name)
        return name

    def fresh(prefix: str) -> str:
        while True:
            counters[prefix] = counters.get(prefix, 0) + 1
            name = f"{prefix}{counters[prefix]}"
            if name not in taken:
                taken.add(name)
                return name

    if not root.label and claim("out"):
        names[root] = "out"
    # nn's neurons: the sum named by its parameters' place, its activation after it
    for node in forward:
        if node.label or node in names:
            continue
        prefix = _neuron_prefix(node)
        if prefix is not None:
            name = claim(prefix + "z")
            if name:
                names[node] = name
        elif len(node.parents) == 1 and not node.parents[0].label:
            inner = _neuron_prefix(node.parents[0])
            if inner is not None:
                name = claim(inner + "a")
                if name:
                    names[node] = name
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
            names[node] = fresh("p" if node.is_parameter else "k")
        else:
            names[node] = fresh("n")
    return names
