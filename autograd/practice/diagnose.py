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

import functools
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
    "fitting",
    "groups",
    "is_ambiguous",
    "explain",
    "retry_text",
    "needed_text",
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

    @property
    def upstream_is_the_answer(self) -> bool:
        """True when local is ±1: then upstream is ± the contribution, so a hint for a learner about
        to try again names the upstream gradient but does not give its value."""
        return abs(self.local) == 1

    @property
    def local_is_the_answer(self) -> bool:
        """True when upstream is ±1: then the local derivative is ± the contribution (as above)."""
        return abs(self.upstream) == 1


@dataclass(frozen=True, eq=False)
class Candidate:
    """A wrong answer a classic mistake would produce, and the texts that explain it.

    ``what`` is the arithmetic that gives ``value`` (it completes "You gave 2.0, which is …"); ``fix``
    says how to get it right and shows the right result; ``nudge`` says the same without the right
    number, for a learner who is about to try again.
    """

    value: float
    mistake: str
    texts: Callable[[], tuple[str, str, str]] = field(repr=False)  # (what, fix, nudge), made when read
    facts: GraphFacts = field(repr=False)
    node: Value = field(repr=False)

    @property
    def what(self) -> str:
        return self.texts()[0]

    @property
    def fix(self) -> str:
        return self.texts()[1]

    @property
    def nudge(self) -> str:
        return self.texts()[2]

    def explain(self, answer: float) -> str:
        """The explanation of ``answer`` by this mistake alone, with the right result."""
        return explain(answer, [self], reveal=True)


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

        e.g. ``∂L/∂b = ∂L/∂e · ∂(a·b)/∂b = -2.0 × 2.0 = -4.0``. A node used several times gets its
        gradient term by term, in the order the terms arrive, and where each came from (the view's
        terms): ``∂out/∂x = … = 1.0 × 1.0 + 1.0 × 3.0 + 1.0 × 3.0 = 1.0 + 3.0 + 3.0 = 7.0, adding the
        terms from out = n1 + x, then from n1 = x·x twice``.
        """
        uses = self.uses.get(node, [])
        if not uses:
            return f"{self.d(node)} = 1 (backprop starts at the output with gradient 1)"
        symbols = " + ".join(f"{self.d(u.consumer)} · {self.partial(u, node)}" for u in uses)
        numbers = " + ".join(
            f"{fmt(u.upstream, paren=i > 0)} × {fmt(u.local, paren=True)}" for i, u in enumerate(uses)
        )
        total = fmt(self.grads[node])
        if len(uses) < 2:
            return f"{self.d(node)} = {symbols} = {numbers} = {total}"
        terms = " + ".join(fmt(u.contribution, paren=i > 0) for i, u in enumerate(uses))
        return (f"{self.d(node)} = {symbols} = {numbers} = {terms} = {total}, adding the terms "
                f"{self.view.sources_text(node)}")

    def open_recipe(self, node: Value) -> str:
        """The chain rule for the node with every factor's number but not the result (nor a factor that
        equals it, when the other is ±1), for a learner about to try again, e.g.
        ``∂L/∂b = ∂L/∂e · ∂(a·b)/∂b, with ∂L/∂e = -2.0 and ∂(a·b)/∂b = a = 2.0``."""
        uses = self.uses.get(node, [])
        if not uses:
            return f"{self.d(node)} = 1: backprop starts at the output with gradient 1"
        symbols = " + ".join(f"{self.d(u.consumer)} · {self.partial(u, node)}" for u in uses)
        factors: list[str] = []
        for use in uses:
            # With one use and one factor ±1, the other factor's number is ± the result: leave it out.
            alone = len(uses) == 1
            upstream = (f"{self.d(use.consumer)} = {fmt(use.upstream)}", alone and use.upstream_is_the_answer)
            local = (f"{self.partial(use, node)} = {self.local_text(use, node)}", alone and use.local_is_the_answer)
            for text, hide in (upstream, local):
                if not hide and text not in factors:
                    factors.append(text)
        if not factors:
            return f"{self.d(node)} = {symbols}"
        listed = ", ".join(factors[:-1]) + f" and {factors[-1]}" if len(factors) > 1 else factors[0]
        return f"{self.d(node)} = {symbols}, with {listed}"

    def uses_text(self, node: Value) -> str:
        """Where the node is used, e.g. ``in n1 = x·x twice and in L = n1 + x``."""
        counts: dict[str, int] = {}
        for use in self.uses.get(node, []):
            text = self.formula(use.consumer)
            counts[text] = counts.get(text, 0) + 1
        times = {1: "", 2: " twice"}
        parts = [f"in {text}{times.get(k, f' {k} times')}" for text, k in counts.items()]
        return ", ".join(parts[:-1]) + f" and {parts[-1]}" if len(parts) > 1 else "".join(parts)

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
    """The wrong answers each classic mistake would produce for ``node``, in the order of :data:`MISTAKES`.

    A value within tolerance of the right answer is left out (a mistake that gives the right answer is
    no mistake), and so is a value the same mistake already gives; two *different* mistakes that give
    the same value are both kept (that answer is ambiguous, see :func:`fitting`).
    """
    expected = facts.grads[node]
    raw = _accumulation(facts, node) + _local_only(facts, node) + _upstream_only(facts, node)
    raw += [_sign(facts, node), _value(facts, node)]
    kept: list[Candidate] = []
    for cand in raw:
        if not math.isfinite(cand.value) or is_close(cand.value, expected, rtol, atol):
            continue
        if any(k.mistake == cand.mistake and is_close(cand.value, k.value, rtol, atol) for k in kept):
            continue
        kept.append(cand)
    return kept


def fitting(
    facts: GraphFacts, node: Value, answer: float, rtol: float = 1e-6, atol: float = 1e-9
) -> list[Candidate]:
    """Every classic mistake that explains a wrong ``answer`` (one candidate per mistake, in the order
    of :data:`MISTAKES`); ``[]`` for a right answer or one that no mistake explains.

    A mistake is named only when its number fits ``answer`` within the marking tolerance and the right
    answer does not; when several fit, the answer is ambiguous and all of them are named.
    """
    if is_close(answer, facts.grads[node], rtol, atol):
        return []
    found: list[Candidate] = []
    for cand in candidates(facts, node, rtol, atol):
        if is_close(answer, cand.value, rtol, atol) and all(f.mistake != cand.mistake for f in found):
            found.append(cand)
    return found


def diagnose(
    facts: GraphFacts, node: Value, answer: float, rtol: float = 1e-6, atol: float = 1e-9
) -> Candidate | None:
    """The first mistake that explains a wrong ``answer``, or None (also None for a right answer).
    :func:`fitting` gives all of them."""
    found = fitting(facts, node, answer, rtol, atol)
    return found[0] if found else None


def groups(facts: GraphFacts, node: Value, rtol: float = 1e-6, atol: float = 1e-9) -> list[list[Candidate]]:
    """The candidates grouped by the wrong value they give: per distinct value, every mistake that
    fits it (what :func:`fitting` names for an answer of that value)."""
    seen: list[float] = []
    for cand in candidates(facts, node, rtol, atol):
        if not any(is_close(cand.value, v, rtol, atol) for v in seen):
            seen.append(cand.value)
    return [fitting(facts, node, value, rtol, atol) for value in seen]


def is_ambiguous(facts: GraphFacts, node: Value, rtol: float = 1e-6, atol: float = 1e-9) -> bool:
    """True when two different mistakes give the same wrong answer for ``node`` (within tolerance)."""
    values = [c.value for c in candidates(facts, node, rtol, atol)]
    return any(is_close(a, b, rtol, atol) for i, a in enumerate(values) for b in values[i + 1:])


def explain(answer: float, found: list[Candidate], reveal: bool = True) -> str:
    """The explanation of a wrong ``answer`` that the mistakes in ``found`` (≥ 1) all give.

    ``reveal`` shows the right working with its result; without it the text names the mistake(s) and
    gives this graph's numbers to work with, but never the right number.
    """
    if not found:
        raise ValueError("explain needs at least one mistake that fits the answer")
    if len(found) == 1:
        cand = found[0]
        return f"You gave {fmt(answer)}, which is {cand.what}. {cand.fix if reveal else cand.nudge}"
    whats = ", and it is also ".join(c.what for c in found)
    head = f"You gave {fmt(answer)}, which fits more than one classic mistake here: it is {whats}."
    facts, node = found[0].facts, found[0].node
    if reveal:
        note = facts.locals_note(node)
        return f"{head} The right working: {facts.recipe(node)}" + (f" (with {note})." if note else ".")
    return f"{head} Work it through: {facts.open_recipe(node)}."


# ---- the five mistakes ----------------------------------------------------------------------------
# Each gives its candidates' values at once and their texts only when read (the exercise generator
# looks at the values of thousands of candidates and reads no text).
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

    def texts(subset: tuple[int, ...]) -> tuple[str, str, str]:
        if len(subset) == 1:
            use = uses[subset[0]]
            what = (
                f"only the contribution of one use of {name}, through {facts.formula(use.consumer)}: "
                f"{facts.d(use.consumer)} · {facts.partial(use, node)} = "
                f"{fmt(use.upstream)} × {fmt(use.local, paren=True)} = {fmt(use.contribution)}"
            )
        else:
            shares = " + ".join(fmt(uses[i].contribution, paren=True) for i in subset)
            what = f"the sum of only {len(subset)} of the {m} contributions to {facts.d(node)} ({shares})"
        adds = f"{name} is used {m} times, and backprop adds the gradient arriving from every use"
        return (what, f"{adds}: {facts.recipe(node)}.",
                f"{adds} ({facts.uses_text(node)}): {facts.open_recipe(node)}.")

    return [Candidate(math.fsum(uses[i].contribution for i in subset), "accumulation",
                      functools.partial(texts, subset), facts, node) for subset in subsets]


def _others(facts: GraphFacts, node: Value, reveal: bool = True) -> str:
    """For a node used several times: the reminder that every use adds a contribution."""
    uses = facts.uses.get(node, [])
    if len(uses) < 2:
        return ""
    chain = facts.recipe(node) if reveal else facts.open_recipe(node)
    return f" {facts.names[node]} is used {len(uses)} times, so add every use: {chain}."


def _chain_step(facts: GraphFacts, use: Use, node: Value) -> tuple[str, str, str]:
    """The three pieces of one chain-rule step through ``use``: upstream name, local derivative, product."""
    up = facts.d(use.consumer)
    local = f"{facts.partial(use, node)} = {facts.local_text(use, node)}"
    product = f"{fmt(use.upstream)} × {fmt(use.local, paren=True)} = {fmt(use.contribution)}"
    return up, local, product


def _local_only(facts: GraphFacts, node: Value) -> list[Candidate]:
    def texts(use: Use) -> tuple[str, str, str]:
        up, local, product = _chain_step(facts, use, node)
        multiply = f"Multiply it by the upstream gradient {up} = {fmt(use.upstream)}"
        retry = f"Multiply it by the upstream gradient {up}" if use.upstream_is_the_answer else multiply
        return (f"{local}, the local derivative only ({facts.formula(use.consumer)})",
                f"{multiply}: {product}." + _others(facts, node), f"{retry}." + _others(facts, node, False))

    return [Candidate(use.local, "local-only", functools.partial(texts, use), facts, node)
            for use in facts.uses.get(node, [])]


def _upstream_only(facts: GraphFacts, node: Value) -> list[Candidate]:
    def texts(use: Use) -> tuple[str, str, str]:
        up, local, product = _chain_step(facts, use, node)
        multiply = f"Multiply it by the local derivative {local} ({facts.formula(use.consumer)})"
        retry = (f"Multiply it by the local derivative {facts.partial(use, node)} ({facts.formula(use.consumer)})"
                 if use.local_is_the_answer else multiply)
        return (f"the upstream gradient {up} = {fmt(use.upstream)} only",
                f"{multiply}: {product}." + _others(facts, node), f"{retry}." + _others(facts, node, False))

    return [Candidate(use.upstream, "upstream-only", functools.partial(texts, use), facts, node)
            for use in facts.uses.get(node, [])]


def _sign(facts: GraphFacts, node: Value) -> Candidate:
    def texts() -> tuple[str, str, str]:
        note = facts.locals_note(node)
        where = f" (with {note})" if note else ""
        return ("the right size with the wrong sign", f"Check the sign of each factor: {facts.recipe(node)}{where}.",
                f"Check the sign of each factor: {facts.open_recipe(node)}.")

    return Candidate(-facts.grads[node], "sign", texts, facts, node)


def _value(facts: GraphFacts, node: Value) -> Candidate:
    def texts() -> tuple[str, str, str]:
        name = facts.names[node]
        meaning = f"The gradient says how much {facts.out} changes per unit change of {name}"
        return (f"the value of {name} ({name} = {fmt(node.data)}), not its gradient",
                f"{meaning}: {facts.recipe(node)}.", f"{meaning}: {facts.open_recipe(node)}.")

    return Candidate(node.data, "value-not-grad", texts, facts, node)


# ---- the two texts every question has -------------------------------------------------------------
def right_text(facts: GraphFacts, node: Value) -> str:
    """What a learner reads after a right answer."""
    note = facts.locals_note(node)
    return f"Right: {facts.recipe(node)}" + (f" (with {note})." if note else ".")


def wrong_text(facts: GraphFacts, node: Value, answer: float | None = None, close: str = "") -> str:
    """What a learner reads after a wrong answer that matches no known mistake: the right answer and
    its working, then what the learner's number would have needed (:func:`needed_text`); no guess at a
    mistake. ``close`` is the near-miss sentence (how far off, what precision is asked), put right
    after the numbers."""
    note = facts.locals_note(node)
    gave = f"you gave {fmt(answer)}, but " if answer is not None else ""
    close = f" {close}" if close else ""
    needed = f" {needed_text(facts, node, answer)}" if answer is not None else ""
    return (f"Not quite: {gave}the right answer is {fmt(facts.grads[node])}.{close} {facts.recipe(node)}"
            + (f" (with {note})." if note else ".") + needed).rstrip()


def retry_text(facts: GraphFacts, node: Value, answer: float | None = None, close: str = "") -> str:
    """What a learner about to try again reads after a wrong answer that matches no known mistake:
    no mistake is guessed and the right number is not shown; the factors to work with are."""
    gave = f"You gave {fmt(answer)}: that" if answer is not None else "That"
    close = f" {close}" if close else ""
    needed = f" {needed_text(facts, node, answer, hide_answer=True)}" if answer is not None else ""
    if needed and len(facts.uses.get(node, [])) == 1:  # the two factors it would need say it all
        return f"{gave} fits none of the classic mistakes.{close}{needed}"
    return (f"{gave} fits none of the classic mistakes.{close} Work it through: {facts.open_recipe(node)}."
            + needed).rstrip()


def needed_text(facts: GraphFacts, node: Value, answer: float, *, hide_answer: bool = False) -> str:
    """What the factors would have to be for ``answer`` to be right, e.g. "For 5.0 to be right, ∂L/∂e
    would have to be 2.5 (it is -2.0), or ∂n1/∂b would have to be 2.5 (it is a = 2.0)." ("" for the
    output, whose gradient is always 1). ``hide_answer``: a factor whose partner is ±1 is not given its
    value, which would be the right answer (a hint for a learner about to try again)."""
    uses = facts.uses.get(node, [])
    if not uses:
        return ""
    if len(uses) > 1:
        return (f"For {fmt(answer)} to be right, the contributions of the {len(uses)} uses of "
                f"{facts.names[node]} ({facts.uses_text(node)}) would have to add up to {fmt(answer)}.")
    (use,) = uses
    up, local, _ = _chain_step(facts, use, node)
    options = []
    if use.local != 0 and use.consumer is not facts.root:  # the output's own gradient is always 1
        now = "" if hide_answer and use.upstream_is_the_answer else f" (it is {fmt(use.upstream)})"
        options.append(f"{up} would have to be {fmt(answer / use.local)}{now}")
    if use.upstream != 0:
        now = "" if hide_answer and use.local_is_the_answer else f" (it is {facts.local_text(use, node)})"
        options.append(f"{facts.partial(use, node)} would have to be {fmt(answer / use.upstream)}{now}")
    return f"For {fmt(answer)} to be right, {', or '.join(options)}." if options else ""


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
