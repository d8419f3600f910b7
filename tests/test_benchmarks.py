"""The benchmark harness: its plain-float floor computes the right numbers, and a tiny run works end to end.

The floor is checked against independent oracles (central differences of its own loss, closed forms of
the chain) and against gradstep's autograd on the same network; nothing here times anything.
"""

from __future__ import annotations

import gc
import importlib.util
import json
import math
import random
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # benchmarks/ is a folder of the repository, not an installed package
    sys.path.insert(0, str(ROOT))

from benchmarks import floats, timing  # noqa: E402
from benchmarks.__main__ import main  # noqa: E402
from benchmarks.engines import FloatTrainer, Gradstep, load_engines  # noqa: E402
from benchmarks.report import Table  # noqa: E402
from benchmarks.workloads import Row, initial_params, moons  # noqa: E402

HAS_MICROGRAD = importlib.util.find_spec("micrograd") is not None


def _problem(seed: int = 3, n: int = 10, layers: tuple[int, ...] = (5, 4, 1)):
    X, Y, _ = moons(n, noise=0.1, seed=seed)
    params = initial_params(2, layers, seed=seed)
    rng = random.Random(seed)
    for layer in params:  # non-zero biases, so their gradients are exercised too
        for j, (w, _) in enumerate(layer):
            layer[j] = (w, rng.uniform(-0.5, 0.5))
    return X, Y, params


def _with_flat(params: floats.Params, flat: list[float]) -> floats.Params:
    it = iter(flat)
    return [[([next(it) for _ in w], next(it)) for w, _ in layer] for layer in params]


def test_float_mlp_gradients_match_central_differences():
    X, Y, params = _problem()
    alpha = 1e-2  # large enough that the L2 term's gradient matters in the comparison
    loss, grads = floats.FloatMLP(params).loss_and_grads(X, Y, alpha)
    flat, flat_grads = floats.flatten(params), floats.flatten(grads)
    h = 1e-6
    for i in range(len(flat)):
        up, down = list(flat), list(flat)
        up[i] += h
        down[i] -= h
        f_up, _ = floats.FloatMLP(_with_flat(params, up)).loss_and_grads(X, Y, alpha)
        f_down, _ = floats.FloatMLP(_with_flat(params, down)).loss_and_grads(X, Y, alpha)
        numeric = (f_up - f_down) / (2 * h)
        assert flat_grads[i] == pytest.approx(numeric, rel=1e-4, abs=1e-7), f"parameter {i}"
    assert loss > 0


def test_float_mlp_loss_matches_a_direct_formula():
    X, Y, params = _problem()
    alpha = 1e-3

    def score(x):
        h = list(x)
        for k, layer in enumerate(params):
            z = [b + sum(wi * hi for wi, hi in zip(w, h)) for w, b in layer]
            h = z if k == len(params) - 1 else [max(0.0, v) for v in z]
        return h[0]

    expected = sum(max(0.0, 1 - y * score(x)) for x, y in zip(X, Y)) / len(X)
    expected += alpha * sum(p * p for p in floats.flatten(params))
    loss, _ = floats.FloatMLP(params).loss_and_grads(X, Y, alpha)
    assert loss == pytest.approx(expected, rel=1e-12)


def test_float_mlp_step_and_gradstep_agree():
    X, Y, params = _problem()
    alpha, lr = 1e-4, 0.1
    gradstep = Gradstep().trainer(params, X, Y, lr, alpha)
    floor = FloatTrainer(params, X, Y, lr, alpha)
    loss_g, grads_g = gradstep.loss_and_grads()
    loss_f, grads_f = floor.loss_and_grads()
    assert loss_f == pytest.approx(loss_g, rel=1e-12)
    assert len(grads_f) == len(grads_g) == len(floats.flatten(params))
    for i, (gf, gg) in enumerate(zip(grads_f, grads_g)):
        assert gf == pytest.approx(gg, rel=1e-9, abs=1e-12), f"parameter {i}"
    # a step moves every parameter by −lr·grad, and the two stay in step afterwards
    before = floats.flatten(floor.mlp.params)
    floor.step()
    gradstep.step()
    after = floats.flatten(floor.mlp.params)
    for b, a, g in zip(before, after, grads_f):
        assert a == pytest.approx(b - lr * g, rel=1e-12, abs=1e-15)
    assert floor.loss_and_grads()[0] == pytest.approx(gradstep.loss_and_grads()[0], rel=1e-9)


