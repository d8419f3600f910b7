"""optim.lr_find, the learning-rate range test: checked against SGD on a quadratic solved by hand,
for leaving the model exactly as it was, for stopping on blow-ups, for clear errors, and on the moons."""

from __future__ import annotations

import math
import os
import subprocess
import sys

import pytest

from autograd import Value, no_grad
from optim import SGD, Adam, LRFinderResult, lr_find

# SGD on L(x) = (x − 3)²: ∂L/∂x = 2(x − 3), so x' − 3 = (1 − 2·lr)(x − 3)
# and L' = (1 − 2·lr)²·L.
# The loss shrinks iff |1 − 2·lr| < 1, i.e. 0 < lr < 1; every lr > 1 makes it grow. Divergence at lr = 1.
DIVERGES_ABOVE = 1.0
X0 = 0.0


def quadratic(x0: float = X0) -> tuple[Value, object]:
    x = Value(x0)
    return x, (lambda: (x - 3) ** 2)


def expected_losses(lrs: list[float], x0: float = X0) -> list[float]:
    """The loss before each step, from the closed form L_k = L_0·∏_{j<k} (1 − 2·lr_j)²."""
    out, loss = [], (x0 - 3.0) ** 2
    for lr in lrs:
        out.append(loss)
        loss *= (1.0 - 2.0 * lr) ** 2
    return out


def test_the_learning_rates_rise_geometrically_from_lr_min_to_lr_max():
    x = Value(0.0)
    # x·0 + 1 does not depend on x: the loss stays flat, nothing diverges, every rate is tried.
    result = lr_find(lambda: x * 0.0 + 1.0, [x], lr_min=1e-4, lr_max=1.0, steps=9)
    assert len(result.lrs) == 9
    for i, lr in enumerate(result.lrs):
        assert lr == pytest.approx(1e-4 * 10 ** (i / 2), rel=1e-12)
    assert result.lrs[-1] == 1.0
    assert not result.diverged and "lr_max" in result.stop_reason


def test_quadratic_without_smoothing_follows_the_closed_form_and_stops_past_lr_1():
    x, loss_fn = quadratic()
    result = lr_find(loss_fn, [x], smooth=0.0, diverge=4.0)
    want = expected_losses(result.lrs)
    for got, exp in zip(result.losses, want):
        assert got == pytest.approx(exp, rel=1e-9, abs=1e-300)
    assert result.smoothed == result.losses  # smooth=0 is no smoothing
    # The stop rule applied to the closed-form losses: the first loss more than (4 − 1) units above
    # the lowest before it, the unit being max(|lowest|, |first loss|).
    stop = next(
        k for k in range(1, len(want)) if want[k] - min(want[:k]) > 3.0 * max(abs(min(want[:k])), want[0])
    )
    assert len(result.lrs) == stop + 1
    assert result.diverged
    # The lowest loss is near 0, so the unit is the first loss, 9: the test stops once the loss is over
    # 27, three times where it started. The loss only falls while lr ≤ 1, so that is past lr = 1, and
    # past it the loss grows ×(2·lr − 1)² per step: with ≈ 10 rates per decade it climbs from its lowest
    # (≈ 1e-8) past 27 within the decade.
    assert result.losses[-1] > 27.0 and min(result.losses) < 1e-6
    assert DIVERGES_ABOVE < result.lrs[-2] < result.lrs[-1] < 10 * DIVERGES_ABOVE


def test_quadratic_with_default_smoothing_stops_above_the_threshold_and_suggests_below_it():
    x, loss_fn = quadratic()
    result = lr_find(loss_fn, [x])
    # The running average of a falling sequence falls, so no stop is possible while lr ≤ 1.
    assert result.diverged
    assert result.lrs[-1] > DIVERGES_ABOVE
    assert result.smoothed[-1] - min(result.smoothed) > 3 * 9.0  # the stop rule fired, at 3 first losses
    assert 1e-5 < result.suggestion < DIVERGES_ABOVE
    # The suggestion is a rate at which this problem trains: 50 SGD steps bring x close to 3.
    x2, loss2 = quadratic()
    opt = SGD([x2], lr=result.suggestion)
    for _ in range(50):
        opt.zero_grad()
        loss2().backward()
        opt.step()
    assert abs(x2.data - 3.0) < 1e-3


