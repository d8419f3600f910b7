"""``Value``: one scalar node of a dynamically recorded computation graph.

A node stores its number (``data``), the gradient of the last ``backward()`` output with respect to
it (``grad``), the op rule that made it and the inputs it was made from. Nothing else: no closure,
no set of children, no per-node dict, so a graph holds no reference cycles and is freed by reference
counting the moment the last reference to its output is dropped.

Memory layout (why the slots look the way they do): the inputs live in two slots, ``_a`` and ``_b``,
instead of a tuple, which saves a 56-byte tuple on every node. Unary ops with a constant parameter
(``x ** 2``, ``leaky_relu(slope)``) keep the parameter in ``_b``; ``sum_of`` keeps a tuple of inputs in
``_a``; ``dot`` keeps two tuples, its params (weights, then the bias) in ``_a`` and its inputs in ``_b``,
both shared rather than copied: a neuron passes the same params on every sample, a layer the same
inputs to each of its neurons (:func:`dot_node`). ``parents`` rebuilds the op's argument order on
demand. ``_n`` is scratch space for the backward pass (how many consumers of this node it still waits
for); it is 0 whenever no pass runs, and keeping the count on the node instead of in a dict is what
makes ordering the graph cheap.
``_tape`` holds, on a node that ``backward()`` ran from, the visiting order of its graph (its ancestors
only, so no reference cycle: 8 bytes per node of that graph), which spares every later call the ordering.
"""

from __future__ import annotations

import math
import numbers
import threading
from collections.abc import Iterable, Sequence
from typing import Any

from . import ops as _ops
from .ops import ADD, DOT, MUL, RELU, SUB, SUM, TANH, VARIADIC, Op

__all__ = ["Value", "sum_of", "dot", "dot_node", "Leaves", "Number"]

Number = int | float

# Grad mode and anomaly mode belong to each thread (as in PyTorch): one thread inside no_grad()
# does not stop another from recording. Every op reads one module global, _PLAIN, which is True
# while no thread at all has recording off or anomaly detection on; then the op takes its fast path
# without looking at the thread. Otherwise ops take the slow path (_finish), which reads this
# thread's own mode. A thread entering no_grad() sets its own mode before it clears _PLAIN, and it
# runs its next op only after both, so no thread ever takes the fast path against its own mode.
class _ThreadMode(threading.local):
    grad_enabled = True
    anomaly = False


_THREAD_MODE = _ThreadMode()
_PLAIN = True
_THREADS_NOT_PLAIN = 0  # how many threads have recording off or anomaly detection on right now
_MODE_LOCK = threading.Lock()


def _set_mode(grad_enabled: bool, anomaly: bool) -> None:
    """Set this thread's modes (and keep the process-wide fast-path flag in step)."""
    global _PLAIN, _THREADS_NOT_PLAIN
    mode = _THREAD_MODE
    was_plain = mode.grad_enabled and not mode.anomaly
    mode.grad_enabled, mode.anomaly = grad_enabled, anomaly
    now_plain = grad_enabled and not anomaly
    if now_plain != was_plain:
        with _MODE_LOCK:
            _THREADS_NOT_PLAIN += -1 if now_plain else 1
            _PLAIN = _THREADS_NOT_PLAIN == 0


def _mode() -> tuple[bool, bool]:
    """This thread's (grad enabled, anomaly detection on)."""
    mode = _THREAD_MODE
    return mode.grad_enabled, mode.anomaly


def _as_float(data: Any) -> float:
    """Convert what a Value may hold to float, or raise a TypeError that says what was given."""
    if isinstance(data, Value):
        raise TypeError(
            "Value(...) was given a Value; use the Value itself, or Value(v.data) for a new leaf "
            "that is cut off from v's graph"
        )
    if isinstance(data, numbers.Real):  # int, float, bool, Fraction, numpy integer/floating
        try:
            return float(data)
        except OverflowError:
            raise OverflowError(
                f"Value({_short(data)}): the number is too large for a float64 (largest ≈ 1.8e308)"
            ) from None
    size = getattr(data, "size", None)
    if size == 1 and hasattr(data, "item") and isinstance(data.item(), numbers.Real):
        return float(data.item())  # a one-element numpy array
    if isinstance(data, numbers.Complex):
        what = f"the complex number {data!r}"
    elif size is not None:
        what = f"a numpy array of shape {getattr(data, 'shape', '?')}"
    elif isinstance(data, str):
        what = f"the string {data!r}"
    elif data is None:
        what = "None"
    else:
        what = f"a {type(data).__name__} ({_short(data)})"
    raise TypeError(
        f"Value() takes one real number (int, float or numpy scalar), but was given {what}. "
        "A graph node holds a single number: make one Value per number, "
        "e.g. [Value(x) for x in xs]."
    )


