"""Reverse mode: the order backprop visits nodes, and the backward pass (fast, or generic).

Two passes share one visiting order, :func:`backprop_order`:

* :func:`backward` — plain floats straight into ``.grad``. The ops that dominate a neural network
  (``*``, ``+``, ``-``, ``dot``, ``relu``, ``tanh``) are pushed by hand-inlined code; every
  other op calls its rule. The tests check the inlined code against the rules on random graphs.
* :func:`propagate` — the rule of every op, with gradients kept in a dict (``.grad`` untouched).
  It serves ``grad()``, ``create_graph=True`` (the same rules evaluated on Values), the teaching
  trace and ``detect_anomaly()``.

Nothing here recurses, so graph depth is limited only by memory.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable
from itertools import chain
from typing import Any

from . import value as _value
from .ops import ADD, DOT, FLOAT_MATH, MUL, RELU, SUB, TANH, VALUE_MATH, VARIADIC
from .value import Leaves, Value, _mode, _parents

__all__ = ["backprop_order", "backward", "propagate", "local_derivatives"]


def backprop_order(root: Value, include_leaves: bool = False) -> list[Value]:
    """The nodes reachable from ``root`` in the order backprop visits them.

    ``root`` comes first, and every node comes after all the nodes that consume it, so its gradient
    is complete when it is reached (Kahn's algorithm on the reversed graph, first-in first-out, which
    visits nodes roughly by their distance from the output). It is the order :func:`backward` visits
    the interior nodes in. Leaves are left out unless ``include_leaves`` (they have nothing to pass on).
    """
    if not isinstance(root, Value):
        raise TypeError(f"expected a Value, got {type(root).__name__}")
    if root._op is None:
        return [root] if include_leaves else []
    found = _count_consumers(root, include_leaves)
    order = [root]
    emit = order.append
    try:
        for node in order:  # the list grows while we walk it
            if node._op is None:
                continue
            for parent in _release_order(node):
                count = parent._n
                if count == 1:
                    parent._n = 0
                    emit(parent)
                elif count:
                    parent._n = count - 1
    except BaseException:
        _reset(found)
        raise
    return order


def _count_consumers(root: Value, include_leaves: bool = False) -> list[Value]:
    """Pass 1 of Kahn's algorithm: set ``node._n`` to the number of edges into it from above.

    Returns the nodes found (root excluded). (:func:`backward` uses its own variant,
    :func:`_count_interior`, which also parks the interior grads.) This loop runs once per node of
    every pass, so the parents are unpacked inline rather than through :func:`_parents` (a call and a
    tuple per node cost a third of the pass).
    """
    found: list[Value] = []
    stack: list[Any] = [root]  # Any: a leaf's missing op is caught, not checked per node (hot loop)
    pop, push, keep = stack.pop, stack.append, found.append
    try:
        while stack:
            node = pop()
            arity = node._op.arity
            if arity == 2:
                parents: Any = (node._a, node._b)
            elif arity == 1:
                parents = (node._a,)
            elif node._op is DOT:
                parents = node._a + node._b  # the order does not matter for counting
            else:
                parents = node._a
            for parent in parents:
                count = parent._n
                if count:
                    parent._n = count + 1
                elif parent._op is not None:
                    parent._n = 1
                    keep(parent)
                    push(parent)
                elif include_leaves:
                    parent._n = 1
                    keep(parent)
    except BaseException:
        _reset(found)
        raise
    return found


def _count_interior(root: Value, earlier: list[tuple[Value, float]]) -> list[Value]:
    """:func:`_count_consumers` for :func:`backward`: interior nodes only, their grads parked.

    Leaves are told apart first, by their missing op, because they are most of the edges of a
    network (every weight) and have nothing to count; a neuron's weights and bias, which come as
    :class:`~autograd.value.Leaves`, are not even looked at.
    """
    found: list[Any] = [root]  # also the work list: walked while it grows (no stack to pop from)
    keep, park = found.append, earlier.append
    try:
        for node in found:
            op = node._op
            arity = op.arity
            if arity == 2:
                parents: Any = (node._a, node._b)
            elif arity == 1:
                parents = (node._a,)
            elif op is DOT:
                parents = node._b if type(node._a) is Leaves else node._a + node._b
            else:
                parents = node._a
            for parent in parents:
                if parent._op is None:
                    continue
                count = parent._n
                if count:
                    parent._n = count + 1
                else:
                    parent._n = 1
                    keep(parent)
                    if parent.grad:
                        park((parent, parent.grad))
                        parent.grad = 0.0
    except BaseException:
        _reset(found)
        raise
    return found


def _reset(nodes: list[Value]) -> None:
    """Leave the scratch counts clean after an interrupted pass (e.g. KeyboardInterrupt)."""
    for node in nodes:
        node._n = 0


def _release_order(node: Value) -> tuple[Value, ...]:
    """The order in which :func:`backward` counts a node's inputs down: a dot node's weight/input
    pairs side by side (w₁, x₁, w₂, x₂, …, b), every other node its parents. Following it here
    makes backprop_order() the very order in which backward() visits the nodes."""
    if node._op is not DOT:
        return _parents(node)
    params, inputs = node._a, node._b
    n = len(inputs)
    paired = tuple(v for pair in zip(params, inputs) for v in pair)
    return paired + params[n:]


def backward(root: Value, grad: float = 1.0) -> None:
    """Add d(root)/d(node) · grad to ``node.grad`` for every node reachable from ``root``.

    The first call from a root orders its graph while it pushes (:func:`_first_pass`) and keeps that
    order on the root (``root._tape``, its ancestors only: no reference cycle). A graph does not
    change once built, so neither does its order: the second call turns it into a tape and every
    later call only pushes (:func:`_again`).
    """
    grad = _seed(grad)
    if not _value._PLAIN and _mode()[1]:  # detect_anomaly(): every contribution is checked, generic path
        for node, g in propagate(root, grad, check_finite=True).items():
            node.grad += g
        return
    if root._op is None:  # a leaf
        root.grad += grad
        return
    tape = getattr(root, "_tape", None)
    if tape is None:
        order = _first_pass(root, grad)
        order[0] = None  # the root itself: keeping it would make root → tape → root a reference cycle
        root._tape = order
        return
    if type(tape) is list:
        root._tape = tape = _make_tape(root, tape[1:])
    _again(root, grad, *tape)


# ---- the tape: what later passes from the same root run -------------------------------------------
# A node whose only consumer is the node just before it on the tape (every link of a chain, y = y·a + b)
# needs no slot to sum its gradient in: the consumer hands it over in a local variable. Its consumer's
# entry then has one of these kinds instead of its op, "pushes like <op>, and carries the gradient for
# input a on to the next entry". A pass over a chain then reads and writes half the slots it did.
_MUL_A, _ADD_A, _SUB_A, _RELU_A, _TANH_A = (object() for _ in range(5))
_CARRIES: dict[Any, Any] = {MUL: _MUL_A, ADD: _ADD_A, SUB: _SUB_A, RELU: _RELU_A, TANH: _TANH_A}


def _make_tape(root: Value, interior: list[Value]) -> tuple[Any, list[tuple[Any, ...]], list[Value]]:
    """The tape of a graph from the interior nodes its first pass visited after ``root``, in order.

    Returns the root's kind; one (kind, node, a, b, carried) entry per interior node, read once here
    instead of on every later pass (``carried``: its gradient arrives in ``g``, not in its slot); and
    the leaves the graph reads, each once.
    """
    leaves: list[Value] = []
    keep = leaves.append
    entries: list[tuple[Any, ...]] = []
    append, carries = entries.append, _CARRIES
    carried = True  # the root's gradient is the seed, in g
    try:
        # One walk down the tape counts the edges into each interior node in its slot ``_n`` (a leaf's
        # slot marks it as seen). Every consumer of a node comes before it, so when the walk reaches
        # the node just before it, its count is complete: it is the number the kind asks for, and the
        # node's slot can be cleared when the walk reaches the node itself.
        following: Any  # None after the last node
        for node, following in zip(chain((root,), interior), chain(interior, (None,))):
            node._n = 0
            op: Any = node._op
            a = node._a
            arity = op.arity
            for parent in (a, node._b) if arity == 2 else (a,) if arity == 1 else _parents(node):
                if parent._op is not None:
                    parent._n += 1
                elif not parent._n:
                    parent._n = 1
                    keep(parent)
            kind = carries.get(op, op) if a is following and a._n == 1 else op
            append((kind, node, a, node._b, carried))
            carried = kind is not op
    except BaseException:
        _reset(interior)
        raise
    finally:
        _reset(leaves)
    return entries[0][0], entries[1:], leaves  # the root's entry is made on each pass (no cycle)


def _first_pass(root: Value, grad: float) -> list[Any]:
    """Kahn's algorithm fused with the gradient pushes: ``_n`` counts, ``.grad`` accumulates.

    Returns the interior nodes in the order visited (``root`` first)."""
    # Interior grads double as this pass's upstream gradients: park what earlier passes left in them
    # and add it back at the end, so that a second backward() accumulates exactly like the first.
    earlier: list[tuple[Value, float]] = [(root, root.grad)] if root.grad else []
    found = _count_interior(root, earlier)
    root.grad = grad
    ready: list[Any] = [root]  # Any: the ops below are told apart by identity, not narrowed per node
    push = ready.append
    try:
        # Kahn's pass 2 fused with the gradient pushes: a node joins `ready` once all of its consumers
        # have pushed into it, and the loop walks `ready` while it grows (first in, first out, like
        # backprop_order). Each branch pushes one op's gradient and leaves its Value inputs in `a`
        # (and `b`, or None) so the common tail can count them down; n-ary ops count down their own.
        for node in ready:
            g = node.grad
            op = node._op
            a = node._a
            if op is MUL:
                b = node._b
                a.grad += b.data * g
                b.grad += a.data * g
            elif op is ADD:
                b = node._b
                a.grad += g
                b.grad += g
            elif op is DOT:
                # Pushes and count-downs share one walk over the inputs: a neuron has many.
                ws = iter(a)  # the weights, then the bias; next() rather than zip(): see value.dot_node
                leaf_params = type(a) is Leaves  # a neuron's parameters: no weight to count down
                for x in node._b:
                    w = next(ws)
                    w.grad += x.data * g
                    x.grad += w.data * g
                    if not leaf_params:
                        count = w._n
                        if count:
                            w._n = count - 1
                            if count == 1:
                                push(w)
                    count = x._n
                    if count:  # 0 for a leaf: nothing to count down
                        x._n = count - 1
                        if count == 1:
                            push(x)
                a = next(ws, None)  # the bias: pushed here, counted down by the common tail
                if a is None:
                    continue
                b = None
                a.grad += g
            elif op is RELU:
                b = None
                # 1·g or 0·g as the rule says (0·inf is nan, and the rule-driven paths agree on it)
                a.grad += g if node.data > 0.0 else 0.0 * g
            elif op is TANH:
                b = None
                out = node.data
                a.grad += (1.0 - out * out) * g
            elif op is SUB:
                b = node._b
                a.grad += g
                b.grad -= g
            else:
                parents = _parents(node)
                for parent, local in zip(parents, local_derivatives(node)):
                    parent.grad += local * g
                if op.arity == VARIADIC:
                    for item in parents:
                        count = item._n
                        if count:  # 0 for a leaf: nothing to count down
                            item._n = count - 1
                            if count == 1:
                                push(item)
                    continue
                b = node._b if op.arity == 2 else None
            count = a._n
            if count:  # 0 for a leaf: nothing to count down
                a._n = count - 1
                if count == 1:
                    push(a)
            if b is not None:
                count = b._n
                if count:  # 0 for a leaf: nothing to count down
                    b._n = count - 1
                    if count == 1:
                        push(b)
    except BaseException:
        _reset(found)
        for node, g in earlier:  # what earlier passes left is not lost; this pass's partial sums are
            node.grad = g
        raise
    for node, g in earlier:
        node.grad += g
    return ready


def _again(root: Value, grad: float, root_kind: Any, entries: list[tuple[Any, ...]], leaves: list[Value]) -> None:
    """A pass over a graph whose tape is known (:func:`_make_tape`): no counting, and each node's
    gradient is summed in its scratch slot ``_n`` — or handed over in ``g`` by its only consumer, the
    entry before it — and added to its ``.grad`` once, when the node is reached (leaves at the end),
    which keeps what earlier passes left there without parking it.

    The pushes are :func:`_first_pass`'s with ``_n`` for ``.grad``; the tests hold both to the rules.
    A gradient handed over is the contribution ``c`` itself where a slot would hold ``0 + c``: the same
    number, but for the sign of a zero (−0.0 stays −0.0), which no sum with another number shows.
    (Adding 0.0 to make them one cost 4-8 % of a pass over a chain.)
    """
    mul_a, add_a, sub_a, relu_a, tanh_a = _MUL_A, _ADD_A, _SUB_A, _RELU_A, _TANH_A
    mul, add, dot, relu, tanh, sub = MUL, ADD, DOT, RELU, TANH, SUB
    g = grad
    try:
        for kind, node, a, b, carried in chain(((root_kind, root, root._a, root._b, True),), entries):
            if not carried:
                g = node._n
                node._n = 0
            node.grad += g
            if kind is mul_a:
                b._n += a.data * g
                g = b.data * g
            elif kind is add_a:
                b._n += g
            elif kind is mul:
                a._n += b.data * g
                b._n += a.data * g
            elif kind is add:
                a._n += g
                b._n += g
            elif kind is dot:
                ws = iter(a)
                for x in b:
                    w = next(ws)
                    w._n += x.data * g
                    x._n += w.data * g
                if len(a) > len(b):
                    a[-1]._n += g
            elif kind is relu:
                a._n += g if node.data > 0.0 else 0.0 * g
            elif kind is relu_a:
                g = g if node.data > 0.0 else 0.0 * g
            elif kind is tanh:
                out = node.data
                a._n += (1.0 - out * out) * g
            elif kind is tanh_a:
                out = node.data
                g = (1.0 - out * out) * g
            elif kind is sub:
                a._n += g
                b._n -= g
            elif kind is sub_a:
                b._n -= g
            else:
                for parent, local in zip(_parents(node), local_derivatives(node)):
                    parent._n += local * g
    except BaseException:
        for entry in entries:  # the leaves keep what they had; so do the nodes not reached yet
            entry[1]._n = 0
        _reset(leaves)
        raise
    for leaf in leaves:
        leaf.grad += leaf._n
        leaf._n = 0


def _seed(grad: Any) -> float:
    if type(grad) is float:  # the default 1.0: no abstract-class checks on every call
        return grad
    if isinstance(grad, Value):
        grad = grad.data
    if not isinstance(grad, numbers.Real) or isinstance(grad, bool):
        raise TypeError(f"backward(grad=...) takes a real number, got {type(grad).__name__} {grad!r}")
    return float(grad)


def local_derivatives(node: Value, create_graph: bool = False) -> tuple[Any, ...]:
    """∂node/∂parent for each parent, from the op's rule: floats, or Values if ``create_graph``."""
    op = node._op
    if op is None:
        return ()
    m: Any
    out: Any
    inputs: Any
    if create_graph:
        m, out, inputs = VALUE_MATH, node, _parents(node)
    else:
        m, out, inputs = FLOAT_MATH, node.data, [p.data for p in _parents(node)]
    if op.has_param:
        return op.local(m, out, *inputs, node._b)
    return op.local(m, out, *inputs)