# f(x) = 2x² − 12x + 10 = −8 + 2(x − 3)² is negative near its minimum. SGD: f'(x) = 4(x − 3), so
# x' − 3 = (1 − 4·lr)(x − 3) and f' + 8 = (1 − 4·lr)²·(f + 8): it falls iff lr < 1/2.
def negative_losses(lrs, x0=2.5):
    out, excess = [], 2.0 * (x0 - 3.0) ** 2
    for lr in lrs:
        out.append(-8.0 + excess)
        excess *= (1.0 - 4.0 * lr) ** 2
    return out


def test_a_loss_that_goes_negative_is_swept_until_it_really_overshoots():
    x = Value(2.5)
    result = lr_find(lambda: 2 * x**2 - 12 * x + 10, [x], smooth=0.0)
    want = negative_losses(result.lrs)
    assert result.losses == pytest.approx(want, rel=1e-9, abs=1e-12)
    assert len(result.lrs) > 40  # not stopped after 2 steps as "over 4× its lowest (−7.5)"
    # Every rate up to 1/2 lowers the loss: the stop comes after them, once the loss is more than
    # 3 × 8 (|lowest| = 8 > |first| = 7.5) above its lowest, −8: over 16.
    assert result.diverged and result.lrs[-2] > 0.5
    assert result.losses[-1] > 16.0 and all(v <= 16.0 for v in result.losses[:-1])
    assert "above its lowest" in result.stop_reason
    assert result.suggestion is not None and 1e-5 < result.suggestion < 0.5
    # The suggestion trains: 100 SGD steps from 2.5 come close to the minimum at 3.
    x2 = Value(2.5)
    opt = SGD([x2], lr=result.suggestion)
    for _ in range(100):
        opt.zero_grad()
        (2 * x2**2 - 12 * x2 + 10).backward()
        opt.step()
    assert abs(x2.data - 3.0) < 1e-3


@pytest.mark.parametrize("smooth", [0.0, 0.9])
def test_a_hinge_loss_that_reaches_0_does_not_count_as_diverging(smooth):
    from nn import hinge_loss

    # Two mini-batches of one point each, label +1, at x = 1 and x = 0.5; the score is w·x. SGD pushes
    # w up while a point is inside the margin: the batch at x = 1 costs 0 once w ≥ 1, the other only
    # once w ≥ 2, so the losses go 0, positive, 0, positive, ... and then stay 0 (zero gradient).
    w = Value(0.0)
    calls = []

    def loss_fn():
        calls.append(1)
        x = 1.0 if len(calls) % 2 else 0.5
        return hinge_loss([w * x], [1])

    result = lr_find(loss_fn, [w], smooth=smooth)
    assert 0.0 in result.losses and result.losses[-1] == 0.0
    assert min(v for v in result.losses if v > 0) < 0.5  # a positive loss came after a 0
    # No rise above the lowest (0) is over 3 × the first loss (1), so every rate is tried.
    assert not result.diverged and len(result.lrs) == 60
    assert "lr_max" in result.stop_reason and result.suggestion is not None


def test_the_suggestion_is_where_a_known_smoothed_curve_falls_fastest():
    from optim.lr_find import suggest

    lrs = [10.0**k for k in range(-6, 2)]  # one point per decade
    # Falls by 0.1, 0.1, 0.5, 0.2, 0.1, then rises: the steepest fall is from 1e-4 to 1e-3 and back.
    smoothed = [2.0, 1.9, 1.8, 1.3, 1.1, 1.0, 3.0, 9.0]
    lr, why = suggest(lrs, smoothed)
    # Slopes over ±1 point (a quarter decade rounds up to one step):
    # at 1e-4 (1.3 − 1.9)/2 decades, at 1e-3 (1.1 − 1.8)/2 decades, the most negative.
    assert lr == pytest.approx(1e-3)
    assert "fastest" in why
    assert suggest(lrs, [1.0] * 8)[0] is None  # flat: no suggestion
    assert suggest(lrs[:2], [2.0, 1.0])[0] is None  # too few points


def test_parameters_are_restored_bitwise_and_gradients_zeroed():
    starts = [0.1 + 0.2, -1.0 / 3.0, 2.0**-40, 7.000000000000001]
    params = [Value(v) for v in starts]

    def loss_fn():
        total = Value(0.0)
        for i, p in enumerate(params):
            total = total + (p - (i + 1)) ** 2 * (i + 1)
        return total

    for factory in (None, lambda ps, lr: SGD(ps, lr=lr, momentum=0.9), lambda ps, lr: Adam(ps, lr=lr)):
        result = lr_find(loss_fn, params, optimizer_factory=factory, steps=30)
        assert len(result.lrs) > 5
        assert [p.data for p in params] == starts  # exact equality, bit for bit
        assert all(p.grad == 0.0 for p in params)