def _short(obj: Any) -> str:
    text = repr(obj)
    return text if len(text) <= 40 else text[:37] + "..."


class Value:
    """A scalar in a computation graph.

    >>> a, b = Value(2.0, "a"), Value(-3.0, "b")
    >>> y = a * b + a
    >>> y.backward()
    >>> a.grad, b.grad
    (-2.0, 2.0)

    Attributes:
        data: the number (float).
        grad: dL/d(this node) accumulated by ``backward()`` calls; starts at 0.0.
        label: a name for pictures and traces ("" if none).
    """

    # ``_tape`` is set only on a node that backward() was called from (see autograd.backward); it is
    # left unset elsewhere, so making a node costs no extra store.
    __slots__ = ("data", "grad", "_label", "_op", "_a", "_b", "_n", "_tape")

    #: nn's Parameter sets this; pictures draw parameters differently from other leaves.
    is_parameter = False

    data: float
    grad: float
    _tape: Any  # set by backward() only

    def __init__(self, data: Any, label: str = "") -> None:
        if type(data) is not float:
            data = _as_float(data)
        if not isinstance(label, str):
            raise TypeError(f"Value label must be a str, got {type(label).__name__} {_short(label)}")
        self.data = data
        self.grad = 0.0
        self._label = label
        self._op: Op | None = None
        # self._tape: left unset (see the module docstring)
        self._a: Any = None
        self._b: Any = None
        self._n: Any = 0  # a count (first pass) or a gradient being summed (later passes)

    # ---- structure ---------------------------------------------------------------------------
    @property
    def label(self) -> str:
        """A name for pictures and traces ("" if none)."""
        try:
            return self._label
        except AttributeError:  # op nodes are made without one: one store less per op
            return ""

    @label.setter
    def label(self, text: str) -> None:
        self._label = text

    @property
    def op(self) -> str:
        """The symbol of the op that made this node ("" for a leaf)."""
        return "" if self._op is None else self._op.symbol

    @property
    def rule(self) -> Op | None:
        """The :class:`~autograd.ops.Op` that made this node (None for a leaf)."""
        return self._op

    @property
    def param(self) -> float | None:
        """The constant parameter of a parametrised op (the exponent of ``x ** 2``), else None."""
        op = self._op
        return self._b if op is not None and op.has_param else None

    @property
    def parents(self) -> tuple[Value, ...]:
        """The nodes this one was computed from, in the op's argument order (() for a leaf)."""
        return _parents(self)

    @property
    def is_leaf(self) -> bool:
        return self._op is None

    def __repr__(self) -> str:
        label = f", label={self.label!r}" if self.label else ""
        return f"Value(data={self.data!r}, grad={self.grad!r}{label})"

    # ---- pickle and copy -----------------------------------------------------------------------
    def __getstate__(self) -> dict[str, Any]:
        """The slots that are set, except the backward pass's scratch (``_n``) and its kept order
        (``_tape``), which a copy rebuilds. Without this, CPython 3.10 pickles a slotted subclass such
        as nn's Parameter with protocol 0 or 1 as an empty object (and refuses a Value)."""
        names = ("data", "grad", "_label", "_op", "_a", "_b")  # _label is left unset on op nodes
        return {name: getattr(self, name) for name in names if hasattr(self, name)}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self._n = 0
        for name, value in state.items():
            setattr(self, name, value)

    def __float__(self) -> float:
        return self.data

    # Comparisons look at the numbers; == is deliberately left as identity so Values stay hashable
    # (graph algorithms keep them in dicts and sets).
    def __lt__(self, other: Any) -> bool:
        return self.data < _data(other)

    def __le__(self, other: Any) -> bool:
        return self.data <= _data(other)

    def __gt__(self, other: Any) -> bool:
        return self.data > _data(other)

    def __ge__(self, other: Any) -> bool:
        return self.data >= _data(other)

    # ---- the hot binary ops: inlined forward, checked against the rule by the tests ------------
    def __add__(self, other: Any) -> Value:
        if not isinstance(other, Value):
            other = _constant(other, "+")
        if _PLAIN:
            node = _new(Value)  # _node() inlined: these three ops are most of every graph
            node.data = self.data + other.data
            node.grad = 0.0
            node._op = ADD
            node._a = self
            node._b = other
            node._n = 0
            return node
        return _apply(ADD, self, other)

    def __radd__(self, other: Any) -> Value:
        return _constant(other, "+").__add__(self)

    def __sub__(self, other: Any) -> Value:
        if not isinstance(other, Value):
            other = _constant(other, "-")
        if _PLAIN:
            node = _new(Value)  # _node() inlined: these three ops are most of every graph
            node.data = self.data - other.data
            node.grad = 0.0
            node._op = SUB
            node._a = self
            node._b = other
            node._n = 0
            return node
        return _apply(SUB, self, other)

    def __rsub__(self, other: Any) -> Value:
        return _constant(other, "-").__sub__(self)

    def __mul__(self, other: Any) -> Value:
        if not isinstance(other, Value):
            other = _constant(other, "*")
        if _PLAIN:
            node = _new(Value)  # _node() inlined: these three ops are most of every graph
            node.data = self.data * other.data
            node.grad = 0.0
            node._op = MUL
            node._a = self
            node._b = other
            node._n = 0
            return node
        return _apply(MUL, self, other)

    def __rmul__(self, other: Any) -> Value:
        return _constant(other, "*").__mul__(self)

    # ---- everything else goes through the rule table -------------------------------------------
    def __truediv__(self, other: Any) -> Value:
        return _apply(_ops.DIV, self, other if isinstance(other, Value) else _constant(other, "/"))

    def __rtruediv__(self, other: Any) -> Value:
        return _apply(_ops.DIV, _constant(other, "/"), self)

    def __pow__(self, other: Any) -> Value:
        if isinstance(other, Value):
            return _apply(_ops.POW, self, other)
        if isinstance(other, numbers.Real) and not isinstance(other, bool):
            return _apply_param(_ops.POWC, self, float(other))
        raise TypeError(_bad_operand("**", other))

    def __rpow__(self, other: Any) -> Value:
        return _apply(_ops.POW, _constant(other, "**"), self)

    def __neg__(self) -> Value:
        return _apply(_ops.NEG, self)

    def __pos__(self) -> Value:
        return self

    def __abs__(self) -> Value:
        return _apply(_ops.ABS, self)

    def exp(self) -> Value:
        """eˣ. Overflow (x > 709.78) raises OverflowError naming exp, never returns inf silently."""
        return _apply(_ops.EXP, self)

    def log(self) -> Value:
        """Natural logarithm; raises ValueError for inputs ≤ 0."""
        return _apply(_ops.LOG, self)

    def sqrt(self) -> Value:
        """Square root; raises ValueError for negative inputs. The derivative at 0 is +inf."""
        return _apply(_ops.SQRT, self)

    def tanh(self) -> Value:
        out = math.tanh(self.data)  # inlined like + - *: activations run once per neuron per sample
        if _PLAIN:
            return _node(out, TANH, self, None)
        return _finish(TANH, out, self, None)

    def sigmoid(self) -> Value:
        """1 / (1 + e⁻ˣ), computed without overflow for any input."""
        return _apply(_ops.SIGMOID, self)

    def relu(self) -> Value:
        """max(0, x); its derivative at 0 is taken as 0 (PyTorch's convention)."""
        data = self.data
        out = data if data > 0.0 or data != data else 0.0  # as ops._relu: nan stays nan
        if _PLAIN:
            node = _new(Value)  # _node() inlined: one relu per hidden neuron per sample
            node.data = out
            node.grad = 0.0
            node._op = RELU
            node._a = self
            node._b = None
            node._n = 0
            return node
        return _finish(RELU, out, self, None)

    def leaky_relu(self, slope: float = 0.01) -> Value:
        """x for x > 0, slope·x otherwise."""
        if not isinstance(slope, numbers.Real) or isinstance(slope, bool) or not math.isfinite(slope):
            raise TypeError(f"leaky_relu slope must be a finite real number, got {_short(slope)}")
        return _apply_param(_ops.LEAKY_RELU, self, float(slope))

    def sin(self) -> Value:
        return _apply(_ops.SIN, self)

    def cos(self) -> Value:
        return _apply(_ops.COS, self)

    def erf(self) -> Value:
        """The error function, 2/√π·∫₀ˣ e^(−t²) dt (exact GELU is x·(1 + erf(x/√2))/2)."""
        return _apply(_ops.ERF, self)

    def softplus(self) -> Value:
        """ln(1 + eˣ), a smooth relu; its derivative is sigmoid(x). No overflow for any input."""
        return _apply(_ops.SOFTPLUS, self)

    # ---- reverse mode ------------------------------------------------------------------------------
    def backward(self, grad: float = 1.0) -> None:
        """Accumulate d(self)/d(node) · grad into ``.grad`` of every node reachable from here.

        Gradients add up across calls, as in PyTorch: call ``zero_grad()`` (or set ``.grad = 0``)
        between steps. Iterative, so chains of millions of nodes are fine.
        """
        _backward_module.backward(self, grad)


