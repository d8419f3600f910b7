"""What the engine knows about each node, and which wrong answers a classic mistake would produce.

:func:`analyse` runs the engine's own backward pass once (:func:`autograd.backward.propagate`, which
never touches ``.grad``) and records, for every node, its gradient and each *use* of it: the op it
feeds, the local derivative of that edge, the consumer's upstream gradient and the contribution the
edge sends back. From those facts :func:`candidates` lists, in the order the diagnosis tries them,
the value each classic mistake would give, each with the sentence that explains it. The marking in
:mod:`.report` and the quiz data in :mod:`.quiz` both read this one list, so they always agree.

Every formula shown comes from the op rules (``op.expr_text`` / ``op.deriv_text``); this module has
no derivative formulas of its own.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from itertools import combinations

from ..value import Value
from ..view import GraphView, policy_names, view_of
from ..view import forward_order as _forward_order

__all__ = [
    "MISTAKES",
    "MISTAKE_TITLES",
    "Use",
    "Candidate",
    "GraphFacts",
    "analyse",
    "candidates",
    "diagnose",
    "fmt",
    "is_close",
    "right_text",
    "wrong_text",
    "display_names",
    "forward_order",
    "shown_digits",
    "current_digits",
]

#: The mistake codes, in the order the diagnosis tries them (the first that fits wins).
MISTAKES: tuple[str, ...] = ("accumulation", "local-only", "upstream-only", "sign", "value-not-grad")

#: How each mistake is named to a learner.
MISTAKE_TITLES: dict[str, str] = {
    "accumulation": "a path is missing",
    "local-only": "local derivative only",
    "upstream-only": "upstream gradient only",
    "sign": "wrong sign",
    "value-not-grad": "the value, not the gradient",
}

# With more uses than this, only single paths and "all but one" are tried as partial sums, so the
# number of candidates stays small (2^8 subsets is the most ever enumerated).
_MAX_SUBSET_USES = 8


@dataclass(frozen=True, eq=False)
class Use:
    """One edge out of a node: the node is input ``index`` of ``consumer``."""

    consumer: Value
    index: int
    local: float  # ∂consumer/∂node along this edge
    upstream: float  # ∂L/∂consumer
    contribution: float  # local × upstream: what this edge adds to ∂L/∂node


@dataclass(frozen=True, eq=False)
class Candidate:
    """A wrong answer a mistake would produce, with the sentence that explains it."""

    value: float
    mistake: str
    explain: Callable[[float], str] = field(repr=False)


@dataclass(eq=False)
class GraphFacts:
    """The engine's view of one graph: gradients, uses of each node, and a name for each node."""

    root: Value
    order: list[Value]  # backprop order, leaves included
    grads: dict[Value, float]
    uses: dict[Value, list[Use]]
    names: dict[Value, str]
    view: GraphView

    @property
    def out(self) -> str:
        return self.names[self.root]

    def d(self, node: Value) -> str:
        """``∂L/∂node`` written with this graph's names (the view's one notation)."""
        return self.view.grad_name(node)

    def formula(self, node: Value) -> str:
        """``e = a·b`` (or just the name for a leaf)."""
        op = node.rule
        if op is None:
            return self.names[node]
        return f"{self.names[node]} = {op.expr_text(self._parent_names(node), node.param)}"

    def local_text(self, use: Use, node: Value) -> str:
        """The local derivative of a use: symbols from the op rule, then its number, e.g. ``a = 2.0``."""
        op = use.consumer.rule
        assert op is not None
        text = op.deriv_text(use.index, self._parent_names(use.consumer), use.consumer.param)
        if _is_literal(text, use.local):
            return text
        return f"{text} = {fmt(use.local)}"

    def partial(self, use: Use, node: Value) -> str:
        """``∂(a·b)/∂b``: the local derivative, written as the trace and the stepper write it."""
        return self.view.local_name(use.consumer, use.index)

    def recipe(self, node: Value) -> str:
        """The chain rule for the node with symbols and this graph's numbers.

        e.g. ``∂L/∂b = ∂L/∂e · ∂(a·b)/∂b = -2.0 × 2.0 = -4.0``.
        """
        uses = self.uses.get(node, [])
        if not uses:
            return f"{self.d(node)} = 1 (backprop starts at the output with gradient 1)"
        symbols = " + ".join(f"{self.d(u.consumer)} · {self.partial(u, node)}" for u in uses)
        numbers = " + ".join(
            f"{fmt(u.upstream, paren=i > 0)} × {fmt(u.local, paren=True)}" for i, u in enumerate(uses)
        )
        return f"{self.d(node)} = {symbols} = {numbers} = {fmt(self.grads[node])}"

    def locals_note(self, node: Value) -> str:
        """``∂(a·b)/∂b = a = 2.0`` for each use (each distinct one once), or "" for the root."""
        seen: list[str] = []
        for use in self.uses.get(node, []):
            text = f"{self.partial(use, node)} = {self.local_text(use, node)}"
            if text not in seen:
                seen.append(text)
        return "; ".join(seen)

    def hint(self, node: Value) -> str:
        """The chain rule for the node in symbols only.

        e.g. ``∂L/∂b = ∂L/∂e · ∂(a·b)/∂b = ∂L/∂e · a   (where e = a·b)``.
        """
        uses = self.uses.get(node, [])
        if not uses:
            return f"{self.d(node)} = 1: backprop starts at the output with gradient 1"
        terms = " + ".join(f"{self.d(u.consumer)} · {self.partial(u, node)}" for u in uses)
        filled = " + ".join(f"{self._upstream_symbol(u)} · {_wrap(self._deriv_symbols(u))}" for u in uses)
        consumers: list[str] = []
        for use in uses:
            text = self.formula(use.consumer)
            if text not in consumers:
                consumers.append(text)
        return f"{self.d(node)} = {terms} = {filled}   (where {'; '.join(consumers)})"

    def _upstream_symbol(self, use: Use) -> str:
        return "1" if use.consumer is self.root else self.d(use.consumer)

    def _deriv_symbols(self, use: Use) -> str:
        op = use.consumer.rule
        assert op is not None
        return op.deriv_text(use.index, self._parent_names(use.consumer), use.consumer.param)

    def _parent_names(self, node: Value) -> list[str]:
        return [self.names[p] for p in node.parents]


