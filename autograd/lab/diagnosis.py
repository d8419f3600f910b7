"""What the learner's numbers say went wrong: their gradients against gradstep's, mistakes named.

The checker rebuilds every graph a task tried with gradstep's own :class:`~autograd.value.Value` (the
*mirror*, one node per recipe name) and compares the learner's data and gradients with it. When they
differ, a mistake is named only when the learner's numbers are exactly what it would produce:

1. engine-wide hypotheses, each a backward pass over the mirror with one thing done wrong, for every
   op of the graph: the visiting order (``topological-order``), ``=`` instead of ``+=``
   (``accumulation``), the upstream gradient left out (``local-only``), a negated contribution
   (``sign``), the local derivative left out (``upstream-only``), a classic wrong formula
   (``local-derivative``). All the learner's gradients must match the hypothesis.
2. Otherwise the first wrong node (in backprop order) is marked by :mod:`autograd.practice`, whose
   vocabulary (``accumulation``, ``local-only``, ``upstream-only``, ``sign``) the lab shares.
3. Otherwise no mistake is guessed: the text says what was expected and what came.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from ..practice.diagnose import GraphFacts, analyse, fmt
from ..practice.report import mark
from ..value import Value
from . import harness

__all__ = ["Verdict", "Mirror", "build_mirror", "compare_graph", "close", "LAB_OP", "WRONG_FORMULAS"]

RTOL, ATOL = 1e-6, 1e-9

#: gradstep's op rule names → the lab's op names (the task ids).
LAB_OP = {"add": "add", "sub": "sub", "mul": "mul", "div": "div", "powc": "pow", "neg": "neg",
          "exp": "exp", "tanh": "tanh", "relu": "relu"}

#: How each op is written in a learner's engine, for the texts.
OP_CODE = {"add": "__add__", "sub": "__sub__", "mul": "__mul__", "div": "__truediv__", "pow": "__pow__",
           "neg": "__neg__", "exp": "exp()", "tanh": "tanh()", "relu": "relu()"}

_Wrong = Callable[[float, Sequence[float], float | None], float]

#: The classic wrong local derivatives: op → [(input index, formula as a learner would write it,
#: the value it gives from (out, inputs, param))]. x is the op's input, t its output, n the exponent.
WRONG_FORMULAS: dict[str, list[tuple[int, str, _Wrong]]] = {
    "tanh": [(0, "1 − x² (with x the input; tanh' is 1 − t², t = tanh(x) the output)",
              lambda out, xs, n: 1.0 - xs[0] ** 2),
             (0, "1 − t (the square of t = tanh(x) is missing)", lambda out, xs, n: 1.0 - out)],
    "exp": [(0, "x (the input; the derivative of eˣ is eˣ itself, the output)", lambda out, xs, n: xs[0])],
    "pow": [(0, "n·xⁿ (the exponent not lowered by one; it is n·xⁿ⁻¹)",
             lambda out, xs, n: (n or 0.0) * xs[0] ** (n or 0.0)),
            (0, "xⁿ⁻¹ (the factor n is missing; it is n·xⁿ⁻¹)", lambda out, xs, n: xs[0] ** ((n or 0.0) - 1))],
    "relu": [(0, "the output relu(x) instead of the step 1 if x > 0 else 0", lambda out, xs, n: out),
             (0, "1 for every x (the gradient must stop where x ≤ 0)", lambda out, xs, n: 1.0)],
    "mul": [(0, "a for ∂(a·b)/∂a (its own value; it is the other input, b)", lambda out, xs, n: xs[0]),
            (1, "b for ∂(a·b)/∂b (its own value; it is the other input, a)", lambda out, xs, n: xs[1])],
    "div": [(0, "b for ∂(a/b)/∂a (it is 1/b)", lambda out, xs, n: xs[1]),
            (1, "−1/b² for ∂(a/b)/∂b (the factor a is missing; it is −a/b²)",
             lambda out, xs, n: -1.0 / xs[1] ** 2)],
}


def close(a: float, b: float) -> bool:
    if math.isnan(a) or math.isnan(b):
        return False
    return math.isclose(a, b, rel_tol=RTOL, abs_tol=ATOL)


@dataclass
class Verdict:
    """A task's outcome: passed, the mistake code (or None) and the one-paragraph explanation."""

    passed: bool
    mistake: str | None
    message: str
    graph: GraphCompare | None = None  # for `lab show`: the graph the engine got wrong


@dataclass
class Mirror:
    """gradstep's own build of one recipe: its nodes by name, and the output."""

    recipe: list
    nodes: dict[str, Value]
    root: Value