def test_restore_false_leaves_the_trained_values():
    x, loss_fn = quadratic()
    lr_find(loss_fn, [x], lr_max=0.5, steps=20, restore=False)
    assert x.data != X0
    assert abs(x.data - 3.0) < abs(X0 - 3.0)  # every rate ≤ 0.5 < 1 moves x toward 3


def test_parameters_are_restored_when_loss_fn_fails_midway():
    x, base = quadratic(1.25)
    calls = []

    def loss_fn():
        calls.append(1)
        return base() if len(calls) < 4 else 42.0  # a plain float, not a Value

    with pytest.raises(ValueError, match="must return an autograd Value.*float"):
        lr_find(loss_fn, [x])
    assert len(calls) == 4  # three real steps were taken before the failure
    assert x.data == 1.25 and x.grad == 0.0


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_a_non_finite_loss_stops_the_test(bad):
    x, base = quadratic()
    calls = []

    def loss_fn():
        calls.append(1)
        return base() if len(calls) < 6 else Value(bad) + 0.0 * x

    result = lr_find(loss_fn, [x])
    assert len(result.lrs) == 6 and len(calls) == 6  # stopped at once, no step on the bad loss
    assert result.diverged
    assert str(bad) in result.stop_reason
    assert x.data == X0
    assert result.suggestion is not None  # from the five finite points before it
    assert result.suggestion <= result.lrs[4]


def test_an_overflowing_loss_stops_the_test_instead_of_crashing():
    # Python's float power raises OverflowError instead of giving inf: (1e200)² does.
    x, base = quadratic()
    calls = []

    def loss_fn():
        calls.append(1)
        return base() if len(calls) < 5 else (x * 1e200 + 1e200) ** 2

    with pytest.raises(OverflowError):
        (Value(1e200)) ** 2
    result = lr_find(loss_fn, [x])
    assert result.diverged and len(result.lrs) == 5
    assert "overflow" in result.stop_reason
    assert math.isinf(result.losses[-1]) and math.isinf(result.smoothed[-1])
    assert x.data == X0


def test_the_optimizer_from_the_factory_is_stepped_with_each_rate():
    x, loss_fn = quadratic()
    seen = []

    class Spy(SGD):
        def step(self, closure=None):
            seen.append(self.param_groups[0]["lr"])
            return super().step(closure)

    made = []

    def factory(ps, lr):
        made.append((list(ps), lr))
        return Spy(ps, lr=lr)

    result = lr_find(loss_fn, [x], optimizer_factory=factory, lr_min=1e-3, lr_max=0.5, steps=12)
    assert len(made) == 1 and made[0][0] == [x] and made[0][1] == 1e-3
    assert seen == result.lrs  # one step per rate; the 0.5 ≤ 1 range never diverges


def test_it_works_inside_no_grad():
    x, loss_fn = quadratic()
    with no_grad():
        result = lr_find(loss_fn, [x], lr_max=0.5, steps=10)
    assert result.losses[-1] < result.losses[0]  # gradients flowed, so x moved toward 3


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"lr_min": 0.0}, "lr_min must be > 0"),
        ({"lr_min": -1e-3}, "lr_min must be > 0"),
        ({"lr_min": 1.0, "lr_max": 1.0}, "lr_max must be larger than lr_min"),
        ({"lr_min": 1.0, "lr_max": 0.1}, "lr_max must be larger than lr_min"),
        ({"lr_max": math.inf}, "lr_max=inf is not a finite real number"),
        ({"steps": 1}, "steps must be a whole number ≥ 2"),
        ({"steps": 10.0}, "steps must be a whole number ≥ 2"),
        ({"steps": True}, "steps must be a whole number ≥ 2"),
        ({"smooth": 1.0}, r"smooth must lie in \[0, 1\)"),
        ({"smooth": -0.1}, r"smooth must lie in \[0, 1\)"),
        ({"diverge": 1.0}, "diverge must be > 1"),
        ({"lr_min": "0.1"}, "lr_min='0.1' is not a finite real number"),
    ],
)
def test_bad_arguments_raise_clear_value_errors(kwargs, message):
    x, loss_fn = quadratic()
    with pytest.raises(ValueError, match=message):
        lr_find(loss_fn, [x], **kwargs)
    assert x.data == X0