def analyse(root: Value | GraphView) -> GraphFacts:
    """The facts per node, read from the graph's one view (made here unless ``root`` is a view):
    one backward pass, ``.grad`` untouched."""
    if not isinstance(root, (Value, GraphView)):
        raise TypeError(f"expected the output Value of a graph, got {type(root).__name__}")
    view = view_of(root)
    uses = {node: [Use(c.consumer, c.index, c.local, c.upstream, c.amount) for c in terms]
            for node, terms in view.terms.items()}
    return GraphFacts(view.root, list(view.backprop), view.grads, uses, view.names, view)


def forward_order(root: Value) -> list[Value]:
    """Every node, each after its inputs, in the order the expression computes them (inputs left to
    right, depth first), which is how a learner reads the forward pass. Iterative: no recursion."""
    return _forward_order(root)


def display_names(root: Value) -> dict[Value, str]:
    """A distinct name for every node, without changing the graph: the names of the graph's view
    (:class:`autograd.view.GraphView`: its label; ``out`` for an unlabeled output; ``n1, n2, …`` in
    forward order for an unlabeled op node; ``k1, …`` for a constant; ``x#1, x#2`` for a shared label)."""
    return policy_names(forward_order(root), root)


def is_close(a: float, b: float, rtol: float, atol: float) -> bool:
    return math.isclose(a, b, rel_tol=rtol, abs_tol=atol)