def build_mirror(recipe: list) -> Mirror:
    """The recipe built with gradstep's Value; every node labelled with its recipe name."""

    def scale(node: Value, g: float) -> Value:
        return node * Value(g, label="g")

    nodes = harness.build(recipe, Value, scale)
    for name, node in nodes.items():
        node.label = name
    return Mirror(recipe, nodes, nodes[recipe[-1][0]])


@dataclass
class GraphCompare:
    """One graph as the learner's engine and gradstep computed it: what `lab show` draws."""

    mirror: Mirror
    learner_grads: dict[str, float]
    expected_grads: dict[str, float]
    first_wrong: str | None
    title: str = ""
    facts: GraphFacts | None = field(default=None, repr=False)


def compare_graph(mirror: Mirror, data: Mapping[str, float], grads: Mapping[str, float],
                  what: str, fix_forward: str = "") -> Verdict:
    """Compare the learner's data and gradients (by recipe name) with the mirror's; name the mistake."""
    facts = analyse(mirror.root)
    by_name = mirror.nodes
    names = [name for name in _forward_names(mirror) if name in data]
    for name in names:
        node = by_name[name]
        if not close(float(data[name]), node.data):
            return _forward_wrong(mirror, facts, name, float(data[name]), what, fix_forward)
    expected = {name: facts.grads.get(by_name[name], 0.0) for name in grads}
    order = [facts.names[n] for n in facts.order]
    backprop_names = [n for n in order if n in grads]
    wrong = [n for n in backprop_names if not close(float(grads[n]), expected[n])]
    compare = GraphCompare(mirror, {k: float(v) for k, v in grads.items()}, expected,
                           wrong[0] if wrong else None, what, facts)
    if not wrong:
        return Verdict(True, None, f"Right: {_grads_text(backprop_names, expected)} in {what}.", compare)
    first = wrong[0]
    learner = {k: float(v) for k, v in grads.items()}
    for code, text in _hypotheses(mirror, facts):
        simulated = text.simulate()
        if all(close(learner[n], simulated.get(by_name[n], 0.0)) for n in grads):
            return Verdict(False, code, _hypothesis_message(mirror, facts, first, learner, expected, what,
                                                            text.explain), compare)
    row = mark(facts, by_name[first], learner[first], RTOL, ATOL)
    if row.mistake in ("accumulation", "local-only", "upstream-only", "sign"):
        return Verdict(False, row.mistake, f"In {what}: " + _yours(row.explanation, first), compare)
    return Verdict(False, None, _unexplained(facts, by_name[first], first, learner, expected, what), compare)


# ---- texts --------------------------------------------------------------------------------------
def _forward_names(mirror: Mirror) -> list[str]:
    return [step[0] for step in mirror.recipe]


def _grads_text(names: Sequence[str], grads: Mapping[str, float]) -> str:
    return ", ".join(f"{n}.grad = {fmt(grads[n])}" for n in names)


def _inputs_text(mirror: Mirror, node: Value) -> str:
    return ", ".join(f"{p.label} = {fmt(p.data)}" for p in dict.fromkeys(node.parents))


def _forward_wrong(mirror: Mirror, facts: GraphFacts, name: str, got: float, what: str, fix: str) -> Verdict:
    node = mirror.nodes[name]
    formula = facts.formula(node)
    inputs = _inputs_text(mirror, node)
    where = f" with {inputs}" if inputs else ""
    op = LAB_OP.get(node.rule.name, "") if node.rule else ""
    if close(got, -node.data) and not close(got, node.data):
        return Verdict(False, "sign", (
            f"In {what}, the forward value is wrong: {formula}{where} is {fmt(node.data)}, and your engine "
            f"gave {fmt(got)}, the right size with the wrong sign. Check the order of the operands in "
            f"{OP_CODE.get(op, 'the op')}: self is the left one, other the right one."))
    return Verdict(False, None, (
        f"In {what}, the forward value is wrong: {formula}{where} should be {fmt(node.data)}, but your engine "
        f"gave {name}.data = {fmt(got)}. The backward pass was not checked, since its numbers depend on "
        f"the forward ones.{(' ' + fix) if fix else ''}"))


def _yours(explanation: str, name: str) -> str:
    """practice's texts talk to someone who typed an answer; here the learner's engine computed it."""
    prefix = "You gave "
    if explanation.startswith(prefix):
        return f"your engine gave {name}.grad = " + explanation[len(prefix):]
    return explanation


def _recipe_line(facts: GraphFacts, node: Value) -> str:
    """The chain rule for ``node`` with the graph's numbers (summed up when it has many uses)."""
    uses = facts.uses.get(node, [])
    if len(uses) > 3:
        parts = " + ".join(fmt(u.contribution, paren=i > 0) for i, u in enumerate(uses[:3]))
        return (f"{facts.d(node)} is the sum of its {len(uses)} contributions, one per use "
                f"({parts} + …) = {fmt(facts.grads[node])}")
    return facts.recipe(node)


