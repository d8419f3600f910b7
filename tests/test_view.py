"""autograd.view: one view per graph — names, orders, gradients, and the sums where gradients add up.

The oracles are hand-derived: d(x² + x)/dx = 2x + 1, d(a + a)/da = 2, d(4a)/da = 4, and for a neuron
input that feeds two ReLU neurons, ∂out/∂x = Σⱼ vⱼ · relu'(zⱼ) · wⱼ.
"""

from __future__ import annotations

import math

import pytest

import autograd.backward
from autograd import Value
from autograd.__main__ import main
from autograd.examples import lecture_graph
from autograd.trace import compute_trace
from autograd.view import GraphView
from nn import MLP, hinge_loss


def test_x_times_x_plus_x_adds_three_terms_in_arrival_order():
    x = Value(3.0, "x")
    view = GraphView(x * x + x)
    # out = n1 + x is visited first and sends 1 to x; then n1 = x·x sends x = 3 along each of its two edges.
    assert [c.amount for c in view.terms[x]] == [1.0, 3.0, 3.0]
    assert view.grads[x] == 2 * 3.0 + 1  # d(x² + x)/dx = 2x + 1
    assert view.sum_text(x) == "∂out/∂x = 1 + 3 + 3 = 7"
    assert view.sources_text(x) == "from out = n1 + x, then from n1 = x·x twice"
    assert [(c.position, c.of, c.completes) for c in view.terms[x]] == [(1, 3, False), (2, 3, False), (3, 3, True)]
    # after step 0 only the first term is in: a running sum, not the final number
    assert view.partial_sum(x, 0) == 1.0 and view.running_text(x, 0) == "1 + ?" and view.running_text(x, 1) == ""


def test_a_plus_a_is_two_terms_of_one():
    a = Value(2.0, "a")
    view = GraphView(a + a)
    assert [c.amount for c in view.terms[a]] == [1.0, 1.0] and view.grads[a] == 2.0
    assert view.sum_text(a) == "∂out/∂a = 1 + 1 = 2"


def test_a_sum_of_sums_adds_up_at_each_level():
    a = Value(2.0, "a")
    b = a + a
    b.label = "b"
    c = b + b  # c = 4a
    view = GraphView(c)
    assert view.sum_text(b) == "∂out/∂b = 1 + 1 = 2"
    assert view.sum_text(a) == "∂out/∂a = 2 + 2 = 4"  # each of b's two edges to a carries ∂out/∂b = 2
    trace = compute_trace(view)
    step_b = next(s for s in trace if s.node is b)
    assert step_b.headline().endswith("∂out/∂b = 1 + 1 = 2")
    # the step whose term completes a's gradient writes the sum term by term
    last = [p for p in step_b.parents if p.total_text]
    assert len(last) == 1 and last[0].total_text == "∂out/∂a = 2 + 2 = 4"
    assert "term 1 of 2, more to come" in step_b.parent_line(step_b.parents[0])


def _two_neuron_net():
    model = MLP(1, [2, 1], rng=0)
    (n1, n2), (top,) = model.layers[0].neurons, model.layers[1].neurons
    for p, value in [(n1.w[0], 0.5), (n1.b, 0.1), (n2.w[0], -1.5), (n2.b, 2.0), (top.w[0], 2.0),
                     (top.w[1], -3.0), (top.b, 0.25)]:
        p.data = value
    return model, n1, n2, top


def test_a_neuron_input_feeding_two_neurons_gets_one_term_from_each():
    model, n1, n2, top = _two_neuron_net()
    x1 = Value(1.0, "x1")
    out = model([x1])
    view = GraphView(out)
    # both ReLUs are open at x1 = 1 (z1 = 0.6, z2 = 0.5): each term is v_j · 1 · w_j
    expected = [top.w[0].data * n1.w[0].data, top.w[1].data * n2.w[0].data]  # 1.0 and 4.5
    assert [c.amount for c in view.terms[x1]] == pytest.approx(expected)
    assert view.grads[x1] == pytest.approx(sum(expected))
    assert [view.names[c.consumer] for c in view.terms[x1]] == ["L1.n1.z", "L1.n2.z"]
    assert view.sum_text(x1) == "∂out/∂x1 = 1 + 4.5 = 5.5"


