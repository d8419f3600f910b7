"""Why autograd's answer is what it is: where a NaN gradient comes from, and where the graph is cut.

Used by the limit table, gradcheck and ``gradstep check`` to explain a NaN in words instead of
printing a bare ``nan``, and to name a Value that was turned into a plain float (``math.erf(x)``,
``float(x)``): autograd cannot follow a float, so the graph is cut there and the gradient is wrong.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from .backward import backprop_order, propagate
from .report_text import short
from .value import Value

__all__ = ["nan_origin", "ancestors", "float_conversions"]


def ancestors(*nodes: Value) -> set[Value]:
    """The nodes given and every node they were computed from (iteratively: deep graphs are fine)."""
    seen = set(nodes)
    stack = list(seen)
    while stack:
        for parent in stack.pop().parents:
            if parent not in seen:
                seen.add(parent)
                stack.append(parent)
    return seen


# While a check watches, Value.__float__ records the Value it converts (for the watching thread only).
_watching = threading.local()
_watch_lock = threading.Lock()
_watchers = 0
_plain_float = Value.__float__


def _recording_float(self: Value) -> float:
    for seen in getattr(_watching, "lists", ()):
        seen.append(self)
    return _plain_float(self)


@contextmanager
def float_conversions() -> Iterator[list[Value]]:
    """Collect every Value turned into a plain float (``float(v)``, ``math.*``, numpy) inside the block.

    A conversion of a Value that depends on an input cuts autograd's graph: the float carries the
    number but not where it came from. Only the calling thread's conversions are collected.
    """
    global _watchers
    seen: list[Value] = []
    lists = getattr(_watching, "lists", None)
    if lists is None:
        lists = _watching.lists = []
    lists.append(seen)
    with _watch_lock:
        _watchers += 1
        Value.__float__ = _recording_float  # type: ignore[method-assign]
    try:
        yield seen
    finally:
        lists.remove(seen)
        with _watch_lock:
            _watchers -= 1
            if not _watchers:
                Value.__float__ = _plain_float  # type: ignore[method-assign]


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
        text = short(node.data)
        return f"({text})" if text.startswith("-") else text
    return "uvwpqrst"[position % 8]


def _describe_step(node: Value, i: int, local: float, upstream: float) -> str:
    parents = node.parents
    names = [_name(parent, k) for k, parent in enumerate(parents)]
    rule, param = node.rule, node.param
    assert rule is not None  # a node with parents has a rule
    formula = f"∂({rule.expr_text(names, param)})/∂{names[i]} = {rule.deriv_text(i, names, param)}"
    known = [(name, p) for name, p in zip(names, parents) if p.label or not p.is_leaf][:4]
    at = ", ".join(f"{name} = {short(p.data)}" for name, p in known)
    where = f" at {at}" if at else ""
    if math.isnan(local):
        return f"the local derivative {formula} is nan{where}"
    return f"the local derivative {formula} is {short(local)}{where}, times an upstream gradient of {short(upstream)}"