def _unexplained(facts: GraphFacts, node: Value, name: str, learner: Mapping[str, float],
                 expected: Mapping[str, float], what: str) -> str:
    return (
        f"In {what}, {name}.grad should be {fmt(expected[name])}, but your engine gave {fmt(learner[name])}. "
        f"None of the classic mistakes gives exactly that number, so here is the right computation: "
        f"{_recipe_line(facts, node)}."
    )


def _hypothesis_message(mirror: Mirror, facts: GraphFacts, first: str, learner: Mapping[str, float],
                        expected: Mapping[str, float], what: str, explain: Callable[[Value], str]) -> str:
    node = mirror.nodes[first]
    return (
        f"In {what}, {first}.grad should be {fmt(expected[first])}, but your engine gave "
        f"{fmt(learner[first])}. {explain(node)} The right computation: {_recipe_line(facts, node)}."
    )


# ---- hypotheses: a backward pass with one thing done wrong ---------------------------------------
@dataclass
class _Hypothesis:
    simulate: Callable[[], dict[Value, float]]
    explain: Callable[[Value], str]


Edge = tuple[Value, int, float]  # (parent, input index, local derivative)


def _edges(facts: GraphFacts) -> dict[Value, list[Edge]]:
    edges: dict[Value, list[Edge]] = {node: [] for node in facts.order}
    for parent, uses in facts.uses.items():
        for use in uses:
            edges[use.consumer].append((parent, use.index, use.local))
    for consumer in edges:
        edges[consumer].sort(key=lambda e: e[1])
    return edges


def _op(node: Value) -> str:
    return LAB_OP.get(node.rule.name, node.rule.name) if node.rule is not None else ""


Contribution = Callable[[Value, int, float, float], float]


def _right(node: Value, index: int, local: float, upstream: float) -> float:
    return local * upstream


def _simulate(facts: GraphFacts, calls: Sequence[Value], contribution: Contribution = _right,
              assign: Callable[[Value], bool] = lambda node: False) -> dict[Value, float]:
    """Run ``_backward`` of each node of ``calls`` in turn, as a learner's engine would."""
    edges = _edges(facts)
    grads: dict[Value, float] = {node: 0.0 for node in facts.order}
    grads[facts.root] = 1.0
    for node in calls:
        upstream = grads[node]
        for parent, index, local in edges[node]:
            c = contribution(node, index, local, upstream)
            grads[parent] = c if assign(node) else grads[parent] + c
    return grads


def _hypotheses(mirror: Mirror, facts: GraphFacts) -> Iterator[tuple[str, _Hypothesis]]:
    order = facts.order
    ops = list(dict.fromkeys(_op(n) for n in order if n.rule is not None))

    def run(calls: Sequence[Value], contribution: Contribution = _right,
            assign: Callable[[Value], bool] = lambda node: False) -> Callable[[], dict[Value, float]]:
        return lambda: _simulate(facts, calls, contribution, assign)

    def on(op: str, index: int | None, wrong: Contribution) -> Contribution:
        """``wrong`` on the edges of ``op`` (input ``index``, or every input), the chain rule elsewhere."""
        def contribution(n: Value, i: int, local: float, up: float) -> float:
            if _op(n) == op and index in (None, i):
                return wrong(n, i, local, up)
            return local * up
        return contribution

    def said(text: str) -> Callable[[Value], str]:
        return lambda node: text

    for calls in _wrong_orders(facts):
        yield "topological-order", _Hypothesis(run(calls), lambda node: _order_text(facts, node))
    for op in ops:
        yield "accumulation", _Hypothesis(
            run(order, assign=_is_op(op)),
            _accumulation_text(facts, op))
    for op in ops:
        yield "local-only", _Hypothesis(run(order, on(op, None, lambda n, i, local, up: local)), said(
            f"That is what backprop gives when {OP_CODE[op]}'s _backward leaves out out.grad: it adds the local "
            f"derivative alone, and the chain rule multiplies it by the upstream gradient "
            f"(self.grad += local × out.grad)."))
    for op in ops:
        for index in _indices(order, op):
            yield "sign", _Hypothesis(run(order, on(op, index, lambda n, i, local, up: -local * up)), said(
                f"That is what backprop gives when {OP_CODE[op]}'s _backward adds its contribution to "
                f"{_input_word(op, index)} with the wrong sign{_sign_hint(op, index)}."))
    for op in ops:
        yield "upstream-only", _Hypothesis(run(order, on(op, None, lambda n, i, local, up: up)), said(
            f"That is what backprop gives when {OP_CODE[op]}'s _backward passes out.grad on unchanged: the local "
            f"derivative is missing (self.grad += local × out.grad)."))
    for op in ops:
        for index, formula, wrong in WRONG_FORMULAS.get(op, []):
            yield "local-derivative", _Hypothesis(run(order, on(op, index, _formula(wrong))), said(
                f"Those are the numbers of {OP_CODE[op]} with the local derivative {formula}."))


