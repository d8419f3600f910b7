"""Hypothesis strategies for random expression graphs over every op, with a sympy twin of each.

A tree is a nested tuple: ``("var", name)``, ``("const", c)``, ``(op_name, child[, child])`` or
``("powc", child, n)`` / ``("leaky_relu", child, slope)`` / ``("sum", *children)`` /
``("dot", (w...), (x...), bias)``. :func:`to_value` builds it with gradstep, :func:`to_sympy` builds
the same function with sympy, the independent oracle.

Every op keeps its input inside its domain by construction: ``log`` and ``sqrt`` see ``u² + ½``,
a divisor is ``u² + 1``, a fractional power has a positive base, ``pow`` with a Value exponent has
base ``u² + ½``. Non-differentiable points (relu, abs, leaky_relu at 0) are avoided with
:func:`kinks_are_clear`, which tests use with ``hypothesis.assume``.
"""

from __future__ import annotations

import math
from typing import Any

import sympy as sp
from hypothesis import strategies as st

from autograd import Value, dot, sum_of

VARIABLES = ("x", "y", "z")
UNARY = ("neg", "abs", "exp", "log", "sqrt", "tanh", "sigmoid", "relu", "sin", "cos")
BINARY = ("add", "sub", "mul", "div", "pow")
KINKED = ("abs", "relu", "leaky_relu")


def _positive(u: Any) -> Any:
    """u² + ½: a positive stand-in for u (same for Values and sympy)."""
    return u * u + 0.5


def to_value(tree: tuple, env: dict[str, Value]) -> Value:
    return _build(tree, env, _VALUE)


def to_sympy(tree: tuple, symbols: dict[str, sp.Symbol]) -> sp.Expr:
    return _build(tree, symbols, _SYMPY)


class _ValueOps:
    @staticmethod
    def const(c: float) -> Any:
        return Value(c)

    @staticmethod
    def unary(name: str, u: Any) -> Any:
        if name == "neg":
            return -u
        if name == "abs":
            return abs(u)
        return getattr(u, name)()

    @staticmethod
    def leaky_relu(u: Any, slope: float) -> Any:
        return u.leaky_relu(slope)

    @staticmethod
    def sum(items: list[Any]) -> Any:
        return sum_of(items)

    @staticmethod
    def dot(ws: list[Any], xs: list[Any], bias: Any) -> Any:
        return dot(ws, xs, bias)


class _SympyOps:
    @staticmethod
    def const(c: float) -> Any:
        return sp.Float(c)

    @staticmethod
    def unary(name: str, u: Any) -> Any:
        return {
            "neg": lambda: -u,
            "abs": lambda: sp.Abs(u),
            "exp": lambda: sp.exp(u),
            "log": lambda: sp.log(u),
            "sqrt": lambda: sp.sqrt(u),
            "tanh": lambda: sp.tanh(u),
            "sigmoid": lambda: 1 / (1 + sp.exp(-u)),
            "relu": lambda: sp.Piecewise((u, u > 0), (0, True)),
            "sin": lambda: sp.sin(u),
            "cos": lambda: sp.cos(u),
        }[name]()

    @staticmethod
    def leaky_relu(u: Any, slope: float) -> Any:
        return sp.Piecewise((u, u > 0), (slope * u, True))

    @staticmethod
    def sum(items: list[Any]) -> Any:
        return sp.Add(*items)

    @staticmethod
    def dot(ws: list[Any], xs: list[Any], bias: Any) -> Any:
        return sp.Add(*[w * x for w, x in zip(ws, xs)], bias)


_VALUE, _SYMPY = _ValueOps(), _SympyOps()