def test_bad_params_and_functions():
    x, loss_fn = quadratic()
    with pytest.raises(ValueError, match="params is empty"):
        lr_find(loss_fn, [])
    with pytest.raises(ValueError, match="params is empty"):
        lr_find(loss_fn, iter([]))
    with pytest.raises(TypeError, match=r"params\[1\] is a float"):
        lr_find(loss_fn, [x, 1.0])
    with pytest.raises(TypeError, match="loss_fn must be a function"):
        lr_find((x - 3) ** 2, [x])
    with pytest.raises(TypeError, match="optimizer_factory must be a function"):
        lr_find(loss_fn, [x], optimizer_factory=SGD([x], lr=0.1))
    with pytest.raises(TypeError, match="optimizer_factory returned a list"):
        lr_find(loss_fn, [x], optimizer_factory=lambda ps, lr: [])
    with pytest.raises(ValueError, match="must return an autograd Value.*NoneType"):
        lr_find(lambda: None, [x])


def test_a_single_value_is_accepted_as_params():
    x, loss_fn = quadratic()
    result = lr_find(loss_fn, x, lr_max=0.5, steps=5)
    assert len(result.lrs) == 5


def test_the_summary_reads_well():
    x, loss_fn = quadratic()
    result = lr_find(loss_fn, [x])
    text = str(result)
    lines = text.splitlines()
    assert lines[0].startswith(f"LR range test: {len(result.lrs)} steps")
    assert f"Suggested learning rate ≈ {result.suggestion:.3g}" in text
    assert "starting point" in text and "← suggested" in text
    assert len(lines) <= 14  # a few rows, not all 60
    assert "suggestion=" in repr(result)
    flat = lr_find(lambda: x * 0.0 + 1.0, [x], steps=5)
    assert flat.suggestion is None
    assert "No suggestion: the smoothed loss never went down" in str(flat)


def test_the_suggested_lr_trains_the_moons_mlp():
    from nn import MLP, fit, hinge_loss
    from nn.datasets import make_moons

    X, y = make_moons(60, noise=0.1, seed=1)
    rows = [[float(v) for v in r] for r in X]
    labels = [int(t) for t in y]
    model = MLP(2, [16, 16, 1], rng=1)
    before = model.state_dict()
    result = lr_find(lambda: hinge_loss([model(r) for r in rows], labels), model.parameters())
    assert model.state_dict() == before  # the range test did not train the model
    assert result.suggestion is not None and 1e-3 < result.suggestion < 10.0
    fresh = MLP(2, [16, 16, 1], rng=1)
    optimizer = SGD(fresh.parameters(), lr=result.suggestion)
    history = fit(fresh, X, y, "hinge", optimizer, epochs=60, progress=False)
    assert history.accuracy[-1] >= 0.90


def test_save_plot_writes_a_png_atomically(tmp_path):
    x, loss_fn = quadratic()
    result = lr_find(loss_fn, [x])
    target = tmp_path / "lr_find.png"
    target.write_bytes(b"old")
    assert result.save_plot(target) == target
    data = target.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 5000
    assert os.listdir(tmp_path) == ["lr_find.png"]  # no temporary file left behind
    with pytest.raises(FileNotFoundError):
        result.save_plot(tmp_path / "no such folder" / "x.png")
    assert os.listdir(tmp_path) == ["lr_find.png"]


def test_plot_draws_on_a_given_axes_with_labels_and_the_suggestion():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    x, loss_fn = quadratic()
    result = lr_find(loss_fn, [x])
    fig, ax = plt.subplots()
    try:
        assert result.plot(ax) is ax
        assert ax.get_xscale() == "log"
        assert "learning rate" in ax.get_xlabel() and "loss" in ax.get_ylabel()
        assert ax.get_title()
        vertical = [line for line in ax.get_lines() if list(line.get_xdata()) == [result.suggestion] * 2]
        assert vertical, "the suggestion is marked by a vertical line"
        # The blow-up at the end is cut off, so the fall stays visible: the top is near the start.
        assert ax.get_ylim()[1] < 2 * result.losses[0] < max(result.losses)
    finally:
        plt.close(fig)
    empty = LRFinderResult()
    fig, ax = plt.subplots()
    try:
        empty.plot(ax)  # no data: a message, not a crash
    finally:
        plt.close(fig)
    assert str(empty) == "LR range test: no steps were taken"


def test_importing_optim_does_not_import_matplotlib():
    code = "import sys, optim; optim.lr_find; print('matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