def candidates(facts: GraphFacts, node: Value, rtol: float = 1e-6, atol: float = 1e-9) -> list[Candidate]:
    """The wrong answers each mistake would produce for ``node``, first-wins order, no duplicates.

    A value within tolerance of the right answer is left out (it is not a mistake), and so is a value
    an earlier candidate already explains.
    """
    expected = facts.grads[node]
    raw = _accumulation(facts, node) + _local_only(facts, node) + _upstream_only(facts, node)
    raw += [_sign(facts, node), _value(facts, node)]
    kept: list[Candidate] = []
    for cand in raw:
        if not math.isfinite(cand.value) or is_close(cand.value, expected, rtol, atol):
            continue
        if any(is_close(cand.value, k.value, rtol, atol) for k in kept):
            continue
        kept.append(cand)
    return kept


def diagnose(
    facts: GraphFacts, node: Value, answer: float, rtol: float = 1e-6, atol: float = 1e-9
) -> Candidate | None:
    """The first mistake that explains a wrong ``answer``, or None (also None for a right answer)."""
    if is_close(answer, facts.grads[node], rtol, atol):
        return None
    for cand in candidates(facts, node, rtol, atol):
        if is_close(answer, cand.value, rtol, atol):
            return cand
    return None


# ---- the five mistakes ----------------------------------------------------------------------------
def _accumulation(facts: GraphFacts, node: Value) -> list[Candidate]:
    uses = facts.uses.get(node, [])
    m = len(uses)
    if m < 2:
        return []
    if m <= _MAX_SUBSET_USES:
        subsets = [s for k in range(1, m) for s in combinations(range(m), k)]
    else:
        subsets = [(i,) for i in range(m)] + [tuple(j for j in range(m) if j != i) for i in range(m)]
    name = facts.names[node]
    found = []
    for subset in subsets:
        value = math.fsum(uses[i].contribution for i in subset)
        if len(subset) == 1:
            use = uses[subset[0]]
            part = (
                f"only the contribution of one use of {name}, through {facts.formula(use.consumer)}: "
                f"{facts.d(use.consumer)} · {facts.partial(use, node)} = "
                f"{fmt(use.upstream)} × {fmt(use.local, paren=True)} = {fmt(use.contribution)}"
            )
        else:
            shares = " + ".join(fmt(uses[i].contribution, paren=True) for i in subset)
            part = f"the sum of only {len(subset)} of the {m} contributions to {facts.d(node)} ({shares})"

        def explain(answer: float, part: str = part) -> str:
            return (
                f"You gave {fmt(answer)}, which is {part}. {name} is used {m} times, and backprop adds "
                f"the gradient arriving from every use: {facts.recipe(node)}."
            )

        found.append(Candidate(value, "accumulation", explain))
    return found


def _others(facts: GraphFacts, node: Value) -> str:
    """For a node used several times: the reminder that every use adds a contribution."""
    uses = facts.uses.get(node, [])
    if len(uses) < 2:
        return ""
    return f" {facts.names[node]} is used {len(uses)} times, so add every use: {facts.recipe(node)}."


def _chain_step(facts: GraphFacts, use: Use, node: Value) -> tuple[str, str, str]:
    """The three pieces of one chain-rule step through ``use``: upstream name, local derivative, product."""
    up = facts.d(use.consumer)
    local = f"{facts.partial(use, node)} = {facts.local_text(use, node)}"
    product = f"{fmt(use.upstream)} × {fmt(use.local, paren=True)} = {fmt(use.contribution)}"
    return up, local, product


def _local_only(facts: GraphFacts, node: Value) -> list[Candidate]:
    found = []
    for use in facts.uses.get(node, []):

        def explain(answer: float, use: Use = use) -> str:
            up, local, product = _chain_step(facts, use, node)
            return (
                f"You gave {fmt(answer)}, which is {local}, the local derivative only "
                f"({facts.formula(use.consumer)}). Multiply it by the upstream gradient "
                f"{up} = {fmt(use.upstream)}: {product}." + _others(facts, node)
            )

        found.append(Candidate(use.local, "local-only", explain))
    return found


