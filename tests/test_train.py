"""nn.fit: the loop's order of events, the STOP rule, history, mini-batches, losses by name, and that
a small MLP really learns the moons."""

from __future__ import annotations

import math

import numpy as np
import pytest

from nn import MLP, fit, mse_loss, predict
from nn.datasets import make_blobs, make_moons
from optim import SGD
from optim.lr_scheduler import ExponentialLR


def moons(n=40, seed=0):
    return make_moons(n, noise=0.1, seed=seed)


def test_an_mlp_learns_the_moons_to_at_least_95_percent():
    X, y = make_moons(60, noise=0.1, seed=1)
    model = MLP(2, [16, 16, 1], rng=1)

    class StopAt95:
        def on_epoch_end(self, epoch, logs):
            return logs["accuracy"] >= 0.97

    history = fit(
        model,
        X,
        y,
        "hinge",
        SGD(model.parameters(), lr=0.1, momentum=0.9),
        epochs=150,
        progress=False,
        callbacks=[StopAt95()],
        l2=1e-4,
    )
    scores = [out.data for out in predict(model, X)]
    right = sum((s > 0) == bool(t) for s, t in zip(scores, y))  # counted here, not by fit
    assert right / len(y) >= 0.95
    assert history.accuracy[-1] == pytest.approx(right / len(y))
    assert history.loss[-1] < history.loss[0]


class Spy:
    """An optimizer wrapper and callback that logs the order of events."""

    def __init__(self, model, lr=0.05):
        self.inner = SGD(model.parameters(), lr=lr)
        self.param_groups = self.inner.param_groups
        self.model = model
        self.events = []

    def zero_grad(self):
        self.events.append("zero_grad")
        self.inner.zero_grad()

    def step(self):
        self.events.append("step")
        self.inner.step()

    def on_step(self, loss, model, step):
        assert model is self.model and loss.grad == 1.0  # backward has run on this very loss
        assert any(p.grad != 0 for p in model.parameters())
        self.events.append(f"on_step {step}")

    def on_epoch_end(self, epoch, logs):
        assert set(logs) == {"loss", "accuracy", "lr"}
        self.events.append(f"epoch {epoch}")


def test_callbacks_run_after_backward_and_before_the_step():
    X, y = moons(12)
    model = MLP(2, [4, 1], rng=0)
    spy = Spy(model)
    fit(model, X, y, "hinge", spy, epochs=2, batch_size=6, progress=False, callbacks=[spy])
    assert spy.events == [
        "zero_grad",
        "on_step 0",
        "step",
        "zero_grad",
        "on_step 1",
        "step",
        "epoch 0",
        "zero_grad",
        "on_step 2",
        "step",
        "zero_grad",
        "on_step 3",
        "step",
        "epoch 1",
    ]


def test_mini_batches_take_ceil_n_over_batch_size_steps_per_epoch():
    X, y = moons(25)
    model = MLP(2, [4, 1], rng=0)
    history = fit(
        model, X, y, "hinge", SGD(model.parameters(), lr=0.05), epochs=3, batch_size=10, progress=False, rng=0
    )
    assert history.steps == 3 * 3 and history.epochs == 3


def test_history_loss_is_the_loss_of_the_model_at_the_end_of_each_epoch():
    X, y = moons(30)
    model = MLP(2, [5, 1], rng=2)
    history = fit(model, X, y, "hinge", SGD(model.parameters(), lr=0.1), epochs=4, progress=False, l2=0.01)
    scores = [out.data for out in predict(model, X)]
    signs = [1 if t == 1 else -1 for t in y]
    hinge = sum(max(0.0, 1 - s * t) for s, t in zip(scores, signs)) / len(y)
    penalty = 0.01 * sum(p.data**2 for p in model.parameters())
    assert history.loss[-1] == pytest.approx(hinge + penalty, rel=1e-12)
    right = sum((s > 0) == (t == 1) for s, t in zip(scores, y))
    assert history.accuracy[-1] == pytest.approx(right / len(y))
    assert history.lr == [0.1] * 4


