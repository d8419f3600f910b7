"""Lanes (one recorded graph run over a batch with numpy) against the scalar engine.

The oracle is the scalar engine's rule-driven pass: for every sample its own graph is built and
differentiated with ``grad()`` (``propagate``, each op's rule on floats); the batch gradient is the
mean (or sum) of those. Gradients must agree to 1e-12 relative to the *size of the numbers summed*:
the sum over every path of |product of local derivatives| (:func:`_abs_scale`), because lanes add the
same terms in a different order (a matrix product sums in blocks), and where terms cancel, rounding is
relative to the terms, not to their small sum.
"""

from __future__ import annotations

import math
import sys

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st
from strategies import kinks_are_clear, points, to_value, trees, value_is_tame

from autograd import Value, grad, no_grad, sum_of
from autograd.backward import backprop_order, local_derivatives, propagate
from autograd.lanes import LanesBranchError, record
from autograd.ops import ARRAY_MATH, FLOAT_MATH, OPS, VARIADIC, array_forward

REL = 1e-12


def _abs_sizes(root: Value) -> dict[Value, float]:
    """Per node, Σ over paths from root to it of |∏ local derivatives|: how large the summed terms are."""
    sizes = {root: 1.0}
    for node in backprop_order(root):
        upstream = sizes.get(node, 0.0)
        for parent, local in zip(node.parents, local_derivatives(node)):
            sizes[parent] = sizes.get(parent, 0.0) + abs(local) * upstream
    return sizes


def _finite_backward(out: Value) -> bool:
    try:
        propagate(out, check_finite=True)
    except FloatingPointError:
        return False
    return True


# ---- random graphs of every op: x and y per sample, z a parameter ------------------------------------
@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow])
@given(trees(max_leaves=8), st.lists(points(), min_size=1, max_size=6), st.sampled_from(["mean", "sum"]))
@example(  # a subnormal parameter: z**0.5 squared lands back below the normal range, one spacing off
    tree=("mul", ("var", "x"), ("powc", ("powc", ("var", "z"), 0.5), 2)),
    samples=[{"x": 1.0, "y": 0.0, "z": 5e-324}, {"x": 0.0, "y": 0.0, "z": 0.0}],
    reduce="mean",
)
def test_random_graphs_lanes_equal_the_scalar_engine(tree: tuple, samples: list[dict], reduce: str) -> None:
    z = samples[0]["z"]
    for s in samples:
        s["z"] = z  # z is the parameter: the same in every sample
        assume(value_is_tame(tree, s) and kinks_are_clear(tree, s))
    param = Value(z, "z")
    outs, grads, scales = [], [], []
    for s in samples:
        out = to_value(tree, {"x": Value(s["x"]), "y": Value(s["y"]), "z": param})
        assume(_finite_backward(out))
        outs.append(out.data)
        grads.append(grad(out, [param])[0])
        scales.append(_abs_sizes(out).get(param, 0.0))
    weight = 1.0 / len(samples) if reduce == "mean" else 1.0
    expected = math.fsum(grads) * weight
    scale = math.fsum(scales) * weight

    program = record(lambda x, y: to_value(tree, {"x": x, "y": y, "z": param}), 2)
    value = program.run([s["x"] for s in samples], [s["y"] for s in samples], reduce=reduce)

    expected_value = math.fsum(outs) * weight
    assert math.isclose(value, expected_value, rel_tol=1e-12, abs_tol=1e-12 * max(1.0, max(map(abs, outs)))), (
        value, expected_value)
    # Below float64's normal range (|g| < 2.2e-308) a number is only good to its absolute spacing, not
    # to 12 digits, so the bound gets that absolute floor.
    assert abs(param.grad - expected) <= REL * scale + sys.float_info.min, (param.grad, expected, scale)


