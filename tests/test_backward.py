"""backward(): the fast path against the rules, accumulation, and depth.

``backward()`` pushes ``*``, ``dot``, ``+``, ``relu``, ``sum``, ``tanh`` and ``-`` with hand-inlined code,
and ``Value.__add__/__sub__/__mul__`` and ``autograd.dot`` compute their forward value inline. DESIGN.md
allows such hot paths only if they are checked against the op's rule: that is what this file does, on
single nodes and on random graphs over every op (the generic ``propagate()`` is the reference).
"""

from __future__ import annotations

import gc
import math
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from strategies import VARIABLES, to_value, trees, value_is_tame

from autograd import Value, backprop_order, detect_anomaly, dot, grad, sum_of
from autograd.backward import local_derivatives, propagate
from autograd.ops import ADD, COS, DOT, MUL, OPS, SUB

finite = st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False)


def _close(a: float, b: float, scale: float, rel: float = 1e-12) -> bool:
    """Equal to ``rel`` relative; ``scale`` (the graph's largest gradient) bounds rounding near 0."""
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return math.isclose(a, b, rel_tol=rel, abs_tol=rel * scale)


def _fresh_graph(tree: tuple, point: dict[str, float]) -> tuple[Value, dict[str, Value], list[Value]]:
    env = {name: Value(v, name) for name, v in point.items()}
    root = to_value(tree, env)
    return root, env, backprop_order(root, include_leaves=True)


# ---- inlined forward == the rule's forward -----------------------------------------------------
@given(finite, finite)
def test_inlined_binary_forwards_equal_the_rules(a: float, b: float) -> None:
    x, y = Value(a), Value(b)
    assert (x + y).data == ADD.forward(a, b)
    assert (x - y).data == SUB.forward(a, b)
    assert (x * y).data == MUL.forward(a, b)
    assert (x + b).data == ADD.forward(a, b)
    assert (a - y).data == SUB.forward(a, b)
    assert (a * y).data == MUL.forward(a, b)


@given(
    st.integers(1, 5).flatmap(
        lambda n: st.tuples(
            st.lists(finite, min_size=n, max_size=n),
            st.lists(finite, min_size=n, max_size=n),
            st.one_of(st.none(), finite),
        )
    )
)
def test_inlined_dot_forward_equals_the_rule(case: tuple[list[float], list[float], float | None]) -> None:
    ws, xs, bias = case
    out = dot([Value(w) for w in ws], [Value(x) for x in xs], None if bias is None else Value(bias))
    items = ws + xs + ([] if bias is None else [bias])
    assert out.data == DOT.forward(*items)
    assert out.data == pytest.approx(
        math.fsum(w * x for w, x in zip(ws, xs)) + (bias or 0.0), rel=1e-9, abs=1e-3
    )


def test_inlined_node_construction_sets_exactly_what_node_sets() -> None:
    """+, -, * (with a Value or a number), relu and dot build their node inline instead of calling
    value._node() (a measurable 1-2 % of an MLP step); each must leave every slot as _node() does, so a
    slot added to Value and to _node() but not to an inlined copy fails here."""
    from autograd import value as value_module
    from autograd.ops import RELU

    x, y = Value(1.5), Value(-2.0)
    w = [Value(0.3), Value(-1.7)]
    b = Value(0.2)
    made = {
        "+": (x + y, ADD, x, y), "-": (x - y, SUB, x, y), "*": (x * y, MUL, x, y),
        "relu": (x.relu(), RELU, x, None), "dot": (dot(w, [x, y], b), DOT, (*w, b), (x, y)),
    }
    for name, (fast, op, a, b_) in made.items():
        reference = value_module._node(fast.data, op, a, b_)
        for slot in Value.__slots__:
            assert hasattr(fast, slot) == hasattr(reference, slot), (name, slot)
            if hasattr(reference, slot) and slot not in ("_a", "_b"):
                assert getattr(fast, slot) == getattr(reference, slot), (name, slot)
        if name == "dot":  # the params (weights, bias) and the inputs, each one tuple the node keeps
            assert fast._op is op and fast._a == a and fast._b == b_ and fast.parents == (*w, x, y, b), name
        else:
            assert fast._op is op and fast._a is a and fast._b is b_, name
    assert x.relu().data == RELU.forward(1.5) and Value(-1.0).relu().data == RELU.forward(-1.0)
    for constant_on_the_left in (2.0 + x, 2.0 - x, 2.0 * x):  # the float-constant paths
        for slot in ("data", "grad", "_op", "_a", "_b", "_n"):
            assert hasattr(constant_on_the_left, slot), slot