def _is_op(op: str) -> Callable[[Value], bool]:
    return lambda node: _op(node) == op


def _formula(wrong: _Wrong) -> Contribution:
    """The contribution of an edge whose local derivative is the wrong formula ``wrong``."""
    def contribution(n: Value, i: int, local: float, up: float) -> float:
        return wrong(n.data, [p.data for p in n.parents], n.param) * up
    return contribution


def _accumulation_text(facts: GraphFacts, op: str) -> Callable[[Value], str]:
    def explain(node: Value) -> str:
        return (f"That is what backprop gives when {OP_CODE[op]}'s _backward assigns its contribution "
                f"(self.grad = ...) instead of adding it (self.grad += ...): a node used twice keeps only "
                f"the last contribution. {_uses_text(facts, node)}").rstrip()
    return explain


def _indices(order: Sequence[Value], op: str) -> list[int]:
    arity = max((len(n.parents) for n in order if _op(n) == op), default=0)
    return list(range(arity))


def _input_word(op: str, index: int) -> str:
    if op in ("add", "sub", "mul", "div"):
        return "other" if index == 1 else "self"
    return "self"


def _sign_hint(op: str, index: int) -> str:
    if op == "sub" and index == 1:
        return " (a − b falls when b grows: ∂(a − b)/∂b = −1)"
    if op == "neg":
        return " (−a falls when a grows: ∂(−a)/∂a = −1)"
    if op == "div" and index == 1:
        return " (∂(a/b)/∂b = −a/b²)"
    return ""


def _uses_text(facts: GraphFacts, node: Value) -> str:
    uses = facts.uses.get(node, [])
    if len(uses) < 2:
        return ""
    times = "twice" if len(uses) == 2 else f"{len(uses)} times"
    return f"{facts.names[node]} is used {times}."


def _order_text(facts: GraphFacts, node: Value) -> str:
    reused = [n for n in facts.order if n.rule is not None and len(facts.uses.get(n, [])) > 1]
    example = reused[0] if reused else node
    consumers = ", ".join(dict.fromkeys(facts.names[u.consumer] for u in facts.uses.get(example, [])))
    return (
        f"Those are exactly the numbers of a backward() that runs a node's _backward before every node that "
        f"uses it has added its share: {facts.names[example]} feeds {consumers}, so it may pass its gradient "
        f"on only after all of them. Build a topological order first (each node after the nodes it is "
        f"computed from), then call _backward once per node in the reverse of that order."
    )


def _wrong_orders(facts: GraphFacts) -> Iterator[list[Value]]:
    """The call sequences of the classic wrong backward()s, for every order of each node's children.

    Recursion with no order at all (each path calls _backward again, with the children as a list or as
    a set), and a depth-first or breadth-first walk that visits each node once but too early.
    """
    root = facts.root

    def children_orders() -> Iterator[dict[Value, list[Value]]]:
        nodes = [n for n in facts.order if n.parents]
        choices = [list(itertools.permutations(range(len(n.parents)))) for n in nodes]
        combos = math.prod(len(c) for c in choices)
        if combos > 64:  # a big graph: the children in argument order, and all reversed
            picks: Iterator[tuple[tuple[int, ...], ...]] = iter([tuple(c[0] for c in choices),
                                                                 tuple(c[-1] for c in choices)])
        else:
            picks = itertools.product(*choices)
        for pick in picks:
            yield {n: [n.parents[i] for i in perm] for n, perm in zip(nodes, pick)}

    seen: list[list[int]] = []
    for kids in children_orders():
        for unique in (False, True):
            calls: list[Value] = []
            stack = [root]
            while stack and len(calls) < 10_000:  # naive recursion: every path calls again
                node = stack.pop()
                calls.append(node)
                children = kids.get(node, [])
                if unique:
                    children = list(dict.fromkeys(children))
                stack.extend(reversed(children))
            yield from _new(calls, seen)
        for breadth in (False, True):
            calls, visited, frontier = [], set(), [root]
            while frontier:
                node = frontier.pop(0) if breadth else frontier.pop()
                if node in visited:
                    continue
                visited.add(node)
                calls.append(node)
                children = kids.get(node, [])
                frontier.extend(children if breadth else reversed(children))
            yield from _new(calls, seen)


def _new(calls: list[Value], seen: list[list[int]]) -> Iterator[list[Value]]:
    key = [id(n) for n in calls]
    if key not in seen:
        seen.append(key)
        yield calls
