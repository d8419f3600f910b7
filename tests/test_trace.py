"""trace_backward: the steps of a backward pass, checked against the chain rule worked by hand."""

from __future__ import annotations

import math

import pytest
from hypothesis import HealthCheck, assume, given, settings
from strategies import kinks_are_clear, points, to_value, trees, value_is_tame

from autograd import Value, backprop_order, trace_backward
from autograd.examples import lecture_graph
from autograd.trace import BackpropStep, Trace, compute_trace, format_number, node_names

# The lecture graph by hand: a=2, b=-3, c=10, f=-2; e=a·b=-6, d=e+c=4, L=d·f=-8.
A, B, C, F = 2.0, -3.0, 10.0, -2.0
E, D = A * B, A * B + C
dL_dL = 1.0
dL_dd = F * dL_dL  # ∂(d·f)/∂d = f
dL_df = D * dL_dL  # ∂(d·f)/∂f = d
dL_de = 1.0 * dL_dd  # ∂(e+c)/∂e = 1
dL_dc = 1.0 * dL_dd
dL_da = B * dL_de  # ∂(a·b)/∂a = b
dL_db = A * dL_de  # ∂(a·b)/∂b = a


def test_lecture_graph_hand_values_are_the_textbook_ones():
    assert (dL_da, dL_db, dL_dc, dL_df) == (6.0, -4.0, -2.0, 4.0)


def test_lecture_trace_visits_in_backprop_order_with_the_chain_rule_numbers():
    g = lecture_graph()
    trace = trace_backward(g.L)
    assert isinstance(trace, Trace) and all(isinstance(s, BackpropStep) for s in trace)
    # One step per node, leaves included, in the engine's visiting order.
    assert [s.node for s in trace] == backprop_order(g.L, include_leaves=True)
    assert len(trace) == 7
    by_label = {s.label: s for s in trace}
    expected_upstream = {"L": dL_dL, "d": dL_dd, "f": dL_df, "e": dL_de, "c": dL_dc, "a": dL_da, "b": dL_db}
    assert {k: s.upstream for k, s in by_label.items()} == expected_upstream
    # Each node comes after every node that uses it.
    position = {s.node: i for i, s in enumerate(trace)}
    for s in trace:
        for p in s.parents:
            assert position[p.parent] > position[s.node]
    assert trace[0].label == "L" and trace[0].index == 1 and trace[-1].index == 7


def test_lecture_trace_contributions_and_formula_text():
    g = lecture_graph()
    trace = trace_backward(g.L)
    e_step = next(s for s in trace if s.node is g.e)
    assert (e_step.label, e_step.op, e_step.data, e_step.formula) == ("e", "*", E, "a·b")
    to_a, to_b = e_step.parents
    assert (to_a.parent, to_a.local, to_a.contribution) == (g.a, B, dL_de * B)
    assert (to_b.parent, to_b.local, to_b.contribution) == (g.b, A, dL_de * A)
    assert to_a.derivative == "∂(a·b)/∂a = b = -3"
    assert to_b.derivative == "∂(a·b)/∂b = a = 2"
    assert to_a.contribution_text == "-2 × (-3) = 6"
    assert to_b.contribution_text == "-2 × 2 = -4"
    d_step = next(s for s in trace if s.node is g.d)
    # A derivative that is already a number is not repeated ("= 1 = 1").
    assert [p.derivative for p in d_step.parents] == ["∂(e + c)/∂e = 1", "∂(e + c)/∂c = 1"]
    leaf = next(s for s in trace if s.node is g.a)
    assert leaf.is_leaf and leaf.parents == () and leaf.formula == ""


def test_trace_backward_fills_grad_like_backward_and_accumulates():
    g = lecture_graph()
    trace_backward(g.L)
    grads = {name: getattr(g, name).grad for name in "abcfedL"}
    assert grads == {"a": dL_da, "b": dL_db, "c": dL_dc, "f": dL_df, "e": dL_de, "d": dL_dd, "L": 1.0}
    trace_backward(g.L)  # gradients add up across calls, as with backward()
    assert g.a.grad == 2 * dL_da and g.L.grad == 2.0