def test_the_generic_forward_path_gives_the_same_numbers() -> None:
    """Under detect_anomaly() the hot ops go through _apply (the rule): the numbers must not change."""
    a, b, w = Value(0.1), Value(0.7), [Value(0.3), Value(-1.7)]
    plain = [(a + b).data, (a - b).data, (a * b).data, dot(w, [a, b], 0.2).data]
    with detect_anomaly():
        checked = [(a + b).data, (a - b).data, (a * b).data, dot(w, [a, b], 0.2).data]
    assert plain == checked


# ---- inlined backward pushes == the rules, node by node ---------------------------------------
SINGLE_NODES = {
    "mul": lambda p: p[0] * p[1],
    "add": lambda p: p[0] + p[1],
    "sub": lambda p: p[0] - p[1],
    "relu": lambda p: p[0].relu(),
    "tanh": lambda p: p[0].tanh(),
    "sum": lambda p: sum_of(p[:3]),
    "dot": lambda p: dot(p[:2], p[2:4]),
    "dot+bias": lambda p: dot(p[:2], p[2:4], p[4]),
    "dot repeated": lambda p: dot([p[0], p[0]], [p[0], p[1]], p[0]),
    "mul x*x": lambda p: p[0] * p[0],
    "sub x-x": lambda p: p[0] - p[0],
}


@pytest.mark.parametrize("name", SINGLE_NODES)
@pytest.mark.parametrize("data", [(1.5, -2.0, 0.25, 3.0, -0.5), (-1.5, 0.0, 4.0, -3.0, 2.0), (0.0,) * 5])
@pytest.mark.parametrize("seed", [1.0, -2.5])
def test_each_inlined_push_equals_its_rule(name: str, data: tuple[float, ...], seed: float) -> None:
    """The first pass pushes into ``.grad``, later passes from the same root through ``_n``: both,
    node by node, add exactly what the rule says (the third call checks the pass that only pushes)."""
    leaves = [Value(v) for v in data]
    node = SINGLE_NODES[name](leaves)
    this_pass = {leaf: 0.0 for leaf in leaves}
    for parent, local in zip(node.parents, local_derivatives(node)):
        this_pass[parent] += local * seed
    for calls in (1, 2, 3):
        before = [leaf.grad for leaf in leaves]
        node.backward(seed)
        assert [leaf.grad for leaf in leaves] == [b + this_pass[leaf] for b, leaf in zip(before, leaves)], calls


#: one link of a chain per inlined op: the link's input a is the link before it (its only consumer)
CHAIN_LINKS = {
    "mul": lambda y, p: y * p,
    "add": lambda y, p: y + p,
    "sub": lambda y, p: y - p,
    "relu": lambda y, p: (y * p * p).relu(),  # muls in between: relu alone is a no-op on y > 0
    "tanh": lambda y, p: y.tanh() * p,
    "exp (the generic path)": lambda y, p: (y * 0.1).exp() + p,
}


@pytest.mark.parametrize("name", CHAIN_LINKS)
@pytest.mark.parametrize("seed", [1.0, -0.5])
def test_later_passes_that_hand_gradients_down_a_chain_equal_the_first_and_the_rules(
    name: str, seed: float
) -> None:
    """From the second call on, a node whose only consumer comes just before it on the tape gets its
    gradient handed over in a local instead of summed in its slot. Each later pass must add exactly
    what the first added (so every grad is exactly 2×, 3× the first), and the first agrees with the
    generic rule-driven pass; the mixed graph also has nodes used twice, which must not be handed."""
    link = CHAIN_LINKS[name]
    p, q = Value(0.9), Value(-0.4)
    y = Value(0.7)
    for k in range(12):
        y = link(y, p if k % 3 else q)
        if k == 5:
            y = y * y  # a node used twice: summed in its slot as before
    nodes = backprop_order(y, include_leaves=True)
    reference = propagate(y, seed)
    y.backward(seed)
    first = {node: node.grad for node in nodes}
    assert p.grad and q.grad  # a live chain: no zero gradient that any mistake would equal
    for node in nodes:
        assert _close(node.grad, reference.get(node, 0.0), 1.0), node
    for times in (2.0, 3.0):
        y.backward(seed)
        for node in nodes:
            assert _same(node.grad, times * first[node]), (node, times)
    assert all(node._n == 0 for node in nodes)
    assert any(entry[4] for entry in y._tape[1])  # some gradient was handed over (entry: kind, node, a, b, carried)