def _build(tree: tuple, env: dict[str, Any], ops: Any) -> Any:
    kind = tree[0]
    if kind == "var":
        return env[tree[1]]
    if kind == "const":
        return ops.const(tree[1])
    if kind == "sum":
        return ops.sum([_build(t, env, ops) for t in tree[1:]])
    if kind == "dot":
        ws = [_build(t, env, ops) for t in tree[1]]
        xs = [_build(t, env, ops) for t in tree[2]]
        return ops.dot(ws, xs, _build(tree[3], env, ops))
    if kind in ("log", "sqrt"):
        return ops.unary(kind, _positive(_build(tree[1], env, ops)))
    if kind in UNARY:
        return ops.unary(kind, _build(tree[1], env, ops))
    if kind == "leaky_relu":
        return ops.leaky_relu(_build(tree[1], env, ops), tree[2])
    if kind == "powc":
        base, n = _build(tree[1], env, ops), tree[2]
        return (_positive(base) if not float(n).is_integer() else base) ** n
    a, b = _build(tree[1], env, ops), _build(tree[2], env, ops)
    if kind == "add":
        return a + b
    if kind == "sub":
        return a - b
    if kind == "mul":
        return a * b
    if kind == "div":
        return a / (b * b + 1.0)
    if kind == "pow":
        return _positive(a) ** b
    raise ValueError(f"unknown tree node {kind!r}")


def kinks_are_clear(tree: tuple, point: dict[str, float], margin: float = 1e-3) -> bool:
    """True when every relu/abs/leaky_relu input is at least ``margin`` away from 0 at ``point``."""
    env = {name: Value(v) for name, v in point.items()}
    clear = True

    def walk(t: tuple) -> None:
        nonlocal clear
        if t[0] in KINKED and abs(to_value(t[1], env).data) < margin:
            clear = False
        for child in t[1:]:
            if isinstance(child, tuple) and child and isinstance(child[0], str):
                walk(child)
            elif isinstance(child, tuple):
                for c in child:
                    walk(c)

    walk(tree)
    return clear


def value_is_tame(tree: tuple, point: dict[str, float], limit: float = 1e6) -> bool:
    """True when the tree evaluates (no domain/overflow error) to a modest number at ``point``, and so
    does every step on the way: sin(1/x) at x = 1e-144 is a modest number of a 9e143 argument, which
    float64 holds only to within ±1e128, so no engine's value can match the exact one."""
    try:
        root = to_value(tree, {name: Value(v) for name, v in point.items()})
    except (OverflowError, ValueError, ZeroDivisionError):
        return False
    seen, todo = set(), [root]
    while todo:
        node = todo.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if not (math.isfinite(node.data) and abs(node.data) < limit):
            return False
        todo.extend(node.parents)
    return True


_leaf = st.one_of(
    st.sampled_from(VARIABLES).map(lambda v: ("var", v)),
    st.floats(-3, 3, allow_nan=False).map(lambda c: ("const", round(c, 3))),
)


def _extend(children: st.SearchStrategy) -> st.SearchStrategy:
    return st.one_of(
        st.tuples(st.sampled_from(UNARY), children),
        st.tuples(st.sampled_from(BINARY), children, children),
        st.tuples(st.just("powc"), children, st.sampled_from([2, 3, -1, 0.5, 1.5])),
        st.tuples(st.just("leaky_relu"), children, st.sampled_from([0.01, 0.1, 0.3])),
        st.lists(children, min_size=2, max_size=4).map(lambda cs: ("sum", *cs)),
        st.integers(1, 3).flatmap(
            lambda n: st.tuples(
                st.just("dot"),
                st.lists(children, min_size=n, max_size=n).map(tuple),
                st.lists(children, min_size=n, max_size=n).map(tuple),
                children,
            )
        ),
    )


def trees(max_leaves: int = 12) -> st.SearchStrategy:
    """Random expression trees over x, y, z using every op."""
    return st.recursive(_leaf, _extend, max_leaves=max_leaves)


def points(low: float = -2.0, high: float = 2.0) -> st.SearchStrategy:
    """A value for each of x, y, z."""
    coord = st.floats(low, high, allow_nan=False, allow_infinity=False)
    return st.fixed_dictionaries({name: coord for name in VARIABLES})


def variables_of(tree: tuple) -> set[str]:
    found: set[str] = set()

    def walk(t: Any) -> None:
        if isinstance(t, tuple) and t and t[0] == "var":
            found.add(t[1])
        elif isinstance(t, tuple):
            for c in t[1:] if t and isinstance(t[0], str) else t:
                walk(c)

    walk(tree)
    return found