def test_stop_loss_ends_training_early_with_a_reason():
    X, y = moons(30)
    model = MLP(2, [8, 1], rng=0)
    history = fit(
        model,
        X,
        y,
        "hinge",
        SGD(model.parameters(), lr=0.1, momentum=0.9),
        epochs=500,
        stop_loss=0.3,
        progress=False,
    )
    assert history.stopped_early and history.epochs < 500
    assert history.loss[-1] <= 0.3 and all(v > 0.3 for v in history.loss[:-1])
    assert "stop_loss" in history.stop_reason


def test_patience_stops_when_the_loss_no_longer_improves():
    X, y = moons(20)
    model = MLP(2, [3, 1], rng=0)

    def flat(outs, ys):  # a loss that no step can lower
        return mse_loss(outs, ys) * 0.0 + 1.0

    history = fit(model, X, y, flat, SGD(model.parameters(), lr=0.1), epochs=200, patience=3, progress=False)
    assert history.stopped_early and history.epochs == 1 + 3
    assert "no improvement" in history.stop_reason


def test_a_diverging_run_stops_and_says_why():
    X = np.array([[3.0], [-2.0], [4.0]])
    y = np.array([10.0, -7.5, 12.0])
    model = MLP(1, [1], rng=0)
    history = fit(model, X, y, "mse", SGD(model.parameters(), lr=10.0), epochs=1000, progress=False)
    assert history.stopped_early and "diverged" in history.stop_reason
    assert not math.isfinite(history.loss[-1])
    assert history.accuracy[-1] is None  # real-valued targets: no accuracy


def test_losses_by_name_and_as_functions_give_the_same_history():
    X, y = moons(20)
    runs = []
    for loss in ("bce", lambda outs, ys: __import__("nn").binary_cross_entropy(outs, ys, from_logits=True)):
        model = MLP(2, [4, 1], rng=5)
        runs.append(fit(model, X, y, loss, SGD(model.parameters(), lr=0.1), epochs=3, progress=False).loss)
    assert runs[0] == runs[1]
    with pytest.raises(ValueError, match="unknown loss"):
        fit(MLP(2, [1], rng=0), X, y, "l1", SGD(MLP(2, [1], rng=0).parameters(), lr=0.1), epochs=1)


def test_cross_entropy_on_three_blobs_uses_argmax_accuracy():
    X, y = make_blobs(60, centers=[(-3.0, 0.0), (3.0, 0.0), (0.0, 4.0)], cluster_std=0.4, seed=0)
    model = MLP(2, [3], rng=0)
    history = fit(model, X, y, "cross_entropy", SGD(model.parameters(), lr=0.2), epochs=40, progress=False)
    outs = predict(model, X)
    right = sum(int(np.argmax([o.data for o in out])) == t for out, t in zip(outs, y))
    assert history.accuracy[-1] == pytest.approx(right / len(y)) and right / len(y) >= 0.9


def test_a_scheduler_changes_the_lr_each_epoch():
    X, y = moons(10)
    model = MLP(2, [2, 1], rng=0)
    opt = SGD(model.parameters(), lr=0.4)
    history = fit(
        model, X, y, "hinge", opt, epochs=4, progress=False, scheduler=ExponentialLR(opt, gamma=0.5)
    )
    assert history.lr == pytest.approx([0.4, 0.2, 0.1, 0.05])


def test_progress_bar_goes_to_stderr_only_when_asked(capsys):
    X, y = moons(10)
    model = MLP(2, [2, 1], rng=0)
    fit(model, X, y, "hinge", SGD(model.parameters(), lr=0.1), epochs=2, progress=False)
    assert capsys.readouterr().err == ""
    fit(model, X, y, "hinge", SGD(model.parameters(), lr=0.1), epochs=2, progress=True)
    assert "2/2" in capsys.readouterr().err