def test_compute_trace_touches_no_grad():
    g = lecture_graph()
    for v in g:
        v.grad = 123.0
    compute_trace(g.L)
    assert all(v.grad == 123.0 for v in g)


def test_str_is_a_table_with_every_step_and_the_leaf_gradients():
    text = str(trace_backward(lecture_graph().L))
    lines = text.splitlines()
    assert lines[0].startswith("Backprop from L = -8: 7 steps")
    assert "∂(a·b)/∂a = b = -3" in text and "-2 × (-3) = 6" in text
    assert "∂L/∂a = 6" in text and "∂L/∂b = -4" in text and "∂L/∂c = -2" in text and "∂L/∂f = 4" in text
    # One row per parent plus one per leaf: 3 binary nodes × 2 + 4 leaves = 10 rows, numbered 1..7.
    numbered = [ln for ln in lines if ln.split() and ln.split()[0].isdigit()]
    assert [int(ln.split()[0]) for ln in numbered] == list(range(1, 8))
    assert max(len(ln) for ln in lines) <= 100  # fits a terminal


def test_repr_html_escapes_labels():
    x = Value(1.0, "<x>")
    y = x * 2
    page = trace_backward(y)._repr_html_()
    assert "<table>" in page and "&lt;x&gt;" in page and "<x>" not in page


def test_unlabeled_nodes_get_readable_distinct_stand_ins():
    x = Value(3.0, "x")
    v1_labeled = Value(1.0, "n1")  # a user label that looks like a stand-in must not be reused
    y = ((x * x) + v1_labeled).tanh() * 2.0
    names = node_names(backprop_order(y, include_leaves=True))
    assert names[y] == "out"  # the unlabeled output
    assert names[v1_labeled] == "n1"
    computed = [names[n] for n in names if not n.is_leaf and n is not y]
    assert len(set(computed)) == len(computed) and "n1" not in computed
    assert computed == ["n2", "n3", "n4"]  # the same scheme as the expression parser's, in forward order
    assert [names[n] for n in names if n.is_leaf and not n.label] == ["k1"]  # a constant: a stand-in
    steps = compute_trace(y)
    step = next(s for s in steps if s.node is y)
    assert step.formula.endswith("·k1")
    assert "k1 = 2 (a leaf)" in next(s for s in steps if s.node is y.parents[1]).headline()  # value beside


def test_trace_of_a_leaf_and_of_a_seed():
    x = Value(5.0, "x")
    trace = trace_backward(x, grad=3.0)
    assert len(trace) == 1 and trace[0].upstream == 3.0 and x.grad == 3.0
    with pytest.raises(TypeError, match="expects a Value"):
        trace_backward(2.0)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "x, text",
    [(-3.0, "-3"), (6.0, "6"), (0.76159416, "0.7616"), (-0.0, "0"), (1.5e-7, "1.5e-7"), (2.5e8, "2.5e8"),
     (123456.0, "123456"), (math.inf, "inf"), (-math.inf, "-inf"), (math.nan, "nan"), (0.5, "0.5")],
)
def test_format_number(x, text):
    assert format_number(x) == text


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tree=trees(), point=points())
def test_trace_leaves_the_same_grads_as_backward(tree, point):
    assume(value_is_tame(tree, point) and kinks_are_clear(tree, point))
    env1 = {name: Value(v, name) for name, v in point.items()}
    env2 = {name: Value(v, name) for name, v in point.items()}
    y1, y2 = to_value(tree, env1), to_value(tree, env2)
    y1.backward()
    trace = trace_backward(y2)
    order1 = backprop_order(y1, include_leaves=True)
    order2 = backprop_order(y2, include_leaves=True)
    assert len(order1) == len(order2) == len(trace)
    for n1, n2 in zip(order1, order2):
        # Same numbers, possibly summed in another order (backward() pops LIFO, the trace goes FIFO).
        assert math.isclose(n1.grad, n2.grad, rel_tol=1e-9, abs_tol=1e-12) or (
            math.isnan(n1.grad) and math.isnan(n2.grad)
        )
    # Inside the trace: each contribution is local × upstream, and a node's gradient is the sum of the
    # contributions its consumers sent it.
    # nan is a legitimate gradient here (e.g. a local derivative of -inf times an upstream -0.0), and
    # nan == nan is False, so "the same number" is spelled out.
    def same(a: float, b: float) -> bool:
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12) or (math.isnan(a) and math.isnan(b))

    received: dict[Value, float] = {trace.root: 1.0}
    for step in trace:
        assert same(step.upstream, received[step.node])
        for p in step.parents:
            assert p.contribution == p.local * step.upstream or same(p.contribution, p.local * step.upstream)
            received[p.parent] = received.get(p.parent, 0.0) + p.contribution


