"""Value basics: what a node holds, how it prints and compares, and that graphs free themselves."""

from __future__ import annotations

import gc
from collections.abc import Callable

import pytest

from autograd import Value, dot, grad, sum_of
from autograd.ops import OPS


def test_a_new_leaf() -> None:
    v = Value(3, "x")
    assert v.data == 3.0 and type(v.data) is float
    assert v.grad == 0.0
    assert v.label == "x"
    assert v.op == "" and v.rule is None and v.parents == () and v.param is None
    assert v.is_leaf
    assert Value(1.0).label == ""
    assert Value.is_parameter is False and v.is_parameter is False


def test_repr_shows_data_grad_and_label() -> None:
    v = Value(-2.5, "w")
    v.grad = 0.125
    text = repr(v)
    assert text.startswith("Value(")
    assert "-2.5" in text and "0.125" in text and "'w'" in text
    assert "label" not in repr(Value(1.0))  # no empty label clutter


def test_label_is_writable() -> None:
    y = Value(1.0) * 2
    y.label = "y"
    assert y.label == "y" and "'y'" in repr(y)


def test_float_conversion() -> None:
    assert float(Value(-0.75)) == -0.75
    assert float(Value(2.0) * 3) == 6.0


@pytest.mark.parametrize(
    ("make", "symbol", "name"),
    [
        (lambda a, b: a + b, "+", "add"),
        (lambda a, b: a - b, "-", "sub"),
        (lambda a, b: a * b, "*", "mul"),
        (lambda a, b: a / b, "/", "div"),
        (lambda a, b: a**b, "**", "pow"),
        (lambda a, b: a**2, "**", "powc"),
    ],
)
def test_arithmetic_ops_use_the_operator_symbols(make, symbol: str, name: str) -> None:  # noqa: ANN001
    node = make(Value(2.0), Value(3.0))
    assert node.op == symbol
    assert node.rule is OPS[name]
    assert not node.is_leaf


@pytest.mark.parametrize(
    ("make", "name"),
    [
        (lambda a: -a, "neg"),
        (abs, "abs"),
        (Value.exp, "exp"),
        (Value.log, "log"),
        (Value.sqrt, "sqrt"),
        (Value.tanh, "tanh"),
        (Value.sigmoid, "sigmoid"),
        (Value.relu, "relu"),
        (Value.leaky_relu, "leaky_relu"),
        (Value.sin, "sin"),
        (Value.cos, "cos"),
    ],
)
def test_unary_ops_record_their_rule(make, name: str) -> None:  # noqa: ANN001
    a = Value(2.0)
    node = make(a)
    assert node.rule is OPS[name]
    assert node.op == OPS[name].symbol != ""
    assert node.parents == (a,) and node.parents[0] is a


def test_parents_are_in_argument_order() -> None:
    a, b = Value(1.0, "a"), Value(2.0, "b")
    for node in (a - b, a / b, a**b, a * b, a + b):
        assert node.parents[0] is a and node.parents[1] is b
    for node in (b - a, b / a, b**a):
        assert node.parents[0] is b and node.parents[1] is a


def test_plain_numbers_become_leaves_on_their_side() -> None:
    x = Value(5.0)
    left = 3 - x
    right = x - 3
    assert left.parents[1] is x and left.parents[0].data == 3.0 and left.parents[0].is_leaf
    assert right.parents[0] is x and right.parents[1].data == 3.0
    power = 2**x
    assert power.op == "**" and power.rule is OPS["pow"] and power.parents[0].data == 2.0
    assert (1 / x).parents[1] is x


def test_constant_parameters_live_in_param() -> None:
    x = Value(2.0)
    square = x**2
    assert square.parents == (x,) and square.param == 2.0
    leaky = x.leaky_relu(0.3)
    assert leaky.parents == (x,) and leaky.param == 0.3
    assert x.leaky_relu().param == 0.01
    assert (x * 2).param is None and x.exp().param is None


def test_nary_parents() -> None:
    ws = [Value(1.0), Value(2.0)]
    xs = [Value(3.0), Value(4.0)]
    bias = Value(0.5)
    d = dot(ws, xs, bias)
    assert d.op == OPS["dot"].symbol and d.rule is OPS["dot"]
    assert d.parents == (ws[0], ws[1], xs[0], xs[1], bias)
    assert dot(ws, xs).parents == (ws[0], ws[1], xs[0], xs[1])
    s = sum_of(xs + [bias])
    assert s.rule is OPS["sum"] and s.parents == (xs[0], xs[1], bias)