def _upstream_only(facts: GraphFacts, node: Value) -> list[Candidate]:
    found = []
    for use in facts.uses.get(node, []):

        def explain(answer: float, use: Use = use) -> str:
            up, local, product = _chain_step(facts, use, node)
            return (
                f"You gave {fmt(answer)}, which is the upstream gradient {up} = {fmt(use.upstream)} only. "
                f"Multiply it by the local derivative {local} ({facts.formula(use.consumer)}): {product}."
                + _others(facts, node)
            )

        found.append(Candidate(use.upstream, "upstream-only", explain))
    return found


def _sign(facts: GraphFacts, node: Value) -> Candidate:
    def explain(answer: float) -> str:
        note = facts.locals_note(node)
        where = f" (with {note})" if note else ""
        return (
            f"You gave {fmt(answer)}: the right size, but the wrong sign. Check the sign of each factor: "
            f"{facts.recipe(node)}{where}."
        )

    return Candidate(-facts.grads[node], "sign", explain)


def _value(facts: GraphFacts, node: Value) -> Candidate:
    name = facts.names[node]

    def explain(answer: float) -> str:
        return (
            f"You gave {fmt(answer)}, which is the value of {name} ({name} = {fmt(node.data)}), not its "
            f"gradient. The gradient says how much {facts.out} changes per unit change of {name}: "
            f"{facts.recipe(node)}."
        )

    return Candidate(node.data, "value-not-grad", explain)


# ---- the two texts every question has -------------------------------------------------------------
def right_text(facts: GraphFacts, node: Value) -> str:
    """What a learner reads after a right answer."""
    note = facts.locals_note(node)
    return f"Right: {facts.recipe(node)}" + (f" (with {note})." if note else ".")


def wrong_text(facts: GraphFacts, node: Value, answer: float | None = None, close: str = "") -> str:
    """What a learner reads after a wrong answer that matches no known mistake; ``close`` is the
    near-miss sentence (how far off, what precision is asked), put right after the numbers."""
    note = facts.locals_note(node)
    gave = f"you gave {fmt(answer)}, but " if answer is not None else ""
    close = f" {close}" if close else ""
    return f"Not quite: {gave}the right answer is {fmt(facts.grads[node])}.{close} {facts.recipe(node)}" + (
        f" (with {note})." if note else "."
    )


# ---- numbers as a learner reads them --------------------------------------------------------------
#: How many significant digits :func:`fmt` shows; :func:`shown_digits` raises it for one explanation.
_DIGITS: ContextVar[int] = ContextVar("gradstep_practice_digits", default=6)


@contextmanager
def shown_digits(digits: int) -> Iterator[None]:
    """Within the block, :func:`fmt` shows ``digits`` significant digits (never fewer than 6): used so
    that an explanation tells a near-miss answer from the right one (see ``tolerance.digits_to_tell``)."""
    token = _DIGITS.set(max(6, min(17, int(digits))))
    try:
        yield
    finally:
        _DIGITS.reset(token)


def current_digits() -> int:
    """The significant digits :func:`fmt` shows right now (6 unless :func:`shown_digits` raised it)."""
    return _DIGITS.get()


def fmt(x: float, paren: bool = False, short: bool = False) -> str:
    """2 → ``2.0``, 0.7615941 → ``0.761594``, -0.0 → ``0.0``; ``paren`` wraps a negative in ( ).

    Six significant digits, or more inside :func:`shown_digits`.
    """
    x = float(x)
    if x == 0.0:
        x = 0.0  # no "-0.0"
    if not math.isfinite(x):
        text = repr(x)
    else:
        text = f"{x:.{_DIGITS.get()}g}"
        if "e" not in text and "." not in text and not short:
            text += ".0"
    if paren and text.startswith("-"):
        return f"({text})"
    return text


def _is_literal(text: str, value: float) -> bool:
    """True when a derivative's formula text is already just its number (e.g. ``1`` or ``−1``)."""
    try:
        return float(text.replace("−", "-")) == value
    except ValueError:
        return False


def _wrap(text: str) -> str:
    """Parenthesise a formula with a top-level + or − so that ``x · (formula)`` reads right."""
    return f"({text})" if any(part in text for part in (" + ", " − ", " if ")) else text