# ---- node construction ----------------------------------------------------------------------------
_new = object.__new__


def _node(data: float, op: Op, a: Any, b: Any) -> Value:
    """Make an op node without Value.__init__'s checks (data is already a float)."""
    node = _new(Value)
    node.data = data
    node.grad = 0.0
    node._op = op
    node._a = a
    node._b = b
    node._n = 0
    return node


def _constant(x: Any, symbol: str) -> Value:
    """Wrap a plain number used in an expression as a leaf node, so it shows in the graph."""
    if type(x) is float:  # the common case (1.0 - y·s), without the abstract-class check below,
        return Value(x)  # which took half of the time of a float-and-Value op
    if isinstance(x, numbers.Real) and not isinstance(x, bool):
        return Value(float(x))
    raise TypeError(_bad_operand(symbol, x))


def _bad_operand(symbol: str, x: Any) -> str:
    return (
        f"unsupported operand for {symbol}: Value and {type(x).__name__} ({_short(x)}); "
        "combine a Value with another Value or a real number"
    )


def _data(x: Any) -> float:
    if isinstance(x, Value):
        return x.data
    if isinstance(x, numbers.Real):
        return float(x)
    raise TypeError(f"cannot compare a Value with {type(x).__name__} ({_short(x)})")


def _finish(op: Op, out: float, a: Any, b: Any) -> Value:
    """An op's result off the fast path: checked under detect_anomaly(), a leaf under no_grad(), and
    an ordinary node in a thread whose mode is plain while some other thread's is not."""
    mode = _THREAD_MODE
    if mode.anomaly and not math.isfinite(out):
        if op is DOT:
            inputs = _dot_parents(a, b)
        else:
            inputs = a if op.arity == VARIADIC else (a,) if op.arity == 1 and not op.has_param else (a, b)
        shown = ", ".join(repr(x.data if isinstance(x, Value) else x) for x in inputs)
        raise FloatingPointError(
            f"detect_anomaly: {op.name} produced {out!r} in the forward pass from input(s) ({shown})"
        )
    if not mode.grad_enabled:
        return _node(out, None, None, None)  # type: ignore[arg-type]  # a leaf: no op, no parents
    return _node(out, op, a, b)