@pytest.mark.parametrize(
    "kwargs, words",
    [
        ({"epochs": 0}, "epochs"),
        ({"batch_size": 0}, "batch_size"),
        ({"patience": 0}, "patience"),
        ({"l2": -1.0}, "l2"),
    ],
)
def test_bad_settings_are_refused(kwargs, words):
    X, y = moons(10)
    model = MLP(2, [2, 1], rng=0)
    settings = {"epochs": 1, **kwargs}
    with pytest.raises(ValueError, match=words):
        fit(model, X, y, "hinge", SGD(model.parameters(), lr=0.1), progress=False, **settings)


def test_x_and_y_must_pair_up():
    X, y = moons(10)
    model = MLP(2, [2, 1], rng=0)
    with pytest.raises(ValueError, match="10 examples but y has 9 targets"):
        fit(model, X, y[:9], "hinge", SGD(model.parameters(), lr=0.1), epochs=1, progress=False)


# ---- arguments are checked before any training -------------------------------------------------------------
class CountingSGD(SGD):
    """SGD that counts its steps, to prove a refused call trained nothing."""

    steps = 0

    def step(self, closure=None):
        CountingSGD.steps += 1
        return super().step(closure)


@pytest.mark.parametrize(
    "kwargs, words",
    [
        ({"stop_loss": "0.1"}, "stop_loss"),
        ({"stop_loss": math.nan}, "stop_loss"),
        ({"stop_loss": True}, "stop_loss"),
        ({"min_delta": -0.1}, "min_delta"),
        ({"min_delta": 1.0}, "min_delta"),
        ({"min_delta": "1e-4"}, "min_delta"),
        ({"l2": True}, "l2"),
        ({"progress": "no"}, "progress"),
    ],
)
def test_bad_settings_are_refused_before_the_first_step(kwargs, words):
    X, y = moons(10)
    model = MLP(2, [2, 1], rng=0)
    CountingSGD.steps = 0
    before = model.state_dict()
    with pytest.raises(ValueError, match=words):
        fit(model, X, y, "hinge", CountingSGD(model.parameters(), lr=0.1), epochs=3, **kwargs)
    assert CountingSGD.steps == 0 and model.state_dict() == before


@pytest.mark.parametrize(
    "kwargs, words",
    [
        ({"callbacks": [object()]}, "callback"),
        ({"scheduler": 0.5}, "scheduler"),
    ],
)
def test_bad_callbacks_and_schedulers_are_refused_before_the_first_step(kwargs, words):
    X, y = moons(10)
    model = MLP(2, [2, 1], rng=0)
    CountingSGD.steps = 0
    with pytest.raises(TypeError, match=words):
        fit(model, X, y, "hinge", CountingSGD(model.parameters(), lr=0.1), epochs=3, progress=False, **kwargs)
    assert CountingSGD.steps == 0


# ---- patience and min_delta --------------------------------------------------------------------------------
def test_patience_stops_a_loss_that_only_crawls():
    # lr = 1e-9: each epoch lowers the hinge loss by a few parts in a billion, far below the default
    # min_delta of 1e-4 × the best loss, so after the first epoch no epoch is a new best.
    X, y = moons(20)
    model = MLP(2, [3, 1], rng=0)
    opt = SGD(model.parameters(), lr=1e-9)
    history = fit(model, X, y, "hinge", opt, epochs=50, patience=3, progress=False)
    assert history.stopped_early and history.epochs == 1 + 3
    assert "no improvement" in history.stop_reason and "min_delta" in history.stop_reason
    assert history.loss[-1] < history.loss[0]  # it did fall, just too little to count
    assert (history.loss[0] - history.loss[-1]) < 1e-4 * history.loss[0]


def test_min_delta_0_counts_any_decrease():
    X, y = moons(20)
    model = MLP(2, [3, 1], rng=0)
    opt = SGD(model.parameters(), lr=1e-9)
    history = fit(model, X, y, "hinge", opt, epochs=8, patience=3, min_delta=0.0, progress=False)
    assert all(b < a for a, b in zip(history.loss, history.loss[1:]))  # strictly falling, every epoch
    assert not history.stopped_early and history.epochs == 8