@pytest.mark.skipif(not HAS_MICROGRAD, reason="micrograd is not installed (it comes with the dev extra: make install)")
def test_micrograd_trainer_computes_the_same_step():
    X, Y, params = _problem()
    mg = next(e for e in load_engines() if e.key == "micrograd")
    loss_m, grads_m = mg.trainer(params, X, Y, 0.1, 1e-4).loss_and_grads()
    loss_f, grads_f = FloatTrainer(params, X, Y, 0.1, 1e-4).loss_and_grads()
    assert loss_m == pytest.approx(loss_f, rel=1e-12)
    assert grads_m == pytest.approx(grads_f, rel=1e-9, abs=1e-12)


def test_float_chain_backward_matches_closed_forms():
    a, b, y0, n = 0.9, 0.3, 1.7, 25
    tape = floats.chain_forward(a, b, y0, n)
    ga, gb, gy0 = floats.chain_backward(tape, a)
    assert gy0 == pytest.approx(a**n, rel=1e-12)  # y_n = aⁿ·y0 + b·Σ aᵏ
    assert gb == pytest.approx((1 - a**n) / (1 - a), rel=1e-12)

    def final(a_):
        y = y0
        for _ in range(n):
            y = y * a_ + b
        return y

    h = 1e-6
    assert ga == pytest.approx((final(a + h) - final(a - h)) / (2 * h), rel=1e-6)


def test_float_wide_sum():
    xs, ys = [1.0, -2.0, 3.5], [0.5, 4.0, -1.0]
    assert floats.wide_forward(xs, ys) == pytest.approx(0.5 - 8.0 - 3.5)
    gx, gy = floats.wide_backward(xs, ys, 2.0)
    assert gx == [1.0, 8.0, -2.0] and gy == [2.0, -4.0, 7.0]


def test_call_deep_restores_the_interpreter_and_passes_errors_on():
    limit = sys.getrecursionlimit()

    def depth(n):
        return 0 if n == 0 else 1 + depth(n - 1)

    assert timing.call_deep(lambda: depth(20_000)) == 20_000
    assert sys.getrecursionlimit() == limit
    with pytest.raises(ZeroDivisionError):
        timing.call_deep(lambda: 1 / 0)
    assert sys.getrecursionlimit() == limit


def test_interleave_runs_round_robin_and_records_failures():
    order: list[str] = []

    def broken(_):
        raise RuntimeError("boom")

    cases = [
        timing.Case("k", "A", lambda: None, lambda _: order.append("A")),
        timing.Case("k", "B", lambda: None, broken),
        timing.Case("k", "C", lambda: None, lambda _: order.append("C")),
    ]
    timing.interleave(cases, repeats=3, warmup=1)
    assert order == ["A", "C"] * 4
    assert len(cases[0].samples) == 3 and cases[1].median is None
    assert "boom" in cases[1].error


def test_table_ratios_compare_gradstep_with_micrograd_and_the_floor():
    plus = Row("wide_plus_fwd", "plus", "ns", values={"gradstep": 50.0, "micrograd": 1000.0, "floats": 25.0})
    dot = Row("wide_dot_fwd", "dot", "ns", values={"gradstep": 20.0}, compare_with="wide_plus_fwd")
    table = Table([plus, dot], {"torch": "not installed"})
    text = table.text()
    assert "20.0×" in table.cells[0] and "2.0×" in table.cells[0]  # 1000/50 faster, 50/25 above the floor
    assert "50.0×" in table.cells[1]
    assert table.cells[1][-1] == "0.8×"  # dot against the floor's + loop
    assert "not installed" in text
    assert table.markdown().startswith("| measurement |")


def test_quick_run_writes_results(tmp_path, capsys):
    limit, threshold = sys.getrecursionlimit(), gc.get_threshold()
    assert main(["--quick", "--out", str(tmp_path)]) == 0
    assert gc.isenabled() and gc.get_threshold() == threshold and sys.getrecursionlimit() == limit
    printed = capsys.readouterr().out
    assert "gradstep÷micrograd" in printed and "torch" in printed
    data = json.loads((tmp_path / "results.json").read_text())
    assert {"date", "cpu", "cores", "python", "platform"} <= set(data["machine"])
    rows = {r["key"]: r for r in data["rows"]}
    for key in ("chain_fwd", "chain_bwd", "wide_plus_fwd", "wide_dot_bwd", "mlp_step", "bytes_per_node"):
        value = rows[key]["values"]["gradstep"]
        assert isinstance(value, float) and math.isfinite(value) and value > 0, key
    assert data["deepest"]["gradstep"]["ok"] is True
    assert len(data["training_memory"]["gradstep"]["blocks_after_each_step"]) == data["sizes"]["memory_steps"]
    agreement = data["mlp"]["agreement"]["gradstep"]
    assert agreement["max_abs_grad_diff"] < 1e-9
    if HAS_MICROGRAD:
        assert rows["mlp_step"]["speedup_vs_micrograd"] > 0
        assert data["deepest"]["micrograd"]["ok"] is False
    assert "| measurement |" in (tmp_path / "results.md").read_text()