def test_every_op_has_a_rule_that_backward_can_fall_back_on() -> None:
    """Each op in the table is reachable by the generic code path (local derivatives for every input)."""
    x, y = Value(0.7), Value(1.3)
    made = {
        "add": x + y,
        "sub": x - y,
        "mul": x * y,
        "div": x / y,
        "pow": x**y,
        "powc": x**3,
        "neg": -x,
        "abs": abs(x),
        "exp": x.exp(),
        "log": x.log(),
        "sqrt": x.sqrt(),
        "tanh": x.tanh(),
        "sigmoid": x.sigmoid(),
        "relu": x.relu(),
        "leaky_relu": x.leaky_relu(0.2),
        "sin": x.sin(),
        "cos": x.cos(),
        "erf": x.erf(),
        "softplus": x.softplus(),
        "sum": sum_of([x, y, x]),
        "dot": dot([x], [y], 1.0),
    }
    assert set(made) == set(OPS)
    for name, node in made.items():
        assert node.rule is OPS[name]
        assert len(local_derivatives(node)) == len(node.parents)


# ---- random graphs: backward() == propagate() == grad() --------------------------------------
@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow]
)
@given(
    trees(),
    st.fixed_dictionaries({v: st.floats(-2, 2, allow_nan=False) for v in VARIABLES}),
    st.sampled_from([1.0, -0.5, 3.0]),
)
def test_fast_backward_matches_the_rules_on_random_graphs(
    tree: tuple, point: dict[str, float], seed: float
) -> None:
    assume(value_is_tame(tree, point))
    root, env, nodes = _fresh_graph(tree, point)
    reference = propagate(root, seed)
    root.backward(seed)
    scale = max([1.0] + [abs(g) for g in reference.values() if math.isfinite(g)])
    for node in nodes:
        assert _close(node.grad, reference.get(node, 0.0), scale), (node, reference.get(node))
    leaves = list(env.values())
    for leaf, g in zip(leaves, grad(root, leaves, create_graph=False)):
        assert _close(leaf.grad if seed == 1.0 else leaf.grad / seed, g, scale)
    # Later passes (which reuse the order kept on the root, and sum in another slot) add exactly the
    # same again: every grad doubles, then triples, interior nodes included.
    first = {node: node.grad for node in nodes}
    for times in (2.0, 3.0):
        root.backward(seed)
        for node in nodes:
            assert _same(node.grad, times * first[node]), (node, times)
    assert all(node._n == 0 for node in nodes)  # the scratch slot is clean after every pass


def _same(a: float, b: float) -> bool:
    return (math.isnan(a) and math.isnan(b)) or a == b


# ---- accumulation --------------------------------------------------------------------------------
def test_backward_twice_doubles_every_grad_on_the_lecture_graph() -> None:
    a, b, c, f = Value(2.0), Value(-3.0), Value(10.0), Value(-2.0)
    e = a * b
    d = e + c
    L = d * f
    # By the chain rule, by hand: dL/dd = f, dL/de = f, dL/da = f·b, dL/db = f·a, dL/dc = f, dL/df = d.
    hand = {L: 1.0, d: -2.0, e: -2.0, a: 6.0, b: -4.0, c: -2.0, f: 4.0}
    L.backward()
    assert {n: n.grad for n in hand} == hand
    L.backward()
    assert {n: n.grad for n in hand} == {n: 2 * g for n, g in hand.items()}


def test_backward_accumulates_onto_existing_grads_and_respects_the_seed() -> None:
    x = Value(3.0)
    x.grad = 10.0
    (x * x).backward(0.5)  # d(x²)/dx · 0.5 = 3
    assert x.grad == 13.0
    leaf = Value(1.0)
    leaf.backward(2.0)
    leaf.backward()
    assert leaf.grad == 3.0