def test_nn_nodes_are_named_by_place():
    model, *_ = _two_neuron_net()
    loss = hinge_loss([model([0.3])], [1])
    names = set(GraphView(loss).names.values())
    assert {"L1.n1.w1", "L1.n1.b", "L1.n2.w1", "L1.n2.b", "L2.n1.w1", "L2.n1.w2", "L2.n1.b"} <= names
    assert {"L1.n1.z", "L1.n1.a", "L1.n2.z", "L1.n2.a", "L2.n1.z", "x1", "y", "loss"} <= names
    assert not any("#" in name for name in names)  # no w1#2: every name is its own
    assert [p.label for p in MLP(2, [3, 1], rng=1).parameters()][:3] == ["L1.n1.w1", "L1.n1.w2", "L1.n1.b"]


def test_names_follow_the_policy_and_never_collide():
    a, b = Value(2.0), Value(3.0, "n1")  # an unlabeled leaf, and a label that looks like a stand-in
    out = (a * b + 1.0).tanh()
    view = GraphView(out)
    assert view.names[out] == "out" and view.names[b] == "n1"
    assert [view.names[n] for n in view.forward] == ["k1", "n1", "n2", "k2", "n3", "out"]
    x, y = Value(1.0, "x"), Value(2.0, "x")
    assert sorted(GraphView(x * y).names.values()) == ["out", "x#1", "x#2"]


def test_the_view_leaves_grad_and_labels_alone():
    g = lecture_graph()
    before = [(n.grad, n.label) for n in g]
    view = GraphView(g.L)
    assert [(n.grad, n.label) for n in g] == before
    assert view.grads[g.a] == 6.0 and view.grads[g.b] == -4.0  # by hand: ∂L/∂a = f·b, ∂L/∂b = f·a
    assert [view.names[n] for n in view.backprop] == ["L", "d", "f", "e", "c", "a", "b"]


def test_orders_cover_the_same_nodes_and_respect_their_rules():
    x = Value(3.0, "x")
    root = (x * x + x).tanh()
    view = GraphView(root)
    assert set(view.forward) == set(view.backprop) and view.backprop[0] is root and view.forward[-1] is root
    position = {n: i for i, n in enumerate(view.forward)}
    assert all(position[p] < position[n] for n in view.forward for p in n.parents)  # inputs first
    step = view.step_of
    assert all(step[n] < step[p] for n in view.backprop for p in n.parents)  # consumers first
    assert math.isclose(view.grads[x], (1 - math.tanh(12.0) ** 2) * 7.0)


def test_max_nodes_is_refused_before_any_work():
    x = Value(1.0, "x")
    y = x
    for _ in range(10):
        y = y + 1.0
    with pytest.raises(ValueError, match="more than max_nodes=5"):
        GraphView(y, max_nodes=5)


@pytest.mark.parametrize("extra", [[], ["--quiz"]])
def test_gradstep_graph_differentiates_its_graph_once(monkeypatch, tmp_path, capsys, extra):
    pytest.importorskip("graphviz")
    import shutil

    if shutil.which("dot") is None:
        pytest.skip("Graphviz's dot is not installed")
    calls = []
    real = autograd.backward.backprop_order
    monkeypatch.setattr(autograd.backward, "backprop_order", lambda *a, **k: calls.append(1) or real(*a, **k))
    argv = ["graph", "x*x + x*y", "--at", "x=3,y=2", "--steps", "-o", str(tmp_path / "g.svg"),
            "--backprop", str(tmp_path / "s.html"), *extra]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert len(calls) == 1  # one backward pass feeds the table, the trace, the picture and the page
    assert "∂out/∂x = 3 + 3 + 2 = 8" in out  # d(x² + xy)/dx = 2x + y, term by term in arrival order