StepHook = Callable[[Value, Any, tuple[Value, ...], tuple[Any, ...], list[Any]], None]


def propagate(
    root: Value,
    seed: Any = 1.0,
    *,
    create_graph: bool = False,
    check_finite: bool = False,
    on_step: StepHook | None = None,
) -> dict[Value, Any]:
    """The generic backward pass: {node: d(root)/d(node) · seed} for every node reachable.

    ``.grad`` is not touched. With ``create_graph`` the gradients are Values whose graphs can be
    differentiated again. ``on_step(node, upstream, parents, locals, contributions)`` is called once per
    visited node, in :func:`backprop_order` (leaves get a call with no parents).
    """
    grads: dict[Value, Any] = {root: seed}
    for node in backprop_order(root, include_leaves=on_step is not None):
        upstream = grads[node]
        parents = _parents(node) if node._op is not None else ()
        locals_ = local_derivatives(node, create_graph) if parents else ()
        contributions = []
        for parent, local in zip(parents, locals_):
            contribution = local * upstream
            if check_finite:
                _check(node, parent, local, upstream, contribution)
            contributions.append(contribution)
            earlier = grads.get(parent)
            grads[parent] = contribution if earlier is None else earlier + contribution
        if on_step is not None:
            on_step(node, upstream, parents, locals_, contributions)
    return grads


def _check(node: Value, parent: Value, local: Any, upstream: Any, contribution: Any) -> None:
    value = contribution.data if isinstance(contribution, Value) else contribution
    if math.isfinite(value):
        return
    inputs = ", ".join(repr(p.data) for p in _parents(node))
    op: Any = node._op
    raise FloatingPointError(
        f"detect_anomaly: the backward pass of {op.name} (inputs {inputs}; output {node.data!r}) "
        f"produced {value!r}: local derivative {_num(local)} × upstream gradient {_num(upstream)}"
    )


def _num(x: Any) -> str:
    return repr(x.data if isinstance(x, Value) else x)
