"""Recording one sample's graph, and checking that another sample records the same one.

A program is only right for a sample whose scalar graph has the same shape as the recorded one: the
same op at every position, the same inputs, the same parameters and the same constants. Python code
in ``f`` that branches on a value's data (``if v.data > 0``, ``max(z.data for z in zs)``, ``float(v)``
used as a number) breaks that silently: :func:`compare` re-records ``f`` on another sample and names
the first place where the two graphs differ.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from ..functional import enable_grad
from ..value import Value

__all__ = ["LanesBranchError", "record_outputs", "forward_order", "Signature", "compare"]


class LanesBranchError(ValueError):
    """``f`` records a different graph for some sample than for the one recorded: lanes would be wrong."""


def record_outputs(f: Callable[..., Any], inputs: Sequence[Value]) -> list[Value]:
    """Call ``f(*inputs)`` with recording on, and return its output(s) as a list of Values."""
    with enable_grad():
        out = f(*inputs)
    outs = list(out) if isinstance(out, (list, tuple)) else [out]
    if not outs:
        raise TypeError("lanes.record: f returned an empty list; it must return a Value (or a list of Values)")
    for i, o in enumerate(outs):
        if not isinstance(o, Value):
            what = "f's output" if len(outs) == 1 else f"f's output {i}"
            raise TypeError(
                f"lanes.record: {what} is a {type(o).__name__}, not a Value; f must compute its result "
                "from its Value inputs (e.g. return (w * x + b).relu(), not a plain number)"
            )
    return outs


def forward_order(outputs: Sequence[Value]) -> list[Value]:
    """Every node under ``outputs``, inputs before what is computed from them (depth-first post-order,
    parents in argument order: a deterministic order, so two recordings can be compared position by
    position). Iterative, so depth does not matter."""
    order: list[Value] = []
    seen: set[int] = set()
    for out in outputs:
        if id(out) in seen:
            continue
        seen.add(id(out))
        stack = [(out, iter(out.parents))]
        while stack:
            node, parents = stack[-1]
            for parent in parents:  # resumes where it left off: a wide dot node is walked once
                if id(parent) not in seen:
                    seen.add(id(parent))
                    stack.append((parent, iter(parent.parents)))
                    break
            else:
                stack.pop()
                order.append(node)
    return order


class Signature:
    """The shape of one recording: per position, the op, its parameter and where its inputs are."""

    def __init__(self, order: list[Value], inputs: Sequence[Value], outputs: Sequence[Value]) -> None:
        self.order = order
        index = {id(node): i for i, node in enumerate(order)}
        self.input_of = {id(v): k for k, v in enumerate(inputs)}
        self.entries = [self._entry(node, index) for node in order]
        self.outputs = tuple(index[id(o)] for o in outputs)
        #: positions of leaves seen as the very same object in another recording (parameters, closures)
        self.shared: set[int] = set()

    def _entry(self, node: Value, index: dict[int, int]) -> tuple[Any, ...]:
        rule = node.rule
        if rule is None:
            k = self.input_of.get(id(node))
            return ("input", k) if k is not None else ("leaf",)
        return (rule, node.param, tuple([index[id(p)] for p in node.parents]))


def compare(program: Signature, other: Signature, lane: int) -> None:
    """Raise :class:`LanesBranchError` if ``other`` (recorded on ``lane``) differs from ``program``."""
    if other.outputs != program.outputs or len(other.entries) != len(program.entries):
        _differ(
            f"the recorded sample's graph has {len(program.entries)} nodes, lane {lane}'s has "
            f"{len(other.entries)}",
            lane,
        )
    for i, (mine, theirs) in enumerate(zip(program.entries, other.entries)):
        if mine != theirs:
            _differ(f"node {i} is {_what(mine, program.order[i])} in the recorded sample's graph but "
                    f"{_what(theirs, other.order[i])} in lane {lane}'s", lane)
        if mine[0] != "leaf":
            continue
        a, b = program.order[i], other.order[i]
        if a is b:
            program.shared.add(i)
            continue
        if i in program.shared or a.is_parameter or b.is_parameter:
            _differ(f"node {i} is the leaf {_leaf(a)} in the recorded sample's graph but another leaf, "
                    f"{_leaf(b)}, in lane {lane}'s (f picks different parameters for different samples)", lane)
        if not (a.data == b.data or (a.data != a.data and b.data != b.data)):
            _differ(
                f"node {i} is a constant that is {a.data!r} in the recorded sample's graph but {b.data!r} in "
                f"lane {lane}'s: a number computed from the sample's data (such as v.data, float(v) or "
                "max(z.data for z in zs)) entered the graph as a constant",
                lane,
            )


def _what(entry: tuple[Any, ...], node: Value) -> str:
    if entry[0] == "input":
        return f"input {entry[1] + 1}"
    if entry[0] == "leaf":
        return f"the leaf {_leaf(node)}"
    rule, param, parents = entry
    shown = f"{rule.name}({param:g})" if param is not None else rule.name
    return f"the op {shown} of {len(parents)} input{'s' if len(parents) != 1 else ''}"


def _leaf(node: Value) -> str:
    return f"{node.label!r} ({node.data!r})" if node.label else repr(node.data)


def _differ(detail: str, lane: int) -> None:
    raise LanesBranchError(
        f"lanes: f does not record the same graph for every sample: {detail}. Python code in f branches "
        "on a value's data (an if on v.data or on a comparison, max()/min() over Values, v.data or float(v) "
        f"used as a number), so the graph recorded from one sample is wrong for lane {lane} and its "
        "gradients would be wrong. Write the branch as an op instead: v.relu() for max(v, 0), abs(v), "
        "a + (b - a).relu() for max(a, b), a weight column times each case instead of if/else; "
        "or train without lanes (the scalar engine builds every sample's own graph)."
    )