# ---- the MLP ----------------------------------------------------------------------------------------------
def _mlp_case(seed: int = 0, n: int = 100):
    from nn import MLP
    from nn.datasets import make_moons

    X, y = make_moons(n, noise=0.1, seed=seed)
    Y = 2.0 * y - 1.0
    model = MLP(2, [16, 16, 1], rng=seed)
    params = model.parameters()

    def loss(x1: Value, x2: Value, t: Value) -> Value:
        return (1.0 - model([x1, x2]) * t).relu() + 1e-4 * sum_of([p * p for p in params])

    return X, Y, model, params, loss


def test_mlp_gradients_equal_the_scalar_engine_to_1e_12() -> None:
    X, Y, model, params, loss = _mlp_case()
    program = record(loss, 3)
    value = program.run(X[:, 0], X[:, 1], Y)
    lanes = [p.grad for p in params]

    model.zero_grad()
    per_sample = [loss(Value(a), Value(b), Value(t)) for (a, b), t in zip(X, Y)]
    total = sum_of(per_sample) * (1.0 / len(per_sample))
    total.backward()
    assert math.isclose(value, total.data, rel_tol=1e-12)
    sizes = [0.0] * len(params)
    for out in per_sample:
        found = _abs_sizes(out)
        for k, p in enumerate(params):
            sizes[k] += found.get(p, 0.0) / len(per_sample)
    worst = max(abs(a - p.grad) / s for a, p, s in zip(lanes, params, sizes) if s)
    assert worst <= REL, worst
    assert all(a == 0.0 for a, s in zip(lanes, sizes) if not s)


def test_a_second_run_accumulates_like_a_second_backward() -> None:
    X, Y, model, params, loss = _mlp_case(n=20)
    program = record(loss, 3)
    program.run(X[:, 0], X[:, 1], Y)
    once = [p.grad for p in params]
    program.run(X[:, 0], X[:, 1], Y)
    assert all(math.isclose(p.grad, 2 * g, rel_tol=1e-15, abs_tol=0.0) for p, g in zip(params, once))


def test_parameters_are_read_on_every_run() -> None:
    w = Value(2.0, "w")
    program = record(lambda x: w * x, 1)
    assert program.run([1.0, 3.0]) == 4.0
    w.data = -1.0
    assert program.run([1.0, 3.0]) == -2.0


def test_forward_gives_every_output_for_every_sample() -> None:
    X, Y, model, params, loss = _mlp_case(n=30)
    from nn import MLP

    wide = MLP(2, [5, 3], rng=1)
    program = record(lambda a, b: wide([a, b]), 2)
    got = program.forward(X[:, 0], X[:, 1])
    with no_grad():
        expected = np.array([[o.data for o in wide(list(x))] for x in X])
    assert got.shape == (30, 3)
    assert np.allclose(got, expected, rtol=1e-13, atol=1e-15)
    assert all(p.grad == 0.0 for p in wide.parameters())


def test_sum_and_a_sample_independent_output() -> None:
    c = Value(3.0, "c")
    program = record(lambda x: c * c, 1)  # does not depend on the sample
    assert program.run([1.0, 2.0, 5.0], reduce="sum") == 27.0
    assert c.grad == 18.0  # d/dc of 3 copies of c²


# ---- the array namespace against the float namespace, op by op --------------------------------------
SPECIAL = [-2.0, -0.5, 0.0, 0.5, 1.0, 3.0]