def _apply(op: Op, *inputs: Value) -> Value:
    """Run a unary or binary op with its rule's forward."""
    if len(inputs) == 2:
        a, b = inputs
        out = op.forward(a.data, b.data)
    else:
        a, b = inputs[0], None
        out = op.forward(a.data)
    if _PLAIN:
        return _node(out, op, a, b)
    return _finish(op, out, a, b)


def _apply_param(op: Op, x: Value, param: float) -> Value:
    out = op.forward(x.data, param)
    if _PLAIN:
        return _node(out, op, x, param)
    return _finish(op, out, x, param)


def _apply_variadic(op: Op, inputs: tuple[Value, ...]) -> Value:
    out = op.forward(*[v.data for v in inputs])
    if _PLAIN:
        return _node(out, op, inputs, None)
    return _finish(op, out, inputs, None)


def _as_values(items: Iterable[Any], what: str) -> tuple[Value, ...]:
    values = tuple(v if isinstance(v, Value) else _constant(v, what) for v in items)
    return values


def sum_of(values: Iterable[Value | Number]) -> Value:
    """Σ values as *one* node with n inputs (each local derivative is 1).

    Equivalent to ``v1 + v2 + … + vn`` but with one node instead of n−1, which keeps loss graphs over
    a data set small and fast. An empty sum is ``Value(0.0)``.
    """
    items = _as_values(values, "sum_of")
    if not items:
        return Value(0.0)
    if len(items) == 1:
        return items[0]
    return _apply_variadic(SUM, items)


class Leaves(tuple[Value, ...]):
    """A tuple of leaf Values, checked once when it is made.

    A node's op never changes, so a leaf stays a leaf: a dot node whose weights (and bias) come as
    ``Leaves`` has nothing of them to count or count down in ``backward()``, which then walks only its
    inputs. A neuron keeps its parameters as one ``Leaves`` and passes it on every sample.
    """

    __slots__ = ()

    def __new__(cls, values: Iterable[Value]) -> Leaves:
        made = super().__new__(cls, values)
        for v in made:
            if not isinstance(v, Value) or v._op is not None:
                raise ValueError(f"Leaves: every item must be a leaf Value, got {_short(v)}")
        return made