@pytest.mark.parametrize("scale", [1.0, 1e-4, 1e6])
def test_min_delta_is_relative_to_the_best_loss(scale):
    # Epoch losses scripted by hand (× scale): 100 → 99.995 and 99.992 are within 1e-4 × 100 = 0.01 of
    # the best, so no new best; 99.0 is; 98.999, 98.998, 98.997 are within 1e-4 × 99 = 0.0099 of it,
    # so the third of them ends the run. The same count at every scale: the margin is relative.
    script = iter(v * scale for v in [100.0, 99.995, 99.992, 99.0, 98.999, 98.998, 98.997, 1.0, 0.5])
    calls = []

    def loss(outs, ys):  # fit calls it for the step, then for the epoch's evaluation
        calls.append(1)
        base = mse_loss(outs, ys) * 0.0
        return base + next(script) if len(calls) % 2 == 0 else base

    X, y = moons(4)
    model = MLP(2, [1], rng=0)
    history = fit(model, X, y, loss, SGD(model.parameters(), lr=0.1), epochs=20, patience=3, progress=False)
    assert history.epochs == 7 and history.stopped_early
    assert "no improvement" in history.stop_reason


# ---- accuracy only for classification losses ---------------------------------------------------------------
def test_mse_on_integer_targets_reports_no_accuracy():
    X = np.array([[0.0], [1.0], [2.0], [3.0], [4.0]])
    y = np.array([0, 2, 4, 6, 8])  # a regression whose targets happen to be whole numbers
    model = MLP(1, [1], rng=0)
    history = fit(model, X, y, "mse", SGD(model.parameters(), lr=0.01), epochs=3, progress=False)
    assert history.accuracy == [None, None, None]
    assert "accuracy" not in repr(history)


def test_a_custom_loss_function_reports_no_accuracy_but_nn_classifiers_do():
    X, y = moons(20)
    for loss, has_accuracy in [
        (lambda outs, ys: mse_loss(outs, ys), False),
        (mse_loss, False),
        ("bce", True),
        (__import__("nn").hinge_loss, True),
    ]:
        model = MLP(2, [3, 1], rng=0)
        history = fit(model, X, y, loss, SGD(model.parameters(), lr=0.05), epochs=2, progress=False)
        assert (history.accuracy[-1] is not None) == has_accuracy, loss


def test_bce_accuracy_counts_raw_scores_above_0_as_class_1():
    X, y = moons(30)
    model = MLP(2, [4, 1], rng=3)
    history = fit(model, X, y, "bce", SGD(model.parameters(), lr=0.1), epochs=3, progress=False)
    scores = [out.data for out in predict(model, X)]
    right = sum((s > 0) == (t == 1) for s, t in zip(scores, y))
    assert history.accuracy[-1] == pytest.approx(right / len(y))


def test_bce_on_probabilities_cuts_at_one_half():
    from nn import binary_cross_entropy

    X = np.array([[0.2], [0.4], [0.6], [0.8]])
    y = np.array([0, 0, 1, 0])
    model = MLP(1, [1], rng=0)
    model.layers[0].neurons[0].w[0].data, model.layers[0].neurons[0].b.data = 1.0, 0.0  # output = x

    class Freeze:  # an optimizer that leaves the model alone, so the outputs stay x
        param_groups = [{"lr": 0.0}]

        def zero_grad(self):
            pass

        def step(self):
            pass

    history = fit(model, X, y, binary_cross_entropy, Freeze(), epochs=1, progress=False)
    # outputs 0.2, 0.4, 0.6, 0.8 cut at 0.5 → classes 0, 0, 1, 1; the labels 0, 0, 1, 0: 3 of 4 right
    # (a cut at 0, right for raw scores, would call all four class 1: 1 of 4).
    assert history.accuracy == [0.75]