@pytest.mark.parametrize("name", sorted(OPS))
def test_array_rules_equal_the_float_rules_entry_by_entry(name: str) -> None:
    """Each op's forward and local derivatives on arrays agree with its float rule in every lane,
    including where the float rule gives inf or nan instead of raising."""
    op = OPS[name]
    if op.arity == VARIADIC:
        cases = [(a, b, c) for a in SPECIAL for b in SPECIAL for c in (0.5,)]
    elif op.arity == 2:
        cases = [(a, b) for a in SPECIAL for b in SPECIAL]
    else:
        cases = [(a,) for a in SPECIAL]
    param = {"powc": 1.5, "leaky_relu": 0.1}.get(name)
    good = []
    for args in cases:
        try:
            out = op.forward(*args, *([param] if param is not None else []))
        except (ArithmeticError, ValueError):
            continue
        good.append((args, out))
    columns = [np.array([args[j] for args, _ in good]) for j in range(len(good[0][0]))]
    outs = np.array([out for _, out in good])
    extra = [param] if param is not None else []
    if op.arity != VARIADIC:
        with np.errstate(all="ignore"):
            forward = array_forward(op)(*columns, *extra)
        assert np.array_equal(forward, outs, equal_nan=True) or np.allclose(forward, outs, rtol=4e-16, atol=0)
    with np.errstate(all="ignore"):
        arrays = op.local(ARRAY_MATH, outs, *columns, *extra)
    for lane, (args, out) in enumerate(good):
        floats = op.local(FLOAT_MATH, out, *args, *extra)
        for j, (a, f) in enumerate(zip(arrays, floats)):
            got = float(np.broadcast_to(a, outs.shape)[lane])
            assert got == f or (math.isnan(got) and math.isnan(f)) or math.isclose(got, f, rel_tol=4e-16), (
                name, args, j, got, f)


# ---- errors --------------------------------------------------------------------------------------------
def test_a_domain_error_is_the_ops_own_and_names_the_lane() -> None:
    program = record(lambda x: (x * 2.0).log(), 1)
    with pytest.raises(ValueError, match=r"log: log\(-2\.0\) is undefined.*lane 3 of 5.*x1=-1\.0"):
        program.run([1.0, 2.0, 3.0, -1.0, 4.0])


def test_exp_overflow_names_the_lane() -> None:
    program = record(lambda x: x.exp(), 1, example=[0.0])
    with pytest.raises(OverflowError, match=r"exp: exp\(800\.0\) overflows.*lane 1 of 2"):
        program.run([1.0, 800.0])


def test_a_python_branch_on_the_data_is_caught() -> None:
    w = Value(0.5, "w")

    def f(x: Value) -> Value:
        return w * x if x.data > 0 else w * x * 3.0  # a branch on the data: not an op

    program = record(f, 1)
    with pytest.raises(LanesBranchError, match=r"does not record the same graph.*relu"):
        program.run([1.0, 2.0, -1.0, 4.0])


def test_a_constant_computed_from_the_data_is_caught() -> None:
    def f(a: Value, b: Value) -> Value:
        top = max(a.data, b.data)  # like a softmax's shift, taken out of the graph
        return (a - top).exp() + (b - top).exp()

    program = record(f, 2)
    with pytest.raises(LanesBranchError, match=r"constant that is -?[\d.]+ .* but -?[\d.]+ in lane"):
        program.run([0.0, 1.0, 2.0], [3.0, 0.5, 1.0])


def test_a_branch_on_a_parameter_is_caught_when_the_parameter_moves() -> None:
    w = Value(1.0, "w")
    program = record(lambda x: (w * x) if w.data > 0 else (w * x).exp(), 1, check_every=1)
    program.run([1.0, 2.0])
    w.data = -1.0  # now f takes the other branch for every sample: the recorded graph is stale
    with pytest.raises(LanesBranchError, match=r"does not record the same graph.*3 nodes, lane \d.s has 4"):
        program.run([1.0, 2.0])


def test_verify_checks_every_lane() -> None:
    program = record(lambda x: x * 2.0 if x.data < 10 else x * 3.0, 1, first_checks=0)
    columns = np.array([1.0, 2.0, 3.0, 50.0, 4.0])
    program.forward(columns)
    with pytest.raises(LanesBranchError, match="lane 3"):
        program.verify(columns)


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda p: p.run([1.0]), r"takes 2 column\(s\).*got 1"),
        (lambda p: p.run([1.0, 2.0], [1.0]), r"one length"),
        (lambda p: p.run([[1.0]], [[1.0]]), r"shape \(B,\)"),
        (lambda p: p.run([], []), r"empty"),
        (lambda p: p.run([1.0], [2.0], reduce="max"), r"'mean' or 'sum'"),
        (lambda p: p.run(["a"], [1.0]), r"not an array of numbers"),
    ],
)
def test_bad_columns_get_clear_errors(call, message) -> None:
    program = record(lambda a, b: a * b, 2)
    with pytest.raises((ValueError, TypeError), match=message):
        call(program)