@pytest.mark.parametrize(
    ("build", "hand"),
    [
        (lambda x, y: x + x, lambda x, y: (2.0, 0.0)),
        (lambda x, y: x * y + x, lambda x, y: (y + 1.0, x)),
        (lambda x, y: x * x, lambda x, y: (2.0 * x, 0.0)),
        (lambda x, y: (x * y) * (x * y), lambda x, y: (2 * x * y * y, 2 * x * x * y)),
        (lambda x, y: (x - y) - (y - x), lambda x, y: (2.0, -2.0)),
        (lambda x, y: (x + y).tanh() * (x + y).tanh(), None),
    ],
    ids=["a+a", "x*y+x", "x*x", "(xy)²", "(x-y)-(y-x)", "tanh² shared input"],
)
def test_a_node_used_twice(build: Any, hand: Any) -> None:
    xv, yv = 1.25, -0.75
    x, y = Value(xv), Value(yv)
    build(x, y).backward()
    if hand is None:  # d(tanh²(x+y)) = 2·tanh·(1 − tanh²), the same for x and y
        t = math.tanh(xv + yv)
        expected = (2 * t * (1 - t * t),) * 2
    else:
        expected = hand(xv, yv)
    assert x.grad == pytest.approx(expected[0], rel=1e-14)
    assert y.grad == pytest.approx(expected[1], rel=1e-14, abs=0.0)


def test_shared_interior_node_gets_the_sum_of_its_consumers() -> None:
    x = Value(0.5)
    h = x.exp()
    out = h * 3 + h.sin()  # d/dh = 3 + cos(h)
    out.backward()
    assert h.grad == pytest.approx(3 + math.cos(math.exp(0.5)), rel=1e-14)
    assert x.grad == pytest.approx((3 + math.cos(math.exp(0.5))) * math.exp(0.5), rel=1e-14)


def test_backward_from_an_interior_node_after_a_full_pass() -> None:
    """Like PyTorch's retained grads: the interior node's own seed adds to what it already holds."""
    x = Value(2.0)
    y = x * x  # dy/dx = 4
    z = y * 3.0  # dz/dy = 3, dz/dx = 12
    z.backward()
    assert (x.grad, y.grad) == (12.0, 3.0)
    y.backward()
    assert (x.grad, y.grad) == (16.0, 4.0)


def test_an_interrupted_backward_leaves_the_graph_usable() -> None:
    """backward() keeps scratch counts on the nodes; a pass that dies half-way must not corrupt the next.

    The cos rule is swapped for one that raises, so the pass stops in the middle of the graph."""
    x, y = Value(0.5), Value(-1.25)
    shared = x * y
    out = (shared.cos() + shared) * shared + x.tanh()

    def broken(m: Any, o: Any, a: Any) -> tuple[Any, ...]:
        raise KeyboardInterrupt

    rule = COS.local
    object.__setattr__(COS, "local", broken)
    try:
        with pytest.raises(KeyboardInterrupt):
            out.backward()
    finally:
        object.__setattr__(COS, "local", rule)
    for node in backprop_order(out, include_leaves=True):
        node.grad = 0.0
    out.backward()
    s = 0.5 * -1.25
    d_shared = (-math.sin(s) + 1.0) * s + (math.cos(s) + s)  # d/ds of (cos s + s)·s
    assert x.grad == pytest.approx(d_shared * -1.25 + (1 - math.tanh(0.5) ** 2), rel=1e-14)
    assert y.grad == pytest.approx(d_shared * 0.5, rel=1e-14)
    assert grad(out, [x, y]) == pytest.approx([x.grad, y.grad], rel=1e-14)


def test_an_interrupted_repeated_backward_keeps_the_leaves_and_the_next_pass_is_right() -> None:
    """A pass that reuses the kept order sums into the scratch slots: if it dies half-way, no leaf has
    taken anything of it, the slots are clean, and the next pass adds exactly one more gradient."""
    x, y = Value(0.5), Value(-1.25)
    shared = x * y
    out = (shared.cos() + shared) * shared + x.tanh()
    out.backward()
    out.backward()  # the second call keeps the order; leaves hold 2 gradients now
    once = grad(out, [x, y])
    held = [x.grad, y.grad]
    rule = COS.local

    def broken(m: Any, o: Any, a: Any) -> tuple[Any, ...]:
        raise KeyboardInterrupt

    object.__setattr__(COS, "local", broken)
    try:
        with pytest.raises(KeyboardInterrupt):
            out.backward()
    finally:
        object.__setattr__(COS, "local", rule)
    assert [x.grad, y.grad] == held
    assert all(node._n == 0 for node in backprop_order(out, include_leaves=True))
    out.backward()
    assert [x.grad, y.grad] == pytest.approx([h + g for h, g in zip(held, once)], rel=1e-14)