def _parents(node: Value) -> tuple[Value, ...]:
    """:attr:`Value.parents` as a function: the one place that knows how the slots hold the inputs
    (``autograd.backward`` calls it directly, without the property lookup)."""
    op = node._op
    if op is None:
        return ()
    arity = op.arity
    if arity == 2:
        return (node._a, node._b)
    if arity == 1:
        return (node._a,)
    if op is DOT:
        return _dot_parents(node._a, node._b)
    return node._a


def _dot_parents(params: tuple[Value, ...], inputs: tuple[Value, ...]) -> tuple[Value, ...]:
    """A dot node's inputs in the op's argument order, w₁ … wₙ, x₁ … xₙ (, b), from its two slots."""
    n = len(inputs)
    return params[:n] + inputs + params[n:]


def dot(
    weights: Sequence[Value | Number], inputs: Sequence[Value | Number], bias: Value | Number | None = None
) -> Value:
    """Σ wᵢ·xᵢ (+ b) as one node: a neuron's weighted sum.

    Its local derivatives are simply ∂/∂wᵢ = xᵢ, ∂/∂xᵢ = wᵢ and ∂/∂b = 1. One n-ary node instead of
    2n binary ones is what makes an MLP step fast; pictures and traces show it as "Σ wᵢ·xᵢ + b".
    """
    n = len(weights)
    if n != len(inputs):
        raise ValueError(
            f"dot: got {n} weights but {len(inputs)} inputs; they must pair up one to one "
            "(check the layer's nin against the size of the input)"
        )
    if not n:
        raise ValueError("dot: needs at least one weight/input pair")
    params: tuple[Any, ...] = tuple(weights) if bias is None else (*weights, bias)
    return dot_node(params, inputs)  # which keeps inputs as a tuple (a copy of a list)


def dot_node(params: Sequence[Any], inputs: Sequence[Any]) -> Value:
    """:func:`dot` with its operands as the node keeps them: ``params`` the weights and then the bias,
    if there is one more param than inputs; ``inputs`` the xᵢ. Both tuples are kept as they are, not
    copied, so a neuron can pass the same params (a :class:`Leaves`) on every sample and a layer the
    same inputs to each of its neurons. With one param more than inputs, the last one is the bias: a
    weight too few would pass for it, so a caller that knows its sizes checks them (:func:`dot` does).
    """
    if type(inputs) is not tuple:  # the node keeps them: a list could change under it
        inputs = tuple(inputs)
    if type(params) is not Leaves and type(params) is not tuple:
        params = tuple(params)
    n = len(inputs)
    extra = len(params) - n
    if not n or (extra and extra != 1):
        raise ValueError(
            f"dot_node: got {len(params)} params for {n} inputs; give one weight per input (at least "
            "one), then optionally the bias"
        )
    # The common case, every item a Value, costs no per-item type check: a plain number has no .data
    # (AttributeError) and a numpy scalar's .data is a memoryview (TypeError), so anything else falls
    # through to the converting path below. This runs for every neuron on every sample.
    try:
        total = params[n].data + 0.0 if extra else 0.0
        # One loop with next() rather than zip(): CPython 3.11+ runs a loop over a tuple faster than
        # one over zip (the same speed on 3.10).
        ws = iter(params)
        for x in inputs:
            total += next(ws).data * x.data
        if type(total) is float:
            if _PLAIN:
                node = _new(Value)  # _node() inlined: one dot per neuron per sample
                node.data = total
                node.grad = 0.0
                node._op = DOT
                node._a = params
                node._b = inputs
                node._n = 0
                return node
            return _finish(DOT, total, params, inputs)
    except (AttributeError, TypeError):
        pass
    params, inputs = _as_values(params, "dot"), _as_values(inputs, "dot")
    out = DOT.forward(*[v.data for v in _dot_parents(params, inputs)])
    if _PLAIN:
        return _node(out, DOT, params, inputs)
    return _finish(DOT, out, params, inputs)


# Every op must be one of: binary (two Value inputs), unary (+ an optional constant), variadic.
assert all(op.arity in (1, 2, VARIADIC) for op in _ops.OPS.values())

# Imported last because autograd.backward imports this module (so it may be half-loaded here; its
# backward() is looked up when called). At module level rather than inside Value.backward, where the
# import statement ran on every call (a micro-second each on CPython 3.10).
from . import backward as _backward_module  # noqa: E402