def test_f_must_return_values() -> None:
    with pytest.raises(TypeError, match="not a Value"):
        record(lambda x: 3.0, 1).run([1.0])


# ---- one sample's graph --------------------------------------------------------------------------------
def test_sample_shows_one_lanes_numbers_and_draw_graph_says_how_many_lanes() -> None:
    w = Value(2.0, "w")
    program = record(lambda x: (w * x).tanh(), 1)
    program.run([0.1, 0.2, 0.3])
    root = program.sample(lane=2)
    assert root.data == pytest.approx(math.tanh(0.6))
    # d/d(node) of the mean for that lane: (1/3)
    assert root.grad == pytest.approx(1.0 / 3.0)
    from autograd.viz import draw_graph

    source = draw_graph(program).source
    assert "lane 0 of 3: this one sample&#x27;s graph runs on all 3 samples at once" in source and "x1" in source
    assert "parameter gradients are summed over the lanes" in source


# ---- a learner's own op -----------------------------------------------------------------------------------
def test_a_user_op_written_against_the_math_namespace_runs_on_lanes() -> None:
    from autograd.ops import define_op

    cube_exp = define_op("cube_exp", lambda a: a**3 * math.exp(a), lambda m, a, out: 3 * a**2 * m.exp(a) + out)
    w = Value(0.7, "w")
    program = record(lambda x: cube_exp(w * x), 1)
    xs = [0.5, -1.0, 2.0]
    value = program.run(xs, reduce="sum")
    expected = sum((0.7 * x) ** 3 * math.exp(0.7 * x) for x in xs)
    slope = sum(x * (3 * (0.7 * x) ** 2 * math.exp(0.7 * x) + (0.7 * x) ** 3 * math.exp(0.7 * x)) for x in xs)
    assert math.isclose(value, expected, rel_tol=1e-14) and math.isclose(w.grad, slope, rel_tol=1e-13)


def test_a_user_op_with_a_float_derivative_says_how_to_run_on_lanes() -> None:
    from autograd.ops import define_op

    twice = define_op("twice_it", lambda a: 2 * a, lambda a, out: 2.0)
    w = Value(1.0, "w")
    program = record(lambda x: twice(w * x), 1)
    with pytest.raises(TypeError, match="math namespace"):
        program.run([1.0, 2.0])


def test_one_lanes_graph_carries_the_gradients_backward_would_give_that_sample() -> None:
    """In the mean of B graphs, every node of sample j gets (1/B)·∂loss_j/∂node: lane j of the picture."""
    w = Value(0.8, "w")
    program = record(lambda x, y: ((w * x).tanh() - y) ** 2, 2)
    xs, ys = [0.3, -1.2, 2.0], [0.5, 0.1, -0.4]
    program.run(xs, ys)
    root = program.sample(lane=1)
    x_node = next(v for v in program.inputs if v.label == "x1")
    one_x, one_y = Value(xs[1]), Value(ys[1])
    scalar = ((w * one_x).tanh() - one_y) ** 2
    gx, gy = grad(scalar, [one_x, one_y])
    assert math.isclose(root.data, scalar.data, rel_tol=1e-14)
    assert math.isclose(x_node.grad, gx / 3, rel_tol=1e-13)
    assert math.isclose(program.inputs[1].grad, gy / 3, rel_tol=1e-13)


def test_the_readme_lanes_example_prints_what_it_says(capsys) -> None:
    from pathlib import Path

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("## A whole batch at once: lanes", 1)[1].split("\n## ", 1)[0]
    block = section.split("```python\n", 1)[1].split("```", 1)[0]
    promised = [line[2:] for line in block.splitlines() if line.startswith("# ")]
    exec(compile(block, "README.md", "exec"), {})  # the README's own code, not user input
    assert capsys.readouterr().out.split("\n")[: len(promised)] == promised