def test_repeated_backward_reads_the_numbers_of_now() -> None:
    """The kept order is structure only: changed leaf data between calls gives the new gradient
    (as it would for a first backward: the local derivatives are read when the pass runs)."""
    x, w = Value(2.0), Value(3.0)
    y = x * w + x  # dy/dx = w + 1, dy/dw = x
    y.backward()
    y.backward()
    assert (x.grad, w.grad) == (8.0, 4.0)
    x.data, w.data = 5.0, -1.0
    x.grad = w.grad = 0.0
    y.backward()
    assert (x.grad, w.grad) == (0.0, 5.0)
    assert [x.grad, w.grad] == grad(y, [x, w])


def test_repeated_backward_leaves_no_reference_cycle() -> None:
    """The order kept on the root holds its ancestors only: dropping the root frees the graph by
    reference counting, with nothing left for the cyclic collector."""
    gc.collect()
    gc.disable()
    try:
        a, b = Value(0.9), Value(0.1)
        y = _affine_chain(a, b, 0.5, 200)
        inner = y._a  # an interior node that is also a root of its own
        for _ in range(3):
            y.backward()
            inner.backward()
        del y, inner
        assert gc.collect() == 0
    finally:
        gc.enable()


def test_a_kept_root_used_inside_a_bigger_graph() -> None:
    x = Value(2.0)
    z = x * x * 3.0  # dz/dx = 6x = 12
    z.backward()
    z.backward()
    assert x.grad == 24.0
    x.grad = 0.0
    (z * z).backward()  # d(z²)/dx = 2z·12 = 288
    assert x.grad == 288.0
    assert z.grad == 2.0 + 2 * 12.0  # two seeds of 1, then d(z²)/dz = 2z = 24


def test_backward_seed_must_be_a_number() -> None:
    with pytest.raises(TypeError, match="str"):
        Value(1.0).backward("one")  # type: ignore[arg-type]


# ---- order -------------------------------------------------------------------------------------
@settings(max_examples=100, deadline=None)
@given(trees(), st.fixed_dictionaries({v: st.floats(-2, 2, allow_nan=False) for v in VARIABLES}))
def test_backprop_order_visits_every_node_after_all_its_consumers(
    tree: tuple, point: dict[str, float]
) -> None:
    assume(value_is_tame(tree, point))
    root, _, order = _fresh_graph(tree, point)
    position = {node: i for i, node in enumerate(order)}
    assert len(position) == len(order)  # no node twice
    assert order[0] is root
    for node in order:
        for parent in node.parents:
            assert position[parent] > position[node]
    interior = backprop_order(root)
    assert interior == [n for n in order if not n.is_leaf]


# ---- depth ---------------------------------------------------------------------------------------
def _affine_chain(a: Value, b: Value, y0: float, steps: int) -> Value:
    y = Value(y0)
    for _ in range(steps):
        y = y * a + b
    return y


def test_chain_gradients_match_the_closed_form() -> None:
    """yₙ = aⁿ·y₀ + b·(aⁿ − 1)/(a − 1); its derivatives by hand, checked on a 50-step chain."""
    av, bv, y0, n = 0.9, 0.5, 2.0, 50
    a, b = Value(av), Value(bv)
    y = _affine_chain(a, b, y0, n)
    y.backward()
    value = av**n * y0 + bv * (av**n - 1) / (av - 1)
    d_da = n * av ** (n - 1) * y0 + bv * (n * av ** (n - 1) * (av - 1) - (av**n - 1)) / (av - 1) ** 2
    d_db = (av**n - 1) / (av - 1)
    assert y.data == pytest.approx(value, rel=1e-12)
    assert a.grad == pytest.approx(d_da, rel=1e-12)
    assert b.grad == pytest.approx(d_db, rel=1e-12)


@pytest.mark.slow
def test_million_node_chain_runs_backward_without_recursion() -> None:
    """500,000 steps of y = y·a + b: 1,000,000 op nodes. With a = 1, b = 0, y₀ = 1: y stays 1 and
    dy/da = dy/db = the number of steps, exactly."""
    steps = 500_000
    a, b = Value(1.0), Value(0.0)
    y = _affine_chain(a, b, 1.0, steps)
    y.backward()
    assert y.data == 1.0
    assert a.grad == float(steps)
    assert b.grad == float(steps)
    y.backward()  # the second call orders the graph again (and keeps the order) without recursion
    assert (a.grad, b.grad) == (2.0 * steps, 2.0 * steps)
    del y  # freeing a million-deep chain must not overflow the C stack either