def test_sum_of_degenerate_cases() -> None:
    x = Value(4.0)
    assert sum_of([x]) is x
    empty = sum_of([])
    assert empty.data == 0.0 and empty.is_leaf
    assert sum_of(v for v in (x, x)).data == 8.0  # any iterable


def test_unary_plus_is_the_same_node() -> None:
    x = Value(1.0)
    assert +x is x


def test_comparisons_look_at_data() -> None:
    a, b = Value(1.0), Value(2.0)
    assert a < b and a <= b and b > a and b >= a
    assert not (a > b) and not (b < a)
    assert a <= Value(1.0) and a >= Value(1.0)
    assert a < 1.5 and a > 0 and a <= 1 and a >= 1.0
    assert 0.5 < a and 3 > a  # noqa: SIM300 -- the reflected operators are under test
    assert max([a, b, Value(-3.0)]) is b
    assert sorted([b, Value(-3.0), a])[0].data == -3.0


def test_equality_is_identity_and_values_are_hashable() -> None:
    a, b = Value(1.0), Value(1.0)
    assert a == a and a != b
    assert a != 1.0 and (a == 1.0) is False
    assert len({a, b, a}) == 2
    assert {a: "a", b: "b"}[b] == "b"


def test_value_has_slots_and_no_dict() -> None:
    assert "__slots__" in Value.__dict__
    v = Value(1.0)
    assert not hasattr(v, "__dict__")
    with pytest.raises(AttributeError):
        v.something_else = 1  # type: ignore[attr-defined]
    node = v * 2
    assert not hasattr(node, "__dict__")
    assert not hasattr(dot([v], [node]), "__dict__")


def _live_values() -> int:
    return sum(1 for obj in gc.get_objects() if type(obj) is Value)


def _freed_by_refcounting(build: Callable[[], Value]) -> tuple[int, int]:
    """(nodes the graph added, nodes still alive after ``del`` of its output), with the cycle
    collector switched off: anything in a reference cycle would survive the ``del``."""
    was_enabled = gc.isenabled()
    gc.collect()
    gc.disable()
    try:
        before = _live_values()
        out = build()
        added = _live_values() - before
        del out
        return added, _live_values() - before
    finally:
        if was_enabled:
            gc.enable()


def test_a_graph_has_no_reference_cycles() -> None:
    """Dropping the output frees every interior node (and constant leaf) at once, by reference counting."""
    keep = [Value(0.5), Value(-1.5)]

    def build() -> Value:
        x, y = keep
        h = (x * y).tanh()
        return sum_of([h * h, dot([h, x], [y, y], 1.0), (h + 1.0).log(), h**2, x.leaky_relu(0.1), 2 - x])

    added, left = _freed_by_refcounting(build)
    assert added >= 10
    assert left == 0
    assert keep[0].data == 0.5  # the leaves the caller holds stay


def test_backward_and_grad_leave_no_cycles_either() -> None:
    keep = [Value(0.5)]

    def build() -> Value:
        (x,) = keep
        h = x.sin() * x
        out = h.exp() + h
        out.backward()
        (dx,) = grad(out, [x], create_graph=True)
        (ddx,) = grad(dx, [x], create_graph=True)
        out.label = f"{ddx.data:.3f}"
        return out

    added, left = _freed_by_refcounting(build)
    assert added >= 4
    assert left == 0


def test_values_and_parameters_pickle_and_copy_with_every_protocol() -> None:
    """On CPython 3.10, protocols 0 and 1 refused a Value and turned nn's Parameter (a slotted
    subclass) into an object without data; every protocol and copy.deepcopy keep data, grad and label."""
    import copy
    import pickle

    from nn import Parameter

    for original in (Value(2.5, "a"), Parameter(-1.5, "w1")):
        original.grad = 0.25
        copies = [pickle.loads(pickle.dumps(original, p)) for p in range(pickle.HIGHEST_PROTOCOL + 1)]
        for other in [*copies, copy.deepcopy(original)]:
            assert type(other) is type(original)
            assert (other.data, other.grad, other.label, other.is_leaf) == (original.data, 0.25, original.label, True)
            other.backward()
            assert other.grad == 1.25
    y = Value(3.0) * Value(4.0)
    y.backward()
    again = copy.deepcopy(y)
    again.backward()  # the copy's graph is its own, with a clean scratch slot
    assert again.data == 12.0 and [p.grad for p in again.parents] == [8.0, 6.0]