# ---- names that never collide, and a table that fits 100 columns --------------------------------------
def test_unlabeled_leaves_with_equal_values_get_distinct_names_and_their_values_beside_them():
    a, b = Value(2.0), Value(2.0)
    out = a * b + a
    trace = trace_backward(out)
    text = str(trace)
    # by hand: ∂(ab + a)/∂a = b + 1 = 3, ∂/∂b = a = 2
    assert a.grad == 3.0 and b.grad == 2.0
    assert "∂out/∂k1 = 1 + 2 = 3" in text and "∂out/∂k2 = 2" in text  # a is used twice: 1 from +, 2 from ·
    assert "2·2" not in text and "∂2" not in text
    labels = [step.label for step in trace]
    assert len(set(labels)) == len(labels) == 4
    leaf_rows = [ln for ln in text.splitlines() if "(leaf)" in ln]
    assert any("k1 = 2 (leaf)" in ln for ln in leaf_rows) and any("k2 = 2 (leaf)" in ln for ln in leaf_rows)


def test_a_shared_label_is_numbered_in_the_trace():
    x1, x2 = Value(2.0, "x"), Value(-3.0, "x")
    trace = compute_trace(x1 * x2)
    assert {step.label for step in trace} == {"out", "x#1", "x#2"}


def _neuron():
    x1, x2 = Value(2.0, "x1"), Value(0.0, "x2")
    w1, w2 = Value(-3.0, "w1"), Value(1.0, "w2")
    b = Value(6.8813735870195432, "b")
    return (x1 * w1 + x2 * w2 + b).tanh()


def _tanh_expression():
    a, b, c = Value(2.0, "a"), Value(-3.0, "b"), Value(10.0, "c")
    n1 = a * b
    n1.label = "n1"
    n2 = n1 + c
    n2.label = "n2"
    return n2.tanh()


@pytest.mark.parametrize("build", [lambda: lecture_graph().L, _neuron, _tanh_expression])
def test_str_fits_100_columns_and_keeps_every_formula(build):
    root = build()
    trace = compute_trace(root)
    lines = str(trace).splitlines()
    assert max(len(ln) for ln in lines) <= 100
    flat = " ".join(" ".join(ln.split()) for ln in lines)
    for step in trace:
        for p in step.parents:  # each local derivative is there, perhaps wrapped before an " = "
            for piece in p.derivative.split(" = "):
                assert piece in flat, piece
            assert p.contribution_text in flat


def test_the_tanh_step_wraps_before_an_equals_sign():
    lines = str(compute_trace(_tanh_expression())).splitlines()
    (at,) = [i for i, ln in enumerate(lines) if "∂tanh(n2)/∂n2" in ln]
    # tanh'(4) = 1 − tanh²(4), by math: the value on the continuation line is that number to 4 digits
    slope = 1 - math.tanh(4.0) ** 2
    assert lines[at + 1].split("│")[1].strip() == f"= {slope:.4g}" or f"= {slope:.4g}" in lines[at]