# ---- a neuron's dot node: params as Leaves, one inputs tuple per layer ----------------------------
def _two_layer_net(replace_weight: bool = False) -> tuple[Value, list[Value], list[Value]]:
    """Two hidden neurons on shared interior inputs, then one output neuron, built as nn builds them:
    dot_node(Leaves params, one inputs tuple shared by the layer). Input x0·x1 is used twice in the
    first layer's tuple, so its consumer count is not one per neuron."""
    from autograd.value import Leaves, dot_node

    x0, x1 = Value(0.7, "x0"), Value(-1.3, "x1")
    shared = x0 * x1
    inputs = (shared, x0 + 0.5, shared)
    params = [[Value(0.1 * (i + 1) * (-1) ** i) for i in range(4)] for _ in range(2)]
    hidden_params = [Leaves(p) for p in params]
    hidden = tuple(dot_node(p, inputs).tanh() for p in hidden_params)
    out_w = [Value(0.8), Value(-0.6)]
    out_params: tuple[Value, ...] = Leaves(out_w)  # no bias: as many params as inputs
    if replace_weight:  # a computed weight: not a leaf, so a plain tuple, whose weights are counted
        out_params = (out_w[0] * x0, out_w[1])
    root = dot_node(out_params, hidden)
    leaves = [x0, x1, *params[0], *params[1], *out_w]
    return root, leaves, [shared, *hidden]


@pytest.mark.parametrize("replace_weight", [False, True])
def test_a_dot_node_with_leaf_params_and_shared_inputs_matches_the_rules(replace_weight: bool) -> None:
    root, leaves, interior = _two_layer_net(replace_weight)
    reference = propagate(root, 1.0)
    root.backward()
    nodes = backprop_order(root, include_leaves=True)
    scale = max(abs(g) for g in reference.values())
    for node in nodes:
        assert _close(node.grad, reference[node], scale), node
    first = {node: node.grad for node in nodes}
    for times in (2.0, 3.0):  # the tape passes hand the same numbers down again
        root.backward()
        assert all(node.grad == times * first[node] for node in nodes)
    assert all(node._n == 0 for node in nodes)
    # and against the limit definition, for every leaf: central differences of the whole network
    h = 1e-6
    for i, leaf in enumerate(leaves):
        def f(v: float, i: int = i) -> float:
            rebuilt, rebuilt_leaves, _ = _two_layer_net(replace_weight)
            rebuilt_leaves[i].data = v
            return _forward_again(rebuilt, rebuilt_leaves)
        numeric = (f(leaf.data + h) - f(leaf.data - h)) / (2 * h)
        assert first[leaf] == pytest.approx(numeric, rel=1e-6, abs=1e-9), i


def _forward_again(root: Value, leaves: list[Value]) -> float:
    """The root's value recomputed from its leaves' current numbers, by the rules' forwards."""
    values: dict[Value, float] = {leaf: leaf.data for leaf in leaves}
    for node in reversed(backprop_order(root, include_leaves=True)):
        if node in values:
            continue
        if node.is_leaf:
            values[node] = node.data
            continue
        args = [values[p] for p in node.parents]
        values[node] = node.rule.forward(*args) if node.param is None else node.rule.forward(*args, node.param)
    return values[root]


def test_leaves_refuses_anything_but_leaf_values() -> None:
    from autograd.value import Leaves

    a = Value(1.0)
    assert Leaves([a, Value(2.0)])[0] is a
    for bad in ([a, a * 2.0], [a, 2.0]):
        with pytest.raises(ValueError, match="leaf Value"):
            Leaves(bad)


def test_dot_node_refuses_params_that_do_not_pair_with_the_inputs() -> None:
    from autograd.value import dot_node

    x = (Value(1.0), Value(2.0))
    assert dot_node((Value(3.0), Value(4.0), Value(0.5)), x).data == 11.5  # the weights, then the bias
    for params in ((Value(3.0),), tuple(Value(1.0) for _ in range(4))):
        with pytest.raises(ValueError, match="one weight per input"):
            dot_node(params, x)


def test_dot_node_keeps_tuples_even_when_given_lists_and_needs_an_input() -> None:
    from autograd.value import dot_node

    w, x = [Value(2.0), Value(3.0)], [Value(1.0), Value(-1.0)]
    node = dot_node(w, x)  # type: ignore[arg-type]  # lists, as a caller might pass
    assert type(node._a) is tuple and type(node._b) is tuple and node.parents == (*w, *x)
    assert node.data == -1.0
    with pytest.raises(ValueError, match="at least one"):
        dot_node((), ())
