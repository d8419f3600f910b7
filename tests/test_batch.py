"""nn on lanes: ``fit(..., lanes=True)`` and ``forward_batch`` against the scalar path they replace."""

from __future__ import annotations

import math

import numpy as np
import pytest

from autograd import Value, no_grad
from autograd.lanes import LanesBranchError
from nn import MLP, fit
from nn.batch import forward_batch, sample_max
from nn.datasets import make_moons, make_spiral
from nn.losses import binary_cross_entropy, cross_entropy, hinge_loss
from optim import SGD


def _train(loss: str, lanes: bool, classes: int = 2, batch_size: int | None = None, l2: float = 0.0):
    if classes == 2:
        X, y = make_moons(40, noise=0.1, seed=3)
        model = MLP(2, [8, 8, 1], rng=1)
        if loss == "mse":
            y = y.astype(float) * 2.0 - 0.5
    else:
        X, y = make_spiral(45, n_classes=classes, noise=0.1, seed=3)
        model = MLP(2, [8, 8, classes], rng=1)
    opt = SGD(model.parameters(), lr=0.1, momentum=0.9)  # (Adam would magnify the rounding of near-zero grads)
    history = fit(model, X, y, loss, opt, epochs=4, batch_size=batch_size, progress=False, lanes=lanes, rng=5,
                  l2=l2)
    return history, [p.data for p in model.parameters()]


@pytest.mark.parametrize("loss, classes", [("hinge", 2), ("mse", 2), ("bce", 2), ("cross_entropy", 3)])
@pytest.mark.parametrize("batch_size, l2", [(None, 0.0), (16, 1e-3)])
def test_fit_on_lanes_trains_like_the_scalar_engine(loss: str, classes: int, batch_size, l2: float) -> None:
    scalar, p_scalar = _train(loss, False, classes, batch_size, l2)
    lanes, p_lanes = _train(loss, True, classes, batch_size, l2)
    assert lanes.steps == scalar.steps
    for a, b in zip(lanes.loss, scalar.loss):
        assert math.isclose(a, b, rel_tol=1e-9), (lanes.loss, scalar.loss)
    assert lanes.accuracy == scalar.accuracy
    assert np.allclose(p_lanes, p_scalar, rtol=1e-9, atol=1e-12)


def test_forward_batch_equals_the_model_on_each_row() -> None:
    X, _ = make_spiral(30, n_classes=3, seed=0)
    model = MLP(2, [6, 3], rng=2)
    got = forward_batch(model, X)
    with no_grad():
        expected = np.array([[o.data for o in model(list(x))] for x in X])
    assert got.shape == (30, 3) and np.allclose(got, expected, rtol=1e-13, atol=1e-15)
    one = MLP(2, [4, 1], rng=0)
    assert forward_batch(one, X).shape == (30,)


def test_sample_max_is_the_max_and_passes_the_gradient_to_it() -> None:
    a, b, c = Value(1.0), Value(4.0), Value(-2.0)
    top = sample_max([a, b, c])
    top.backward()
    assert top.data == 4.0 and (a.grad, b.grad, c.grad) == (0.0, 1.0, 0.0)


def test_the_per_sample_cross_entropy_equals_nn_losses() -> None:
    from nn.batch import SAMPLE_LOSSES

    logits = [Value(0.3), Value(-1.2), Value(2.5)]
    per_sample = SAMPLE_LOSSES["cross_entropy"][0]
    for target in range(3):
        onehot = [Value(1.0 if k == target else 0.0) for k in range(3)]
        assert math.isclose(per_sample(logits, onehot).data, cross_entropy(logits, target).data, rel_tol=1e-14)


def test_probability_bce_on_lanes_says_what_to_use() -> None:
    X, y = make_moons(10, seed=0)
    model = MLP(2, [4, 1], rng=0)
    with pytest.raises(ValueError, match="loss='bce'"):
        fit(model, X, y, binary_cross_entropy, SGD(model.parameters(), lr=0.1), epochs=1, progress=False, lanes=True)


def test_a_custom_loss_that_takes_the_target_out_of_the_graph_is_caught() -> None:
    X, y = make_moons(20, seed=0)
    model = MLP(2, [4, 1], rng=0)

    def my_hinge(scores, labels):  # nn's hinge_loss reads each label as a number: a constant per sample
        return hinge_loss(scores, [int(t.data) if isinstance(t, Value) else t for t in labels])

    with pytest.raises(LanesBranchError, match="constant"):
        fit(model, X, y, my_hinge, SGD(model.parameters(), lr=0.1), epochs=1, progress=False, lanes=True)


def test_on_step_gets_one_samples_loss_graph() -> None:
    X, y = make_moons(12, seed=0)
    model = MLP(2, [4, 1], rng=0)
    seen = []

    class Spy:
        def on_step(self, loss, model, step):
            seen.append((loss.data, len(loss.parents)))

    fit(model, X, y, "hinge", SGD(model.parameters(), lr=0.1), epochs=2, progress=False, lanes=True,
        callbacks=[Spy()])
    assert len(seen) == 2 and all(n > 0 for _, n in seen)
